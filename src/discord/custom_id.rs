//! The custom_id scheme of our buttons, selects and modals: compact, versioned, parsed strictly.
//!
//! `1:<kind>:<fields...>`, at most 100 characters:
//! - `1:a:<round>:<option>`   answer a daily round with an option (true/false: 0 false, 1 true)
//! - `1:m:<round>`            the multi select of a daily round (values are option indices)
//! - `1:t:<round>`            open the text answer modal of a daily round
//! - `1:f:<round>`            the text answer modal of a daily round, submitted
//! - `1:pa:<question>:<seed>:<option>`, `1:pm:…`, `1:pt:…`, `1:pf:…`  the same for practice
//! - `1:lb:<period>:<topic or ->:<page>[:<track>]`   leaderboard pages (of one track's board)
//! - `1:ap:<round>:<member>`  ask for a review of the member's daily answer to a round
//! - `1:rv:<appeal>:<keep|correct|partial|wrong>`  a moderator's decision on an appeal
//! - `1:fu:<question>`        ask the follow-up of a question just answered, as practice
//! - `1:sh:<round>:<member>:<0|1>`  set sharing of the member's daily answer off (0) or on (1)
//! - `1:ra:<question>:<seed>:<option>`, `1:rm:…`, `1:rt:…`, `1:rf:…`  the same as practice, for a
//!   question asked by `/review` (its grade tells how many more are due)
//! - `1:rn`                   "Next review": the member's next due question
//! - `1:past:<days>:<page>`   `/past`: page `page` (0: the newest) of the last `days` days' rounds
//! - `1:past-retry:<round>`   `/past`: ask a past round's question again, as practice
//! - `1:ak:<question>`        "Practise it" under `/ask`'s answer: ask the question as practice

use crate::bank::Kind;
use crate::quiz::appeal::Decision;
use crate::quiz::{AppealId, Period, RoundId, TrackId, UserId};

/// What a control stands for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Control {
    Option {
        target: Target,
        option: usize,
    },
    Multi {
        target: Target,
    },
    OpenModal {
        target: Target,
    },
    Modal {
        target: Target,
    },
    Board {
        period: Period,
        topic: Option<String>,
        page: u32,
        /// Tracks: one track's board; `None`: the server's.
        track: Option<TrackId>,
    },
    /// "Ask for a review" on the grade of `member`'s answer to `round`.
    Appeal {
        round: RoundId,
        member: UserId,
    },
    /// A moderator's decision on an appeal, from `/grades review`.
    Review {
        appeal: AppealId,
        decision: Decision,
    },
    /// "Follow-up" under the grade of an answer to `question`: ask the next question that digs
    /// deeper (which one is `quiz::follow_up`'s choice, not the button's).
    FollowUp {
        question: String,
    },
    /// The share toggle under `member`'s grade of `round`: a press sets sharing to `on` (the
    /// button shows the other state, the current one).
    Share {
        round: RoundId,
        member: UserId,
        on: bool,
    },
    /// "Next review" under a review's grade.
    NextReview,
    /// "Practise it" under `/ask`'s answer: ask `question` as practice.
    Practise {
        question: String,
    },
    /// The archive's buttons (`/past`).
    Past(PastControl),
}

/// The buttons of `/past`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PastControl {
    /// Previous or Next: page `page` (0: the newest) of the past rounds of the last `days` days.
    Page { days: u32, page: u32 },
    /// "Retry as practice" under a past round.
    Retry { round: RoundId },
}

/// Which question a control answers: a daily round, or a practice question and its seed (from
/// `/quiz`, or `/review`: graded and recorded alike, the grade shown with what is due next).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Target {
    Round(RoundId),
    Practice { question: String, seed: u64 },
    Review { question: String, seed: u64 },
}

/// Whether a question of this kind is answered in the text box (`1:t:`/`1:f:` and their
/// practice twins): the kinds `render::answer_controls` gives an "Answer" button. A text control
/// of any other question is a forgery.
pub fn answered_in_modal(kind: &Kind) -> bool {
    match kind {
        Kind::Order { .. } | Kind::Short { .. } | Kind::FreeText(_) | Kind::Generated(_) => true,
        Kind::Choice { .. } | Kind::TrueFalse { .. } | Kind::Multi { .. } => false,
    }
}

