//! One integration binary, a module per area (as ripgrep's tests are laid out).

mod appeals;
mod bank;
mod claims;
mod config;
mod discord;
mod endpoint;
mod fake_discord;
mod gateway;
mod grade;
mod interactions;
mod probes;
mod rounds;
mod schedule;
mod spec;
mod store;
mod store_faults;
mod util;
