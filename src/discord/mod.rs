//! Discord at the edge: command definitions, the one handler, rendering, and the two transports
//! (the gateway runner and the HTTP interactions endpoint). No SQL and no grading rules here.

pub mod app;
pub mod attach;
pub mod charts;
pub mod commands;
pub mod custom_id;
pub mod endpoint;
pub mod gateway;
pub mod handler;
pub mod health_http;
pub mod listener;
pub mod metrics_http;
pub mod post;
pub mod questions;
pub mod render;
pub mod respond;
pub mod rest;
pub mod reveal;
pub mod roles;
pub mod scheduler;
pub mod seasons;
pub mod shards;
pub mod shutdown;
pub mod text;
pub mod threads;

pub use app::App;
pub use handler::{handle, Reply};
