//! Role rewards end to end: `/config roles` through the real handler, members answering daily
//! rounds, and the roles the bot then gives through a fake Discord (a streak role at 7 days, a
//! points milestone, the champion role moving), each failure shown by `/config show` and not
//! tried again, and a 5xx retried. Every response body is checked against Discord's spec; a role
//! call has no body, and its route is in the spec.

use crate::fake_discord::roles::{ServerRole, MANAGE_ROLES};
use crate::fake_discord::{FakeDiscord, Request, WAIT};
use crate::interactions::{self as ix, GUILD, MANAGE_GUILD};
use crate::spec;
use crate::util::{runtime, test_app};
use chrono::{DateTime, Duration, Utc};
use interview_bot::bank::Kind;
use interview_bot::discord::roles::{give_reached, move_champion};
use interview_bot::discord::App;
use interview_bot::quiz::*;
use serde_json::{json, Value};

const ADMIN: u64 = 600;
const ADA: u64 = 601;
const BOB: u64 = 602;
const STREAK_7: u64 = 710_000_000_000_000_007;
const STREAK_1: u64 = 710_000_000_000_000_001;
const STREAK_2: u64 = 710_000_000_000_000_002;
const STREAK_3: u64 = 710_000_000_000_000_003;
const MILESTONE: u64 = 720_000_000_000_000_001;
const CHAMPION: u64 = 730_000_000_000_000_001;
const BOT_ROLE: u64 = 740_000_000_000_000_001;

fn now() -> DateTime<Utc> {
    "2026-03-02T12:00:00Z".parse().unwrap()
}

struct Session {
    fake: FakeDiscord,
    app: App,
    clock: ManualClock,
    bodies: Vec<Value>,
    _dir: tempfile::TempDir,
    /// The day of the next round.
    day: i64,
}

impl Session {
    async fn start() -> Session {
        let fake = FakeDiscord::start().await;
        let dir = tempfile::tempdir().unwrap();
        let (app, clock) = test_app(dir.path(), &fake.base, now());
        app.set_retry_delay(std::time::Duration::from_millis(5));
        Session {
            fake,
            app,
            clock,
            bodies: vec![],
            _dir: dir,
            day: 0,
        }
    }

    async fn read(&mut self, interaction: Value) -> String {
        crate::discord::read_into(&self.app, &mut self.bodies, interaction)
            .await
            .1
    }

    /// `/config roles <sub>` with these options; a `role` option is resolved as Discord does.
    async fn roles(&mut self, sub: &str, options: Value, role: Option<Value>) -> String {
        let opts = json!([{"name": "roles", "type": 2, "options": [
            {"name": sub, "type": 1, "options": options}
        ]}]);
        let cmd = match role {
            Some(r) => {
                let id = r["id"].as_str().unwrap().to_string();
                ix::command_with_resolved(
                    "config",
                    opts,
                    json!({"roles": {id: r}}),
                    ADMIN,
                    MANAGE_GUILD,
                )
            }
            None => ix::command("config", opts, ADMIN, MANAGE_GUILD),
        };
        self.read(cmd).await
    }

    async fn streak_role(&mut self, days: u64, role: u64) -> String {
        let options = json!([
            {"name": "days", "type": 4, "value": days},
            {"name": "role", "type": 8, "value": role.to_string()},
        ]);
        self.roles("streak-add", options, Some(role_json(role, 1, false)))
            .await
    }

    async fn config_show(&mut self) -> String {
        let cmd = ix::command(
            "config",
            json!([{"name": "show", "type": 1, "options": []}]),
            ADMIN,
            MANAGE_GUILD,
        );
        self.read(cmd).await
    }

