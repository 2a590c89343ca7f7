-- The first schema: guild settings, rounds, daily answers, practice, streaks and totals.
-- A landed migration is never edited: change the schema with a new numbered file.

CREATE TABLE guilds (
    guild_id   INTEGER PRIMARY KEY,
    channel_id INTEGER,
    post_time  TEXT    NOT NULL DEFAULT '09:00',
    timezone   TEXT    NOT NULL DEFAULT 'UTC',
    topics     TEXT    NOT NULL DEFAULT '',          -- comma-separated topic ids; empty: all
    difficulty TEXT    CHECK (difficulty IN ('easy', 'medium', 'hard')),
    role_id    INTEGER,
    enabled    INTEGER NOT NULL DEFAULT 1
);

CREATE TABLE rounds (
    round_id    INTEGER PRIMARY KEY,
    guild_id    INTEGER NOT NULL REFERENCES guilds (guild_id),
    day         TEXT    NOT NULL,                    -- the guild's local date, YYYY-MM-DD
    question_id TEXT    NOT NULL,
    topic       TEXT    NOT NULL,
    difficulty  TEXT    NOT NULL CHECK (difficulty IN ('easy', 'medium', 'hard')),
    seed        INTEGER NOT NULL,
    opens_at    INTEGER NOT NULL,                    -- unix milliseconds
    closes_at   INTEGER NOT NULL,
    channel_id  INTEGER,
    message_id  INTEGER,
    state       TEXT    NOT NULL CHECK (state IN ('open', 'closed', 'skipped')),
    UNIQUE (guild_id, day)
);
CREATE INDEX rounds_by_guild ON rounds (guild_id, opens_at);

CREATE TABLE answers (
    answer_id   INTEGER PRIMARY KEY,
    round_id    INTEGER NOT NULL REFERENCES rounds (round_id),
    guild_id    INTEGER NOT NULL,
    user_id     INTEGER NOT NULL,
    topic       TEXT    NOT NULL,
    answer      TEXT    NOT NULL,
    score       REAL    NOT NULL CHECK (score BETWEEN 0 AND 1),
    verdict     TEXT    NOT NULL CHECK (verdict IN ('correct', 'partial', 'wrong')),
    points      INTEGER NOT NULL CHECK (points >= 0),
    answered_at INTEGER NOT NULL,                    -- unix milliseconds
    UNIQUE (round_id, user_id)                       -- the first answer counts
);
CREATE INDEX answers_by_time ON answers (guild_id, answered_at, user_id, points);
CREATE INDEX answers_by_topic ON answers (guild_id, topic, user_id, points, verdict);
CREATE INDEX answers_by_member ON answers (guild_id, user_id, topic, verdict);
CREATE INDEX answers_by_round ON answers (round_id, score DESC, answered_at);

CREATE TABLE practice (
    practice_id INTEGER PRIMARY KEY,
    guild_id    INTEGER,
    user_id     INTEGER NOT NULL,
    question_id TEXT    NOT NULL,
    seed        INTEGER NOT NULL,
    answer      TEXT    NOT NULL,
    score       REAL    NOT NULL CHECK (score BETWEEN 0 AND 1),
    verdict     TEXT    NOT NULL CHECK (verdict IN ('correct', 'partial', 'wrong')),
    answered_at INTEGER NOT NULL
);
CREATE INDEX practice_by_member ON practice (user_id, answered_at);

CREATE TABLE streaks (
    guild_id      INTEGER NOT NULL,
    user_id       INTEGER NOT NULL,
    current       INTEGER NOT NULL,
    best          INTEGER NOT NULL,
    last_round_id INTEGER REFERENCES rounds (round_id),
    PRIMARY KEY (guild_id, user_id)
) WITHOUT ROWID;
CREATE INDEX streaks_by_round ON streaks (last_round_id, current);

-- Running totals per member, so the all-time board and a rank need no scan of the answers.
CREATE TABLE totals (
    guild_id INTEGER NOT NULL,
    user_id  INTEGER NOT NULL,
    points   INTEGER NOT NULL,
    answers  INTEGER NOT NULL,
    correct  INTEGER NOT NULL,
    PRIMARY KEY (guild_id, user_id)
) WITHOUT ROWID;
CREATE INDEX totals_by_points ON totals (guild_id, points DESC, user_id);
