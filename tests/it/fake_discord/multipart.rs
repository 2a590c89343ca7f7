//! Reading a `multipart/form-data` body the way Discord does for a message with files: the
//! `payload_json` part is the message (JSON), each `files[N]` part a file. The fake routes the
//! message as if it had come as a JSON body, and keeps the files for tests to look at.

/// One file part of a multipart body.
#[derive(Debug, Clone, PartialEq)]
pub struct FilePart {
    /// The form field, e.g. "files[0]".
    pub field: String,
    pub filename: Option<String>,
    pub content_type: Option<String>,
    pub bytes: Vec<u8>,
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
        .map(|p| p + from)
}

/// A `name="value"` parameter of a Content-Disposition header.
fn param(header: &str, name: &str) -> Option<String> {
    header.split(';').find_map(|p| {
        let (k, v) = p.trim().split_once('=')?;
        (k.trim() == name).then(|| v.trim().trim_matches('"').to_string())
    })
}

/// The body's `payload_json` text and its file parts; `None` when the body is not well formed.
pub fn parse(body: &[u8], boundary: &str) -> Option<(Option<String>, Vec<FilePart>)> {
    let delimiter = format!("--{boundary}").into_bytes();
    let mut at = find(body, &delimiter, 0)? + delimiter.len();
    let mut payload = None;
    let mut files = Vec::new();
    loop {
        // After a delimiter: "--" ends the body, else CRLF and a part.
        if body.get(at..at + 2) == Some(b"--") {
            return Some((payload, files));
        }
        at = find(body, b"\r\n", at)? + 2;
        let head_end = find(body, b"\r\n\r\n", at)?;
        let head = String::from_utf8_lossy(&body[at..head_end]).into_owned();
        let content_start = head_end + 4;
        let next = find(body, &delimiter, content_start)?;
        // The part's content ends with the CRLF before the next delimiter.
        let content = &body[content_start..next.checked_sub(2)?];
        let mut disposition = String::new();
        let mut content_type = None;
        for line in head.split("\r\n") {
            let (k, v) = line.split_once(':')?;
            match k.trim().to_ascii_lowercase().as_str() {
                "content-disposition" => disposition = v.trim().to_string(),
                "content-type" => content_type = Some(v.trim().to_string()),
                _ => {}
            }
        }
        let field = param(&disposition, "name")?;
        if field == "payload_json" {
            payload = Some(String::from_utf8(content.to_vec()).ok()?);
        } else {
            files.push(FilePart {
                field,
                filename: param(&disposition, "filename"),
                content_type,
                bytes: content.to_vec(),
            });
        }
        at = next + delimiter.len();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_the_payload_and_a_binary_file() {
        let png = b"\x89PNG\r\n\x1a\n\x00\x01--x\r\n";
        let mut body = Vec::new();
        body.extend_from_slice(b"--b1\r\nContent-Disposition: form-data; name=\"files[0]\"; filename=\"a.png\"\r\nContent-Type: image/png\r\n\r\n");
        body.extend_from_slice(png);
        body.extend_from_slice(b"\r\n--b1\r\nContent-Disposition: form-data; name=\"payload_json\"\r\n\r\n{\"content\":\"hi\"}\r\n--b1--\r\n");
        let (payload, files) = parse(&body, "b1").unwrap();
        assert_eq!(payload.as_deref(), Some("{\"content\":\"hi\"}"));
        assert_eq!(files.len(), 1);
        assert_eq!(files[0].field, "files[0]");
        assert_eq!(files[0].filename.as_deref(), Some("a.png"));
        assert_eq!(files[0].content_type.as_deref(), Some("image/png"));
        assert_eq!(files[0].bytes, png);
        assert_eq!(
            boundary("multipart/form-data; boundary=b1").as_deref(),
            Some("b1")
        );
        assert_eq!(boundary("application/json"), None);
    }
}
