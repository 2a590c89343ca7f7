//! The daily clock: a background task that posts each guild's question at its local time, closes
//! and reveals rounds on time, and catches up once after downtime. It runs in both modes.
//!
//! Exactly once, across restarts and instances: the schedule lives in the database, per track
//! (each guild may run several daily drills). A track's day's round is created under
//! UNIQUE(guild, track, day), so of two schedulers racing only one creates it,
//! and only its creator posts it; a round created but never posted (its scheduler stopped) is
//! claimed and posted by the next pass once the claim is stale. Reveals are claimed the same way,
//! and so are the discussion threads of revealed rounds (`threads`), retried here when due.

use super::app::App;
use super::post::{self, PostError};
use super::reveal::{self, Revealed};
use crate::metrics::{self, ClockJob};
use crate::quiz::schedule::{local_day, next_due_after_day};
use crate::quiz::{GuildId, RoundId};
use crate::store::{ClaimedTrack, StoreError};
use chrono::{DateTime, Utc};
use std::time::Duration;
use tokio::task::JoinSet;
use tracing::{error, info, warn};

/// At most this many guilds are posted or revealed at once, so one slow guild holds up no other.
const IN_FLIGHT: usize = 16;
/// How much work one pass takes on; the next pass takes the rest.
const BATCH: u32 = 1000;
/// One guild's post or reveal may take this long before it is given up for this pass.
const PER_GUILD: Duration = Duration::from_secs(60);
/// Due tracks claimed at once: twice what runs at once, so one clock keeps busy while the
/// others claim the rest.
const CLAIM_BATCH: u32 = 2 * IN_FLIGHT as u32;
/// How long a claimed track is this clock's: longer than its post may take (`PER_GUILD`) with
/// room for the claims queued before it. A clock that stops leaves it to another after this.
const CLAIM_LEASE: chrono::Duration = chrono::Duration::minutes(5);

/// What one pass did.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PassReport {
    pub posted: usize,
    pub revealed: usize,
    /// Due posts whose local day had passed (the bot was down): not posted late.
    pub missed: usize,
    pub failed: usize,
    /// Discussion threads opened by a retry (a reveal opens its own).
    pub threads: usize,
    /// Season summaries posted (`seasons`).
    pub seasons: usize,
}

enum Outcome {
    Posted,
    /// Posted today after passing over days missed while the bot was down.
    PostedAfterMissed,
    Revealed,
    Thread,
    Season,
    Missed,
    Failed,
    Nothing,
}

impl Outcome {
    /// Counts a post's or a reveal's outcome in the metrics.
    fn counted(self, job: Option<ClockJob>) -> Outcome {
        let ok = match self {
            Outcome::Posted | Outcome::PostedAfterMissed | Outcome::Revealed => true,
            Outcome::Failed => false,
            _ => return self,
        };
        if let Some(job) = job {
            metrics::clock_job(job, ok);
        }
        self
    }
}

type Job = std::pin::Pin<Box<dyn std::future::Future<Output = Outcome> + Send>>;

/// Runs jobs with at most `IN_FLIGHT` at once, each within `PER_GUILD`, tallying what they did.
#[derive(Default)]
struct Tally {
    tasks: JoinSet<Outcome>,
    report: PassReport,
}

impl Tally {
    /// `counted`: which of the clock's metrics the job's outcome goes to, if any.
    async fn add(&mut self, counted: Option<ClockJob>, job: Job) {
        self.tasks.spawn(async move {
            let outcome = tokio::time::timeout(PER_GUILD, job)
                .await
                .unwrap_or(Outcome::Failed);
            outcome.counted(counted)
        });
        while self.tasks.len() >= IN_FLIGHT {
            self.collect_one().await;
        }
    }

    async fn collect_one(&mut self) -> bool {
        let Some(done) = self.tasks.join_next().await else {
            return false;
        };
        let r = &mut self.report;
        let done = done.unwrap_or_else(|e| {
            error!(error = %e, "a guild's post or reveal panicked; the other guilds go on");
            Outcome::Failed
        });
        match done {
            Outcome::Posted => r.posted += 1,
            Outcome::PostedAfterMissed => {
                r.posted += 1;
                r.missed += 1;
            }
            Outcome::Revealed => r.revealed += 1,
            Outcome::Thread => r.threads += 1,
            Outcome::Season => r.seasons += 1,
            Outcome::Missed => r.missed += 1,
            Outcome::Failed => r.failed += 1,
            Outcome::Nothing => {}
        }
        true
    }

