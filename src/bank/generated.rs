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
            // Numeric parts compare as numbers (1.9.0 < 1.10.0), the first that differs deciding
            // whatever follows it (2.0.0 > 1.15.20).
            let lo = 2 + rng.below(8) as u64;
            let hi = 10 + rng.below(10) as u64;
            let m = core.major.max(1);
            let (a, b) = match rng.below(4) {
                0 => (
                    Version::new(lo, core.minor, core.patch),
                    Version::new(hi, 0, 0),
                ),
                1 => (Version::new(m, lo, core.patch), Version::new(m, hi, 0)),
                2 => (
                    Version::new(m, core.minor, lo),
                    Version::new(m, core.minor, hi),
                ),
                _ => (Version::new(m + 1, 0, 0), Version::new(m, hi, hi + 3)),
            };
            (
                a,
                b,
                "MAJOR, MINOR and PATCH compare as numbers, not as text, and the first that differs decides",
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
            let other = if std::ptr::eq(v, &first) {
                &second
            } else {
                &first
            };
            Instance {
                prompt,
                answer: v.to_string(),
                accept,
                explanation: format!("{v} ranks higher: {}. In general, {rule}.", why(v, other)),
            }
        }
        None => {
            // Neither ranks higher, so either version is as right as "equal".
            let mut accept: Vec<String> = [
                "same",
                "neither",
                "both",
                "either",
                "either one",
                "equal precedence",
                "they are equal",
            ]
            .map(String::from)
            .to_vec();
            for v in [&first, &second] {
                let mut bare = v.clone();
                bare.build = BuildMetadata::EMPTY;
                accept.extend([v.to_string(), bare.to_string()]);
            }
            accept.dedup();
            Instance {
                prompt,
                answer: "equal".into(),
                accept,
                explanation: format!(
                    "{first} and {second} rank equal: {}. In general, {rule}.",
                    why(&first, &second)
                ),
            }
        }
    }
}

/// What decides between two versions, with their own numbers: "MINOR 15 > 3", "rc.25: 25 > 2".
fn why(hi: &Version, lo: &Version) -> String {
    for (part, x, y) in [
        ("MAJOR", hi.major, lo.major),
        ("MINOR", hi.minor, lo.minor),
        ("PATCH", hi.patch, lo.patch),
    ] {
        if x != y {
            return format!("{part} {x} against {y}, compared as numbers");
        }
    }
    match (hi.pre.is_empty(), lo.pre.is_empty()) {
        (true, true) => {
            return format!(
                "MAJOR.MINOR.PATCH are the same and build metadata (+{} against +{}) is ignored",
                or_none(hi.build.as_str()),
                or_none(lo.build.as_str())
            )
        }
        (true, false) => {
            return format!(
                "{lo} is a pre-release ({}) of {}.{}.{}, and a pre-release ranks below its release",
                lo.pre, lo.major, lo.minor, lo.patch
            )
        }
        (false, true) => {
            return format!(
                "{hi} is a pre-release ({}) of {}.{}.{}, and a pre-release ranks below its release",
                hi.pre, hi.major, hi.minor, hi.patch
            )
        }
        (false, false) => {}
    }
    let (hs, ls): (Vec<&str>, Vec<&str>) = (
        hi.pre.as_str().split('.').collect(),
        lo.pre.as_str().split('.').collect(),
    );
    for (i, (x, y)) in hs.iter().zip(&ls).enumerate() {
        if x == y {
            continue;
        }
        let n = i + 1;
        return match (x.parse::<u64>(), y.parse::<u64>()) {
            (Ok(a), Ok(b)) => format!("pre-release identifier {n} is {a} against {b}, compared as numbers"),
            (Err(_), Err(_)) => format!("pre-release identifier {n} is `{x}` against `{y}`, compared as text in ASCII order"),
            (Err(_), Ok(_)) => format!("pre-release identifier {n} is the word `{x}` against the number {y}, and a number ranks below a word"),
            (Ok(_), Err(_)) => format!("pre-release identifier {n} is the number {x} against the word `{y}`, and a number ranks below a word"),
        };
    }
    if hs.len() != ls.len() {
        return format!(
            "the pre-releases `{}` and `{}` agree as far as the shorter goes, and the longer list ranks higher",
            hi.pre, lo.pre
        );
    }
    format!(
        "the pre-releases are the same (`{}`) and build metadata (+{} against +{}) is ignored",
        hi.pre,
        or_none(hi.build.as_str()),
        or_none(lo.build.as_str())
    )
}

fn or_none(s: &str) -> &str {
    if s.is_empty() {
        "none"
    } else {
        s
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
    fn precedence_varies_every_part_and_explains_with_its_own_numbers() {
        let mut decided = std::collections::HashSet::new();
        for seed in 0..1000 {
            let inst = instance(Template::SemverPrecedence, seed);
            for part in ["MAJOR", "MINOR", "PATCH"] {
                if inst.explanation.contains(&format!("{part} "))
                    && inst.explanation.contains("compared as numbers")
                {
                    decided.insert(part);
                }
            }
            if inst.answer == "equal" {
                assert!(inst.accept.iter().any(|a| a == "either"), "{inst:?}");
                assert!(inst.accept.len() >= 9, "both versions accepted: {inst:?}");
            } else {
                let v: Version = inst.answer.parse().unwrap();
                let numbers = [v.major, v.minor, v.patch];
                assert!(
                    numbers
                        .iter()
                        .any(|n| inst.explanation.contains(&n.to_string())),
                    "{inst:?}"
                );
            }
        }
        assert_eq!(decided.len(), 3, "{decided:?}");
        // seed by seed: 1.10.0 against 1.9.0 names 10 and 9.
        let a: Version = "1.10.0".parse().unwrap();
        let b: Version = "1.9.0".parse().unwrap();
        assert_eq!(why(&a, &b), "MINOR 10 against 9, compared as numbers");
        let a: Version = "1.0.0-rc.25".parse().unwrap();
        let b: Version = "1.0.0-rc.2".parse().unwrap();
        assert_eq!(
            why(&a, &b),
            "pre-release identifier 2 is 25 against 2, compared as numbers"
        );
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
