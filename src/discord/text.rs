//! Every text a member or admin reads, in one place so wording is reviewed and changed here.
//! A member's input quoted back is clipped (`limits::echo`), so a reply never outgrows Discord's
//! limits however long the input.

pub mod admin;
pub mod ask;
pub mod charts;
pub mod export;
pub mod follow_up;
pub mod learning;
pub mod limits;
pub mod past;
pub mod quote;
pub mod review;
pub mod roles;
pub mod season;
pub mod share;
pub mod suggest;

use limits::echo;

pub const DAILY: &str = "Today's interview question: answer it, or see your grade";
pub const QUIZ: &str = "A private practice question, graded at once (no points)";
pub const QUIZ_TOPIC: &str = "Only questions of this topic";
pub const QUIZ_DIFFICULTY: &str = "Only questions of this difficulty";
pub const LEADERBOARD: &str = "The top members of this server, and your own rank";
pub const LEADERBOARD_PERIOD: &str =
    "All time, this month, this week, this season, or the hall of fame";
pub const LEADERBOARD_TOPIC: &str = "Only points from this topic";
pub const STATS: &str = "Answers, accuracy, points, streaks and weakest topic of a member";
pub const STATS_MEMBER: &str = "Whose stats (default: yours)";
pub const CONFIG: &str = "Set up the daily question for this server";
pub const CONFIG_SHOW: &str = "Show this server's settings";
pub const CONFIG_CHANNEL: &str = "The channel where the daily question is posted";
pub const CONFIG_TIME: &str =
    "The time of the daily post, HH:MM (24-hour) in the server's time zone";
pub const CONFIG_TIMEZONE: &str = "The server's time zone, e.g. Europe/London";
pub const CONFIG_TOPICS: &str = "The topics to draw from: a comma-separated list, or `all`";
pub const CONFIG_DIFFICULTY: &str = "The difficulty of daily questions";
pub const CONFIG_ROLE: &str = "A role to ping with each question (leave out to stop pinging)";
pub const CONFIG_DAYS: &str = "Which days have a question";
pub const CONFIG_LENGTH: &str = "How long each round stays open";
pub const CONFIG_LENGTH_HOURS: &str = "Hours (1-168), or 0 for until the next post";
pub const CONFIG_ENABLE: &str = "Post a question every day";
pub const CONFIG_DISABLE: &str = "Stop the daily question";
pub const ROUND: &str = "Run today's round by hand";
pub const ROUND_POST_NOW: &str = "Post today's question now in the configured channel";
pub const ROUND_SKIP: &str = "Skip today: no question, and no streak is broken";
pub const ROUND_REVEAL: &str = "Close the open round now and reveal the answer";
pub const HELP: &str = "How the bot works, how answers are scored, and the commands";
pub const GRADES: &str = "Review the grades members asked about";
pub const GRADES_REVIEW: &str = "Show the oldest open appeal and decide it";

pub const ANSWER_BUTTON: &str = "Answer";
pub const MODAL_TITLE: &str = "Your answer";
pub const MODAL_LABEL_TEXT: &str = "Your answer";
pub const MODAL_LABEL_ORDER: &str = "Item numbers, first to last (e.g. 3 1 2)";
pub const MULTI_PLACEHOLDER: &str = "Select every correct option";

pub const NOT_IN_GUILD: &str = "This works in a server, not in direct messages.";
pub const NEEDS_MANAGE_SERVER: &str = "Only members with the Manage Server permission can do that.";
pub const UNKNOWN_CONTROL: &str =
    "That button belongs to an older message or another version of the bot. Run the command again.";
pub const UNKNOWN_COMMAND: &str = "I don't know that command. Try `/help`.";
pub const ROUND_CLOSED: &str = "This round is closed, so answers are no longer taken.";
pub const ROUND_GONE: &str = "I can't find that round any more. Try `/daily`.";
pub const ALREADY_ANSWERED: &str = "You've already answered this round; your first answer counts.";
pub const SOMETHING_WENT_WRONG: &str =
    "Something went wrong on my side and nothing was recorded. Please try again in a moment.";
/// The database file went away under the running bot: nothing can be saved until an operator
/// restores it (the log says so loudly).
pub const CANNOT_SAVE: &str =
    "I can't save anything right now, so this was not recorded. The bot's operator has been alerted; please try again later.";
pub const NO_QUESTIONS_MATCH: &str = "No question matches that topic and difficulty.";
pub const DISABLED: &str = "The daily question is switched off in this server. An admin can turn it on with `/config enable`.";
pub const NO_CHANNEL: &str =
    "No channel is set for the daily question. Set one with `/config channel`.";
pub const BAD_LENGTH: &str = "A round lasts a whole number of hours, 1 to 168, or 0 for until the next post. Nothing was changed.";
pub const NO_SENDER: &str = "I can't tell who sent this, so nothing was done.";
pub const HELD_BACK: &str =
    "What you missed and the model answer come with the reveal, when the round closes.";

pub const APPEAL_BUTTON: &str = "Ask for a review";
pub const APPEAL_OPENED: &str = "Thanks — a moderator will look at your grade. If they change it, your points, your streak and the leaderboards follow, and `/daily` and `/stats` show the new grade.";
pub const APPEAL_UNDER_REVIEW: &str =
    "Your answer is already under review: a moderator will look at it soon.";
pub const APPEAL_REVIEWED: &str =
    "A moderator has already reviewed this answer; each answer is reviewed once.";