    async fn finish(mut self) -> PassReport {
        while self.collect_one().await {}
        self.report
    }
}

/// One pass of the clock at the App's current time.
pub async fn pass(app: &App) -> Result<PassReport, StoreError> {
    let now = app.now();
    let mut work = Tally::default();
    // Reveals first: a round usually closes as the next one opens.
    let mut reveals = app.store().due_reveals(now, BATCH).await?;
    reveals.extend(app.store().unrevealed(now, BATCH).await?);
    for id in reveals {
        let app = app.clone();
        work.add(
            Some(ClockJob::Reveal),
            Box::pin(async move { reveal_one(&app, id).await }),
        )
        .await;
    }
    for id in app.store().due_threads(now, BATCH).await? {
        let app = app.clone();
        work.add(None, Box::pin(async move { thread_one(&app, id).await }))
            .await;
    }
    for id in app.store().unposted(now, BATCH).await? {
        let app = app.clone();
        work.add(
            Some(ClockJob::Post),
            Box::pin(async move { repost(&app, id, now).await }),
        )
        .await;
    }
    // Tracks: due work is per (guild, track), claimed a few at a time, so that the clocks of
    // several replicas share a busy minute's posts.
    let lease = now + CLAIM_LEASE;
    let mut claimed = 0;
    while claimed < BATCH as usize {
        let batch = app
            .store()
            .claim_due_tracks(now, lease, CLAIM_BATCH)
            .await?;
        if batch.is_empty() {
            break;
        }
        claimed += batch.len();
        for due in batch {
            let app = app.clone();
            work.add(
                Some(ClockJob::Post),
                Box::pin(async move { post_due(&app, due, now).await }),
            )
            .await;
        }
    }
    // Seasons that ended are closed (champions recorded) first, so their summaries go out now.
    super::seasons::close_ended(app, now, BATCH).await?;
    for (guild, season) in app.store().due_summaries(now, BATCH).await? {
        let app = app.clone();
        work.add(
            None,
            Box::pin(async move { season_one(&app, guild, season).await }),
        )
        .await;
    }
    let report = work.finish().await;
    refresh_gauges(app).await;
    if report != PassReport::default() {
        info!(
            posted = report.posted,
            revealed = report.revealed,
            missed = report.missed,
            failed = report.failed,
            threads = report.threads,
            seasons = report.seasons,
            "clock pass"
        );
    }
    Ok(report)
}

/// The guilds and open rounds gauges (two cheap counts), and the metrics' upkeep.
async fn refresh_gauges(app: &App) {
    match app.store().ops_counts().await {
        Ok(c) => metrics::counts(c.guilds_enabled, c.open_rounds),
        Err(e) => warn!(error = %e, "cannot count the guilds and open rounds for the metrics"),
    }
    metrics::upkeep();
}

fn log_store(e: &StoreError) -> Outcome {
    error!(error = %e, "the clock could not reach the database");
    Outcome::Failed
}

async fn reveal_one(app: &App, id: RoundId) -> Outcome {
    match reveal::reveal(app, id).await {
        Ok(Revealed::Done) => Outcome::Revealed,
        Ok(Revealed::NotMine) => Outcome::Nothing,
        Ok(Revealed::Failed { .. }) => Outcome::Failed,
        Err(PostError::Store(e)) => log_store(&e),
        Err(PostError::User(m)) => {
            warn!(round = %id, problem = m, "reveal failed");
            Outcome::Failed
        }
    }
}

async fn thread_one(app: &App, id: RoundId) -> Outcome {
    match super::threads::open(app, id).await {
        Ok(super::threads::Thread::Opened) => Outcome::Thread,
        Ok(super::threads::Thread::NotMine) => Outcome::Nothing,
        Ok(_) => Outcome::Failed,
        Err(e) => log_store(&e),
    }
}

async fn season_one(app: &App, guild: GuildId, season: String) -> Outcome {
    use super::seasons::Posted;
    match super::seasons::post_summary(app, guild, season).await {
        Ok(Posted::Posted) => Outcome::Season,
        Ok(Posted::NotMine) => Outcome::Nothing,
        Ok(_) => Outcome::Failed,
        Err(e) => log_store(&e),
    }
}