    /// Opens the next day's round (the previous one closed) and has each member answer it
    /// right; their replies come at once, whatever the roles do.
    async fn answer_day(&mut self, members: &[u64]) {
        let q = self
            .app
            .bank()
            .questions()
            .iter()
            .find(|q| matches!(q.kind, Kind::TrueFalse { .. }))
            .unwrap();
        let Kind::TrueFalse { answer } = q.kind else {
            unreachable!()
        };
        if let Some(open) = self.app.store().open_round(GuildId(GUILD)).await.unwrap() {
            self.app
                .store()
                .end_round(open.id, RoundState::Closed)
                .await
                .unwrap();
        }
        let opens = now() + Duration::days(self.day);
        self.clock.set(opens + Duration::minutes(5));
        let round = self
            .app
            .store()
            .create_round(NewRound {
                guild: GuildId(GUILD),
                day: opens.date_naive(),
                question: q.id.0.clone(),
                topic: q.topic.clone(),
                difficulty: q.difficulty,
                seed: 3,
                opens_at: opens,
                closes_at: opens + Duration::hours(20),
                channel: Some(ChannelId(ix::CHANNEL)),
            })
            .await
            .unwrap()
            .unwrap();
        self.day += 1;
        for &m in members {
            let said = self
                .read(ix::button(
                    &format!("1:a:{}:{}", round.id.0, u8::from(answer)),
                    m,
                ))
                .await;
            assert!(said.contains("Points"), "{said}");
        }
    }

    fn role_calls(&self, method: &str, member: u64, role: u64) -> Vec<Request> {
        self.fake.requests_to(
            method,
            &format!("/guilds/{GUILD}/members/{member}/roles/{role}"),
        )
    }

    async fn wait_role_calls(
        &self,
        method: &str,
        member: u64,
        role: u64,
        n: usize,
    ) -> Vec<Request> {
        self.fake
            .wait_for_count(
                method,
                &format!("/guilds/{GUILD}/members/{member}/roles/{role}"),
                n,
                WAIT,
            )
            .await
    }

    /// Waits, bounded, until the store records `role` as given to `member`: the task that gives
    /// roles writes it right after Discord's answer, so a test that moves the clock on before
    /// then would find the grant in flight for a day, stale, and rightly taken over.
    async fn wait_given(&self, member: u64, role: u64) {
        let deadline = tokio::time::Instant::now() + WAIT;
        loop {
            let given = self
                .app
                .store()
                .given_roles(GuildId(GUILD), UserId(member))
                .await
                .unwrap();
            if given.contains(&RoleId(role)) {
                return;
            }
            assert!(
                tokio::time::Instant::now() < deadline,
                "{role} not recorded as given to {member}: {given:?}"
            );
            tokio::time::sleep(std::time::Duration::from_millis(10)).await;
        }
    }

    /// Waits, bounded, until the store records a problem with `role` (the task that gives
    /// roles writes it right after Discord's answer).
    async fn wait_problem(&self, role: u64) {
        let deadline = tokio::time::Instant::now() + WAIT;
        loop {
            let rewards = self.app.store().role_rewards(GuildId(GUILD)).await.unwrap();
            if rewards
                .iter()
                .any(|r| r.role == RoleId(role) && r.problem.is_some())
            {
                return;
            }
            assert!(
                tokio::time::Instant::now() < deadline,
                "no problem recorded for {role}: {rewards:?}"
            );
            tokio::time::sleep(std::time::Duration::from_millis(10)).await;
        }
    }

    fn finish(&self) {
        spec::validate("callback", &self.bodies);
    }
}

pub(crate) fn role_json(id: u64, position: u16, managed: bool) -> Value {
    json!({
        "id": id.to_string(), "name": format!("role{id}"), "color": 0, "hoist": false,
        "colors": {"primary_color": 0, "secondary_color": null, "tertiary_color": null},
        "icon": null, "unicode_emoji": null, "position": position, "permissions": "0",
        "managed": managed, "mentionable": false, "flags": 0,
    })
}

/// A role call: no body (the route takes none), a reason for the audit log, and a route that
/// Discord's published spec has.
pub(crate) fn check_role_call(r: &Request, reason: &str) {
    assert_eq!(r.body, Value::Null, "{r:?}");
    let said = r.audit_reason.as_deref().unwrap_or_default();
    assert!(said.contains(reason), "audit reason {said:?}");
    let spec = std::fs::read_to_string(crate::util::repo(
        "tests/spec/node_modules/discord-api-spec/build/discord-api-spec.js",
    ))
    .expect("npm ci --prefix tests/spec");
    assert!(spec.contains("\"/guilds/{guild_id}/members/{user_id}/roles/{role_id}\""));
}

