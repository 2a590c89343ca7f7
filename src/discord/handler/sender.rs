//! Who sent an interaction. Discord always names the sender: `member` (with its user) in a
//! server, `user` elsewhere. serenity fills a `user` that was not sent with its default (id 1, no
//! name), so without this check a signed body that names no one would act as user 1.

use super::{user, Failure};
use crate::discord::text as t;
use crate::quiz::UserId;
use tracing::warn;

/// The sender's id, or a refusal when the interaction names no one.
pub(super) fn of(
    guild: Option<serenity::all::GuildId>,
    author: &serenity::all::User,
    member: Option<&serenity::all::Member>,
) -> Result<UserId, Failure> {
    match (guild, member) {
        (_, Some(m)) => Ok(UserId(m.user.id.get())),
        (Some(g), None) => {
            warn!(guild = %g, "an interaction in a server without its member: refused");
            Err(user(t::NO_SENDER))
        }
        // Every account has a name; only serenity's stand-in for a missing `user` has none.
        (None, None) if author.name.is_empty() => {
            warn!("an interaction outside a server without its user: refused");
            Err(user(t::NO_SENDER))
        }
        (None, None) => Ok(UserId(author.id.get())),
    }
}