/// A round whose creator stopped before posting it.
async fn repost(app: &App, id: RoundId, now: DateTime<Utc>) -> Outcome {
    let claimed = match app.store().claim_round(id, now, app.stale_claim()).await {
        Ok(c) => c,
        Err(e) => return log_store(&e),
    };
    if !claimed {
        return Outcome::Nothing;
    }
    let round = match app.store().round(id).await {
        Ok(Some(r)) if r.message.is_none() => r,
        Ok(_) => return Outcome::Nothing,
        Err(e) => return log_store(&e),
    };
    let settings = match app
        .store()
        .settings_of(round.guild, Some(round.track))
        .await
    {
        Ok(s) => s,
        Err(e) => return log_store(&e),
    };
    match post::send_round(app, &round, &settings).await {
        Ok(_) => Outcome::Posted,
        Err(_) => Outcome::Failed,
    }
}

/// A track's due post: made once if its local day is still today (days that passed while the
/// bot was down are not posted late), then the next one scheduled.
async fn post_due(app: &App, claimed: ClaimedTrack, now: DateTime<Utc>) -> Outcome {
    let ClaimedTrack {
        guild,
        track,
        due: was,
        lease,
    } = claimed;
    let settings = match app.store().track(guild, track).await {
        Ok(Some(s)) => s,
        // Removed between the query and now: nothing to post.
        Ok(None) => return Outcome::Nothing,
        Err(e) => return log_store(&e),
    };
    let today = local_day(settings.timezone, now);
    let (mut due, mut day, mut missed) = (was, local_day(settings.timezone, was), false);
    while day < today {
        warn!(guild = %guild, track = %track, %day, "the post of a past day was missed while the bot was down");
        missed = true;
        match next_due_after_day(&settings, day) {
            Some(next) => {
                due = next;
                day = local_day(settings.timezone, next);
            }
            None => break,
        }
    }
    let (outcome, next) = if day == today && due <= now {
        let outcome = match post::post_day(app, &settings, day, now).await {
            Ok(Some(_)) => {
                metrics::clock_lag(app.now() - due);
                Outcome::Posted
            }
            Ok(None) => Outcome::Nothing,
            Err(PostError::Store(e)) => return log_store(&e),
            Err(PostError::User(m)) => {
                warn!(guild = %guild, track = %track, problem = m, "the daily post failed");
                Outcome::Failed
            }
        };
        (outcome, next_due_after_day(&settings, day))
    } else {
        (
            if missed {
                Outcome::Missed
            } else {
                Outcome::Nothing
            },
            Some(due),
        )
    };
    // Moved only from this clock's lease: a settings change made meanwhile wins.
    if let Err(e) = app
        .store()
        .reschedule(guild, track, Some(lease), next)
        .await
    {
        return log_store(&e);
    }
    match (missed, outcome) {
        (true, Outcome::Posted) => Outcome::PostedAfterMissed,
        (_, o) => o,
    }
}

/// Runs the clock until the process stops: a pass every `poll`. It is supervised: a pass that
/// fails or panics is logged and the clock goes on with the next one (each guild's work runs in
/// its own task, so one guild's panic costs only that guild's post).
pub async fn run(app: App, poll: Duration) {
    run_until(app, poll, std::future::pending()).await
}

/// As `run`, until `stop` resolves: a pass under way then is finished, and no other starts.
pub async fn run_until(app: App, poll: Duration, stop: impl std::future::Future<Output = ()>) {
    use futures_util::FutureExt;
    tokio::pin!(stop);
    loop {
        match std::panic::AssertUnwindSafe(pass(&app))
            .catch_unwind()
            .await
        {
            Ok(Ok(_)) => {}
            Ok(Err(e)) => error!(error = %e, "a clock pass failed; the next one tries again"),
            Err(panic) => error!(
                panic = panic_message(&panic),
                "a clock pass panicked; the next one tries again"
            ),
        }
        tokio::select! {
            _ = tokio::time::sleep(poll) => {}
            _ = &mut stop => return,
        }
    }
}

/// The text of a panic's payload, for the log.
pub fn panic_message(panic: &(dyn std::any::Any + Send)) -> &str {
    panic
        .downcast_ref::<&str>()
        .copied()
        .or_else(|| panic.downcast_ref::<String>().map(String::as_str))
        .unwrap_or("(no message)")
}