#[test]
fn a_seven_day_streak_gives_the_streak_role_once() {
    runtime().block_on(async {
        let mut s = Session::start().await;
        let said = s.streak_role(7, STREAK_7).await;
        assert!(said.contains("7-day streak"), "{said}");
        for _ in 0..6 {
            s.answer_day(&[ADA]).await;
        }
        s.answer_day(&[ADA]).await;
        let put = s.wait_role_calls("PUT", ADA, STREAK_7, 1).await.remove(0);
        check_role_call(&put, "reached a 7-day streak");
        assert_eq!(s.fake.member_roles(ADA), vec![STREAK_7]);
        s.wait_given(ADA, STREAK_7).await;
        // Day 8, and any later call, even two at once, gives nothing again.
        s.answer_day(&[ADA]).await;
        let (a, b) = tokio::join!(
            give_reached(&s.app, GuildId(GUILD), UserId(ADA), 8),
            give_reached(&s.app, GuildId(GUILD), UserId(ADA), 8)
        );
        assert!(a.unwrap().is_empty() && b.unwrap().is_empty());
        assert_eq!(s.role_calls("PUT", ADA, STREAK_7).len(), 1);
        // The streak before day 7 gave nothing: the first call came at 7.
        assert_eq!(
            s.fake
                .requests_to("PUT", &format!("/guilds/{GUILD}/members/"))
                .len(),
            1
        );
        s.finish();
    });
}

#[test]
fn a_points_milestone_gives_its_role() {
    runtime().block_on(async {
        let mut s = Session::start().await;
        s.answer_day(&[ADA]).await;
        let first = s
            .app
            .store()
            .member_stats(GuildId(GUILD), UserId(ADA))
            .await
            .unwrap()
            .points;
        assert!(first > 0);
        let options = json!([
            {"name": "points", "type": 4, "value": first + 1},
            {"name": "role", "type": 8, "value": MILESTONE.to_string()},
        ]);
        let said = s
            .roles("points-add", options, Some(role_json(MILESTONE, 1, false)))
            .await;
        assert!(said.contains(&format!("{} points", first + 1)), "{said}");
        s.answer_day(&[ADA, BOB]).await;
        let put = s.wait_role_calls("PUT", ADA, MILESTONE, 1).await.remove(0);
        check_role_call(&put, &format!("reached {} points", first + 1));
        assert_eq!(s.fake.member_roles(ADA), vec![MILESTONE]);
        // Bob answered once: not there yet.
        assert!(give_reached(&s.app, GuildId(GUILD), UserId(BOB), 1)
            .await
            .unwrap()
            .is_empty());
        assert!(s.fake.member_roles(BOB).is_empty());
        let list = s.roles("list", json!([]), None).await;
        assert!(list.contains(&format!("<@&{MILESTONE}>")), "{list}");
        s.finish();
    });
}

#[test]
fn the_champion_role_moves_from_the_old_champion_to_the_new() {
    runtime().block_on(async {
        let mut s = Session::start().await;
        let options = json!([{"name": "role", "type": 8, "value": CHAMPION.to_string()}]);
        let said = s
            .roles("champion", options, Some(role_json(CHAMPION, 1, false)))
            .await;
        assert!(said.contains("champion"), "{said}");
        let g = GuildId(GUILD);
        move_champion(&s.app, g, UserId(ADA)).await.unwrap();
        let put = s.wait_role_calls("PUT", ADA, CHAMPION, 1).await.remove(0);
        check_role_call(&put, "champion");
        move_champion(&s.app, g, UserId(BOB)).await.unwrap();
        let delete = s
            .wait_role_calls("DELETE", ADA, CHAMPION, 1)
            .await
            .remove(0);
        check_role_call(&delete, "champion");
        s.wait_role_calls("PUT", BOB, CHAMPION, 1).await;
        assert!(s.fake.member_roles(ADA).is_empty());
        assert_eq!(s.fake.member_roles(BOB), vec![CHAMPION]);
        // The database remembers the holder: the same champion again changes nothing.
        assert_eq!(
            s.app.store().champion(g).await.unwrap(),
            Some((UserId(BOB), Some(RoleId(CHAMPION))))
        );
        move_champion(&s.app, g, UserId(BOB)).await.unwrap();
        assert_eq!(s.role_calls("PUT", BOB, CHAMPION).len(), 1);
        assert_eq!(s.role_calls("DELETE", BOB, CHAMPION).len(), 0);
        // A champion who left the server: taking the role back finds nobody, which is no
        // problem with the role; the new champion gets it.
        s.fake.member_leaves(BOB);
        move_champion(&s.app, g, UserId(ADA)).await.unwrap();
        s.wait_role_calls("DELETE", BOB, CHAMPION, 1).await;
        s.wait_role_calls("PUT", ADA, CHAMPION, 2).await;
        assert_eq!(s.fake.member_roles(ADA), vec![CHAMPION]);
        let show = s.config_show().await;
        assert!(!show.contains("⚠️"), "{show}");
        s.finish();
    });
}

