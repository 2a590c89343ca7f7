-- After the reveal: the members who agreed to have their daily free-text answer quoted by the
-- reveal if it is the best, and the discussion thread each revealed round opens on its question
-- message (once: its state survives restarts, and a failure says whether to retry).

CREATE TABLE shared_answers (
    round_id INTEGER NOT NULL REFERENCES rounds (round_id),
    user_id  INTEGER NOT NULL,                     -- the member who answered and agreed
    at       INTEGER NOT NULL,                     -- when they agreed, unix milliseconds
    PRIMARY KEY (round_id, user_id)
) WITHOUT ROWID;

CREATE TABLE round_threads (
    round_id   INTEGER PRIMARY KEY REFERENCES rounds (round_id),
    guild_id   INTEGER NOT NULL,
    state      TEXT    NOT NULL DEFAULT 'pending'
                       CHECK (state IN ('pending', 'open', 'no_permission', 'refused', 'failed')),
    attempts   INTEGER NOT NULL DEFAULT 0,         -- each attempt first looks for an earlier one's thread
    due_at     INTEGER NOT NULL,                   -- unix ms: no attempt before
    claimed_at INTEGER,                            -- a scheduler is opening it
    thread_id  INTEGER,                            -- open: the thread
    problem    TEXT,                               -- refused or failed: what Discord said
    done_at    INTEGER                             -- when it stopped being pending, unix ms
);
-- The clock's pass: threads waiting for an attempt.
CREATE INDEX round_threads_due ON round_threads (due_at) WHERE state = 'pending';
-- /config show: a guild's latest thread that is no longer pending, to report a problem.
CREATE INDEX round_threads_by_guild ON round_threads (guild_id, done_at) WHERE state <> 'pending';