const VERSION: &str = "1";
pub const MAX_LEN: usize = 100;

impl Control {
    pub fn encode(&self) -> String {
        let target = |t: &Target, daily: &str, practice: &str| match t {
            Target::Round(r) => format!("{VERSION}:{daily}:{}", r.0),
            Target::Practice { question, seed } => {
                format!("{VERSION}:{practice}:{question}:{seed}")
            }
            // The practice tag with `r` for `p`: `pa` is `ra`.
            Target::Review { question, seed } => {
                format!("{VERSION}:r{}:{question}:{seed}", &practice[1..])
            }
        };
        let id = match self {
            Control::Option { target: t, option } => format!("{}:{option}", target(t, "a", "pa")),
            Control::Multi { target: t } => target(t, "m", "pm"),
            Control::OpenModal { target: t } => target(t, "t", "pt"),
            Control::Modal { target: t } => target(t, "f", "pf"),
            Control::Board {
                period,
                topic,
                page,
                track,
            } => {
                format!(
                    "{VERSION}:lb:{}:{}:{page}{}",
                    period.as_str(),
                    topic.as_deref().unwrap_or("-"),
                    track.map(|t| format!(":{t}")).unwrap_or_default()
                )
            }
            Control::Appeal { round, member } => format!("{VERSION}:ap:{}:{}", round.0, member.0),
            Control::Review { appeal, decision } => {
                format!("{VERSION}:rv:{}:{}", appeal.0, decision.as_str())
            }
            Control::FollowUp { question } => format!("{VERSION}:fu:{question}"),
            Control::Share { round, member, on } => {
                format!("{VERSION}:sh:{}:{}:{}", round.0, member.0, u8::from(*on))
            }
            Control::NextReview => format!("{VERSION}:rn"),
            Control::Past(PastControl::Page { days, page }) => {
                format!("{VERSION}:past:{days}:{page}")
            }
            Control::Past(PastControl::Retry { round }) => {
                format!("{VERSION}:past-retry:{}", round.0)
            }
            Control::Practise { question } => format!("{VERSION}:ak:{question}"),
        };
        debug_assert!(id.len() <= MAX_LEN, "custom_id too long: {id}");
        id
    }

