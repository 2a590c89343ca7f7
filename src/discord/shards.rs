//! Which gateway shards this process runs (`run --shards N --shard-range A..B`), so that several
//! processes, on several hosts, share one bot: Discord sends each guild's events to shard
//! `(guild_id >> 22) % N`, and each process connects only the shards of its range.
//!
//! Ranges are inclusive at both ends, as serenity 0.12's `Client::start_shard_range` takes them:
//! `0..1` with `--shards 4` is shards 0 and 1, `2..3` the other two.

use std::fmt;
use std::str::FromStr;

/// The shards this process connects.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Shards {
    /// One shard, 0 of 1: a bot in fewer than 2,500 guilds.
    #[default]
    One,
    /// Shards `first..=last` of `total`.
    Range { first: u32, last: u32, total: u32 },
}

/// A `--shard-range` as given, `FIRST..LAST`, before it is checked against `--shards`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ShardRange {
    pub first: u32,
    pub last: u32,
}

impl fmt::Display for ShardRange {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}..{}", self.first, self.last)
    }
}

impl FromStr for ShardRange {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let shape = || format!("`{s}` is not a shard range: give FIRST..LAST, e.g. 0..3");
        let (first, last) = s.trim().split_once("..").ok_or_else(shape)?;
        let number = |n: &str| n.trim().parse::<u32>().map_err(|_| shape());
        Ok(ShardRange {
            first: number(first)?,
            last: number(last)?,
        })
    }
}

impl Shards {
    /// The shards for `--shards` and `--shard-range`: none is one shard; `--shards N` alone is
    /// all N; a range must lie within `0..N-1` and run forwards.
    pub fn new(total: Option<u32>, range: Option<ShardRange>) -> Result<Shards, String> {
        let Some(total) = total else {
            return match range {
                None => Ok(Shards::One),
                Some(r) => Err(format!(
                    "--shard-range {r} needs --shards: the total number of shards"
                )),
            };
        };
        if total == 0 {
            return Err("--shards must be at least 1".into());
        }
        let r = range.unwrap_or(ShardRange {
            first: 0,
            last: total - 1,
        });
        if r.last >= total {
            return Err(format!(
                "--shard-range {r} with --shards {total}: the last shard is {}",
                total - 1
            ));
        }
        if r.first > r.last {
            return Err(format!(
                "--shard-range {r}: the first shard is after the last (give {}..{})",
                r.last, r.first
            ));
        }
        Ok(Shards::Range {
            first: r.first,
            last: r.last,
            total,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn range(s: &str) -> ShardRange {
        s.parse().unwrap()
    }

    #[test]
    fn parses_first_dot_dot_last() {
        assert_eq!(range("0..3"), ShardRange { first: 0, last: 3 });
        assert_eq!(range(" 2..2 "), ShardRange { first: 2, last: 2 });
        for bad in ["3", "0..", "..3", "a..b", "0...3", "-1..2", "0-3", ""] {
            let err = bad.parse::<ShardRange>().unwrap_err();
            assert!(err.contains("FIRST..LAST"), "{bad}: {err}");
        }
    }

    #[test]
    fn no_flags_is_one_shard_and_shards_alone_is_all_of_them() {
        assert_eq!(Shards::new(None, None), Ok(Shards::One));
        assert_eq!(
            Shards::new(Some(4), None),
            Ok(Shards::Range {
                first: 0,
                last: 3,
                total: 4
            })
        );
    }

    #[test]
    fn a_range_is_inclusive_and_within_the_total() {
        let s = Shards::new(Some(4), Some(range("1..1"))).unwrap();
        assert_eq!(
            s,
            Shards::Range {
                first: 1,
                last: 1,
                total: 4
            }
        );
        assert_eq!(
            Shards::new(Some(4), Some(range("0..3"))),
            Shards::new(Some(4), None),
            "the whole range is all the shards"
        );
    }

    #[test]
    fn refuses_a_range_past_the_last_shard_backwards_or_without_a_total() {
        assert_eq!(
            Shards::new(Some(4), Some(range("3..5"))).unwrap_err(),
            "--shard-range 3..5 with --shards 4: the last shard is 3"
        );
        assert_eq!(
            Shards::new(Some(4), Some(range("0..4"))).unwrap_err(),
            "--shard-range 0..4 with --shards 4: the last shard is 3"
        );
        let err = Shards::new(Some(4), Some(range("2..1"))).unwrap_err();
        assert!(err.contains("the first shard is after the last"), "{err}");
        let err = Shards::new(None, Some(range("0..1"))).unwrap_err();
        assert!(err.contains("needs --shards"), "{err}");
        assert_eq!(
            Shards::new(Some(0), None).unwrap_err(),
            "--shards must be at least 1"
        );
    }
}
