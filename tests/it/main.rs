//! One integration binary, a module per area (as ripgrep's tests are laid out).

mod appeals;
mod bank;
mod bank_content;
mod claims;
mod config;
mod discord;
mod endpoint;
mod fake_discord;
mod faults;
mod forged;
mod gateway;
mod grade;
mod interactions;
mod limits;
mod packs;
mod probes;
mod review;
mod rounds;
mod schedule;
mod service;
mod spec;
mod store;
mod store_faults;
mod suggestions;
mod util;
