//! interview-bot: a daily interview-question drill for Discord communities.
//!
//! The domain comes first ([`bank`], [`grade`]); Discord lives at the edge.

pub mod bank;
pub mod cli;
pub mod config;
pub mod discord;
pub mod grade;
pub mod metrics;
pub mod quiz;
pub mod store;

#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;
