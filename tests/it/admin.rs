//! `/admin` end to end: corrections (points, a streak restored, an answer removed) through the
//! real handler with the JSON Discord sends, each followed on the boards and `/stats` and written
//! once to the audit log with before and after; the log's pages; the Manage Server check. Every
//! body the bot sends is checked against Discord's spec.

use crate::discord::{is_private, read_into};
use crate::fake_discord::FakeDiscord;
use crate::interactions::{self as ix, GUILD, MANAGE_GUILD};
use crate::spec;
use crate::util::{runtime, test_app};
use chrono::{DateTime, Duration, NaiveDate, TimeZone, Utc};
use interview_bot::bank::Difficulty;
use interview_bot::discord::App;
use interview_bot::grade::Verdict;
use interview_bot::quiz::*;
use serde_json::{json, Value};

pub const ADMIN: u64 = 700;
pub const ADA: u64 = 701;
pub const BOB: u64 = 702;

pub fn now() -> DateTime<Utc> {
    "2026-06-10T12:00:00Z".parse().unwrap()
}

/// The handler on a fresh database; every response body is kept and validated at the end.
pub struct Session {
    pub app: App,
    pub clock: ManualClock,
    pub bodies: Vec<Value>,
    _fake: FakeDiscord,
    _dir: tempfile::TempDir,
}

impl Session {
    pub async fn start() -> Session {
        let fake = FakeDiscord::start().await;
        let dir = tempfile::tempdir().unwrap();
        let (app, clock) = test_app(dir.path(), &fake.base, now());
        Session {
            app,
            clock,
            bodies: vec![],
            _fake: fake,
            _dir: dir,
        }
    }

    pub async fn say(&mut self, interaction: Value) -> (Value, String) {
        read_into(&self.app, &mut self.bodies, interaction).await
    }

    /// The guild's round for a day (UTC), opening at 09:00 and closing a day later.
    pub async fn round_on(&self, day: &str) -> Round {
        let day: NaiveDate = day.parse().unwrap();
        let opens = Utc.from_utc_datetime(&day.and_hms_opt(9, 0, 0).unwrap());
        self.app
            .store()
            .create_round(NewRound {
                guild: GuildId(GUILD),
                day,
                question: "process-vs-thread".into(),
                topic: "concurrency".into(),
                difficulty: Difficulty::Medium,
                seed: 7,
                opens_at: opens,
                closes_at: opens + Duration::days(1),
                channel: None,
            })
            .await
            .unwrap()
            .expect("a new day gets a round")
    }

    /// Records `user`'s answer to `round` five minutes after it opened.
    pub async fn answer(&self, round: &Round, user: u64, verdict: Verdict) -> Recorded {
        let score = match verdict {
            Verdict::Correct => 1.0,
            Verdict::Partial => 0.5,
            Verdict::Wrong => 0.0,
        };
        self.app
            .store()
            .record_answer(NewAnswer {
                round: round.id,
                user: UserId(user),
                answer: "text".into(),
                score,
                verdict,
                at: round.opens_at + Duration::minutes(5),
                review: None,
            })
            .await
            .unwrap()
    }

    pub async fn close(&self, round: &Round) {
        self.app
            .store()
            .end_round(round.id, RoundState::Closed)
            .await
            .unwrap();
    }

    /// `/stats member:<user>` as the text a member sees.
    pub async fn stats(&mut self, user: u64) -> String {
        let (body, text) = self
            .say(ix::command_with_resolved(
                "stats",
                json!([{"name": "member", "type": 6, "value": user.to_string()}]),
                json!({"users": {user.to_string(): ix::user(user)}}),
                ADMIN,
                0,
            ))
            .await;
        assert!(is_private(&body));
        text
    }

    pub async fn board(&mut self, period: &str) -> String {
        let (_, text) = self
            .say(ix::command(
                "leaderboard",
                json!([{"name": "period", "type": 3, "value": period}]),
                ADMIN,
                0,
            ))
            .await;
        text
    }

    /// `/admin log [member] [page]` by the admin.
    pub async fn log(&mut self, member: Option<u64>, page: Option<u64>) -> String {
        let mut options = vec![];
        if let Some(m) = member {
            options.push(json!({"name": "member", "type": 6, "value": m.to_string()}));
        }
        if let Some(p) = page {
            options.push(json!({"name": "page", "type": 4, "value": p}));
        }
        let (body, text) = self
            .say(admin(
                json!([{"name": "log", "type": 1, "options": options}]),
                MANAGE_GUILD,
            ))
            .await;
        assert!(is_private(&body), "the audit log is private");
        text
    }