#[test]
fn a_refused_role_is_shown_in_config_show_and_not_tried_again() {
    runtime().block_on(async {
        let mut s = Session::start().await;
        // The bot cannot tell where its role stands: the role is accepted, Discord refuses it.
        s.fake.refuse_role(STREAK_1);
        s.fake.delete_role(STREAK_2);
        s.streak_role(1, STREAK_1).await;
        s.streak_role(2, STREAK_2).await;
        s.streak_role(3, STREAK_3).await;
        s.answer_day(&[ADA]).await;
        s.wait_role_calls("PUT", ADA, STREAK_1, 1).await;
        s.wait_problem(STREAK_1).await;
        let show = s.config_show().await;
        assert!(show.contains("Manage Roles"), "{show}");
        assert!(
            show.contains(&format!("move the bot's role above <@&{STREAK_1}>")),
            "{show}"
        );
        s.answer_day(&[ADA]).await;
        s.wait_role_calls("PUT", ADA, STREAK_2, 1).await;
        s.wait_problem(STREAK_2).await;
        let show = s.config_show().await;
        assert!(show.contains("The role was deleted"), "{show}");
        assert!(show.contains("streak-add days:2"), "{show}");
        // Day 3: the working role is given; the failing ones are not tried again (roles are
        // tried lowest first, so a retry would have come before this one).
        s.answer_day(&[ADA]).await;
        s.wait_role_calls("PUT", ADA, STREAK_3, 1).await;
        give_reached(&s.app, GuildId(GUILD), UserId(ADA), 3)
            .await
            .unwrap();
        assert_eq!(s.role_calls("PUT", ADA, STREAK_1).len(), 1);
        assert_eq!(s.role_calls("PUT", ADA, STREAK_2).len(), 1);
        assert_eq!(s.fake.member_roles(ADA), vec![STREAK_3]);
        // An admin fixes the role and sets it again: the member's next answer gets it.
        s.fake.set_server_roles(
            &[
                ServerRole {
                    id: BOT_ROLE,
                    position: 5,
                    managed: false,
                    permissions: MANAGE_ROLES,
                },
                ServerRole {
                    id: STREAK_1,
                    position: 1,
                    managed: false,
                    permissions: 0,
                },
            ],
            &[BOT_ROLE],
        );
        s.fake.allow_role(STREAK_1);
        s.streak_role(1, STREAK_1).await;
        let show = s.config_show().await;
        assert!(!show.contains("move the bot's role above"), "{show}");
        s.answer_day(&[ADA]).await;
        s.wait_role_calls("PUT", ADA, STREAK_1, 2).await;
        s.finish();
    });
}

#[test]
fn a_5xx_is_retried_and_then_the_role_is_given() {
    runtime().block_on(async {
        let mut s = Session::start().await;
        s.streak_role(1, STREAK_1).await;
        s.fake.fail_role_calls(2, 502);
        s.answer_day(&[ADA]).await;
        s.wait_role_calls("PUT", ADA, STREAK_1, 3).await;
        let deadline = tokio::time::Instant::now() + WAIT;
        while s.fake.member_roles(ADA).is_empty() {
            assert!(tokio::time::Instant::now() < deadline, "never given");
            tokio::time::sleep(std::time::Duration::from_millis(10)).await;
        }
        assert_eq!(s.fake.member_roles(ADA), vec![STREAK_1]);
        let show = s.config_show().await;
        assert!(!show.contains("⚠️"), "{show}");
        s.finish();
    });
}

