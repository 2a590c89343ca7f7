//! A throwaway PostgreSQL for the tests: `pg::url()` is a server the tests may create databases
//! on, `pg::fresh_db(hint)` a new empty database on it (its URL).
//!
//! With `INTERVIEW_BOT_TEST_PG` set (the URL of a server where the user may `CREATE DATABASE`,
//! as `.ci/run` exports), that server is used. Otherwise the first call starts one cluster for
//! this test process: `initdb` into a temporary folder (owned by the `postgres` system user when
//! we are root, since PostgreSQL refuses to run as root), trust authentication, listening on
//! 127.0.0.1 on a free port with its unix socket in the folder, fsync off. Missing binaries are a
//! panic that says what to install: a PostgreSQL test never skips silently.
//!
//! Cleanup: the server must not outlive the test process, even one killed with SIGKILL, and a
//! test process runs no destructors for statics anyway. So before `initdb` a small `sh`
//! watchdog is started that polls the test process's pid, and once it is gone sends the
//! postmaster SIGQUIT (PostgreSQL's immediate shutdown, what `pg_ctl stop -m immediate` sends),
//! waits for it to exit and removes the folder. Not PR_SET_PDEATHSIG: it fires when the *thread*
//! that spawned the child exits, and the thread that happens to start the cluster is one test's
//! thread, which ends with that test; nor could it reach the postmaster, which `pg_ctl`
//! daemonises. The watchdog ignores SIGINT/SIGTERM/SIGHUP and runs in its own process group, so
//! a Ctrl-C to `cargo test` stops the tests but not their cleanup; it signals instead of calling
//! `pg_ctl stop` because `pg_ctl` refuses root and `kill` works for root and for the owner alike.

mod races;
mod schema;

use std::io::Read;
use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::OnceLock;
use std::time::Instant;

/// The environment variable naming an existing server to use instead of starting one.
pub const ENV: &str = "INTERVIEW_BOT_TEST_PG";

/// The base URL of the test server (its `postgres` database): tests may create databases there.
pub fn url() -> String {
    server().clone()
}

/// Creates a new, empty database on the test server and returns its URL. The name carries
/// `hint` (for reading the server's log), this process's id and a counter, so tests running in
/// parallel threads, and test processes sharing one server, never get the same one.
pub fn fresh_db(hint: &str) -> String {
    static NEXT: AtomicU64 = AtomicU64::new(0);
    let base = url();
    let clean: String = hint
        .chars()
        .map(|c| c.to_ascii_lowercase())
        .map(|c| if c.is_ascii_alphanumeric() { c } else { '_' })
        .take(30)
        .collect();
    let stamp = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap_or_default()
        .as_millis()
        % 1_000_000_000;
    let name = format!(
        "t_{clean}_{}_{stamp}_{}",
        std::process::id(),
        NEXT.fetch_add(1, Ordering::Relaxed)
    );
    let sql = format!("CREATE DATABASE \"{name}\"");
    on_own_runtime(move || async move {
        let client = connect(&base).await;
        client
            .batch_execute(&sql)
            .await
            .unwrap_or_else(|e| panic!("the test server runs `{sql}`: {e}"));
    });
    with_db(&url(), &name)
}

/// Connects with tokio-postgres and drives the connection on the current runtime.
pub async fn connect(url: &str) -> tokio_postgres::Client {
    let (client, connection) = tokio_postgres::connect(url, tokio_postgres::NoTls)
        .await
        .unwrap_or_else(|e| panic!("connect to the test PostgreSQL at {url}: {e}"));
    tokio::spawn(async move {
        let _ = connection.await;
    });
    client
}

/// Runs async work on a runtime of its own, in a thread of its own: `fresh_db` is called from
/// plain tests and from inside tests' runtimes alike, where a nested `block_on` would panic.
fn on_own_runtime<F, Fut>(work: F)
where
    F: FnOnce() -> Fut + Send + 'static,
    Fut: std::future::Future<Output = ()>,
{
    std::thread::spawn(move || {
        tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .expect("a runtime")
            .block_on(work())
    })
    .join()
    .unwrap_or_else(|e| std::panic::resume_unwind(e));
}

