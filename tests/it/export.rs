//! `/export` through the real HTTP endpoint (Ed25519-signed) with the fake Discord: the deferral,
//! the multipart edit of the original response (its `payload_json` checked against Discord's
//! spec), the zip opened and its CSVs compared with what was recorded; a member without Manage
//! Server refused; an export over Discord's attachment limit answered with the CLI instead. And
//! `interview-bot db export` on a real database file, as CSV and as JSON.

use crate::fake_discord::{FakeDiscord, WAIT};
use crate::interactions::{self as ix, GUILD, MANAGE_GUILD};
use crate::spec;
use crate::util::{bot, run, runtime, test_app};
use chrono::{DateTime, Duration, Utc};
use ed25519_dalek::{Signer, SigningKey};
use interview_bot::bank::Difficulty;
use interview_bot::discord::App;
use interview_bot::grade::Verdict;
use interview_bot::quiz::{GuildId, NewAnswer, NewRound, Recorded, RoundId, UserId};
use serde_json::Value;
use std::collections::HashMap;
use std::io::Read;
use std::path::Path;

const ADMIN: u64 = 2001;
const ADA: u64 = 2002;
const BOB: u64 = 2003;
const CAT: u64 = 2004;

/// 13:00 UTC on 10 June: already 11 June in Auckland, the server's zone.
const NOW: &str = "2026-06-10T13:00:00Z";

fn now() -> DateTime<Utc> {
    NOW.parse().unwrap()
}

/// An answer that needs every CSV rule: a comma, a quote, a newline, and a leading `=`.
const TRICKY: &str = "=HYPERLINK(\"http://x\"), then \"threads\", share\nmemory";

/// What the test recorded, to compare the export with.
struct Given {
    round: RoundId,
    day: &'static str,
    question: String,
    topic: String,
    member: u64,
    verdict: Verdict,
    score: f64,
    points: u32,
    at: DateTime<Utc>,
    text: String,
}

/// Three daily rounds (8, 9 and 10 June; the last still open) and their answers: Ada answers all
/// three, Bob the first (his streak has ended), Cat the last two. One audit-log entry.
async fn seed(app: &App, db: &Path) -> Vec<Given> {
    let mut s = app.store().settings(GuildId(GUILD)).await.unwrap();
    s.timezone = "Pacific/Auckland".parse().unwrap();
    app.store().save_settings(s, None).await.unwrap();
    let q = app.bank().get("process-vs-thread").unwrap().clone();
    let days = ["2026-06-08", "2026-06-09", "2026-06-10"];
    let who: [&[(u64, &str, Verdict, f64)]; 3] = [
        &[
            (
                ADA,
                "Threads share an address space, processes don't.",
                Verdict::Correct,
                1.0,
            ),
            (BOB, TRICKY, Verdict::Wrong, 0.0),
        ],
        &[
            (ADA, "+ they share memory", Verdict::Partial, 0.5),
            (CAT, "-1, @everyone", Verdict::Wrong, 0.1),
        ],
        &[
            (ADA, "Same again.", Verdict::Correct, 1.0),
            (CAT, "a, b, \"c\"", Verdict::Correct, 0.9),
        ],
    ];
    let mut out = vec![];
    for (i, day) in days.iter().enumerate() {
        let date: chrono::NaiveDate = day.parse().unwrap();
        let opens = date.and_hms_opt(9, 0, 0).unwrap().and_utc();
        let round = app
            .store()
            .create_round(NewRound {
                guild: GuildId(GUILD),
                day: date,
                question: q.id.0.clone(),
                topic: q.topic.clone(),
                difficulty: Difficulty::Medium,
                seed: i as u64,
                opens_at: opens,
                closes_at: opens + Duration::hours(23),
                channel: None,
            })
            .await
            .unwrap()
            .unwrap();
        for (j, (member, text, verdict, score)) in who[i].iter().enumerate() {
            let at = opens + Duration::minutes(10 + j as i64);
            let recorded = app
                .store()
                .record_answer(NewAnswer {
                    round: round.id,
                    user: UserId(*member),
                    answer: text.to_string(),
                    score: *score,
                    verdict: *verdict,
                    at,
                    review: None,
                })
                .await
                .unwrap();
            let Recorded::Accepted { points, .. } = recorded else {
                panic!("not recorded: {recorded:?}");
            };
            out.push(Given {
                round: round.id,
                day,
                question: q.id.0.clone(),
                topic: q.topic.clone(),
                member: *member,
                verdict: *verdict,
                score: *score,
                points,
                at,
                text: text.to_string(),
            });
        }
    }
    // Through the store, so that the same seed serves a PostgreSQL store
    // (`INTERVIEW_BOT_TEST_BACKEND=postgres`).
    let _ = db;
    let at = now().timestamp_millis();
    app.store()
        .write(move |c| {
            c.execute(
                "INSERT INTO audit_log (guild_id, actor_id, action, member_id, reason, before, after, at)
                 VALUES (?1, ?2, 'points', ?3, ?4, '{\"points\":10}', '{\"points\":5}', ?5)",
                rusqlite::params![
                    GUILD as i64,
                    ADMIN as i64,
                    BOB as i64,
                    "-5: \"typo\", see\nthread",
                    at
                ],
            )?;
            Ok(())
        })
        .await
        .unwrap();
    out
}

