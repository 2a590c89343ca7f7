//! Weak topics at the edge: `/stats`' accuracy per topic over 30 days and weakest topic, and
//! `/quiz`'s choice of question; the chart attached to `/stats` is `commands::charts`. This file only gathers what `quiz::topics` decides from (the
//! member's answers, the questions due for review, the question they just had) and hands the
//! result to `render::learning`.

use crate::bank::seeded::SeededRng;
use crate::bank::{Question, QuestionId};
use crate::discord::app::App;
use crate::discord::handler::{user, Ctx, Failure, Reply};
use crate::discord::questions;
use crate::discord::render::{self, Msg};
use crate::discord::text::{self, learning as t};
use crate::quiz::topics::{self, PickInput, Summary, Why};
use crate::quiz::{GuildId, UserId};
use std::collections::HashMap;
use std::sync::Mutex;
use tracing::debug;

/// How many of the member's most overdue questions `/quiz` considers (the filters may rule some
/// out).
const DUE_LOOKED_AT: u32 = 20;

/// The question `/quiz` last showed each member, by server (`None`: direct messages), so the
/// next `/quiz` does not ask it again even when it was not answered. In memory only: after a
/// restart, or on another instance, the last question *answered* (in the database) still is
/// never asked next.
#[derive(Default)]
pub struct Shown {
    map: Mutex<HashMap<(Option<GuildId>, UserId), String>>,
}

/// Members remembered at most; beyond it the memory starts over.
const SHOWN: usize = 65_536;

impl Shown {
    fn keep(&self, guild: Option<GuildId>, member: UserId, question: &str) {
        let mut map = self.map.lock().unwrap_or_else(|e| e.into_inner());
        if map.len() >= SHOWN {
            map.clear();
        }
        map.insert((guild, member), question.to_string());
    }

    fn get(&self, guild: Option<GuildId>, member: UserId) -> Option<String> {
        let map = self.map.lock().unwrap_or_else(|e| e.into_inner());
        map.get(&(guild, member)).cloned()
    }
}

/// `/stats [member]`: the stats as before, then accuracy per topic over the last 30 days and
/// the weakest topic.
pub(in crate::discord) async fn stats(app: &App, ctx: &Ctx, who: UserId) -> Result<Reply, Failure> {
    let guild = ctx.guild()?;
    let stats = app.store().member_stats(guild, who).await?;
    let now = app.now();
    let attempts = app
        .store()
        .member_attempts(guild, who, topics::window_start(now))
        .await?;
    // A practice answer's topic is its question's: the bank's, or the server's own question's
    // (read only when some question is not the bank's).
    let bank = app.bank();
    let foreign = attempts
        .iter()
        .any(|a| a.topic.is_none() && bank.get(&a.question).is_none());
    let server = match foreign {
        true => questions::server_bank(app, guild).await?,
        false => None,
    };
    let topic_of = |id: &str| {
        bank.get(id)
            .or_else(|| server.as_ref().and_then(|s| s.get(id)))
            .map(|q| q.topic.as_str())
    };
    let summary = Summary::of(&attempts, topic_of, now);
    let embed = render::stats(bank, who.0, &stats);
    let msg = Msg::embed(render::learning::weak_topics(embed, bank, &summary));
    super::charts::stats(app, guild, who, &stats, msg).await
}

/// `/quiz`'s question among `pool` (what the filters allow), and the line that says why it was
/// chosen, if any. Remembers it as the member's last shown question.
pub(in crate::discord) async fn pick<'b>(
    app: &App,
    ctx: &Ctx,
    pool: &[&'b Question],
) -> Result<(&'b Question, Option<String>), Failure> {
    let now = app.now();
    let history = app
        .store()
        .member_history(ctx.guild, ctx.user, topics::window_start(now))
        .await?;
    let server = match ctx.guild {
        Some(g)
            if history
                .recent
                .iter()
                .any(|a| app.bank().get(&a.question).is_none()) =>
        {
            questions::server_bank(app, g).await?
        }
        _ => None,
    };
    let topic_of = |id: &str| {
        app.bank()
            .get(id)
            .or_else(|| server.as_ref().and_then(|s| s.get(id)))
            .map(|q| q.topic.as_str())
    };
    let summary = Summary::of(&history.recent, topic_of, now);
    let seen = history.seen();
    // Questions due for spaced review come first, most overdue first.
    let deck = crate::quiz::review::Deck {
        guild: ctx.guild,
        member: ctx.user,
    };
    let due: Vec<QuestionId> = crate::quiz::review::due(app.store(), deck, now, DUE_LOOKED_AT)
        .await?
        .into_iter()
        .map(QuestionId)
        .collect();
    // The last question answered is not asked again at once, unless its review has come due
    // since (a day or more later); the last one shown is never asked again at once.
    let just_had: Vec<String> = history
        .last()
        .filter(|last| !due.iter().any(|d| d.0 == *last))
        .map(str::to_string)
        .into_iter()
        .chain(app.shown().get(ctx.guild, ctx.user))
        .collect();
    let input = PickInput {
        pool,
        due: &due,
        summary: &summary,
        seen: &seen,
        just_had: &just_had,
    };
    let (q, why) = topics::pick(&input, &mut SeededRng::new(rand::random()))
        .ok_or_else(|| user(text::NO_QUESTIONS_MATCH))?;
    debug!(user = %ctx.user, question = %q.id, why = ?why, "practice question picked");
    app.shown().keep(ctx.guild, ctx.user, &q.id.0);
    let note = match why {
        Why::Due => Some(t::DUE.to_string()),
        Why::WeakTopic => Some(t::from_weak_topic(
            app.bank().topic(&q.topic).map_or(&q.topic, |t| &t.title),
        )),
        Why::Unseen | Why::Any => None,
    };
    Ok((q, note))
}
