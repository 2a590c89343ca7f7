//! The one handler both transports share: an interaction in, a reply out.

use super::app::App;
use super::commands::review::Seen;
use super::commands::{
    admin, ask, board, config, export, follow_up, grades, learning, past, review, share, suggest,
};
use super::custom_id::{answered_in_modal, Control, Target};
use super::post;
use super::questions::{self, Held};
use super::render::{self, Msg};
use super::text as t;
use crate::bank::{Difficulty, Kind};
use crate::grade::{Answer, AnswerError};
use crate::quiz::{self, GuildId, Practice, Recorded, RoundState, UserId};
use crate::store::StoreError;
use serenity::all::{
    AutocompleteChoice, CommandInteraction, ComponentInteraction, ComponentInteractionDataKind,
    CreateAutocompleteResponse, CreateInteractionResponse, CreateInteractionResponseMessage,
    CreateModal, Interaction, ModalInteraction, Permissions, ResolvedOption, ResolvedValue,
};
use tracing::{error, info, warn};

mod autocomplete;
mod sender;

/// What the handler answers; the transports turn it into a response, or an edit when deferred.
#[derive(Debug, Clone)]
pub enum Reply {
    Pong,
    /// A new message (ephemeral unless said otherwise).
    Message(Msg),
    /// Replaces the message the clicked control belongs to.
    Update(Msg),
    Modal(CreateModal),
    Choices(Vec<AutocompleteChoice>),
    /// A message with a picture: sent as a deferral and an edit (`attach`); as a response
    /// body, the text alone.
    WithImage(Msg, super::attach::Image),
    /// A message with a file: sent only as the edit of a deferred response (`respond`).
    File(Msg, serenity::all::CreateAttachment),
}

impl Reply {
    pub fn into_response(self) -> CreateInteractionResponse {
        let message = |m: Msg| {
            let mut r = CreateInteractionResponseMessage::new()
                .embeds(m.embeds)
                .components(m.components)
                .allowed_mentions(render::no_mentions())
                .ephemeral(m.ephemeral);
            if let Some(c) = m.content {
                r = r.content(c);
            }
            r
        };
        match self {
            Reply::Pong => CreateInteractionResponse::Pong,
            Reply::Message(m) | Reply::WithImage(m, _) => {
                CreateInteractionResponse::Message(message(m))
            }
            Reply::Update(m) => CreateInteractionResponse::UpdateMessage(message(m)),
            // Not reached: `respond` defers `/export`, whose files go in the edit.
            Reply::File(m, _) => CreateInteractionResponse::Message(message(m)),
            Reply::Modal(m) => CreateInteractionResponse::Modal(m),
            Reply::Choices(c) => CreateInteractionResponse::Autocomplete(
                CreateAutocompleteResponse::new().set_choices(c),
            ),
        }
    }
}

/// Why an interaction got no normal answer: said to the member, or logged.
#[derive(Debug, thiserror::Error)]
pub(super) enum Failure {
    #[error("{0}")]
    User(String),
    /// A finished reply instead of the usual one (a closed round shows its reveal).
    #[error("a prepared reply")]
    Reply(Box<Reply>),
    #[error(transparent)]
    Store(#[from] StoreError),
}

impl From<AnswerError> for Failure {
    fn from(e: AnswerError) -> Self {
        Failure::User(e.to_string())
    }
}

pub(super) fn user(msg: impl Into<String>) -> Failure {
    Failure::User(msg.into())
}

/// Who is asking, and where.
pub(super) struct Ctx {
    pub(super) guild: Option<GuildId>,
    pub(super) user: UserId,
    can_manage: bool,
}

impl Ctx {
    pub(super) fn guild(&self) -> Result<GuildId, Failure> {
        self.guild.ok_or_else(|| user(t::NOT_IN_GUILD))
    }

