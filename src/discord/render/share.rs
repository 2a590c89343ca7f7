//! What sharing looks like: the toggle under a daily grade (beside "Ask for a review"), the
//! grade once the toggle was pressed, and the reveal's quote of the best shared answer.

use super::clip;
use crate::discord::custom_id::Control;
use crate::discord::text::{self as t, quote, share as ts};
use crate::quiz::appeal::AppealState;
use crate::quiz::share::Shared;
use crate::quiz::{RoundId, UserId};
use serenity::all::{ButtonStyle, CreateActionRow, CreateButton, CreateEmbed};

/// The toggle as it stands: its label says the current state, a press sets the other.
pub fn toggle(round: RoundId, member: UserId, on: bool) -> CreateButton {
    CreateButton::new(
        Control::Share {
            round,
            member,
            on: !on,
        }
        .encode(),
    )
    .label(ts::toggle_label(on))
    .style(if on {
        ButtonStyle::Success
    } else {
        ButtonStyle::Secondary
    })
}

/// The controls under a member's daily grade: "Ask for a review" until it is asked, and the
/// share toggle (`sharing`: its state) for a free-text answer.
pub fn grade_controls(
    round: RoundId,
    member: UserId,
    appeal: Option<AppealState>,
    sharing: Option<bool>,
) -> Vec<CreateActionRow> {
    let mut buttons = Vec::new();
    if appeal.is_none() {
        buttons.push(
            CreateButton::new(Control::Appeal { round, member }.encode())
                .label(t::APPEAL_BUTTON)
                .style(ButtonStyle::Secondary),
        );
    }
    if let Some(on) = sharing {
        buttons.push(toggle(round, member, on));
    }
    if buttons.is_empty() {
        vec![]
    } else {
        vec![CreateActionRow::Buttons(buttons)]
    }
}

/// A grade with where sharing stands.
pub fn with_sharing(e: CreateEmbed, on: bool) -> CreateEmbed {
    e.field(ts::SHARING, ts::sharing_note(on), false)
}

/// The reveal with the best shared answer quoted, escaped and credited; unchanged without one
/// (or when nothing visible is left of it).
pub fn with_quote(e: CreateEmbed, best: Option<&Shared>) -> CreateEmbed {
    let Some(best) = best else {
        return e;
    };
    let quoted = quote::block_quote(&best.text);
    if quoted.is_empty() {
        return e;
    }
    let value = format!("{quoted}\n{}", ts::credit(best.member.0, best.score));
    e.field(ts::BEST_ANSWER, clip(&value, 1024), false)
}
