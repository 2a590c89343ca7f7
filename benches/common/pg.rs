//! A throwaway PostgreSQL for the benches: `INTERVIEW_BOT_BENCH_PG` (the URL of a server where
//! the user may `CREATE DATABASE`) if set, else a cluster started for this run, the small part of
//! `tests/it/pg.rs` a bench needs: `initdb` into a temporary folder (as the `postgres` system
//! user when we are root), trust authentication, 127.0.0.1 on a free port. Unlike the tests'
//! cluster it keeps PostgreSQL's real durability settings (fsync, synchronous_commit and
//! full_page_writes on): a figure measured with fsync off would flatter every commit.
//!
//! Cleanup: a `sh` watchdog in its own process group stops the postmaster (SIGQUIT) and removes
//! the folder once this process is gone, however it ended.

use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

pub const ENV: &str = "INTERVIEW_BOT_BENCH_PG";

/// The server: its base URL (the `postgres` database) and what it is, for the printout.
pub struct Server {
    pub url: String,
    pub about: String,
}

/// The server named by `INTERVIEW_BOT_BENCH_PG`, or a cluster started now.
pub fn server() -> Server {
    match std::env::var(ENV) {
        Ok(url) if !url.trim().is_empty() => Server {
            url: url.trim().to_string(),
            about: format!("the server in {ENV} (its own settings)"),
        },
        _ => start_cluster(),
    }
}

/// A new empty database on `server`, its URL.
pub async fn fresh_db(server: &Server, name: &str) -> String {
    let name = format!("bench_{name}_{}", std::process::id());
    let (client, conn) = tokio_postgres::connect(&server.url, tokio_postgres::NoTls)
        .await
        .expect("connect to the bench PostgreSQL");
    tokio::spawn(async move {
        let _ = conn.await;
    });
    client
        .batch_execute(&format!("DROP DATABASE IF EXISTS \"{name}\""))
        .await
        .unwrap();
    client
        .batch_execute(&format!("CREATE DATABASE \"{name}\""))
        .await
        .unwrap();
    let (head, query) = match server.url.split_once('?') {
        Some((h, q)) => (h, format!("?{q}")),
        None => (server.url.as_str(), String::new()),
    };
    let cut = head
        .rfind('/')
        .filter(|i| *i > head.find("://").unwrap_or(0) + 2);
    let base = cut.map_or(head, |i| &head[..i]);
    format!("{base}/{name}{query}")
}

fn bin_dir() -> PathBuf {
    let mut versions: Vec<(u32, PathBuf)> = std::fs::read_dir("/usr/lib/postgresql")
        .into_iter()
        .flatten()
        .flatten()
        .filter_map(|e| {
            let v: u32 = e.file_name().to_str()?.parse().ok()?;
            let bin = e.path().join("bin");
            bin.join("initdb").exists().then_some((v, bin))
        })
        .collect();
    versions.sort();
    versions.pop().map(|(_, b)| b).unwrap_or_else(|| {
        panic!("the PostgreSQL bench needs PostgreSQL (apt-get install postgresql-15) or {ENV}")
    })
}

fn postgres_user() -> (u32, u32) {
    let out = Command::new("getent")
        .args(["passwd", "postgres"])
        .output()
        .map(|o| String::from_utf8_lossy(&o.stdout).into_owned())
        .unwrap_or_default();
    let f: Vec<&str> = out.trim().split(':').collect();
    match (
        f.get(2).and_then(|v| v.parse().ok()),
        f.get(3).and_then(|v| v.parse().ok()),
    ) {
        (Some(u), Some(g)) => (u, g),
        _ => panic!("as root the bench needs the `postgres` system user, or {ENV}"),
    }
}

fn is_root() -> bool {
    std::fs::metadata("/proc/self")
        .map(|m| std::os::unix::fs::MetadataExt::uid(&m) == 0)
        .unwrap_or(false)
}

fn as_owner(program: PathBuf, owner: Option<(u32, u32)>, dir: &Path) -> Command {
    let mut cmd = Command::new(program);
    cmd.current_dir(dir)
        .env("LC_ALL", "C")
        .env_remove("PGDATA")
        .stdin(Stdio::null());
    if let Some((uid, gid)) = owner {
        cmd.uid(uid).gid(gid);
    }
    cmd
}

fn start_cluster() -> Server {
    let bin = bin_dir();
    let owner = is_root().then(postgres_user);
    let parent = if owner.is_some() {
        PathBuf::from("/tmp")
    } else {
        std::env::temp_dir()
    };
    let dir = tempfile::Builder::new()
        .prefix("interview-bot-bench-pg-")
        .tempdir_in(&parent)
        .unwrap()
        .keep();
    if let Some((uid, gid)) = owner {
        std::os::unix::fs::chown(&dir, Some(uid), Some(gid)).unwrap();
    }
    let data = dir.join("data");
    watchdog(&dir, &data);
    let init = as_owner(bin.join("initdb"), owner, &dir)
        .arg("-D")
        .arg(&data)
        .args(["-A", "trust", "-U", "postgres", "-E", "UTF8", "--locale=C"])
        .output()
        .expect("run initdb");
    assert!(
        init.status.success(),
        "initdb: {}",
        String::from_utf8_lossy(&init.stderr)
    );
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .unwrap();
    let options = format!(
        "-c listen_addresses=127.0.0.1 -p {port} -k {} -c max_connections=200",
        dir.display()
    );
    let ok = as_owner(bin.join("pg_ctl"), owner, &dir)
        .arg("-D")
        .arg(&data)
        .arg("-l")
        .arg(dir.join("server.log"))
        .args(["-w", "-t", "60", "-o", &options, "start"])
        .stdout(Stdio::null())
        .status()
        .expect("run pg_ctl")
        .success();
    assert!(
        ok,
        "the bench PostgreSQL did not start (see {})",
        dir.display()
    );
    Server {
        url: format!("postgres://postgres@127.0.0.1:{port}/postgres"),
        about: format!(
            "a throwaway PostgreSQL ({}) with its default settings: fsync, synchronous_commit \
             and full_page_writes on, shared_buffers 128MB",
            bin.display()
        ),
    }
}

#[expect(
    clippy::zombie_processes,
    reason = "the watchdog outlives this process by design"
)]
fn watchdog(dir: &Path, data: &Path) {
    let script = r#"
trap '' INT TERM HUP
while kill -0 "$1" 2>/dev/null; do sleep 0.5; done
if [ -f "$3/postmaster.pid" ]; then
  pm=$(head -n 1 "$3/postmaster.pid")
  kill -QUIT "$pm" 2>/dev/null
  i=0
  while kill -0 "$pm" 2>/dev/null && [ "$i" -lt 200 ]; do sleep 0.1; i=$((i + 1)); done
fi
rm -rf "$2"
"#;
    Command::new("sh")
        .arg("-c")
        .arg(script)
        .arg("pg-watchdog")
        .arg(std::process::id().to_string())
        .arg(dir)
        .arg(data)
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .process_group(0)
        .spawn()
        .expect("start the PostgreSQL watchdog (sh)");
}
