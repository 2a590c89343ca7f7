//! Stopping cleanly: on SIGTERM or SIGINT the bot stops accepting, finishes what is in flight
//! (bounded by `--shutdown-timeout`), lets the clock finish its pass, closes the database after
//! its last commit (emptying the WAL), closes the gateway shards, and exits 0.
//!
//! One [`Trigger`] is pulled once; every part that must stop holds a [`Stop`] and waits on it.
//! The signal handlers are installed by [`Signals::new`], before the listener binds, so a signal
//! sent as soon as the port answers is never the default (killing) one.

use tokio::signal::unix::{signal, Signal, SignalKind};
use tokio::sync::watch;

/// Pulled once to stop every part that holds a [`Stop`].
pub struct Trigger(watch::Sender<bool>);

/// Resolves once the [`Trigger`] is pulled (or dropped).
#[derive(Clone)]
pub struct Stop(watch::Receiver<bool>);

/// A trigger and the first of its stops (clone it for each part).
pub fn channel() -> (Trigger, Stop) {
    let (tx, rx) = watch::channel(false);
    (Trigger(tx), Stop(rx))
}

impl Trigger {
    pub fn stop(&self) {
        self.0.send_replace(true);
    }
}

impl Stop {
    /// Waits until the trigger is pulled; at once if it already was, or was dropped.
    pub async fn wait(mut self) {
        let _ = self.0.wait_for(|stopped| *stopped).await;
    }
}

/// SIGTERM and SIGINT, caught from the moment this is made.
pub struct Signals {
    term: Signal,
    int: Signal,
}

impl Signals {
    pub fn new() -> std::io::Result<Signals> {
        Ok(Signals {
            term: signal(SignalKind::terminate())?,
            int: signal(SignalKind::interrupt())?,
        })
    }

    /// The name of the next signal to arrive.
    pub async fn recv(&mut self) -> &'static str {
        tokio::select! {
            _ = self.term.recv() => "SIGTERM",
            _ = self.int.recv() => "SIGINT",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn every_stop_resolves_once_the_trigger_is_pulled() {
        let (trigger, stop) = channel();
        let other = stop.clone();
        let waiting = tokio::spawn(other.wait());
        trigger.stop();
        waiting.await.unwrap();
        // A stop made after the pull resolves at once.
        stop.clone().wait().await;
    }

    #[tokio::test]
    async fn a_dropped_trigger_stops_too() {
        let (trigger, stop) = channel();
        drop(trigger);
        stop.wait().await;
    }
}
