//! Oversized input never makes a reply Discord would refuse ("This interaction failed"): every
//! string option of every slash command, and the answer box, filled far past its `max_length` (as
//! a request forged to the HTTP endpoint can be), gets a reply that passes the spec validator and
//! keeps within Discord's limits.

use crate::discord::{visible_text, Session, ADMIN};
use crate::interactions::{self as ix, MANAGE_GUILD};
use crate::util::{bot, run};
use interview_bot::bank::Kind;
use serde_json::{json, Value};

/// The commands exactly as `register` sends them.
fn commands() -> Vec<Value> {
    let (ok, out, err) = run(bot().arg("commands"));
    assert!(ok, "{err}");
    serde_json::from_str(&out).unwrap()
}

/// A string option of a command: the command, its subcommand if any, and the option's definition.
struct StringOption {
    command: String,
    sub: Option<String>,
    def: Value,
}

impl StringOption {
    fn name(&self) -> &str {
        self.def["name"].as_str().unwrap()
    }

    fn label(&self) -> String {
        match &self.sub {
            Some(sub) => format!("/{} {sub} {}:", self.command, self.name()),
            None => format!("/{} {}:", self.command, self.name()),
        }
    }

    /// The command's `options` with this one set to `value` (and focused, for autocomplete).
    fn options(&self, value: &str, focused: bool) -> Value {
        let mut opt = json!({"name": self.name(), "type": 3, "value": value});
        if focused {
            opt["focused"] = json!(true);
        }
        match &self.sub {
            Some(sub) => json!([{"name": sub, "type": 1, "options": [opt]}]),
            None => json!([opt]),
        }
    }
}

fn string_options(commands: &[Value]) -> Vec<StringOption> {
    let mut out = vec![];
    for c in commands {
        let command = c["name"].as_str().unwrap().to_string();
        for o in c["options"].as_array().into_iter().flatten() {
            match o["type"].as_u64() {
                Some(3) => out.push(StringOption {
                    command: command.clone(),
                    sub: None,
                    def: o.clone(),
                }),
                Some(1) => {
                    for so in o["options"].as_array().into_iter().flatten() {
                        assert_ne!(so["type"], 1, "no deeper nesting");
                        if so["type"] == 3 {
                            out.push(StringOption {
                                command: command.clone(),
                                sub: Some(o["name"].as_str().unwrap().to_string()),
                                def: so.clone(),
                            });
                        }
                    }
                }
                _ => {}
            }
        }
    }
    out
}

/// Values far past any option's `max_length`: plain, multi-byte, a list of real topics, and
/// markdown with mentions.
fn oversized() -> Vec<String> {
    vec![
        "x".repeat(5000),
        "é".repeat(2100),
        "semver,".repeat(700),
        "`@everyone` <@1> **".repeat(200),
    ]
}

/// Characters, as Discord counts them.
fn chars(v: &Value) -> usize {
    v.as_str().map_or(0, |s| s.chars().count())
}

/// Every part of a reply within Discord's documented limits (the spec validator checks them
/// too; this names the part that is over).
fn assert_within_limits(body: &Value, what: &str) {
    let d = &body["data"];
    assert!(chars(&d["content"]) <= 2000, "{what}: content over 2,000");
    for e in d["embeds"].as_array().into_iter().flatten() {
        assert!(chars(&e["title"]) <= 256, "{what}: embed title over 256");
        assert!(
            chars(&e["description"]) <= 4096,
            "{what}: description over 4,096"
        );
        for f in e["fields"].as_array().into_iter().flatten() {
            assert!(chars(&f["value"]) <= 1024, "{what}: field value over 1,024");
        }
    }
    let choices = d["choices"].as_array().map_or(&[][..], |c| c.as_slice());
    assert!(choices.len() <= 25, "{what}: more than 25 choices");
    for c in choices {
        assert!(chars(&c["name"]) <= 100, "{what}: choice name over 100");
        assert!(
            (1..=100).contains(&chars(&c["value"])),
            "{what}: choice value not 1 to 100 characters: {}",
            c["value"]
        );
    }
}