fn key() -> SigningKey {
    SigningKey::from_bytes(&[9u8; 32])
}

/// The real endpoint on 127.0.0.1, its REST pointed at the fake Discord.
async fn endpoint(app: App) -> String {
    let verification = interview_bot::discord::endpoint::Verification {
        public_key: key().verifying_key().to_bytes(),
        check_timestamp: true,
    };
    let router = interview_bot::discord::endpoint::router(app, verification).unwrap();
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}/interactions", listener.local_addr().unwrap());
    tokio::spawn(async move { axum::serve(listener, router).await.unwrap() });
    url
}

/// Posts an interaction signed as Discord signs it; the response body.
async fn post(url: &str, interaction: &Value) -> Value {
    let body = serde_json::to_vec(interaction).unwrap();
    let timestamp = now().timestamp().to_string();
    let mut message = timestamp.as_bytes().to_vec();
    message.extend_from_slice(&body);
    let res = reqwest::Client::new()
        .post(url)
        .header("content-type", "application/json")
        .header(
            "x-signature-ed25519",
            hex::encode(key().sign(&message).to_bytes()),
        )
        .header("x-signature-timestamp", timestamp)
        .body(body)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
    res.json().await.unwrap()
}

fn export_cmd(user: u64, permissions: u64) -> Value {
    ix::command("export", serde_json::json!([]), user, permissions)
}

/// The edit of the interaction's original response, once the fake has it.
async fn original_edit(fake: &FakeDiscord, interaction: &Value) -> crate::fake_discord::Request {
    let token = interaction["token"].as_str().unwrap();
    let path = format!(
        "/webhooks/{}/{token}/messages/@original",
        crate::util::APP_ID
    );
    fake.wait_for("PATCH", &path, WAIT).await
}

/// A CSV file's header and records.
fn csv_of(bytes: &[u8]) -> (Vec<String>, Vec<Vec<String>>) {
    let mut r = csv::Reader::from_reader(bytes);
    let header = r.headers().unwrap().iter().map(String::from).collect();
    let rows = r
        .records()
        .map(|r| r.unwrap().iter().map(String::from).collect())
        .collect();
    (header, rows)
}

fn rfc3339(t: DateTime<Utc>) -> String {
    t.to_rfc3339_opts(chrono::SecondsFormat::Millis, true)
}

/// A cell as a spreadsheet must get it: text starting with a formula character behind a `'`.
fn safe(s: &str) -> String {
    if s.starts_with(['=', '+', '-', '@']) {
        format!("'{s}")
    } else {
        s.to_string()
    }
}

/// The answers.csv rows the recorded answers must export as.
fn expected_answers(recorded: &[Given]) -> Vec<Vec<String>> {
    recorded
        .iter()
        .map(|a| {
            vec![
                a.round.0.to_string(),
                "main".to_string(),
                a.day.to_string(),
                a.question.clone(),
                a.topic.clone(),
                a.member.to_string(),
                a.verdict.as_str().to_string(),
                format!("{:.3}", a.score),
                a.points.to_string(),
                rfc3339(a.at),
                safe(&a.text),
            ]
        })
        .collect()
}