#[test]
fn roles_that_cannot_be_given_are_refused_when_set() {
    runtime().block_on(async {
        let mut s = Session::start().await;
        s.fake.set_server_roles(
            &[
                ServerRole {
                    id: BOT_ROLE,
                    position: 5,
                    managed: true,
                    permissions: MANAGE_ROLES,
                },
                ServerRole {
                    id: STREAK_7,
                    position: 9,
                    managed: false,
                    permissions: 0,
                },
                ServerRole {
                    id: STREAK_1,
                    position: 2,
                    managed: false,
                    permissions: 0,
                },
            ],
            &[BOT_ROLE],
        );
        // @everyone's id is the server's.
        let everyone = s.streak_role(7, GUILD).await;
        assert!(
            everyone.contains("@everyone can't be a reward"),
            "{everyone}"
        );
        let options = json!([
            {"name": "days", "type": 4, "value": 7},
            {"name": "role", "type": 8, "value": BOT_ROLE.to_string()},
        ]);
        let managed = s
            .roles("streak-add", options, Some(role_json(BOT_ROLE, 5, true)))
            .await;
        assert!(managed.contains("managed by an integration"), "{managed}");
        let above = s.streak_role(7, STREAK_7).await;
        assert!(above.contains("above my highest role"), "{above}");
        let fine = s.streak_role(1, STREAK_1).await;
        assert!(fine.contains("1-day streak"), "{fine}");
        let list = s.roles("list", json!([]), None).await;
        assert!(!list.contains(&format!("<@&{STREAK_7}>")), "{list}");
        assert!(list.contains(&format!("<@&{STREAK_1}>")), "{list}");
        // Without Manage Roles.
        s.fake.set_server_roles(
            &[ServerRole {
                id: BOT_ROLE,
                position: 5,
                managed: true,
                permissions: 0,
            }],
            &[BOT_ROLE],
        );
        let no_perm = s.streak_role(2, STREAK_1).await;
        assert!(no_perm.contains("Manage Roles"), "{no_perm}");
        s.finish();
    });
}

#[test]
fn help_names_the_roles_command() {
    runtime().block_on(async {
        let mut s = Session::start().await;
        let help = s.read(ix::command("help", json!([]), ADA, 0)).await;
        assert!(help.contains("/config roles"), "{help}");
        s.finish();
    });
}

/// A points correction that reaches a milestone gives its role, as an answer would (off the
/// reply path, once); a correction that takes points away gives nothing.
#[test]
fn a_points_correction_that_reaches_a_milestone_gives_its_role() {
    runtime().block_on(async {
        let mut s = Session::start().await;
        let options = json!([
            {"name": "points", "type": 4, "value": 100},
            {"name": "role", "type": 8, "value": MILESTONE.to_string()},
        ]);
        s.roles("points-add", options, Some(role_json(MILESTONE, 1, false)))
            .await;
        let correction = |amount: i64| {
            ix::command_with_resolved(
                "admin",
                json!([{"name": "points", "type": 1, "options": [
                    {"name": "member", "type": 6, "value": ADA.to_string()},
                    {"name": "amount", "type": 4, "value": amount},
                    {"name": "reason", "type": 3, "value": "the bot was down on Monday"},
                ]}]),
                json!({"users": {ADA.to_string(): ix::user(ADA)}}),
                ADMIN,
                MANAGE_GUILD,
            )
        };
        let said = s.read(correction(60)).await;
        assert!(said.contains("60"), "{said}");
        assert!(s.role_calls("PUT", ADA, MILESTONE).is_empty(), "60 < 100");
        s.read(correction(50)).await;
        let put = s.wait_role_calls("PUT", ADA, MILESTONE, 1).await.remove(0);
        check_role_call(&put, "reached 100 points");
        assert_eq!(s.fake.member_roles(ADA), vec![MILESTONE]);
        s.read(correction(-20)).await;
        s.read(correction(30)).await;
        // Give any stray task time to show itself: the role is given once.
        tokio::time::sleep(std::time::Duration::from_millis(200)).await;
        assert_eq!(s.role_calls("PUT", ADA, MILESTONE).len(), 1);
        s.finish();
    });
}