/// `url` with its database (the path) replaced by `db`; user, password, host, port and query
/// parameters are kept.
pub fn with_db(url: &str, db: &str) -> String {
    let (head, query) = match url.split_once('?') {
        Some((h, q)) => (h, Some(q)),
        None => (url, None),
    };
    let after_scheme = head.find("://").map(|i| i + 3).unwrap_or(0);
    let authority_end = head[after_scheme..]
        .find('/')
        .map(|i| after_scheme + i)
        .unwrap_or(head.len());
    let mut out = format!("{}/{db}", &head[..authority_end]);
    if let Some(q) = query {
        out.push('?');
        out.push_str(q);
    }
    out
}

fn server() -> &'static String {
    static SERVER: OnceLock<String> = OnceLock::new();
    SERVER.get_or_init(|| match std::env::var(ENV) {
        Ok(url) if !url.trim().is_empty() => url.trim().to_string(),
        _ => start_cluster(),
    })
}

/// Where the PostgreSQL binaries are: Debian's /usr/lib/postgresql/<version>/bin (the newest),
/// else `initdb` on the PATH.
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
    if let Some((_, bin)) = versions.pop() {
        return bin;
    }
    let on_path = std::env::var_os("PATH").and_then(|paths| {
        std::env::split_paths(&paths)
            .find(|p| p.join("initdb").exists() && p.join("pg_ctl").exists())
    });
    on_path.unwrap_or_else(|| {
        panic!(
            "the PostgreSQL tests need a PostgreSQL server: install it (`apt-get install \
             postgresql-15`, whose initdb and pg_ctl the tests run from /usr/lib/postgresql/15/bin), \
             or set {ENV} to the URL of a server where the user may CREATE DATABASE, e.g. \
             {ENV}=postgres://postgres@127.0.0.1:5432/postgres"
        )
    })
}

/// The uid and gid of the `postgres` system user, from `getent passwd` (the system's own lookup).
fn postgres_user() -> (u32, u32) {
    let out = Command::new("getent")
        .args(["passwd", "postgres"])
        .output()
        .ok()
        .filter(|o| o.status.success())
        .map(|o| String::from_utf8_lossy(&o.stdout).into_owned())
        .unwrap_or_default();
    let fields: Vec<&str> = out.trim().split(':').collect();
    match (
        fields.get(2).and_then(|f| f.parse().ok()),
        fields.get(3).and_then(|f| f.parse().ok()),
    ) {
        (Some(uid), Some(gid)) => (uid, gid),
        _ => panic!(
            "the tests run as root, and PostgreSQL refuses root: they need the `postgres` system \
             user (`apt-get install postgresql-15` creates it), or {ENV} set to a server's URL"
        ),
    }
}

fn is_root() -> bool {
    std::fs::metadata("/proc/self")
        .map(|m| std::os::unix::fs::MetadataExt::uid(&m) == 0)
        .unwrap_or(false)
}

/// A command that runs as the `postgres` user when we are root, as ourselves otherwise.
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

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .expect("a free port on 127.0.0.1")
}

fn start_cluster() -> String {
    let started = Instant::now();
    let bin = bin_dir();
    let owner = is_root().then(postgres_user);
    // As root, /tmp itself: a TMPDIR under /root would be closed to the postgres user.
    let parent = if owner.is_some() {
        PathBuf::from("/tmp")
    } else {
        std::env::temp_dir()
    };
    let dir = tempfile::Builder::new()
        .prefix("interview-bot-pg-")
        .tempdir_in(&parent)
        .expect("a temporary folder for the test PostgreSQL")
        .keep();
    if let Some((uid, gid)) = owner {
        std::os::unix::fs::chown(&dir, Some(uid), Some(gid)).expect("chown the PostgreSQL folder");
    }
    let data = dir.join("data");
    watchdog(&dir, &data);

    let init = as_owner(bin.join("initdb"), owner, &dir)
        .arg("-D")
        .arg(&data)
        .args([
            "-A",
            "trust",
            "-U",
            "postgres",
            "-E",
            "UTF8",
            "--locale=C",
            "--no-sync",
        ])
        .output()
        .expect("run initdb");
    assert!(
        init.status.success(),
        "initdb failed: {}{}",
        String::from_utf8_lossy(&init.stdout),
        String::from_utf8_lossy(&init.stderr)
    );

    // A free port can be taken by another process between the look-up and the server's bind:
    // try a few.
    let log = dir.join("server.log");
    let mut last_problem = String::new();
    for _ in 0..5 {
        let port = free_port();
        let options = format!(
            "-c listen_addresses=127.0.0.1 -p {port} -k {} -c fsync=off -c synchronous_commit=off \
             -c full_page_writes=off -c max_connections=300 -c shared_buffers=64MB",
            dir.display()
        );
        let start = as_owner(bin.join("pg_ctl"), owner, &dir)
            .arg("-D")
            .arg(&data)
            .arg("-l")
            .arg(&log)
            .args(["-w", "-t", "60", "-o", &options, "start"])
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .expect("run pg_ctl");
        let status = wait_with_stderr(start, &mut last_problem);
        if status {
            eprintln!(
                "test PostgreSQL: started on 127.0.0.1:{port} in {} ms (initdb and start; folder {})",
                started.elapsed().as_millis(),
                dir.display()
            );
            return format!("postgres://postgres@127.0.0.1:{port}/postgres");
        }
        if let Ok(text) = std::fs::read_to_string(&log) {
            last_problem.push_str(&text);
        }
    }
    panic!("the test PostgreSQL did not start: {last_problem}")
}

