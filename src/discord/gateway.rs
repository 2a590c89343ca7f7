//! The gateway runner: a classic bot connection with the GUILDS intent only, over one shard or
//! the range of shards this process runs (`shards.rs`).

use super::app::App;
use super::commands;
use super::respond::{respond, BUDGET};
use super::shards::Shards;
use serenity::all::{Context, EventHandler, GatewayIntents, Interaction, Ready};
use serenity::async_trait;
use tracing::{error, info};

/// Where `run` installs the commands on connect.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scope {
    Global,
    Guild(u64),
}

struct Handler {
    app: App,
    scope: Option<Scope>,
}

#[async_trait]
impl EventHandler for Handler {
    async fn ready(&self, ctx: Context, ready: Ready) {
        let total = ready.shard.map_or(1, |s| s.total);
        info!(
            shard = ctx.shard_id.0,
            shards = total,
            user = %ready.user.name,
            guilds = ready.guilds.len(),
            "connected to the gateway"
        );
        // Once per bot, not once per shard or per process: by whichever runs shard 0.
        if let Some(scope) = self.scope.filter(|_| ctx.shard_id.0 == 0) {
            match register(&ctx.http, scope).await {
                Ok(n) => info!(commands = n, ?scope, "commands registered"),
                Err(e) => error!(error = %e, "registering commands failed"),
            }
        }
    }

    async fn interaction_create(&self, ctx: Context, interaction: Interaction) {
        let (id, token) = match &interaction {
            Interaction::Command(c) | Interaction::Autocomplete(c) => (c.id, c.token.clone()),
            Interaction::Component(c) => (c.id, c.token.clone()),
            Interaction::Modal(m) => (m.id, m.token.clone()),
            _ => return,
        };
        let response = respond(&self.app, interaction, BUDGET).await;
        if let Err(e) = ctx
            .http
            .create_interaction_response(id, &token, &response, vec![])
            .await
        {
            error!(error = %e, "could not answer an interaction");
        }
    }
}

/// Installs the command list (a bulk overwrite) and returns how many there are.
pub async fn register(http: &serenity::http::Http, scope: Scope) -> serenity::Result<usize> {
    let list = commands::all();
    let installed = match scope {
        Scope::Global => http.create_global_commands(&list).await?,
        Scope::Guild(g) => {
            http.create_guild_commands(serenity::all::GuildId::new(g), &list)
                .await?
        }
    };
    Ok(installed.len())
}

/// Connects and handles interactions until the connection ends for good. `http` is the REST
/// client for the connection (with the same token, and `DISCORD_PROXY` when set).
pub async fn run(app: App, http: serenity::http::Http, scope: Option<Scope>) -> anyhow::Result<()> {
    run_until(app, http, scope, std::future::pending()).await
}

/// As `run`, until `stop` resolves: then every shard is closed cleanly (serenity's shard
/// manager sends each a close frame) and this returns.
pub async fn run_until(
    app: App,
    http: serenity::http::Http,
    scope: Option<Scope>,
    stop: impl std::future::Future<Output = ()> + Send + 'static,
) -> anyhow::Result<()> {
    run_shards_until(app, http, scope, Shards::One, stop).await
}

/// As `run_until`, connecting `shards` (serenity's own shard manager starts and restarts them).
/// The commands are installed by the process that runs shard 0, on its READY.
pub async fn run_shards_until(
    app: App,
    http: serenity::http::Http,
    scope: Option<Scope>,
    shards: Shards,
    stop: impl std::future::Future<Output = ()> + Send + 'static,
) -> anyhow::Result<()> {
    let mut client = serenity::all::ClientBuilder::new_with_http(http, GatewayIntents::GUILDS)
        .event_handler(Handler { app, scope })
        .await
        .map_err(|e| anyhow::anyhow!("cannot start the gateway client: {e}"))?;
    let manager = client.shard_manager.clone();
    tokio::spawn(async move {
        stop.await;
        info!("closing the gateway shards");
        manager.shutdown_all().await;
    });
    let started = match shards {
        Shards::One => client.start().await,
        Shards::Range { first, last, total } => {
            info!(
                first,
                last, total, "starting gateway shards {first} to {last} of {total}"
            );
            if first == 0 && last + 1 == total {
                client.start_shards(total).await
            } else {
                // serenity 0.12 reads the end of this range as inclusive (its `4..7` is shards
                // 4 through 7), as `--shard-range` does.
                client.start_shard_range(first..last, total).await
            }
        }
    };
    started.map_err(|e| anyhow::anyhow!("the gateway connection ended: {e}"))?;
    Ok(())
}
