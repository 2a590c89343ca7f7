//! Settings from the environment (and a `.env` file), read once at start-up. A missing or
//! malformed variable stops the command with its name and what to put there.

use std::env;

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ConfigError {
    #[error("{name} is not set: {hint}")]
    Missing {
        name: &'static str,
        hint: &'static str,
    },
    #[error("{name} is malformed: {hint}")]
    Malformed {
        name: &'static str,
        hint: &'static str,
    },
}

/// What the Discord transports need.
#[derive(Clone, PartialEq, Eq)]
pub struct DiscordConfig {
    pub token: String,
    pub application_id: u64,
    /// For `serve`: the application's public key, 32 bytes.
    pub public_key: Option<[u8; 32]>,
    /// An `http://host:port` base that every REST call goes through instead of discord.com.
    pub proxy: Option<String>,
    /// `INTERVIEW_BOT_CLAIM_TIMEOUT`: seconds before a post or reveal another instance started
    /// and never finished (it stopped) is taken over; two minutes when unset.
    pub claim_timeout_secs: Option<u64>,
}

impl std::fmt::Debug for DiscordConfig {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // Never print the token.
        f.debug_struct("DiscordConfig")
            .field("application_id", &self.application_id)
            .field("public_key", &self.public_key.map(hex::encode))
            .field("proxy", &self.proxy)
            .finish_non_exhaustive()
    }
}

const TOKEN_HINT: &str = "put the bot token from the Discord developer portal (Bot → Reset Token) in the environment or .env";
const APP_HINT: &str = "put the application id (General Information → Application ID, a number) in the environment or .env";
const KEY_HINT: &str = "put the public key (General Information → Public Key, 64 hex characters) in the environment or .env";
const PROXY_HINT: &str = "use an http://host:port base, such as http://127.0.0.1:3000";
const CLAIM_HINT: &str = "use a whole number of seconds, at least 1, such as 120";

fn var(name: &'static str) -> Option<String> {
    env::var(name)
        .ok()
        .map(|v| v.trim().to_string())
        .filter(|v| !v.is_empty())
}

impl DiscordConfig {
    /// Reads the settings; `need_public_key` for the HTTP endpoint.
    pub fn from_env(need_public_key: bool) -> Result<DiscordConfig, ConfigError> {
        let _ = dotenvy::dotenv();
        let token = var("DISCORD_TOKEN").ok_or(ConfigError::Missing {
            name: "DISCORD_TOKEN",
            hint: TOKEN_HINT,
        })?;
        let application_id = var("DISCORD_APPLICATION_ID")
            .ok_or(ConfigError::Missing {
                name: "DISCORD_APPLICATION_ID",
                hint: APP_HINT,
            })?
            .parse::<u64>()
            .ok()
            .filter(|id| *id > 0)
            .ok_or(ConfigError::Malformed {
                name: "DISCORD_APPLICATION_ID",
                hint: APP_HINT,
            })?;
        let public_key = match var("DISCORD_PUBLIC_KEY") {
            Some(hex_key) => Some(parse_public_key(&hex_key)?),
            None if need_public_key => {
                return Err(ConfigError::Missing {
                    name: "DISCORD_PUBLIC_KEY",
                    hint: KEY_HINT,
                })
            }
            None => None,
        };
        let proxy = match var("DISCORD_PROXY") {
            Some(p) if p.starts_with("http://") || p.starts_with("https://") => {
                Some(p.trim_end_matches('/').to_string())
            }
            Some(_) => {
                return Err(ConfigError::Malformed {
                    name: "DISCORD_PROXY",
                    hint: PROXY_HINT,
                })
            }
            None => None,
        };
        let claim_timeout_secs = match var("INTERVIEW_BOT_CLAIM_TIMEOUT") {
            Some(v) => Some(v.parse::<u64>().ok().filter(|s| *s > 0).ok_or(
                ConfigError::Malformed {
                    name: "INTERVIEW_BOT_CLAIM_TIMEOUT",
                    hint: CLAIM_HINT,
                },
            )?),
            None => None,
        };
        Ok(DiscordConfig {
            token,
            application_id,
            public_key,
            proxy,
            claim_timeout_secs,
        })
    }
}

pub fn parse_public_key(hex_key: &str) -> Result<[u8; 32], ConfigError> {
    let bytes = hex::decode(hex_key.trim()).map_err(|_| ConfigError::Malformed {
        name: "DISCORD_PUBLIC_KEY",
        hint: KEY_HINT,
    })?;
    bytes.try_into().map_err(|_| ConfigError::Malformed {
        name: "DISCORD_PUBLIC_KEY",
        hint: KEY_HINT,
    })
}
