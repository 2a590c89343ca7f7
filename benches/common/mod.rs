//! Helpers shared by the benches (only `endpoint` uses them so far).

pub mod pg;