fn wait_with_stderr(mut child: std::process::Child, problem: &mut String) -> bool {
    let mut err = String::new();
    if let Some(mut e) = child.stderr.take() {
        let _ = e.read_to_string(&mut err);
    }
    let ok = child.wait().map(|s| s.success()).unwrap_or(false);
    *problem = err;
    ok
}

/// Starts the shell that stops the server and removes `dir` once this process is gone.
#[expect(
    clippy::zombie_processes,
    reason = "the watchdog outlives this process by design: it ends only after we do"
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

#[test]
fn url_keeps_everything_but_the_database() {
    assert_eq!(
        with_db("postgres://u:p@h:5433/base?sslmode=disable", "t_1"),
        "postgres://u:p@h:5433/t_1?sslmode=disable"
    );
    assert_eq!(with_db("postgres://u@h", "t_2"), "postgres://u@h/t_2");
    assert_eq!(
        with_db("postgresql://u@127.0.0.1:9/postgres", "x"),
        "postgresql://u@127.0.0.1:9/x"
    );
}

#[test]
fn fresh_databases_are_distinct_and_empty() {
    let a = fresh_db("harness a");
    let b = fresh_db("harness a");
    assert_ne!(a, b, "two calls give two databases");
    let rt = crate::util::runtime();
    rt.block_on(async {
        let ca = connect(&a).await;
        let cb = connect(&b).await;
        for c in [&ca, &cb] {
            let tables: i64 = c
                .query_one(
                    "SELECT count(*) FROM information_schema.tables WHERE table_schema = 'public'",
                    &[],
                )
                .await
                .unwrap()
                .get(0);
            assert_eq!(tables, 0, "a fresh database has no tables");
        }
        ca.batch_execute("CREATE TABLE only_in_a (x BIGINT); INSERT INTO only_in_a VALUES (1)")
            .await
            .unwrap();
        let in_b: i64 = cb
            .query_one(
                "SELECT count(*) FROM information_schema.tables WHERE table_name = 'only_in_a'",
                &[],
            )
            .await
            .unwrap()
            .get(0);
        assert_eq!(in_b, 0, "a table made in one database is not in the other");
    });
}

#[test]
fn fresh_db_is_safe_from_parallel_threads() {
    let urls: Vec<String> = (0..8)
        .map(|i| std::thread::spawn(move || fresh_db(&format!("parallel {i}"))))
        .collect::<Vec<_>>()
        .into_iter()
        .map(|t| t.join().unwrap())
        .collect();
    let mut unique = urls.clone();
    unique.sort();
    unique.dedup();
    assert_eq!(unique.len(), urls.len(), "every database is new: {urls:?}");
}

#[test]
fn a_fresh_database_answers_select_1() {
    let url = fresh_db("select one");
    assert!(url.starts_with("postgres"), "{url}");
    let rt = crate::util::runtime();
    let one: i32 = rt.block_on(async {
        connect(&url)
            .await
            .query_one("SELECT 1", &[])
            .await
            .unwrap()
            .get(0)
    });
    assert_eq!(one, 1);
}
