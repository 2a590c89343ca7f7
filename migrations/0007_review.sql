-- Spaced review: each member's FSRS card of every question they answered, per server (guild_id 0
-- stands for direct messages: Discord never gives an id of 0). A card is rated by every daily or
-- practice answer, and /review asks the member's cards that have fallen due.

CREATE TABLE review_cards (
    guild_id       INTEGER NOT NULL,                -- 0: direct messages
    user_id        INTEGER NOT NULL,
    question_id    TEXT    NOT NULL,
    due_at         INTEGER NOT NULL,                -- unix milliseconds
    stability      REAL    NOT NULL,                -- FSRS: days until recall falls to 90%
    difficulty     REAL    NOT NULL,                -- FSRS: 1 to 10
    elapsed_days   INTEGER NOT NULL,
    scheduled_days INTEGER NOT NULL,
    reps           INTEGER NOT NULL,
    lapses         INTEGER NOT NULL,
    state          TEXT    NOT NULL CHECK (state IN ('new', 'learning', 'review', 'relearning')),
    last_review_at INTEGER NOT NULL,                -- unix milliseconds
    last_rating    TEXT    NOT NULL CHECK (last_rating IN ('again', 'hard', 'good', 'easy')),
    PRIMARY KEY (guild_id, user_id, question_id)
) WITHOUT ROWID;
-- "The cards of member M in guild G due at time T, most overdue first", their count, and the
-- next one due after T: one range of this index each (it carries question_id, as the key's rest).
CREATE INDEX review_cards_due ON review_cards (guild_id, user_id, due_at);
