//! One integration binary, a module per area (as ripgrep's tests are laid out).

mod bank;
mod grade;
mod spec;
mod store;
mod util;
