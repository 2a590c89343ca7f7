//! Generated questions: a template and a seed make one instance (prompt and expected answer).

use super::model::Template;
use super::seeded::SeededRng;
use semver::{BuildMetadata, Prerelease, Version};
use std::cmp::Ordering;

/// One instance of a template: what is asked and what is accepted.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Instance {
    pub prompt: String,
    /// The canonical answer.
    pub answer: String,
    /// Other answers that are equally right.
    pub accept: Vec<String>,
    /// Why, for this instance.
    pub explanation: String,
}

pub fn instance(template: Template, seed: u64) -> Instance {
    let mut rng = SeededRng::new(seed);
    match template {
        Template::SemverBump => semver_bump(&mut rng),
        Template::SemverPrecedence => semver_precedence(&mut rng),
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Change {
    Fix,
    Feature,
    Breaking,
}

/// The version that follows `current` after a release with `change`, by SemVer's rules.
pub fn bump(current: &Version, change: Change) -> Version {
    let (major, minor, patch) = match change {
        // A pre-release of X.Y.Z is released as X.Y.Z itself; otherwise the part goes up.
        Change::Fix if !current.pre.is_empty() => (current.major, current.minor, current.patch),
        Change::Fix => (current.major, current.minor, current.patch + 1),
        Change::Feature => (current.major, current.minor + 1, 0),
        Change::Breaking => (current.major + 1, 0, 0),
    };
    Version::new(major, minor, patch)
}

const FIXES: &[&str] = &[
    "only fixes a bug; the public API stays exactly the same",
    "corrects a wrong result returned by an existing function, with no API change",
    "patches a crash on empty input; callers need not change anything",
    "fixes a memory leak without touching any public signature",
];
const FEATURES: &[&str] = &[
    "adds a new optional function; every existing call keeps working",
    "adds a new configuration setting whose default keeps the old behaviour",
    "adds support for a new file format alongside the existing ones, breaking nothing",
    "adds a new endpoint to the API; existing endpoints are unchanged",
];
const BREAKING: &[&str] = &[
    "removes a public function that callers used",
    "renames a required parameter, so existing calls stop compiling",
    "changes the return type of a public function",
    "drops support for an old configuration format that users still rely on",
];

fn semver_bump(rng: &mut SeededRng) -> Instance {
    let current = Version::new(
        1 + rng.below(9) as u64,
        rng.below(16) as u64,
        rng.below(25) as u64,
    );
    let change = *rng.pick(&[Change::Fix, Change::Feature, Change::Breaking]);
    let (what, rule) = match change {
        Change::Fix => (
            rng.pick(FIXES),
            "a backward-compatible bug fix raises PATCH",
        ),
        Change::Feature => (
            rng.pick(FEATURES),
            "a backward-compatible new feature raises MINOR and resets PATCH to 0",
        ),
        Change::Breaking => (
            rng.pick(BREAKING),
            "an incompatible API change raises MAJOR and resets MINOR and PATCH to 0",
        ),
    };
    let next = bump(&current, change);
    Instance {
        prompt: format!(
            "A library following Semantic Versioning is at version **{current}**. \
             Its next release {what}. What version number should that release get?"
        ),
        answer: next.to_string(),
        accept: vec![],
        explanation: format!("{current} → {next}: {rule}."),
    }
}

/// Which of two versions has the higher precedence; `None` when they rank equal.
pub fn higher<'a>(a: &'a Version, b: &'a Version) -> Option<&'a Version> {
    match a.cmp_precedence(b) {
        Ordering::Greater => Some(a),
        Ordering::Less => Some(b),
        Ordering::Equal => None,
    }
}

const PRE_LABELS: &[&str] = &[
    "alpha",
    "alpha.1",
    "alpha.2",
    "alpha.beta",
    "beta",
    "beta.2",
    "beta.11",
    "rc.1",
    "rc.2",
];
const BUILDS: &[&str] = &[
    "20240105",
    "build.7",
    "build.12",
    "exp.sha.5114f85",
    "sha.9c1e2d0",
    "linux.x86-64",
];

fn pre(label: &str) -> Prerelease {
    Prerelease::new(label).expect("labels in the table are valid pre-release identifiers")
}

fn build(label: &str) -> BuildMetadata {
    BuildMetadata::new(label).expect("labels in the table are valid build metadata")
}

fn two_distinct(rng: &mut SeededRng, n: usize) -> (usize, usize) {
    let a = rng.below(n);
    let b = (a + 1 + rng.below(n - 1)) % n;
    (a, b)
}

fn semver_precedence(rng: &mut SeededRng) -> Instance {
    let core = Version::new(
        rng.below(4) as u64,
        rng.below(12) as u64,
        rng.below(10) as u64,
    );
    let with = |pre_label: Option<&str>, build_label: Option<&str>| {
        let mut v = core.clone();
        if let Some(p) = pre_label {
            v.pre = pre(p);
        }
        if let Some(b) = build_label {
            v.build = build(b);
        }
        v
    };
    let (a, b, rule) = match rng.below(6) {
        0 => {
            // Numeric parts compare as numbers, so 1.9.0 < 1.10.0.
            let lo = 2 + rng.below(8) as u64;
            let hi = 10 + rng.below(10) as u64;
            let a = Version::new(core.major.max(1), lo, core.patch);
            let b = Version::new(core.major.max(1), hi, 0);
            (
                a,
                b,
                "MAJOR, MINOR and PATCH compare as numbers, not as text",
            )
        }
        1 => (
            with(Some(*rng.pick(PRE_LABELS)), None),
            with(None, None),
            "a pre-release ranks below the release it leads up to",
        ),
        2 => {
            let (i, j) = two_distinct(rng, PRE_LABELS.len());
            (
                with(Some(PRE_LABELS[i]), None),
                with(Some(PRE_LABELS[j]), None),
                "pre-release identifiers compare one by one: numbers numerically, words \
                 alphabetically, and a longer list wins when the shared part is equal",
            )
        }
        3 => {
            let small = 2 + rng.below(7);
            let large = 10 + rng.below(20);
            let label = *rng.pick(&["rc", "beta", "alpha"]);
            (
                with(Some(&format!("{label}.{small}")), None),
                with(Some(&format!("{label}.{large}")), None),
                "numeric pre-release identifiers compare as numbers, so 2 < 10",
            )
        }
        4 => {
            let (i, j) = two_distinct(rng, BUILDS.len());
            (
                with(None, Some(BUILDS[i])),
                with(None, Some(BUILDS[j])),
                "build metadata is ignored when ranking versions",
            )
        }
        _ => {
            let (i, j) = two_distinct(rng, PRE_LABELS.len());
            (
                with(Some(PRE_LABELS[i]), Some(*rng.pick(BUILDS))),
                with(Some(PRE_LABELS[j]), None),
                "build metadata is ignored, so only the pre-release parts decide",
            )
        }
    };
    let (first, second) = if rng.below(2) == 0 { (a, b) } else { (b, a) };
    let prompt = format!(
        "Under Semantic Versioning, which version has the higher precedence: **{first}** or \
         **{second}**? Answer with that version, or `equal` if neither ranks higher."
    );
    match higher(&first, &second) {
        Some(v) => {
            let mut accept = vec![];
            if !v.build.is_empty() {
                let mut bare = v.clone();
                bare.build = BuildMetadata::EMPTY;
                accept.push(bare.to_string());
            }
            Instance {
                prompt,
                answer: v.to_string(),
                accept,
                explanation: format!("{v} ranks higher: {rule}."),
            }
        }
        None => Instance {
            prompt,
            answer: "equal".into(),
            accept: [
                "same",
                "neither",
                "both",
                "equal precedence",
                "they are equal",
            ]
            .map(String::from)
            .to_vec(),
            explanation: format!("{first} and {second} rank equal: {rule}."),
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn v(s: &str) -> Version {
        Version::parse(s).unwrap()
    }

    #[test]
    fn bumps_follow_semver() {
        assert_eq!(bump(&v("1.4.2"), Change::Fix), v("1.4.3"));
        assert_eq!(bump(&v("1.4.2"), Change::Feature), v("1.5.0"));
        assert_eq!(bump(&v("1.4.2"), Change::Breaking), v("2.0.0"));
        assert_eq!(bump(&v("2.0.0-rc.1"), Change::Fix), v("2.0.0"));
    }

    #[test]
    fn precedence_follows_the_spec() {
        let chain = [
            "1.0.0-alpha",
            "1.0.0-alpha.1",
            "1.0.0-beta",
            "1.0.0-rc.1",
            "1.0.0",
        ];
        for pair in chain.windows(2) {
            assert_eq!(
                higher(&v(pair[0]), &v(pair[1])),
                Some(&v(pair[1])),
                "{pair:?}"
            );
        }
        assert_eq!(higher(&v("1.0.0+20130313144700"), &v("1.0.0+1")), None);
        assert_eq!(higher(&v("1.10.0"), &v("1.9.0")), Some(&v("1.10.0")));
    }

    #[test]
    fn every_instance_has_a_parseable_or_equal_answer() {
        for seed in 0..500 {
            for t in [Template::SemverBump, Template::SemverPrecedence] {
                let i = instance(t, seed);
                assert!(
                    i.answer == "equal" || Version::parse(&i.answer).is_ok(),
                    "{i:?}"
                );
                assert!(!i.prompt.is_empty() && !i.explanation.is_empty());
            }
        }
    }
}
