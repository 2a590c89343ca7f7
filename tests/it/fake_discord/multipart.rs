//! The multipart/form-data bodies Discord takes for messages with files: a `payload_json` part
//! (the message's JSON) and one `files[n]` part per file. The fake keeps the JSON as the
//! request's body, so it is checked like any other, and the files beside it.

/// One file part as the bot sent it.
#[derive(Debug, Clone, PartialEq)]
pub struct FilePart {
    /// The form field, e.g. `files[0]`.
    pub field: String,
    pub filename: String,
    pub content_type: Option<String>,
    pub data: Vec<u8>,
}

/// The boundary of a `multipart/form-data` content type, if it is one.
pub fn boundary(content_type: &str) -> Option<String> {
    let (kind, params) = content_type.split_once(';')?;
    if !kind.trim().eq_ignore_ascii_case("multipart/form-data") {
        return None;
    }
    params.split(';').find_map(|p| {
        let (k, v) = p.trim().split_once('=')?;
        k.eq_ignore_ascii_case("boundary")
            .then(|| v.trim_matches('"').to_string())
    })
}

fn find(hay: &[u8], needle: &[u8], from: usize) -> Option<usize> {
    hay.get(from..)?
        .windows(needle.len())
        .position(|w| w == needle)
        .map(|i| i + from)
}

/// A `name="value"` parameter of a Content-Disposition header.
fn param(header: &str, name: &str) -> Option<String> {
    let key = format!("{name}=\"");
    let start = header.find(&key)? + key.len();
    let end = header[start..].find('"')? + start;
    Some(header[start..end].to_string())
}

/// The body's parts: `payload_json` parsed, and the files. `None` when it is not well formed.
pub fn parse(body: &[u8], boundary: &str) -> Option<(serde_json::Value, Vec<FilePart>)> {
    let delimiter = format!("--{boundary}").into_bytes();
    let mut payload = None;
    let mut files = vec![];
    let mut at = find(body, &delimiter, 0)? + delimiter.len();
    loop {
        if body.get(at..at + 2)? == b"--" {
            break;
        }
        at += 2; // CRLF after the delimiter
        let head_end = find(body, b"\r\n\r\n", at)?;
        let head = std::str::from_utf8(&body[at..head_end]).ok()?;
        let data_start = head_end + 4;
        let mut next = delimiter.clone();
        next.splice(0..0, b"\r\n".iter().copied());
        let data_end = find(body, &next, data_start)?;
        let data = body[data_start..data_end].to_vec();
        let disposition = head
            .lines()
            .find(|l| l.to_ascii_lowercase().starts_with("content-disposition:"))?;
        let content_type = head
            .lines()
            .find_map(|l| {
                l.split_once(':')
                    .filter(|(k, _)| k.eq_ignore_ascii_case("content-type"))
            })
            .map(|(_, v)| v.trim().to_string());
        let field = param(disposition, "name")?;
        match param(disposition, "filename") {
            Some(filename) => files.push(FilePart {
                field,
                filename,
                content_type,
                data,
            }),
            None if field == "payload_json" => payload = serde_json::from_slice(&data).ok(),
            None => {}
        }
        at = data_end + next.len();
    }
    Some((payload?, files))
}
