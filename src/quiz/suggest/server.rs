//! A server's own questions: its approved suggestions, built into a bank and a grader the way the
//! bank's are (the same loader, the bank's synonym lists, `Grader::new`), so a server question is
//! graded exactly like a bank question. The daily post and `/quiz` draw from it beside the bank.

use super::check::{self, Entry};
use super::form::Form;
use super::similar::Index;
use super::SuggestionId;
use crate::bank::{Bank, BankErrors, Question};
use crate::grade::Grader;
use crate::quiz::UserId;
use std::collections::HashMap;
use std::sync::Arc;

/// An approved suggestion: a question of its server's bank.
#[derive(Debug, Clone, PartialEq)]
pub struct Approved {
    pub suggestion: SuggestionId,
    /// Its id in the server's bank (`suggested-<suggestion>`).
    pub question: String,
    pub author: UserId,
    pub moderator: UserId,
    /// Whether the moderator changed the member's texts.
    pub edited: bool,
    /// The texts as approved.
    pub form: Form,
}

/// The id an approved suggestion takes in its server's bank: never one of the bank's (those
/// carry no number suffix after `suggested`), and never reused (suggestion ids are not).
pub fn question_id(id: SuggestionId) -> String {
    format!("suggested-{}", id.0)
}

/// The comment above an approved question in a folder: who suggested it, who approved it.
pub fn credit_comment(a: &Approved) -> String {
    format!(
        "Suggested by Discord user {} (suggestion #{}), approved by {}{}.",
        a.author.0,
        a.suggestion.0,
        a.moderator.0,
        if a.edited { " with edits" } else { "" }
    )
}

fn entries(approved: &[Approved]) -> Vec<Entry<'_>> {
    approved
        .iter()
        .map(|a| Entry {
            id: a.question.clone(),
            comment: credit_comment(a),
            form: &a.form,
        })
        .collect()
}

/// The bank folder of a server's approved questions, as `questions export` writes it: the
/// synonyms file and one topic file per topic, by file name.
pub fn export_files(base: &Bank, approved: &[Approved]) -> Vec<(String, String)> {
    check::folder(base, &entries(approved), "").0
}

/// What keeps question `id` of `approved` from its server's bank: the bank's rules applied to
/// the whole folder, as `questions export` would write it and `questions check` check it.
pub fn problems_of(base: &Bank, approved: &[Approved], id: &str) -> Vec<check::Problem> {
    let judged = check::judge(base, &entries(approved));
    check::problems(id, &judged.errors, &judged.form_errors)
}

/// A server's approved questions, as a bank with its grader.
pub struct ServerBank {
    bank: Bank,
    grader: Grader,
    /// The bank's questions and these, for the duplicate warning.
    index: Arc<Index>,
    authors: HashMap<String, UserId>,
    /// Which approvals it was built from: (how many, the newest suggestion id).
    pub version: (u64, i64),
}

impl std::fmt::Debug for ServerBank {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ServerBank")
            .field("questions", &self.bank.questions().len())
            .field("version", &self.version)
            .finish()
    }
}

/// The version of a list of approvals, as the store reports it without reading them.
pub fn version_of(approved: &[Approved]) -> (u64, i64) {
    (
        approved.len() as u64,
        approved.iter().map(|a| a.suggestion.0).max().unwrap_or(0),
    )
}

impl ServerBank {
    /// Builds the bank of a server's approved questions. The rules are checked when a question is
    /// approved; one that fails now (the bank's rules or synonym lists changed since) is left out
    /// and named in the errors, and the others are kept.
    pub fn build(base: &Bank, approved: &[Approved]) -> (Option<ServerBank>, Option<BankErrors>) {
        let version = version_of(approved);
        let mut kept: Vec<Approved> = approved.to_vec();
        let mut refused = Vec::new();
        loop {
            if kept.is_empty() {
                let errors = (!refused.is_empty()).then_some(BankErrors(refused));
                return (None, errors);
            }
            let check::Judged {
                built,
                errors,
                form_errors,
            } = check::judge(base, &entries(&kept));
            let bad: Vec<String> = errors
                .iter()
                .filter_map(|e| e.id.clone())
                .chain(form_errors.iter().map(|(id, _)| id.clone()))
                .collect();
            match built {
                Some((bank, grader)) if errors.is_empty() && form_errors.is_empty() => {
                    let authors = kept
                        .iter()
                        .map(|a| (a.question.clone(), a.author))
                        .collect();
                    let errors = (!refused.is_empty()).then_some(BankErrors(refused));
                    let index = Arc::new(Index::new(
                        base.vocabulary(),
                        base.questions().iter().chain(bank.questions()),
                    ));
                    let server = ServerBank {
                        bank,
                        grader,
                        index,
                        authors,
                        version,
                    };
                    return (Some(server), errors);
                }
                // An error that names no question spoils them all: keep none.
                _ if bad.is_empty() => {
                    refused.extend(errors);
                    kept.clear();
                }
                _ => {
                    let before = kept.len();
                    kept.retain(|a| !bad.contains(&a.question));
                    if kept.len() == before {
                        kept.clear();
                    }
                    refused.extend(errors);
                }
            }
        }
    }

    pub fn bank(&self) -> &Bank {
        &self.bank
    }

    pub fn grader(&self) -> &Grader {
        &self.grader
    }

    pub fn get(&self, id: &str) -> Option<&Question> {
        self.bank.get(id)
    }

    pub fn questions(&self) -> &[Question] {
        self.bank.questions()
    }

    /// The bank's questions and the server's, to find a suggestion's duplicates among.
    pub fn index(&self) -> &Arc<Index> {
        &self.index
    }

    /// Who suggested a question of this server.
    pub fn author(&self, id: &str) -> Option<UserId> {
        self.authors.get(id).copied()
    }
}
