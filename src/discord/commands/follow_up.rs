//! The **Follow-up** button under a graded answer: asks the member, privately, the next question
//! that digs deeper into the one they answered, like `/quiz` does, with its own answer controls;
//! that answer is graded and recorded as practice, and its grade offers its own follow-up.
//! Parsing and rendering only: which follow-up comes next is `quiz::follow_up`.

use crate::discord::app::App;
use crate::discord::custom_id::Target;
use crate::discord::handler::{user, Ctx, Failure, Reply};
use crate::discord::render::{self, Msg};
use crate::discord::text as t;
use crate::quiz::follow_up;
use tracing::{info, warn};

/// "Follow-up", pressed under the grade of an answer to the bank's question `answered`.
pub(in crate::discord) async fn ask(
    app: &App,
    ctx: &Ctx,
    answered: &str,
) -> Result<Reply, Failure> {
    let next = follow_up::next(app.store(), app.bank(), ctx.guild, ctx.user, answered).await?;
    let Some(question) = next else {
        // The button is only ever made for a question with follow-ups: a forgery, or a bank
        // changed since the grade was shown.
        warn!(
            question = answered,
            "a follow-up control of a question with no follow-ups"
        );
        return Err(user(t::UNKNOWN_CONTROL));
    };
    info!(guild = ?ctx.guild, user = %ctx.user, answered, follow_up = %question.id, "follow-up asked");
    let seed: u64 = rand::random();
    let inst = question.instance(seed);
    let target = Target::Practice {
        question: question.id.0.clone(),
        seed,
    };
    Ok(Reply::Message(Msg {
        content: Some(t::follow_up::ASKED.into()),
        embeds: vec![render::question_embed(app.bank(), &inst, None)],
        components: render::answer_controls(&inst, &target, false),
        ephemeral: true,
    }))
}
