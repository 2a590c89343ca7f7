//! The charts attached to `/stats`: gathers the member's points per week (the last 12 weeks, in
//! the server's time zone) and accuracy per topic, draws them off the async threads, and makes
//! the reply carry the picture (`attach`). A member with no daily answers here gets a friendly
//! line instead of an empty chart; a chart that cannot be drawn is logged and the text goes alone.

use crate::discord::app::App;
use crate::discord::attach::Image;
use crate::discord::charts::{self, TopicBar};
use crate::discord::handler::{Failure, Reply};
use crate::discord::render::Msg;
use crate::discord::text::charts as t;
use crate::quiz::progress;
use crate::quiz::{GuildId, MemberStats, UserId};
use tracing::warn;

/// The attachment's file name.
pub const STATS_PNG: &str = "stats.png";

/// `msg` (the text of `/stats`) with the member's chart, or the line saying there is none yet.
pub(in crate::discord) async fn stats(
    app: &App,
    guild: GuildId,
    who: UserId,
    stats: &MemberStats,
    mut msg: Msg,
) -> Result<Reply, Failure> {
    let now = app.now();
    let tz = app.store().settings(guild).await?.timezone;
    let points = app
        .store()
        .member_points_since(guild, who, progress::window_start(now))
        .await?;
    let weeks = progress::points_per_week(&points, now, tz);
    let bank = app.bank();
    let topics: Vec<TopicBar> = stats
        .per_topic
        .iter()
        .filter(|x| x.answers > 0)
        .map(|x| TopicBar {
            title: bank
                .topic(&x.topic)
                .map_or(x.topic.clone(), |t| t.title.clone()),
            accuracy: x.correct as f64 / x.answers as f64,
            answers: x.answers,
        })
        .collect();
    let drawn = tokio::task::spawn_blocking(move || charts::stats_png(&weeks, &topics)).await;
    match drawn {
        Ok(Ok(Some(png))) => Ok(Reply::WithImage(
            msg,
            Image {
                name: STATS_PNG,
                png,
            },
        )),
        Ok(Ok(None)) => {
            if let Some(e) = msg.embeds.first_mut() {
                *e = e.clone().field(t::NO_CHART_TITLE, t::NO_HISTORY, false);
            }
            Ok(Reply::Message(msg))
        }
        Ok(Err(e)) => {
            warn!(error = %e, guild = %guild, user = %who, "the stats chart could not be drawn");
            Ok(Reply::Message(msg))
        }
        Err(e) => {
            warn!(error = %e, guild = %guild, user = %who, "drawing the stats chart failed");
            Ok(Reply::Message(msg))
        }
    }
}