/// The members.csv rows: each member's totals and streaks as `/stats` reads them.
async fn expected_members(app: &App) -> Vec<Vec<String>> {
    let mut rows = vec![];
    for m in [ADA, BOB, CAT] {
        let s = app
            .store()
            .member_stats(GuildId(GUILD), UserId(m))
            .await
            .unwrap();
        rows.push((
            s.points,
            vec![
                m.to_string(),
                s.points.to_string(),
                s.answers.to_string(),
                s.correct.to_string(),
                s.current_streak.to_string(),
                s.best_streak.to_string(),
            ],
        ));
    }
    rows.sort_by(|a, b| b.0.cmp(&a.0).then(a.1[0].cmp(&b.1[0])));
    rows.into_iter().map(|(_, r)| r).collect()
}

#[test]
fn export_attaches_a_zip_whose_csvs_hold_what_was_recorded() {
    runtime().block_on(async {
        let fake = FakeDiscord::start().await;
        let dir = tempfile::tempdir().unwrap();
        let (app, _) = test_app(dir.path(), &fake.base, now());
        let recorded = seed(&app, &dir.path().join("bot.db")).await;
        let url = endpoint(app.clone()).await;

        let interaction = export_cmd(ADMIN, MANAGE_GUILD);
        let now_body = post(&url, &interaction).await;
        assert_eq!(now_body["type"], 5, "deferred at once: {now_body}");
        assert_eq!(now_body["data"]["flags"], 64, "privately: {now_body}");
        let edit = original_edit(&fake, &interaction).await;
        spec::validate("callback", &[now_body]);
        spec::validate("followup-edit", std::slice::from_ref(&edit.body));

        // The file the admin downloads, named for the server and its local date.
        let name = format!("interview-bot-export-{GUILD}-2026-06-11.zip");
        assert_eq!(edit.files.len(), 1, "{}", fake.describe());
        let file = &edit.files[0];
        assert_eq!(file.field, "files[0]");
        assert_eq!(file.filename.as_deref(), Some(name.as_str()));
        assert_eq!(edit.body["attachments"][0]["filename"], name.as_str());
        let content = edit.body["content"].as_str().unwrap();
        assert!(
            content.contains("6 answers, 3 members, 1 audit-log entry"),
            "{content}"
        );

        let mut zip = zip::ZipArchive::new(std::io::Cursor::new(file.bytes.clone())).unwrap();
        let mut files = HashMap::new();
        for i in 0..zip.len() {
            let mut entry = zip.by_index(i).unwrap();
            let mut bytes = vec![];
            entry.read_to_end(&mut bytes).unwrap();
            files.insert(entry.name().unwrap().into_owned(), bytes);
        }
        let mut names: Vec<&str> = files.keys().map(String::as_str).collect();
        names.sort_unstable();
        assert_eq!(names, ["answers.csv", "audit-log.csv", "members.csv"]);

        let (header, answers) = csv_of(&files["answers.csv"]);
        assert_eq!(
            header,
            [
                "round_id",
                "track",
                "day",
                "question_id",
                "topic",
                "member_id",
                "verdict",
                "score",
                "points",
                "answered_at",
                "answer"
            ]
        );
        assert_eq!(answers, expected_answers(&recorded));
        // The tricky answer comes back whole, behind the quote that defuses its formula.
        let bob = answers.iter().find(|r| r[5] == BOB.to_string()).unwrap();
        assert_eq!(bob[10], format!("'{TRICKY}"));

        let (header, members) = csv_of(&files["members.csv"]);
        assert_eq!(
            header,
            [
                "member_id",
                "points",
                "answers",
                "correct",
                "current_streak",
                "best_streak"
            ]
        );
        assert_eq!(members, expected_members(&app).await);
        let streaks: Vec<(&str, &str)> = members
            .iter()
            .map(|r| (r[0].as_str(), r[4].as_str()))
            .collect();
        let (ada, bob, cat) = (ADA.to_string(), BOB.to_string(), CAT.to_string());
        // Ada answered every round; Bob's streak ended when a round went by without him; Cat's
        // wrong answer on the 9th ended hers, so the 10th starts a new one.
        for (m, current) in [
            (ada.as_str(), "3"),
            (bob.as_str(), "0"),
            (cat.as_str(), "1"),
        ] {
            assert!(streaks.contains(&(m, current)), "{m}: {streaks:?}");
        }

        let (header, audit) = csv_of(&files["audit-log.csv"]);
        assert_eq!(
            header,
            [
                "entry_id",
                "at",
                "actor_id",
                "action",
                "member_id",
                "reason",
                "before",
                "after"
            ]
        );
        assert_eq!(
            audit,
            [[
                "1".to_string(),
                rfc3339(now()),
                ADMIN.to_string(),
                "points".into(),
                BOB.to_string(),
                "'-5: \"typo\", see\nthread".into(),
                "{\"points\":10}".into(),
                "{\"points\":5}".into(),
            ]]
        );
    });
}