    /// The guild, if the member may manage it (Manage Server or Administrator).
    pub(super) fn admin(&self) -> Result<GuildId, Failure> {
        let g = self.guild()?;
        if self.can_manage {
            Ok(g)
        } else {
            Err(user(t::NEEDS_MANAGE_SERVER))
        }
    }
}

fn ctx_of(
    guild: Option<serenity::all::GuildId>,
    author: &serenity::all::User,
    member: Option<&serenity::all::Member>,
) -> Result<Ctx, Failure> {
    let user = sender::of(guild, author, member)?;
    // The member's permissions in the channel, as Discord computed them for this interaction.
    let perms = member
        .and_then(|m| m.permissions)
        .unwrap_or(Permissions::empty());
    Ok(Ctx {
        guild: guild.map(|g| GuildId(g.get())),
        user,
        can_manage: perms.contains(Permissions::MANAGE_GUILD)
            || perms.contains(Permissions::ADMINISTRATOR),
    })
}

/// Handles one interaction. Every failure becomes a short private message; details go to the log.
pub async fn handle(app: &App, interaction: &Interaction) -> Reply {
    let (kind, result) = match interaction {
        Interaction::Ping(_) => return Reply::Pong,
        Interaction::Autocomplete(c) => ("autocomplete", Ok(autocomplete::choices(app, c).await)),
        Interaction::Command(c) => (
            "command",
            match ctx_of(c.guild_id, &c.user, c.member.as_deref()) {
                Ok(ctx) => {
                    info!(command = %c.data.name, guild = ?ctx.guild, user = %ctx.user, "command");
                    command(app, &ctx, c).await
                }
                Err(e) => Err(e),
            },
        ),
        Interaction::Component(c) => (
            "component",
            match ctx_of(c.guild_id, &c.user, c.member.as_ref()) {
                Ok(ctx) => {
                    info!(custom_id = %c.data.custom_id, guild = ?ctx.guild, user = %ctx.user, "component");
                    component(app, &ctx, c).await
                }
                Err(e) => Err(e),
            },
        ),
        Interaction::Modal(m) => (
            "modal",
            match ctx_of(m.guild_id, &m.user, m.member.as_ref()) {
                Ok(ctx) => {
                    info!(custom_id = %m.data.custom_id, guild = ?ctx.guild, user = %ctx.user, "modal");
                    modal(app, &ctx, m).await
                }
                Err(e) => Err(e),
            },
        ),
        _ => ("other", Err(user(t::UNKNOWN_COMMAND))),
    };
    crate::metrics::interaction(kind, super::respond::outcome(&result));
    match result {
        Ok(reply) => reply,
        Err(Failure::User(msg)) => Reply::Message(Msg::private(msg)),
        Err(Failure::Reply(r)) => *r,
        Err(Failure::Store(e @ StoreError::FileGone { .. })) => {
            error!(kind, error = %e, "interaction refused: the database file is gone");
            Reply::Message(Msg::private(t::CANNOT_SAVE))
        }
        Err(e) => {
            error!(kind, error = %e, "interaction failed");
            Reply::Message(Msg::private(t::SOMETHING_WENT_WRONG))
        }
    }
}

pub(super) fn string_opt<'a>(opts: &'a [ResolvedOption<'a>], name: &str) -> Option<&'a str> {
    opts.iter()
        .find(|o| o.name == name)
        .and_then(|o| match o.value {
            ResolvedValue::String(s) => Some(s),
            _ => None,
        })
}

async fn command(app: &App, ctx: &Ctx, c: &CommandInteraction) -> Result<Reply, Failure> {
    let opts = c.data.options();
    match c.data.name.as_str() {
        "daily" => daily(app, ctx, &opts).await,
        "quiz" => {
            quiz(
                app,
                ctx,
                string_opt(&opts, "topic"),
                string_opt(&opts, "difficulty"),
            )
            .await
        }
        "leaderboard" => board::command(app, ctx, &opts).await,
        "stats" => {
            let who = opts
                .iter()
                .find(|o| o.name == "member")
                .and_then(|o| match o.value {
                    ResolvedValue::User(u, _) => Some(UserId(u.id.get())),
                    _ => None,
                })
                .unwrap_or(ctx.user);
            learning::stats(app, ctx, who).await
        }
        "config" => config::command(app, ctx, &opts).await,
        "round" => round(app, ctx, &opts).await,
        "grades" => grades::command(app, ctx, &opts).await,
        "suggest" => suggest::command(app, ctx, &opts).await,
        "suggestions" => suggest::queue(app, ctx).await,
        "review" => review::command(app, ctx).await,
        "past" => past::command(app, ctx, &opts).await,
        "ask" => ask::command(app, ctx, &opts).await,
        "admin" => admin::command(app, ctx, &opts).await,
        "export" => export::command(app, ctx).await,
        "help" => Ok(Reply::Message(Msg::embed(render::help()))),
        other => {
            warn!(command = other, "unknown command");
            Err(user(t::UNKNOWN_COMMAND))
        }
    }
}

pub(super) fn check_topic(app: &App, topic: &str) -> Result<String, Failure> {
    if app.bank().topic(topic).is_some() {
        Ok(topic.to_string())
    } else {
        let ids: Vec<&str> = app.bank().topics().iter().map(|t| t.id.as_str()).collect();
        Err(user(t::unknown_topic(topic, &ids)))
    }
}

async fn daily(app: &App, ctx: &Ctx, opts: &[ResolvedOption<'_>]) -> Result<Reply, Failure> {
    let guild = ctx.guild()?;
    let now = app.now();
    let (open, settings) = super::commands::track::daily_round(app, guild, opts).await?;
    // Past its closing time but not yet revealed by the clock: closed all the same.
    if let Some(round) = open.as_ref().filter(|r| now >= r.closes_at) {
        return Err(closed(app, round).await);
    }
    if let Some(round) = open {
        if let Some(a) = app.store().member_answer(round.id, ctx.user).await? {
            let embed = render::stored_grade_embed(a.verdict, a.score, a.points, a.appeal);
            // The grade can be appealed from here too, until it has been; sharing set.
            let controls = share::stored_controls(app, &round, ctx.user, a.appeal).await?;
            return Ok(Reply::Message(Msg::embed(embed).with_components(controls)));
        }
        let held = question_of(app, round.guild, &round.question).await?;
        let inst = held.question().instance(round.seed);
        let target = Target::Round(round.id);
        let embed = render::question_embed(app.bank(), &inst, Some(&round));
        let msg = Msg::embed(render::credit(embed, held.author()))
            .with_components(render::answer_controls(&inst, &target, false));
        return Ok(Reply::Message(msg));
    }
    if !settings.enabled {
        return Err(user(t::DISABLED));
    }
    let next = quiz::schedule::next_post(settings.timezone, settings.post_time, now);
    Ok(Reply::Message(Msg::private(t::no_round_yet(
        next.timestamp(),
    ))))
}

/// A round's question: the bank's, or one of the guild's own.
async fn question_of(app: &App, guild: GuildId, id: &str) -> Result<Held, Failure> {
    questions::find(app, Some(guild), id).await?.ok_or_else(|| {
        warn!(question = id, "a round's question is no longer in the bank");
        user(t::ROUND_GONE)
    })
}

async fn quiz(
    app: &App,
    ctx: &Ctx,
    topic: Option<&str>,
    difficulty: Option<&str>,
) -> Result<Reply, Failure> {
    let difficulty = difficulty
        .map(|d| Difficulty::parse(d).ok_or_else(|| user("Choose easy, medium or hard.")))
        .transpose()?;
    let mut pool = app.bank().select(topic, difficulty).map_err(|e| {
        user(t::unknown_topic(
            &e.topic,
            &e.known.iter().map(String::as_str).collect::<Vec<_>>(),
        ))
    })?;
    // The server's own questions too, beside the bank's.
    let server = match ctx.guild {
        Some(g) => questions::server_bank(app, g).await?,
        None => None,
    };
    pool.extend(server.iter().flat_map(|s| s.questions()).filter(|q| {
        topic.is_none_or(|t| q.topic == t) && difficulty.is_none_or(|d| q.difficulty == d)
    }));
    if pool.is_empty() {
        return Err(user(t::NO_QUESTIONS_MATCH));
    }
    let seed: u64 = rand::random();
    let (q, note) = learning::pick(app, ctx, &pool).await?;
    let inst = q.instance(seed);
    let target = Target::Practice {
        question: q.id.0.clone(),
        seed,
    };
    let author = server.as_ref().and_then(|s| s.author(&q.id.0));
    let embed = render::question_embed(app.bank(), &inst, None);
    Ok(Reply::Message(Msg {
        content: note,
        ..Msg::embed(render::credit(embed, author))
            .with_components(render::answer_controls(&inst, &target, false))
    }))
}

async fn round(app: &App, ctx: &Ctx, opts: &[ResolvedOption<'_>]) -> Result<Reply, Failure> {
    let guild = ctx.admin()?;
    let Some(ResolvedOption { name, value, .. }) = opts.first() else {
        return Err(user(t::UNKNOWN_COMMAND));
    };
    let track = super::commands::track::of_sub(app, guild, value).await?;
    let text = match *name {
        "post-now" => post::post_now(app, guild, track).await?,
        "skip" => post::skip(app, guild, track).await?,
        "reveal" => super::reveal::reveal_now(app, guild, track).await?,
        _ => return Err(user(t::UNKNOWN_COMMAND)),
    };
    Ok(Reply::Message(Msg::private(text)))
}

impl From<post::PostError> for Failure {
    fn from(e: post::PostError) -> Self {
        match e {
            post::PostError::User(m) => Failure::User(m),
            post::PostError::Store(e) => Failure::Store(e),
        }
    }
}

/// The question a control answers, and where its answer is recorded.
struct Resolved {
    held: Held,
    seed: u64,
    round: Option<quiz::Round>,
}

impl Resolved {
    fn kind(&self) -> &Kind {
        &self.held.question().kind
    }
}

async fn resolve(app: &App, ctx: &Ctx, target: &Target) -> Result<Resolved, Failure> {
    match target {
        Target::Practice { question, seed } | Target::Review { question, seed } => {
            let held = questions::find(app, ctx.guild, question)
                .await?
                .ok_or_else(|| user(t::UNKNOWN_CONTROL))?;
            Ok(Resolved {
                held,
                seed: *seed,
                round: None,
            })
        }
        Target::Round(id) => {
            // From memory: a burst of answers reads the round once. A state changed elsewhere
            // is caught when the answer is recorded.
            let round = app.round(*id).await?.ok_or_else(|| user(t::ROUND_GONE))?;
            if Some(round.guild) != ctx.guild {
                warn!(round = %id, guild = ?ctx.guild, "a control of another guild's round");
                return Err(user(t::UNKNOWN_CONTROL));
            }
            if round.state != RoundState::Open || app.now() >= round.closes_at {
                return Err(closed(app, &round).await);
            }
            let held = question_of(app, round.guild, &round.question).await?;
            Ok(Resolved {
                held,
                seed: round.seed,
                round: Some(round),
            })
        }
    }
}

/// A closed round: say so, and show its reveal.
async fn closed(app: &App, round: &quiz::Round) -> Failure {
    let held = questions::find(app, Some(round.guild), &round.question).await;
    let (Ok(Some(held)), Ok(results)) = (held, app.store().round_results(round.id, 5).await) else {
        return user(t::ROUND_CLOSED);
    };
    if round.state == RoundState::Skipped {
        return user(t::ROUND_CLOSED);
    }
    let inst = held.question().instance(round.seed);
    let msg = Msg {
        content: Some(t::ROUND_CLOSED.into()),
        embeds: vec![render::reveal_embed(app.bank(), &inst, &results)],
        components: vec![],
        ephemeral: true,
    };
    Failure::Reply(Box::new(Reply::Message(msg)))
}

async fn component(app: &App, ctx: &Ctx, c: &ComponentInteraction) -> Result<Reply, Failure> {
    if let Some(control) = suggest::Control::parse(&c.data.custom_id) {
        return suggest::component(app, ctx, control).await;
    }
    let control = Control::parse(&c.data.custom_id).ok_or_else(|| {
        warn!(custom_id = %c.data.custom_id, "unknown custom_id");
        user(t::UNKNOWN_CONTROL)
    })?;
    match control {
        Control::Board {
            period,
            topic,
            page,
            track,
        } => {
            let topic = topic.map(|t| check_topic(app, &t)).transpose()?;
            Ok(Reply::Update(
                board::board(app, ctx, period, topic, track, page).await?,
            ))
        }
        Control::Option { target, option } => {
            let r = resolve(app, ctx, &target).await?;
            let answer = match r.kind() {
                Kind::Choice { options, .. } if option < options.len() => Answer::Choice(option),
                Kind::TrueFalse { .. } if option <= 1 => Answer::TrueFalse(option == 1),
                _ => return Err(user(t::UNKNOWN_CONTROL)),
            };
            answer_with(app, ctx, r, answer, "", Seen::of(Some(&c.message), &target)).await
        }
        Control::Multi { target } => {
            let r = resolve(app, ctx, &target).await?;
            let ComponentInteractionDataKind::StringSelect { values } = &c.data.kind else {
                return Err(user(t::UNKNOWN_CONTROL));
            };
            let n = r.held.question().labels().len();
            let picked: Option<Vec<usize>> = values
                .iter()
                .map(|v| v.parse::<usize>().ok().filter(|i| *i < n))
                .collect();
            let picked = picked.filter(|p| !p.is_empty() && matches!(r.kind(), Kind::Multi { .. }));
            let picked = picked.ok_or_else(|| user(t::UNKNOWN_CONTROL))?;
            let seen = Seen::of(Some(&c.message), &target);
            answer_with(app, ctx, r, Answer::Multi(picked), "", seen).await
        }
        Control::OpenModal { target } => {
            let r = resolve(app, ctx, &target).await?;
            // Only a question answered in writing has a text box: a forged "Answer" button of a
            // choice round would otherwise take any text as its answer.
            if !answered_in_modal(r.kind()) {
                warn!(custom_id = %c.data.custom_id, "a text answer control of a question answered otherwise");
                return Err(user(t::UNKNOWN_CONTROL));
            }
            if let Some(round) = &r.round {
                if app
                    .store()
                    .member_answer(round.id, ctx.user)
                    .await?
                    .is_some()
                {
                    return Err(user(t::ALREADY_ANSWERED));
                }
            }
            let inst = r.held.question().instance(r.seed);
            Ok(Reply::Modal(render::answer_modal(&inst, &target)))
        }
        Control::Modal { .. } => Err(user(t::UNKNOWN_CONTROL)),
        Control::Appeal { round, member } => grades::ask(app, ctx, round, member).await,
        Control::Review { appeal, decision } => grades::decide(app, ctx, appeal, decision).await,
        Control::FollowUp { question } => follow_up::ask(app, ctx, &question).await,
        Control::Share { round, member, on } => share::toggle(app, ctx, round, member, on).await,
        Control::NextReview => review::next(app, ctx).await,
        Control::Past(p) => past::component(app, ctx, p).await,
        Control::Practise { question } => ask::practise(app, ctx, &question).await,
    }
}

async fn modal(app: &App, ctx: &Ctx, m: &ModalInteraction) -> Result<Reply, Failure> {
    if let Some(control) = suggest::Control::parse(&m.data.custom_id) {
        return suggest::modal(app, ctx, control, m).await;
    }
    let Some(Control::Modal { target }) = Control::parse(&m.data.custom_id) else {
        warn!(custom_id = %m.data.custom_id, "unknown modal custom_id");
        return Err(user(t::UNKNOWN_CONTROL));
    };
    let text = m
        .data
        .components
        .iter()
        .flat_map(|row| &row.components)
        .find_map(|c| match c {
            serenity::all::ActionRowComponent::InputText(input) if input.custom_id == "answer" => {
                input.value.clone()
            }
            _ => None,
        })
        .unwrap_or_default();
    let r = resolve(app, ctx, &target).await?;
    let inst = r.held.question().instance(r.seed);
    let answer = match inst.question.kind {
        Kind::Order { .. } => crate::grade::parse_answer(&inst, &text)?,
        Kind::Short { .. } | Kind::FreeText(_) | Kind::Generated(_) => {
            crate::grade::parse_answer(&inst, &text)?;
            Answer::Text(text.clone())
        }
        _ => return Err(user(t::UNKNOWN_CONTROL)),
    };
    let seen = Seen::of(m.message.as_deref(), &target);
    answer_with(app, ctx, r, answer, &text, seen).await
}

/// Grades an answer and records it: a daily answer is confirmed only once committed. `typed` is
/// what the member wrote, for answers given in a text box. Every recorded answer schedules the
/// question for the member's review.
async fn answer_with(
    app: &App,
    ctx: &Ctx,
    r: Resolved,
    answer: Answer,
    typed: &str,
    seen: Seen,
) -> Result<Reply, Failure> {
    let inst = r.held.question().instance(r.seed);
    // The grader of the question's own bank: a server question is graded like the bank's.
    let grade = crate::metrics::time_grading(|| r.held.grader().grade(&inst, &answer))?;
    crate::metrics::answer(grade.verdict);
    let explanation = inst.explanation();
    // Kept as the member saw it: the option's text, or what they typed.
    let text = quiz::answer::stored_text(inst.question, &answer, typed);
    match r.round {
        Some(round) => {
            tracing::Span::current().record("round", tracing::field::display(round.id));
            let now = app.now();
            let daily = quiz::answer::DailyAnswer {
                round: &round,
                member: ctx.user,
                text,
                grade: &grade,
                at: now,
                kind: inst.question.kind.name(),
                answered_in: seen.took(now),
            };
            match quiz::answer::record(app.store(), daily).await? {
                Recorded::Accepted {
                    points,
                    streak,
                    rewards,
                } => {
                    info!(round = %round.id, user = %ctx.user, verdict = %grade.verdict, points, "daily answer recorded");
                    if rewards {
                        super::roles::after_answer(app, round.guild, ctx.user, streak);
                    }
                    let embed = render::grade_embed(&grade, Some((points, streak)), &explanation);
                    let rows = [
                        share::fresh_controls(&inst.question.kind, round.id, ctx.user),
                        render::follow_up_controls(inst.question),
                    ];
                    Ok(Reply::Message(
                        Msg::embed(embed).with_components(rows.concat()),
                    ))
                }
                Recorded::AlreadyAnswered => Err(user(t::ALREADY_ANSWERED)),
                Recorded::Closed => {
                    // Closed by another process since it was cached: show the reveal as usual.
                    app.forget_round(round.id);
                    match app.round(round.id).await? {
                        Some(fresh) => Err(closed(app, &fresh).await),
                        None => Err(user(t::ROUND_GONE)),
                    }
                }
                Recorded::NoSuchRound => Err(user(t::ROUND_GONE)),
            }
        }
        None => {
            let q = inst.question;
            app.store()
                .record_practice(Practice {
                    guild: ctx.guild,
                    user: ctx.user,
                    question: q.id.0.clone(),
                    seed: inst.seed,
                    answer: text,
                    score: grade.score,
                    verdict: grade.verdict,
                    at: app.now(),
                })
                .await?;
            let card = review::schedule(app, ctx, &r.held, &grade, seen).await;
            let msg = Msg::embed(render::grade_embed(&grade, None, &explanation))
                .with_components(render::follow_up_controls(q));
            review::reply(app, ctx, msg, card, seen).await
        }
    }
}