pub const APPEAL_NOT_YOURS: &str = "Only the member who answered can ask for a review of it.";
pub const APPEAL_NO_ANSWER: &str = "I can't find that answer any more. Try `/daily`.";
pub const UNDER_REVIEW: &str = "Under review: a moderator will look at your grade.";
pub const REVIEWED: &str = "Reviewed by a moderator.";
pub const NO_OPEN_APPEALS: &str = "No open appeals.";
pub const APPEAL_ALREADY_DECIDED: &str = "Another moderator decided that appeal first.";
pub const APPEAL_GONE: &str = "I can't find that appeal.";
pub const REVIEW_KEEP: &str = "Keep";
pub const REVIEW_CORRECT: &str = "Correct";
pub const REVIEW_PARTIAL: &str = "Partial";
pub const REVIEW_WRONG: &str = "Wrong";
pub const QUESTION_GONE: &str = "This question is no longer in the bank.";

pub fn grade_kept(member: u64) -> String {
    format!("Kept the grade of <@{member}>'s answer.")
}

pub fn grade_set(member: u64, grade: &str, points: u32, was: u32) -> String {
    format!("Saved: <@{member}>'s answer is now {grade}, worth +{points} points (was +{was}). Their streak and the leaderboards follow.")
}

pub fn asked_for_review(member: u64, at: i64) -> String {
    format!("<@{member}> asked for a review of this grade <t:{at}:R>.")
}

pub fn open_appeals(appeal: i64, open: u64) -> String {
    let more = match open {
        1 => "the only open appeal".to_string(),
        n => format!("{n} open appeals, oldest first"),
    };
    format!("Appeal #{appeal} · {more}")
}

pub fn no_round_yet(next: i64) -> String {
    format!("There is no open question right now. The next one comes <t:{next}:R> (<t:{next}:f>).")
}

pub fn unknown_topic(topic: &str, topics: &[&str]) -> String {
    let known = limits::clip(&topics.join(", "), limits::CONTENT / 2);
    format!(
        "There is no topic `{}`. The topics are: {known}.",
        echo(topic)
    )
}

pub fn bad_time(input: &str) -> String {
    let input = echo(input);
    format!("`{input}` is not a time of day. Use 24-hour HH:MM, like `09:00` or `18:30`. Nothing was changed.")
}

pub fn bad_timezone(input: &str) -> String {
    let input = echo(input);
    format!(
        "`{input}` is not a time zone I know. Use an IANA name such as `Europe/London` or `America/New_York` (the list autocompletes). Nothing was changed."
    )
}

pub const SCORING: &str = "\
**Points**: a daily answer earns 10 (easy), 20 (medium) or 30 (hard) points times its score; \
a half-right medium answer earns 10.\n\
**Streaks**: answer on consecutive posted days without a wrong answer. From the 2nd day in a row \
you earn +2, then +4, up to +10 a day. A wrong answer or a missed day ends the streak (unless a \
streak freeze covers the day); a skipped day does not.\n\
**One try**: your first answer to a round counts. `/quiz` practice never earns points.\n\
**Reviews**: think a daily grade is wrong? Press **Ask for a review** under it; a moderator decides, \
and your points and streak follow.\n\
**Sharing**: under the grade of a written daily answer, **Share my answer if it is among the best** \
(off until you turn it on, yours to change until the reveal) lets the reveal quote your answer, \
with your name, if it is the best correct one.";

pub const HOW_IT_WORKS: &str = "\
Every day a question is posted in this server's channel. Click an option, or **Answer** to write \
your explanation. I grade it at once, privately: free-text answers get partial credit and the key \
points you made. When the round closes, the reveal shows the model answer, the explanation and \
the server's results, and opens a thread on the question to discuss it (archived after a day; \
none before the reveal, so nobody spoils it).\n\
**Follow-up**: under the grade of a question that has follow-ups, this button asks the next \
question an interviewer would, one step deeper, as practice (no points).\n\n\
Every question you answer comes back in `/review` when it is due, spaced by how well you knew it: \
one you missed the next day, one you got right days and then weeks later.";

pub const COMMANDS_HELP: &str = "\
`/daily [track]` today's question, or your grade\n\
`/quiz [topic] [difficulty]` a private practice question, leaning toward your weak topics\n\
`/review` your questions due for review, one after another\n\
`/past [days]` past rounds: answers, your grade, retry as practice\n\
`/ask question` the bank's closest questions to yours, with the answer\n\
`/leaderboard [period] [topic] [track]` the top 10 and your rank (this season's, if seasons are on; \
`period:hall-of-fame` for past champions)\n\
`/stats [member]` answers, accuracy, points, streaks, freezes, weakest topic (30 days), and a chart \
of points per week and accuracy per topic\n\
`/suggest kind topic difficulty` suggest a question for this server\n\
`/help` this page";

/// `/help`: the commands that need Manage Server (a field of their own: one field holds 1,024
/// characters).
pub const ADMIN_COMMANDS_HELP: &str = "\
`/config` the channel, time, time zone, days, round length, topics, difficulty, role, tracks \
(up to 5), seasons; `show` also says when a post or a discussion thread failed\n\
`/config roles` roles at N-day streaks, N points, for the champion\n\
`/round` post now, skip today, reveal now\n\
`/grades review` the grades members asked to have reviewed\n\
`/suggestions` the suggested questions, to approve or deny\n\
`/admin` correct points, restore a streak, remove an answer, read the audit log\n\
`/export` answers, totals and audit log as CSV files";