#[test]
fn every_string_option_has_a_length_its_choices_fit() {
    let options = string_options(&commands());
    assert!(options.len() >= 9, "every string option is found");
    for o in &options {
        let max = o.def["max_length"].as_u64();
        let Some(max) = max else {
            panic!("{} has no max_length", o.label());
        };
        let min = o.def["min_length"].as_u64().unwrap_or(0);
        assert!(
            (1..=max).contains(&min) && max <= 6000,
            "{}: {min}..{max}",
            o.label()
        );
        for c in o.def["choices"].as_array().into_iter().flatten() {
            let n = chars(&c["value"]) as u64;
            assert!(
                (min..=max).contains(&n),
                "{}: the choice {} does not fit {min}..{max}",
                o.label(),
                c["value"]
            );
        }
    }
}

#[test]
fn oversized_input_to_every_string_option_gets_a_reply_within_limits() {
    crate::util::runtime().block_on(async {
        let mut s = Session::new();
        let options = string_options(&commands());
        for o in &options {
            for value in oversized() {
                let what = format!("{} of {} characters", o.label(), value.chars().count());
                let body = s
                    .send(ix::command(
                        &o.command,
                        o.options(&value, false),
                        ADMIN,
                        MANAGE_GUILD,
                    ))
                    .await;
                assert_eq!(body["type"], 4, "{what}: a message");
                assert_within_limits(&body, &what);
                if o.def["autocomplete"] == true {
                    let body = s
                        .send(ix::autocomplete(&o.command, o.options(&value, true), ADMIN))
                        .await;
                    assert_eq!(body["type"], 8, "{what}: choices");
                    assert_within_limits(&body, &format!("{what}, autocompleted"));
                }
            }
        }
        s.check_spec();
    });
}

/// The reported case: a 2,000+ character topic was quoted back whole.
#[test]
fn a_long_unknown_topic_is_quoted_clipped() {
    crate::util::runtime().block_on(async {
        let mut s = Session::new();
        let topic = "no-such-topic-".repeat(200);
        for command in ["quiz", "leaderboard"] {
            let opts = json!([{"name": "topic", "type": 3, "value": topic}]);
            let (body, text) = s.read(ix::command(command, opts, ADMIN, 0)).await;
            assert!(text.contains("There is no topic `no-such-topic-"), "{text}");
            assert!(text.contains("semver"), "the topics are listed: {text}");
            assert_within_limits(&body, command);
        }
        s.check_spec();
    });
}

/// A list of topics typed past what a choice can hold is offered no choice it cannot carry.
#[test]
fn autocomplete_skips_values_over_100_characters() {
    crate::util::runtime().block_on(async {
        let mut s = Session::new();
        let typed = format!("{}sem", "semver,".repeat(14));
        let opts = json!([{"name": "topics", "type": 1, "options": [
            {"name": "topics", "type": 3, "value": typed, "focused": true}]}]);
        let body = s.send(ix::autocomplete("config", opts, ADMIN)).await;
        let values: Vec<&str> = body["data"]["choices"]
            .as_array()
            .unwrap()
            .iter()
            .map(|c| c["value"].as_str().unwrap())
            .collect();
        assert_eq!(values, ["all"], "only the choice that fits");
        s.check_spec();
    });
}

/// The answer box: far more than its 4,000 characters, in every question kind it serves, for
/// practice and for a daily round.
#[test]
fn an_oversized_written_answer_gets_a_reply_within_limits() {
    crate::util::runtime().block_on(async {
        let mut s = Session::new();
        let kinds: [fn(&Kind) -> bool; 3] = [
            |k| matches!(k, Kind::FreeText(_)),
            |k| matches!(k, Kind::Short { .. }),
            |k| matches!(k, Kind::Order { .. }),
        ];
        let mut answers = oversized();
        answers.push("word ".repeat(800)); // 4,000 characters: graded
        for (n, kind) in kinds.iter().enumerate() {
            let q = s.first(kind);
            let round = s.open_round(ix::GUILD + 1 + n as u64, &q.id.0).await;
            let daily = format!("1:f:{}", round.id.0);
            for answer in &answers {
                let practice = format!("1:pf:{}:7", q.id.0);
                // A member of the round's guild, a new one for each answer.
                for id in [&practice, &daily] {
                    let mut modal = ix::modal(id, answer, 800 + s.bodies.len() as u64);
                    modal["guild_id"] = json!((ix::GUILD + 1 + n as u64).to_string());
                    let (body, text) = s.read(modal).await;
                    let what = format!("{id} with {} characters", answer.chars().count());
                    assert_eq!(body["type"], 4, "{what}: {text}");
                    assert_within_limits(&body, &what);
                    assert!(!visible_text(&body).contains(&answer[..200]), "{what}");
                }
            }
        }
        s.check_spec();
    });
}