    pub fn check_spec(&self) {
        spec::validate("callback", &self.bodies);
    }
}

/// `/admin ...` with these options, by the admin with these permissions; members resolved as
/// Discord resolves them.
pub fn admin(options: Value, permissions: u64) -> Value {
    let users: serde_json::Map<String, Value> = [ADA, BOB]
        .iter()
        .map(|u| (u.to_string(), ix::user(*u)))
        .collect();
    ix::command_with_resolved(
        "admin",
        options,
        json!({ "users": users }),
        ADMIN,
        permissions,
    )
}

fn points(member: u64, amount: i64, reason: &str) -> Value {
    json!([{"name": "points", "type": 1, "options": [
        {"name": "member", "type": 6, "value": member.to_string()},
        {"name": "amount", "type": 4, "value": amount},
        {"name": "reason", "type": 3, "value": reason},
    ]}])
}

pub fn restore(member: u64, reason: &str) -> Value {
    json!([{"name": "streak", "type": 2, "options": [{"name": "restore", "type": 1, "options": [
        {"name": "member", "type": 6, "value": member.to_string()},
        {"name": "reason", "type": 3, "value": reason},
    ]}]}])
}

fn remove(member: u64, round: &str, reason: &str) -> Value {
    json!([{"name": "answer", "type": 2, "options": [{"name": "remove", "type": 1, "options": [
        {"name": "member", "type": 6, "value": member.to_string()},
        {"name": "round", "type": 3, "value": round},
        {"name": "reason", "type": 3, "value": reason},
    ]}]}])
}

#[test]
fn a_member_without_manage_server_is_refused_and_nothing_changes() {
    runtime().block_on(async {
        let mut s = Session::start().await;
        let r = s.round_on("2026-06-10").await;
        s.answer(&r, ADA, Verdict::Correct).await;
        for options in [
            points(ADA, 50, "because"),
            restore(ADA, "because"),
            remove(ADA, "2026-06-10", "because"),
            json!([{"name": "log", "type": 1, "options": []}]),
        ] {
            let (body, text) = s.say(admin(options, 0)).await;
            assert!(is_private(&body));
            assert!(text.contains("Manage Server"), "{text}");
        }
        assert!(s.stats(ADA).await.contains("Points\n20\n"));
        assert!(s.log(None, None).await.contains("0 entries"));
        s.check_spec();
    });
}