    /// Parses a custom_id; anything not made by `encode` (older versions, forgeries) is `None`.
    pub fn parse(id: &str) -> Option<Control> {
        if id.is_empty() || id.len() > MAX_LEN {
            return None;
        }
        let parts: Vec<&str> = id.split(':').collect();
        if parts.first() != Some(&VERSION) {
            return None;
        }
        let number = |s: &str| -> Option<u64> {
            // Digits only: no signs, no spaces, no leading zeros but for 0 itself.
            (!s.is_empty()
                && s.len() <= 20
                && s.bytes().all(|b| b.is_ascii_digit())
                && (s == "0" || !s.starts_with('0')))
            .then(|| s.parse().ok())
            .flatten()
        };
        let row_id = |s: &str| {
            number(s)
                .filter(|n| *n <= i64::MAX as u64)
                .map(|n| n as i64)
        };
        let round = |s: &str| row_id(s).map(|n| Target::Round(RoundId(n)));
        let practice = |q: &str, seed: &str| {
            (crate::bank::is_kebab(q) && q.len() <= crate::bank::MAX_ID_CHARS)
                .then(|| {
                    number(seed).map(|seed| Target::Practice {
                        question: q.to_string(),
                        seed,
                    })
                })
                .flatten()
        };
        let review = |q: &str, seed: &str| match practice(q, seed)? {
            Target::Practice { question, seed } => Some(Target::Review { question, seed }),
            _ => None,
        };
        let option = |s: &str| number(s).filter(|n| *n < 25).map(|n| n as usize);
        let question_id = |q: &str| {
            (crate::bank::is_kebab(q) && q.len() <= crate::bank::MAX_ID_CHARS)
                .then(|| q.to_string())
        };
        match parts[1..] {
            ["a", r, o] => Some(Control::Option {
                target: round(r)?,
                option: option(o)?,
            }),
            ["m", r] => Some(Control::Multi { target: round(r)? }),
            ["t", r] => Some(Control::OpenModal { target: round(r)? }),
            ["f", r] => Some(Control::Modal { target: round(r)? }),
            ["pa", q, s, o] => Some(Control::Option {
                target: practice(q, s)?,
                option: option(o)?,
            }),
            ["pm", q, s] => Some(Control::Multi {
                target: practice(q, s)?,
            }),
            ["pt", q, s] => Some(Control::OpenModal {
                target: practice(q, s)?,
            }),
            ["pf", q, s] => Some(Control::Modal {
                target: practice(q, s)?,
            }),
            ["lb", p, t, page, ref track @ ..] if track.len() <= 1 => {
                let period = Period::parse(p)?;
                let topic = match t {
                    "-" => None,
                    t if crate::bank::is_kebab(t) && t.len() <= 40 => Some(t.to_string()),
                    _ => return None,
                };
                let page = number(page).filter(|p| *p < 10_000)? as u32;
                let track = match track {
                    [t] => Some(TrackId(row_id(t)?)),
                    _ => None,
                };
                Some(Control::Board {
                    period,
                    topic,
                    page,
                    track,
                })
            }
            ["ap", r, m] => Some(Control::Appeal {
                round: RoundId(row_id(r)?),
                member: UserId(number(m)?),
            }),
            ["rv", a, d] => Some(Control::Review {
                appeal: AppealId(row_id(a)?),
                decision: Decision::parse(d)?,
            }),
            ["fu", q] => Some(Control::FollowUp {
                question: question_id(q)?,
            }),
            ["sh", r, m, on] => Some(Control::Share {
                round: RoundId(row_id(r)?),
                member: UserId(number(m)?),
                on: match on {
                    "0" => false,
                    "1" => true,
                    _ => return None,
                },
            }),
            ["ra", q, s, o] => Some(Control::Option {
                target: review(q, s)?,
                option: option(o)?,
            }),
            ["rm", q, s] => Some(Control::Multi {
                target: review(q, s)?,
            }),
            ["rt", q, s] => Some(Control::OpenModal {
                target: review(q, s)?,
            }),
            ["rf", q, s] => Some(Control::Modal {
                target: review(q, s)?,
            }),
            ["rn"] => Some(Control::NextReview),
            ["past", d, page] => {
                let max = u64::from(crate::quiz::past::MAX_DAYS);
                // A window of `days` days holds at most `days + 1` rounds, one a day.
                let days = number(d).filter(|d| (1..=max).contains(d))? as u32;
                let page = number(page).filter(|p| *p <= max)? as u32;
                Some(Control::Past(PastControl::Page { days, page }))
            }
            ["past-retry", r] => Some(Control::Past(PastControl::Retry {
                round: RoundId(row_id(r)?),
            })),
            ["ak", q] => Some(Control::Practise {
                question: question_id(q)?,
            }),
            _ => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_control_round_trips() {
        let controls = [
            Control::Option {
                target: Target::Round(RoundId(42)),
                option: 3,
            },
            Control::Multi {
                target: Target::Round(RoundId(1)),
            },
            Control::OpenModal {
                target: Target::Round(RoundId(7)),
            },
            Control::Modal {
                target: Target::Round(RoundId(7)),
            },
            Control::Option {
                target: Target::Practice {
                    question: "semver-parts".into(),
                    seed: u64::MAX,
                },
                option: 0,
            },
            Control::Multi {
                target: Target::Practice {
                    question: "a".repeat(40),
                    seed: 9,
                },
            },
            Control::Board {
                period: Period::Week,
                topic: Some("semver".into()),
                page: 2,
                track: None,
            },
            Control::Board {
                period: Period::All,
                topic: None,
                page: 0,
                track: None,
            },
            Control::Board {
                period: Period::Month,
                topic: None,
                page: 1,
                track: Some(TrackId(5)),
            },
            Control::Appeal {
                round: RoundId(i64::MAX),
                member: UserId(u64::MAX),
            },
            Control::Review {
                appeal: AppealId(3),
                decision: Decision::Partial,
            },
            Control::Review {
                appeal: AppealId(i64::MAX),
                decision: Decision::Keep,
            },
            Control::FollowUp {
                question: "process-vs-thread".into(),
            },
            Control::FollowUp {
                question: "a".repeat(40),
            },
            Control::Share {
                round: RoundId(i64::MAX),
                member: UserId(u64::MAX),
                on: true,
            },
            Control::Share {
                round: RoundId(1),
                member: UserId(2),
                on: false,
            },
            Control::Option {
                target: Target::Review {
                    question: "a".repeat(crate::bank::MAX_ID_CHARS),
                    seed: u64::MAX,
                },
                option: 24,
            },
            Control::Multi {
                target: Target::Review {
                    question: "semver-parts".into(),
                    seed: 0,
                },
            },
            Control::OpenModal {
                target: Target::Review {
                    question: "process-vs-thread".into(),
                    seed: 17,
                },
            },
            Control::Modal {
                target: Target::Review {
                    question: "process-vs-thread".into(),
                    seed: 17,
                },
            },
            Control::NextReview,
            Control::Past(PastControl::Page { days: 1, page: 0 }),
            Control::Past(PastControl::Page {
                days: crate::quiz::past::MAX_DAYS,
                page: crate::quiz::past::MAX_DAYS,
            }),
            Control::Past(PastControl::Retry {
                round: RoundId(i64::MAX),
            }),
            Control::Practise {
                question: "process-vs-thread".into(),
            },
            Control::Practise {
                question: "a".repeat(crate::bank::MAX_ID_CHARS),
            },
        ];
        for c in controls {
            let id = c.encode();
            assert!(id.len() <= MAX_LEN, "{id}");
            assert_eq!(Control::parse(&id), Some(c), "{id}");
        }
    }

    #[test]
    fn anything_else_is_refused() {
        for bad in [
            "",
            "0:a:1:1",
            "2:a:1:1",
            "1:a:1",
            "1:a:x:1",
            "1:a:1:99",
            "1:a:-1:1",
            "1:a:01:1",
            "1:a:1:1:1",
            "1:zz:1",
            "1:pa:Not_Kebab:1:1",
            "1:pa:q:1",
            "1:lb:year:-:0",
            "1:lb:all:-:x",
            "1:a: 1:1",
            "1:a:99999999999999999999999:1",
            "hello",
            "1:ap:1",
            "1:ap:1:x",
            "1:ap:-1:5",
            "1:ap:9223372036854775808:5",
            "1:ap:1:5:5",
            "1:rv:1",
            "1:rv:1:maybe",
            "1:rv:1:Correct",
            "1:rv:01:keep",
            "1:rv:x:keep",
            "1:fu",
            "1:fu:",
            "1:fu:Not_Kebab",
            "1:fu:a--b",
            "1:fu:q:1",
            "1:sh:1:2",
            "1:sh:1:2:2",
            "1:sh:1:2:on",
            "1:sh:1:x:1",
            "1:sh:-1:2:1",
            "1:sh:1:2:1:1",
            "1:ra:q:1",
            "1:ra:Not_Kebab:1:1",
            "1:ra:q:1:25",
            "1:rm:q:01",
            "1:rt:q",
            "1:rf:q:1:1",
            "1:rn:1",
            "1:rn:",
            "1:past",
            "1:past:30",
            "1:past:0:0",
            "1:past:366:0",
            "1:past:30:366",
            "1:past:30:-1",
            "1:past:30:01",
            "1:past:x:0",
            "1:past:30:0:0",
            "1:past-retry",
            "1:past-retry:",
            "1:past-retry:-1",
            "1:past-retry:x",
            "1:past-retry:9223372036854775808",
            "1:past-retry:1:1",
            "1:ak",
            "1:ak:",
            "1:ak:Not_Kebab",
            "1:ak:q:1",
        ] {
            assert_eq!(Control::parse(bad), None, "{bad:?}");
        }
        assert_eq!(Control::parse(&format!("1:m:{}", "1".repeat(120))), None);
        assert_eq!(Control::parse(&format!("1:fu:{}", "a".repeat(41))), None);
        assert_eq!(Control::parse(&format!("1:ak:{}", "a".repeat(41))), None);
    }
}
