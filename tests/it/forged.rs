//! Requests Discord would never send, as an attacker can forge them at the HTTP endpoint: each is
//! refused with a short private message and changes nothing.

use crate::discord::{is_private, Session, ADA, ADMIN};
use crate::interactions::{self as ix, GUILD, MANAGE_GUILD};
use crate::util::runtime;
use interview_bot::bank::Kind;
use interview_bot::quiz::GuildId;
use serde_json::{json, Value};

/// serenity's stand-in for a sender that was not sent.
const NO_ONE: u64 = 1;

/// The interaction with its sender taken out: no `member` in a server, no `user` elsewhere.
fn from_no_one(mut v: Value) -> Value {
    let o = v.as_object_mut().unwrap();
    o.remove("member");
    o.remove("user");
    v
}

#[test]
fn an_interaction_that_names_no_sender_is_refused_not_taken_as_user_1() {
    runtime().block_on(async {
        let mut s = Session::new();
        let q = s.first(|k| matches!(k, Kind::TrueFalse { .. }));
        let round = s.open_round(GUILD, &q.id.0).await;
        let click = ix::button(&format!("1:a:{}:1", round.id.0), ADA);
        let (body, text) = s.read(from_no_one(click)).await;
        assert!(text.contains("can't tell who sent this"), "{text}");
        assert!(is_private(&body));
        assert!(
            !s.has_answered(round.id, NO_ONE).await,
            "no answer as user 1"
        );
        let modal = from_no_one(ix::modal("1:pf:semver-parts:1", "text", ADA));
        let (_, text) = s.read(modal).await;
        assert!(text.contains("can't tell who sent this"), "{text}");
        // A server's settings are not changed by no one, even one with Manage Server.
        let disable = json!([{"name": "disable", "type": 1, "options": []}]);
        let mut cmd = from_no_one(ix::command("config", disable, ADMIN, MANAGE_GUILD));
        cmd["member"] = Value::Null;
        let (_, text) = s.read(cmd).await;
        assert!(text.contains("can't tell who sent this"), "{text}");
        let settings = s.app.store().settings(GuildId(GUILD)).await.unwrap();
        assert!(settings.enabled, "nothing was changed");
        // Outside a server, an interaction without its `user`.
        let (_, text) = s.read(from_no_one(ix::command_in_dm("help", ADA))).await;
        assert!(text.contains("can't tell who sent this"), "{text}");
        s.check_spec();
    });
}

#[test]
fn a_text_answer_control_of_a_choice_round_opens_no_text_box() {
    runtime().block_on(async {
        let mut s = Session::new();
        for kind in [
            (|k: &Kind| matches!(k, Kind::Choice { .. })) as fn(&Kind) -> bool,
            |k| matches!(k, Kind::TrueFalse { .. }),
            |k| matches!(k, Kind::Multi { .. }),
        ] {
            let q = s.first(kind);
            let guild = GUILD + s.bodies.len() as u64 + 1;
            let round = s.open_round(guild, &q.id.0).await;
            for forged in [format!("1:t:{}", round.id.0), format!("1:pt:{}:7", q.id.0)] {
                let mut click = ix::button(&forged, ADA);
                click["guild_id"] = json!(guild.to_string());
                let (body, text) = s.read(click).await;
                assert_eq!(body["type"], 4, "{forged}: a message, not a text box");
                assert!(text.contains("older message"), "{forged}: {text}");
            }
            // And a text answer sent for it records nothing.
            let mut modal = ix::modal(&format!("1:f:{}", round.id.0), "any text at all", ADA);
            modal["guild_id"] = json!(guild.to_string());
            let (_, text) = s.read(modal).await;
            assert!(text.contains("older message"), "{text}");
            assert!(!s.has_answered(round.id, ADA).await);
        }
        // The real "Answer" button of a written question still opens the box.
        let q = s.first(|k| matches!(k, Kind::FreeText(_)));
        let round = s.open_round(GUILD, &q.id.0).await;
        let body = s
            .send(ix::button(&format!("1:t:{}", round.id.0), ADA))
            .await;
        assert_eq!(body["type"], 9, "a modal");
        s.check_spec();
    });
}

#[test]
fn a_round_length_that_is_not_whole_hours_is_refused_and_changes_nothing() {
    runtime().block_on(async {
        let mut s = Session::new();
        let length = |hours: Value| {
            let opts = match hours {
                Value::Null => json!([]),
                h => json!([h]),
            };
            ix::command(
                "config",
                json!([{"name": "length", "type": 1, "options": opts}]),
                ADMIN,
                MANAGE_GUILD,
            )
        };
        let (_, text) = s
            .read(length(json!({"name": "hours", "type": 4, "value": 24})))
            .await;
        assert!(text.contains("Rounds stay open 24 hours"), "{text}");
        for forged in [
            json!({"name": "hours", "type": 10, "value": 1.5}),
            json!({"name": "hours", "type": 10, "value": 0.5}),
            json!({"name": "hours", "type": 3, "value": "12"}),
            json!({"name": "hours", "type": 4, "value": 169}),
            Value::Null,
        ] {
            let (body, text) = s.read(length(forged.clone())).await;
            assert!(
                text.contains("whole number of hours") && text.contains("Nothing was changed"),
                "{forged}: {text}"
            );
            assert!(is_private(&body));
            let settings = s.app.store().settings(GuildId(GUILD)).await.unwrap();
            assert_eq!(settings.round_minutes, Some(24 * 60), "{forged}: unchanged");
        }
        let (_, text) = s
            .read(length(json!({"name": "hours", "type": 4, "value": 0})))
            .await;
        assert!(text.contains("until the next post"), "{text}");
        let (_, text) = s
            .read(ix::command(
                "config",
                json!([{"name": "show", "type": 1, "options": []}]),
                ADMIN,
                MANAGE_GUILD,
            ))
            .await;
        assert!(text.contains("until the next post"), "{text}");
        s.check_spec();
    });
}