#[test]
fn points_follow_on_every_board_and_stats_and_are_logged_with_before_and_after() {
    runtime().block_on(async {
        let mut s = Session::start().await;
        let r = s.round_on("2026-06-10").await;
        s.answer(&r, ADA, Verdict::Correct).await; // 20
        s.answer(&r, BOB, Verdict::Partial).await; // 10

        let (body, text) = s
            .say(admin(
                points(BOB, 15, "ran the mock interview"),
                MANAGE_GUILD,
            ))
            .await;
        assert!(is_private(&body));
        assert!(text.contains("now has 25 points (was 10)"), "{text}");
        for period in ["all", "month", "week"] {
            let board = s.board(period).await;
            assert!(
                board.contains(&format!("**#1** <@{BOB}> · 25 pts · 1 answer")),
                "{period}: {board}"
            );
        }
        assert!(s.stats(BOB).await.contains("Points\n25\n"));

        // Taking more than there is stops at 0.
        let (_, text) = s
            .say(admin(points(ADA, -50, "copied answer"), MANAGE_GUILD))
            .await;
        assert!(text.contains("now has 0 points (was 20)"), "{text}");
        for period in ["all", "week"] {
            let board = s.board(period).await;
            assert!(
                board.contains(&format!("<@{ADA}> · 0 pts")),
                "{period}: {board}"
            );
        }
        assert!(s.stats(ADA).await.contains("Points\n0\n"));
        // Nothing left to take: refused, not logged.
        let (_, text) = s.say(admin(points(ADA, -5, "again"), MANAGE_GUILD)).await;
        assert!(text.contains("no points to take away"), "{text}");
        // A blank reason is refused.
        let (_, text) = s.say(admin(points(ADA, 5, "   "), MANAGE_GUILD)).await;
        assert!(text.contains("Give a reason"), "{text}");

        let log = s.log(None, None).await;
        assert!(log.contains("2 entries"), "{log}");
        assert!(
            log.contains(&format!("by <@{ADMIN}> · member <@{BOB}>")),
            "{log}"
        );
        assert!(log.contains("Why: ran the mock interview"), "{log}");
        assert!(log.contains(r#"Before: `{"points":10}`"#), "{log}");
        assert!(log.contains(r#""points":25"#), "{log}");
        assert!(log.contains(r#"Before: `{"points":20}`"#), "{log}");
        assert!(
            log.find("copied answer").unwrap() < log.find("mock interview").unwrap(),
            "newest first: {log}"
        );
        s.check_spec();
    });
}

#[test]
fn a_restored_streak_shows_in_stats_once_and_is_logged() {
    runtime().block_on(async {
        let mut s = Session::start().await;
        let days = ["2026-06-06", "2026-06-07", "2026-06-08"];
        let mut rounds = vec![];
        for d in days {
            rounds.push(s.round_on(d).await);
        }
        s.answer(&rounds[0], ADA, Verdict::Correct).await;
        s.close(&rounds[0]).await;
        s.answer(&rounds[1], ADA, Verdict::Correct).await;
        s.close(&rounds[1]).await;
        s.answer(&rounds[2], ADA, Verdict::Wrong).await;
        s.close(&rounds[2]).await;
        assert!(s.stats(ADA).await.contains("0 now · best 2"));

        let (_, text) = s
            .say(admin(restore(ADA, "the grader was wrong"), MANAGE_GUILD))
            .await;
        assert!(text.contains("streak is now 2 (was 0)"), "{text}");
        assert!(s.stats(ADA).await.contains("2 now · best 2"));
        // The restored streak goes on with today's round.
        let today = s.round_on("2026-06-10").await;
        assert_eq!(
            s.answer(&today, ADA, Verdict::Correct).await,
            Recorded::Accepted {
                points: 24,
                streak: 3,
                rewards: false,
            }
        );
        // Nothing left to restore: refused, not logged.
        let (_, text) = s.say(admin(restore(ADA, "again"), MANAGE_GUILD)).await;
        assert!(text.contains("nothing to restore"), "{text}");
        let log = s.log(Some(ADA), None).await;
        assert!(log.contains("1 entries"), "{log}");
        assert!(log.contains("streak-restore"), "{log}");
        assert!(
            log.contains(r#"Before: `{"best":2,"lost":2,"streak":0,"track":1}`"#),
            "{log}"
        );
        assert!(
            log.contains(r#"After: `{"best":2,"lost":0,"streak":2,"track":1}`"#),
            "{log}"
        );
        s.check_spec();
    });
}

#[test]
fn a_removed_answer_leaves_the_boards_and_stats_and_is_logged() {
    runtime().block_on(async {
        let mut s = Session::start().await;
        let r = s.round_on("2026-06-10").await;
        s.answer(&r, ADA, Verdict::Correct).await;
        s.answer(&r, BOB, Verdict::Partial).await;
        let (_, text) = s
            .say(admin(
                remove(ADA, "2026-06-10", "answer posted by a friend"),
                MANAGE_GUILD,
            ))
            .await;
        assert!(text.contains("Removed"), "{text}");
        assert!(text.contains("total is now 0 (was 20)"), "{text}");
        for period in ["all", "month", "week"] {
            let board = s.board(period).await;
            assert!(!board.contains(&format!("<@{ADA}>")), "{period}: {board}");
            assert!(
                board.contains(&format!("**#1** <@{BOB}>")),
                "{period}: {board}"
            );
        }
        let stats = s.stats(ADA).await;
        assert!(
            stats.contains("Answers\n0\n") && stats.contains("Points\n0\n"),
            "{stats}"
        );
        // By the round's number too; a second removal finds nothing.
        let (_, text) = s
            .say(admin(
                remove(ADA, &r.id.0.to_string(), "again"),
                MANAGE_GUILD,
            ))
            .await;
        assert!(text.contains("no answer to that round"), "{text}");
        let (_, text) = s
            .say(admin(remove(ADA, "yesterday", "x"), MANAGE_GUILD))
            .await;
        assert!(text.contains("could not find a round"), "{text}");
        let log = s.log(None, None).await;
        assert!(
            log.contains("1 entries") && log.contains("answer-remove"),
            "{log}"
        );
        assert!(
            log.contains(r#""points":20"#) && log.contains(r#"After: `{"total":0}`"#),
            "{log}"
        );
        s.check_spec();
    });
}

#[test]
fn the_log_pages_newest_first_and_filters_by_member() {
    runtime().block_on(async {
        let mut s = Session::start().await;
        for i in 1..=7 {
            let who = if i % 2 == 0 { BOB } else { ADA };
            s.say(admin(points(who, i, &format!("reason {i}")), MANAGE_GUILD))
                .await;
        }
        let first = s.log(None, None).await;
        assert!(first.contains("page 1 of 2 · 7 entries"), "{first}");
        for i in 3..=7 {
            assert!(first.contains(&format!("reason {i}")), "{first}");
        }
        assert!(!first.contains("reason 2"), "{first}");
        assert!(first.find("reason 7").unwrap() < first.find("reason 3").unwrap());
        assert!(first.contains("More: /admin log page:2"), "{first}");
        let second = s.log(None, Some(2)).await;
        assert!(second.contains("page 2 of 2"), "{second}");
        assert!(
            second.contains("reason 2") && second.contains("reason 1"),
            "{second}"
        );
        assert!(!second.contains("reason 3"), "{second}");
        // Past the end: the last page.
        assert!(s.log(None, Some(9)).await.contains("page 2 of 2"));
        let bob = s.log(Some(BOB), None).await;
        assert!(bob.contains("page 1 of 1 · 3 entries"), "{bob}");
        assert!(
            !bob.contains("reason 1") && bob.contains("reason 6"),
            "{bob}"
        );
        s.check_spec();
    });
}

#[test]
fn help_explains_freezes_and_corrections() {
    runtime().block_on(async {
        let mut s = Session::start().await;
        let (_, text) = s.say(ix::command("help", json!([]), ADA, 0)).await;
        assert!(
            text.contains("Streak freezes") && text.contains("you hold at most 2"),
            "{text}"
        );
        assert!(
            text.contains("/admin points member amount reason"),
            "{text}"
        );
        s.check_spec();
    });
}

#[test]
fn a_point_correction_survives_a_grade_changed_on_review() {
    use interview_bot::quiz::appeal::{self, Asked, Decision, NewDecision};
    runtime().block_on(async {
        let mut s = Session::start().await;
        let r1 = s.round_on("2026-06-08").await;
        let r2 = s.round_on("2026-06-09").await;
        s.answer(&r1, ADA, Verdict::Correct).await; // 20
        s.answer(&r2, ADA, Verdict::Wrong).await; // 0
        s.say(admin(points(ADA, 15, "bank typo"), MANAGE_GUILD))
            .await;
        assert!(s.stats(ADA).await.contains("Points\n35\n"));
        let store = s.app.store();
        let Asked::Opened(id) = appeal::ask_for_review(
            store,
            GuildId(GUILD),
            r2.id,
            UserId(ADA),
            UserId(ADA),
            now(),
        )
        .await
        .unwrap() else {
            panic!("the appeal opens")
        };
        appeal::decide(
            store,
            NewDecision {
                guild: GuildId(GUILD),
                appeal: id,
                decision: Decision::Correct,
                moderator: UserId(ADMIN),
                at: now(),
            },
        )
        .await
        .unwrap();
        // 20, then 20 + 2 for the day made right, and the 15 the admin gave.
        assert!(s.stats(ADA).await.contains("Points\n57\n"));
        assert!(s.board("all").await.contains(&format!("<@{ADA}> · 57 pts")));
        s.check_spec();
    });
}

#[test]
fn point_corrections_count_in_the_week_of_the_servers_time_zone() {
    runtime().block_on(async {
        for (zone, counted) in [("UTC", false), ("America/New_York", true)] {
            let mut s = Session::start().await;
            let mut settings = s.app.store().settings(GuildId(GUILD)).await.unwrap();
            settings.timezone = zone.parse().unwrap();
            s.app.store().save_settings(settings, None).await.unwrap();
            // Sunday 1 November 2026, 23:30 UTC: 18:30 in New York, the day its clocks went
            // back an hour (the week there runs from 26 October, EDT, to 2 November, EST).
            s.clock.set("2026-11-01T23:30:00Z".parse().unwrap());
            s.say(admin(points(BOB, 40, "workshop"), MANAGE_GUILD))
                .await;
            // 04:30 UTC on Monday: a new week in UTC, still Sunday in New York.
            s.clock.set("2026-11-02T04:30:00Z".parse().unwrap());
            let week = s.board("week").await;
            assert_eq!(
                week.contains(&format!("<@{BOB}> · 40 pts")),
                counted,
                "{zone}: {week}"
            );
            assert!(s.board("all").await.contains(&format!("<@{BOB}> · 40 pts")));
            s.check_spec();
        }
    });
}