#[test]
fn a_member_without_manage_server_is_refused_and_gets_no_file() {
    runtime().block_on(async {
        let fake = FakeDiscord::start().await;
        let dir = tempfile::tempdir().unwrap();
        let (app, _) = test_app(dir.path(), &fake.base, now());
        seed(&app, &dir.path().join("bot.db")).await;
        let url = endpoint(app).await;
        let interaction = export_cmd(ADA, 0);
        let now_body = post(&url, &interaction).await;
        assert_eq!(now_body["type"], 5, "{now_body}");
        let edit = original_edit(&fake, &interaction).await;
        assert!(edit.files.is_empty(), "no data for a member: {edit:?}");
        let content = edit.body["content"].as_str().unwrap();
        assert!(content.contains("Manage Server"), "{content}");
        spec::validate("followup-edit", &[edit.body]);
    });
}

#[test]
fn an_export_over_the_attachment_limit_sends_no_file_and_says_how_to_use_the_cli() {
    runtime().block_on(async {
        let fake = FakeDiscord::start().await;
        let dir = tempfile::tempdir().unwrap();
        let db = dir.path().join("bot.db");
        let (app, _) = test_app(dir.path(), &fake.base, now());
        seed(&app, &db).await;
        // One audit entry whose reason does not compress (random printable characters), larger
        // than the limit even deflated: 10 MiB / ~0.82.
        let limit = interview_bot::discord::commands::export::ATTACHMENT_LIMIT as usize;
        let mut x: u64 = 0x9E37_79B9_7F4A_7C15;
        let noise: String = (0..limit + limit / 3)
            .map(|_| {
                // xorshift: cheap, and as good as random to deflate.
                x ^= x << 13;
                x ^= x >> 7;
                x ^= x << 17;
                (0x20 + (x >> 33) % 95) as u8 as char
            })
            .collect();
        rusqlite::Connection::open(&db)
            .unwrap()
            .execute(
                "INSERT INTO audit_log (guild_id, action, reason, at) VALUES (?1, 'note', ?2, 0)",
                rusqlite::params![GUILD as i64, noise],
            )
            .unwrap();
        let url = endpoint(app).await;
        let interaction = export_cmd(ADMIN, MANAGE_GUILD);
        post(&url, &interaction).await;
        let edit = original_edit(&fake, &interaction).await;
        assert!(edit.files.is_empty(), "no partial file");
        let content = edit.body["content"].as_str().unwrap();
        assert!(content.contains("10 MiB"), "{content}");
        assert!(
            content.contains(&format!(
                "interview-bot db export --guild {GUILD} --format csv"
            )),
            "{content}"
        );
        spec::validate("followup-edit", &[edit.body]);
    });
}

/// A database file with the seeded server, closed, for the binary to read.
fn seeded_db(dir: &Path) -> (std::path::PathBuf, Vec<Given>, Vec<Vec<String>>) {
    runtime().block_on(async {
        let (app, _) = test_app(dir, "http://127.0.0.1:9", now());
        let recorded = seed(&app, &dir.join("bot.db")).await;
        let members = expected_members(&app).await;
        app.store().close();
        (dir.join("bot.db"), recorded, members)
    })
}

