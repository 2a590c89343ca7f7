-- Posting and revealing a round can fail in ways that leave its outcome unclear (a lost answer
-- from Discord), so a round keeps count of its attempts and when the next one may be made, and a
-- round id is never given twice: a round discarded before anyone saw it is retired here, and new
-- rounds are numbered after every id ever used (a reused id would reuse its message nonce, and
-- Discord would hand back the old round's message).

CREATE TABLE retired_rounds (
    round_id    INTEGER PRIMARY KEY,
    guild_id    INTEGER NOT NULL,
    day         TEXT    NOT NULL,
    question_id TEXT    NOT NULL,
    retired_at  INTEGER NOT NULL,                    -- unix milliseconds
    reason      TEXT    NOT NULL
);

ALTER TABLE rounds ADD COLUMN post_attempts   INTEGER NOT NULL DEFAULT 0;  -- each one has its own nonce
ALTER TABLE rounds ADD COLUMN reveal_attempts INTEGER NOT NULL DEFAULT 0;
ALTER TABLE rounds ADD COLUMN retry_at        INTEGER;                      -- unix ms: no post or reveal attempt before
