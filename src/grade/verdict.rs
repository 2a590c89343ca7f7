//! The verdict bands: the one place that turns a score into `correct`, `partial` or `wrong`.

use serde::Serialize;
use std::fmt;

/// A free-text score at or above this is `correct`.
pub const CORRECT_FROM: f64 = 0.65;
/// A score at or above this (and below `CORRECT_FROM`) is `partial`; below it, `wrong`.
pub const PARTIAL_FROM: f64 = 0.3;
/// A bare list of keywords scores at most this: partial, however many points it names.
pub const KEYWORD_LIST_CAP: f64 = 0.5;
/// Keywords that name no essential point score at most this: wrong.
pub const NO_CLAIM_CAP: f64 = 0.2;

#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, serde::Deserialize,
)]
#[serde(rename_all = "lowercase")]
pub enum Verdict {
    Wrong,
    Partial,
    Correct,
}

impl Verdict {
    /// Every verdict, worst first: the order of confusion matrices and vote shares.
    pub const ALL: [Verdict; 3] = [Verdict::Wrong, Verdict::Partial, Verdict::Correct];

    /// The verdict's place in [`Verdict::ALL`].
    pub fn index(self) -> usize {
        match self {
            Verdict::Wrong => 0,
            Verdict::Partial => 1,
            Verdict::Correct => 2,
        }
    }

    /// The band of a free-text score.
    pub fn of_score(score: f64) -> Verdict {
        if score >= CORRECT_FROM {
            Verdict::Correct
        } else if score >= PARTIAL_FROM {
            Verdict::Partial
        } else {
            Verdict::Wrong
        }
    }

    /// The band of an exact kind: only a fully right answer is `correct`.
    pub fn of_exact(score: f64) -> Verdict {
        if score >= 1.0 {
            Verdict::Correct
        } else if score >= PARTIAL_FROM {
            Verdict::Partial
        } else {
            Verdict::Wrong
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Verdict::Wrong => "wrong",
            Verdict::Partial => "partial",
            Verdict::Correct => "correct",
        }
    }

    pub fn parse(s: &str) -> Option<Verdict> {
        [Verdict::Wrong, Verdict::Partial, Verdict::Correct]
            .into_iter()
            .find(|v| v.as_str() == s)
    }
}

impl fmt::Display for Verdict {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl From<crate::bank::Expect> for Verdict {
    fn from(e: crate::bank::Expect) -> Verdict {
        match e {
            crate::bank::Expect::Correct => Verdict::Correct,
            crate::bank::Expect::Partial => Verdict::Partial,
            crate::bank::Expect::Wrong => Verdict::Wrong,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bands_meet_at_their_thresholds() {
        assert_eq!(Verdict::of_score(CORRECT_FROM), Verdict::Correct);
        assert_eq!(Verdict::of_score(CORRECT_FROM - 0.001), Verdict::Partial);
        assert_eq!(Verdict::of_score(PARTIAL_FROM), Verdict::Partial);
        assert_eq!(Verdict::of_score(PARTIAL_FROM - 0.001), Verdict::Wrong);
        assert_eq!(Verdict::of_exact(0.99), Verdict::Partial);
        assert_eq!(Verdict::of_score(KEYWORD_LIST_CAP), Verdict::Partial);
    }
}
