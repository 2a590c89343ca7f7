//! The **Follow-up** button under a graded answer whose question names follow-ups in the bank.
//! One function for every place that grades an answer (`/quiz`, the daily grade, `/review`), so
//! the button looks and behaves the same everywhere.

use crate::bank::Question;
use crate::discord::custom_id::Control;
use crate::discord::text::follow_up as t;
use serenity::all::{ButtonStyle, CreateActionRow, CreateButton};

/// The row with the **Follow-up** button for the answered question; none when it names no
/// follow-ups. Which follow-up the button asks is decided when it is pressed.
pub fn follow_up_controls(answered: &Question) -> Vec<CreateActionRow> {
    if answered.follow_ups.is_empty() {
        return vec![];
    }
    let button = CreateButton::new(
        Control::FollowUp {
            question: answered.id.0.clone(),
        }
        .encode(),
    )
    .label(t::BUTTON)
    .style(ButtonStyle::Primary);
    vec![CreateActionRow::Buttons(vec![button])]
}
