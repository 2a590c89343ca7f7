//! The words of `/export`: the command's description, the note beside the attached zip, and what
//! an admin reads when the export is too large for Discord.

pub const EXPORT: &str =
    "This server's answers, members' totals and audit log as CSV files (a zip)";

/// Beside the attached zip.
pub fn attached(answers: u64, members: u64, audit: u64) -> String {
    let n = |count: u64, one: &str, many: &str| {
        format!("{count} {}", if count == 1 { one } else { many })
    };
    format!(
        "This server's data: {}, {}, {}. The CSV files open in any spreadsheet.",
        n(answers, "answer", "answers"),
        n(members, "member", "members"),
        n(audit, "audit-log entry", "audit-log entries"),
    )
}

/// The zip would be over Discord's attachment limit: how the bot's operator gets the files.
pub fn too_large(guild: u64, limit_mib: u64) -> String {
    format!(
        "This server's export is larger than the {limit_mib} MiB Discord lets me attach, so I \
         did not send a partial file. Whoever runs the bot can write the same files on its \
         machine with `interview-bot db export --guild {guild} --format csv DIR`."
    )
}
