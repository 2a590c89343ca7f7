-- Appeals: a member asks once for a review of a daily answer's grade, and a moderator keeps the
-- grade or overrides it. Every override is kept in grade_overrides, with the grade before and
-- after; the answer itself then carries the final grade (what boards, stats and reveals read).

CREATE TABLE appeals (
    appeal_id  INTEGER PRIMARY KEY,
    answer_id  INTEGER NOT NULL UNIQUE REFERENCES answers (answer_id),  -- once per answer
    guild_id   INTEGER NOT NULL,
    user_id    INTEGER NOT NULL,                    -- the member who answered and asked
    created_at INTEGER NOT NULL,                    -- unix milliseconds
    state      TEXT    NOT NULL DEFAULT 'open' CHECK (state IN ('open', 'closed')),
    closed_at  INTEGER,                             -- unix milliseconds
    closed_by  INTEGER,                             -- the moderator who decided
    decision   TEXT    CHECK (decision IN ('keep', 'correct', 'partial', 'wrong'))
);
-- /grades review: a guild's oldest open appeal, and how many are open.
CREATE INDEX appeals_open ON appeals (guild_id, created_at) WHERE state = 'open';

-- The audit of every grade a moderator changed: who, when, before and after.
CREATE TABLE grade_overrides (
    override_id    INTEGER PRIMARY KEY,
    answer_id      INTEGER NOT NULL REFERENCES answers (answer_id),
    appeal_id      INTEGER REFERENCES appeals (appeal_id),
    moderator_id   INTEGER NOT NULL,                -- who
    at             INTEGER NOT NULL,                -- when, unix milliseconds
    before_verdict TEXT    NOT NULL CHECK (before_verdict IN ('correct', 'partial', 'wrong')),
    before_score   REAL    NOT NULL CHECK (before_score BETWEEN 0 AND 1),
    after_verdict  TEXT    NOT NULL CHECK (after_verdict IN ('correct', 'partial', 'wrong')),
    after_score    REAL    NOT NULL CHECK (after_score BETWEEN 0 AND 1)
);
CREATE INDEX grade_overrides_by_answer ON grade_overrides (answer_id);
