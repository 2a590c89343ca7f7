//! Whether a bank's choice questions give their answer away by its length.
//!
//! A test-taker who always picks the longest option should do no better than chance. The review
//! found the right option strictly the longest in half the choice questions, where chance is
//! about a quarter; `questions check` prints the share and fails above `MAX_LENGTH_BIAS`.

use super::{Bank, BankError, Kind};

/// The most a bank may have of choice questions whose right option is strictly the longest.
pub const MAX_LENGTH_BIAS: f64 = 0.35;

/// The length bias of a bank's choice questions.
#[derive(Debug, Clone, PartialEq)]
pub struct LengthBias {
    /// Choice questions.
    pub questions: usize,
    /// Of them, those whose right option is strictly the longest.
    pub longest: Vec<String>,
    /// The right option's length over the mean of the others', averaged over the questions.
    pub mean_ratio: f64,
}

impl LengthBias {
    pub fn share(&self) -> f64 {
        if self.questions == 0 {
            0.0
        } else {
            self.longest.len() as f64 / self.questions as f64
        }
    }

    /// The line `questions check` prints.
    pub fn describe(&self) -> String {
        format!(
            "length bias: the right option is strictly the longest in {} of {} choice questions ({:.0}%, at most {:.0}% allowed); it is {:.2}x the others on average",
            self.longest.len(),
            self.questions,
            self.share() * 100.0,
            MAX_LENGTH_BIAS * 100.0,
            self.mean_ratio
        )
    }
}

fn chars(s: &str) -> usize {
    s.chars().count()
}

pub fn length_bias(bank: &Bank) -> LengthBias {
    let mut longest = Vec::new();
    let (mut questions, mut ratios) = (0, 0.0);
    for q in bank.questions() {
        let Kind::Choice { options, answer } = &q.kind else {
            continue;
        };
        questions += 1;
        let right = chars(&options[*answer]);
        let others: Vec<usize> = options
            .iter()
            .enumerate()
            .filter(|(i, _)| i != answer)
            .map(|(_, o)| chars(o))
            .collect();
        if others.iter().all(|o| right > *o) {
            longest.push(q.id.0.clone());
        }
        let mean = others.iter().sum::<usize>() as f64 / others.len().max(1) as f64;
        ratios += right as f64 / mean.max(1.0);
    }
    LengthBias {
        questions,
        longest,
        mean_ratio: if questions == 0 {
            1.0
        } else {
            ratios / questions as f64
        },
    }
}

/// The bank's error when its choice questions are biased, naming the questions to rewrite.
pub fn check(bank: &Bank) -> Option<BankError> {
    let bias = length_bias(bank);
    (bias.share() > MAX_LENGTH_BIAS).then(|| BankError {
        file: "(the bank)".into(),
        line: None,
        id: None,
        message: format!(
            "{}. Rewrite options so lengths are even and a wrong option is often the longest: {}",
            bias.describe(),
            bias.longest.join(", ")
        ),
    })
}