#[test]
fn db_export_writes_the_three_files_as_csv_and_as_json() {
    let dir = tempfile::tempdir().unwrap();
    let (db, recorded, members) = seeded_db(dir.path());
    let guild = GUILD.to_string();

    let out = dir.path().join("csv");
    let (ok, stdout, stderr) = run(bot()
        .args([
            "--db",
            db.to_str().unwrap(),
            "db",
            "export",
            "--guild",
            &guild,
        ])
        .args(["--format", "csv"])
        .arg(&out));
    assert!(ok, "{stderr}");
    // Captured output is not a terminal: the spinner draws nothing there.
    assert!(
        !stderr.contains("writing") && !stderr.contains('\r'),
        "{stderr:?}"
    );
    for (file, rows) in [("answers.csv", 6), ("members.csv", 3), ("audit-log.csv", 1)] {
        let line = format!("wrote {} ({rows} row", out.join(file).display());
        assert!(stdout.contains(&line), "{line} in:\n{stdout}");
    }
    let read = |name: &str| csv_of(&std::fs::read(out.join(name)).unwrap()).1;
    assert_eq!(read("answers.csv"), expected_answers(&recorded));
    assert_eq!(read("members.csv"), members);
    assert_eq!(read("audit-log.csv").len(), 1);

    let out = dir.path().join("json");
    let (ok, stdout, stderr) = run(bot()
        .args([
            "--db",
            db.to_str().unwrap(),
            "db",
            "export",
            "--guild",
            &guild,
        ])
        .args(["--format", "json"])
        .arg(&out));
    assert!(ok, "{stderr}");
    assert!(stdout.contains("answers.json"), "{stdout}");
    let read = |name: &str| -> Value {
        serde_json::from_slice(&std::fs::read(out.join(name)).unwrap()).unwrap()
    };
    let answers = read("answers.json");
    let answers = answers.as_array().unwrap();
    assert_eq!(answers.len(), recorded.len());
    for (a, r) in answers.iter().zip(&recorded) {
        // JSON is for programs: the text exactly as written, ids as strings.
        assert_eq!(a["answer"], r.text.as_str());
        assert_eq!(a["member_id"], r.member.to_string());
        assert_eq!(a["round_id"], r.round.0);
        assert_eq!(a["track"], "main");
        assert_eq!(a["points"], r.points);
        assert_eq!(a["answered_at"], rfc3339(r.at));
    }
    let json_members: Vec<Vec<String>> = read("members.json")
        .as_array()
        .unwrap()
        .iter()
        .map(|m| {
            let n = |k: &str| m[k].as_u64().unwrap().to_string();
            vec![
                m["member_id"].as_str().unwrap().to_string(),
                n("points"),
                n("answers"),
                n("correct"),
                n("current_streak"),
                n("best_streak"),
            ]
        })
        .collect();
    assert_eq!(json_members, members);
    let audit = read("audit-log.json");
    assert_eq!(audit[0]["actor_id"], ADMIN.to_string());
    assert_eq!(audit[0]["reason"], "-5: \"typo\", see\nthread");
    assert_eq!(audit[0]["after"]["points"], 5);
}

#[test]
fn db_export_refuses_a_folder_that_is_not_empty() {
    let dir = tempfile::tempdir().unwrap();
    let (db, _, _) = seeded_db(dir.path());
    let out = dir.path().join("full");
    std::fs::create_dir(&out).unwrap();
    std::fs::write(out.join("answers.csv"), "mine").unwrap();
    let (ok, stdout, stderr) = run(bot()
        .args(["--db", db.to_str().unwrap(), "db", "export", "--guild"])
        .arg(GUILD.to_string())
        .arg(&out));
    assert!(!ok, "{stdout}");
    assert!(stderr.contains("is not empty"), "{stderr}");
    assert!(stderr.contains(&out.display().to_string()), "{stderr}");
    assert_eq!(
        std::fs::read_to_string(out.join("answers.csv")).unwrap(),
        "mine"
    );
}
