//! Seasons when things go wrong: a summary Discord fails (5xx: retried by a later pass, not in
//! a tight loop) or refuses (403: recorded, shown by `/config show`, never retried), and one
//! claimed by an instance that stopped (posted once its claim is stale).

use super::{audit_champions, configure, embed_text, played, summaries, utc, ADMIN};
use crate::discord::read_into;
use crate::fake_discord::FakeDiscord;
use crate::interactions::{self as ix, GUILD, MANAGE_GUILD};
use crate::spec;
use crate::util::{runtime, test_app};
use chrono::Duration;
use interview_bot::discord::scheduler;
use interview_bot::quiz::{GuildId, UserId};
use serde_json::json;

#[test]
fn a_failed_summary_is_retried_later_and_a_refused_one_is_shown_and_not_retried() {
    runtime().block_on(async {
        let fake = FakeDiscord::start().await;
        let dir = tempfile::tempdir().unwrap();
        let (app, clock) = test_app(dir.path(), &fake.base, utc("2026-05-10T00:00:00Z"));
        app.set_retry_delay(std::time::Duration::from_millis(5));
        let (flaky, refused) = (GUILD, GUILD + 1);
        configure(&app, flaky, 821, chrono_tz::UTC).await;
        configure(&app, refused, 822, chrono_tz::UTC).await;
        for guild in [flaky, refused] {
            app.store()
                .set_cadence(
                    GuildId(guild),
                    Some(interview_bot::quiz::season::Cadence::Monthly),
                    app.now(),
                )
                .await
                .unwrap();
            played(
                &app,
                guild,
                "2026-05-10",
                ("2026-05-10T00:00:00Z", "2026-05-11T00:00:00Z"),
                &[(5, "2026-05-10T01:00:00Z")],
            )
            .await;
        }
        fake.fail_channel(821, 500);
        fake.fail_channel(822, 403);
        clock.set(utc("2026-06-01T00:00:10Z"));
        let r = scheduler::pass(&app).await.unwrap();
        assert_eq!((r.seasons, r.failed), (0, 2), "{r:?}");
        let (tried_flaky, tried_refused) =
            (summaries(&fake, 821).len(), summaries(&fake, 822).len());
        assert!(
            tried_flaky >= 1 && tried_refused == 1,
            "{tried_flaky} {tried_refused}"
        );
        // No tight loop: a pass right after tries nothing.
        let r = scheduler::pass(&app).await.unwrap();
        assert_eq!((r.seasons, r.failed), (0, 0), "{r:?}");
        assert_eq!(summaries(&fake, 821).len(), tried_flaky);

        // The champion is recorded whatever happens to the post.
        let hall = app
            .store()
            .hall_of_fame(GuildId(refused), 10, 0)
            .await
            .unwrap();
        assert_eq!(hall.1, 1);

        // Discord is back: a later pass posts the summary once; the refused one is never retried.
        fake.heal_channel(821);
        clock.set(utc("2026-06-01T00:05:00Z"));
        let r = scheduler::pass(&app).await.unwrap();
        assert_eq!(r.seasons, 1, "{r:?}");
        for h in 1..=48 {
            clock.set(utc("2026-06-01T00:05:00Z") + Duration::hours(h));
            assert_eq!(scheduler::pass(&app).await.unwrap().seasons, 0);
        }
        assert_eq!(summaries(&fake, 822).len(), 1, "a 403 is not retried");

        let mut bodies = vec![];
        let show = json!([{"name": "show", "type": 1, "options": []}]);
        let (_, text) = read_into(
            &app,
            &mut bodies,
            ix::command("config", show.clone(), ADMIN, MANAGE_GUILD),
        )
        .await;
        assert!(
            text.contains("monthly · June 2026") && !text.contains("could not be posted"),
            "{text}"
        );
        let mut refused_show = ix::command("config", show, ADMIN, MANAGE_GUILD);
        refused_show["guild_id"] = json!(refused.to_string());
        let (_, text) = read_into(&app, &mut bodies, refused_show).await;
        assert!(
            text.contains("The summary of May 2026 could not be posted")
                && text.contains("403")
                && text.contains("<#822>"),
            "{text}"
        );
        spec::validate("callback", &bodies);
    });
}

#[test]
fn a_summary_claimed_by_an_instance_that_stopped_is_posted_once_its_claim_is_stale() {
    runtime().block_on(async {
        let fake = FakeDiscord::start().await;
        let dir = tempfile::tempdir().unwrap();
        let (app, clock) = test_app(dir.path(), &fake.base, utc("2026-03-10T00:00:00Z"));
        configure(&app, GUILD, 841, chrono_tz::Europe::London).await;
        app.store()
            .set_cadence(
                GuildId(GUILD),
                Some(interview_bot::quiz::season::Cadence::Monthly),
                app.now(),
            )
            .await
            .unwrap();
        played(
            &app,
            GUILD,
            "2026-03-10",
            ("2026-03-10T00:00:00Z", "2026-03-11T00:00:00Z"),
            &[(9, "2026-03-10T01:00:00Z")],
        )
        .await;
        // April starts at 23:00 UTC on 31 March in London (summer time). An instance closes March
        // and claims its summary, then stops before posting it.
        let end = utc("2026-03-31T23:00:00Z");
        let closed = app
            .store()
            .close_season(GuildId(GUILD), end)
            .await
            .unwrap()
            .unwrap();
        assert_eq!(closed.champion.map(|c| c.0), Some(UserId(9)));
        let claim = app
            .store()
            .claim_summary(GuildId(GUILD), "2026-03".into(), end, app.stale_claim())
            .await
            .unwrap();
        assert_eq!(claim, Some(1));
        drop(app);
        // The restarted bot leaves the claim alone while it may still be in progress...
        let (restarted, clock2) = test_app(dir.path(), &fake.base, end + Duration::seconds(30));
        drop(clock);
        assert_eq!(scheduler::pass(&restarted).await.unwrap().seasons, 0);
        assert!(summaries(&fake, 841).is_empty());
        // ... and posts it once the claim is stale.
        clock2.set(end + restarted.stale_claim() + Duration::minutes(1));
        assert_eq!(scheduler::pass(&restarted).await.unwrap().seasons, 1);
        assert_eq!(scheduler::pass(&restarted).await.unwrap().seasons, 0);
        let posts = summaries(&fake, 841);
        assert_eq!(posts.len(), 1);
        assert!(embed_text(&posts[0].body).contains("Season over · March 2026"));
        assert_eq!(audit_champions(restarted.store()).await.len(), 1);
    });
}
