//! `db export --guild ID --format csv|json DIR`: a server's answers, members' totals and audit
//! log as files in a new (or empty) folder, from the `--db` file; the same tables `/export`
//! attaches, for a server whose export is too large for Discord, or for a script.

use crate::quiz::export::{Exporter, Files, Format, Table};
use crate::quiz::GuildId;
use std::fs::File;
use std::io::{self, BufWriter, Write};
use std::path::{Path, PathBuf};

/// The file format, as `--format` takes it.
#[derive(clap::ValueEnum, Debug, Clone, Copy, PartialEq, Eq)]
pub enum FormatArg {
    Csv,
    Json,
}

impl From<FormatArg> for Format {
    fn from(f: FormatArg) -> Format {
        match f {
            FormatArg::Csv => Format::Csv,
            FormatArg::Json => Format::Json,
        }
    }
}

/// The export's files in a folder; each file is new (never one that exists).
struct DirFiles {
    dir: PathBuf,
    current: Option<(PathBuf, BufWriter<File>)>,
    written: Vec<PathBuf>,
    /// Says which file is being written (drawn only on a terminal).
    working: indicatif::ProgressBar,
}

impl DirFiles {
    fn close(&mut self) -> io::Result<()> {
        if let Some((path, mut w)) = self.current.take() {
            w.flush()
                .and_then(|()| w.get_ref().sync_all())
                .map_err(|e| with_path(&path, e))?;
            self.written.push(path);
        }
        Ok(())
    }
}

fn with_path(path: &Path, e: io::Error) -> io::Error {
    io::Error::new(e.kind(), format!("cannot write {}: {e}", path.display()))
}

impl Write for DirFiles {
    fn write(&mut self, data: &[u8]) -> io::Result<usize> {
        match self.current.as_mut() {
            Some((path, w)) => w.write(data).map_err(|e| with_path(path, e)),
            None => Err(io::Error::other("a write before a file was started")),
        }
    }

    fn flush(&mut self) -> io::Result<()> {
        match self.current.as_mut() {
            Some((path, w)) => w.flush().map_err(|e| with_path(path, e)),
            None => Ok(()),
        }
    }
}

impl Files for DirFiles {
    fn start(&mut self, name: &str) -> io::Result<()> {
        self.close()?;
        self.working.set_message(format!("writing {name}"));
        let path = self.dir.join(name);
        let file = File::options()
            .write(true)
            .create_new(true)
            .open(&path)
            .map_err(|e| with_path(&path, e))?;
        self.current = Some((path, BufWriter::new(file)));
        Ok(())
    }
}

/// Writes the guild's tables into `dir`; returns each file written with its row count.
pub fn export(
    db: &Path,
    guild: u64,
    format: Format,
    dir: &Path,
) -> anyhow::Result<Vec<(PathBuf, u64)>> {
    super::export_paths(db, dir)?;
    std::fs::create_dir_all(dir)
        .map_err(|e| anyhow::anyhow!("cannot create {}: {e}", dir.display()))?;
    let (rt, store) = super::open_store(db)?;
    let files = DirFiles {
        dir: dir.to_path_buf(),
        current: None,
        written: vec![],
        working: super::progress::spinner("reading the database".to_string()),
    };
    let exporter = Exporter::new(format, files);
    let done = rt.block_on(store.export(GuildId(guild), exporter));
    store.close();
    let (exporter, said) = done?;
    said?;
    let (mut files, counts) = exporter.finish()?;
    files.close()?;
    files.working.finish_and_clear();
    debug_assert_eq!(files.written.len(), Table::ALL.len());
    Ok(files.written.into_iter().zip(counts).collect())
}
