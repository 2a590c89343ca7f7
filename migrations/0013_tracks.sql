-- Tracks: a server may run several daily drills, each with its own channel, time, days, topics,
-- difficulty, role and round length. Track 1 of every server is what it had before: its settings
-- move here from `guilds` (whose per-track columns are no longer read; `guilds` keeps the server's
-- time zone and anything else that belongs to the whole server). A track is never deleted, only
-- marked removed, so its rounds, answers and points stay; a track id is never reused.
--
-- Rounds become unique per (guild, track, day) and streaks per (guild, user, track). SQLite cannot
-- change a UNIQUE constraint or a primary key in place, so both tables are rebuilt with SQLite's
-- documented procedure (https://www.sqlite.org/lang_altertable.html#otheralter): create the new
-- table, copy with explicit column lists, drop the old one, rename, recreate its indexes. The
-- runner (src/store/migrate.rs) turns foreign keys off around the transaction, as that procedure
-- requires, and runs `PRAGMA foreign_key_check` before it commits.
--
-- A migration that adds columns to `rounds` or `streaks` before this one must add them to the
-- new table and to both column lists below, or they are lost.

CREATE TABLE tracks (
    guild_id      INTEGER NOT NULL REFERENCES guilds (guild_id),
    track_id      INTEGER NOT NULL,                  -- 1, 2, ... within the guild; never reused
    name          TEXT    NOT NULL,                  -- lower-case, as `/config track` takes it
    channel_id    INTEGER,
    post_time     TEXT    NOT NULL DEFAULT '09:00',
    topics        TEXT    NOT NULL DEFAULT '',       -- comma-separated topic ids; empty: all
    difficulty    TEXT    CHECK (difficulty IN ('easy', 'medium', 'hard')),
    role_id       INTEGER,
    enabled       INTEGER NOT NULL DEFAULT 1,
    days          TEXT    NOT NULL DEFAULT 'daily',  -- 'daily' or 'weekdays'
    round_minutes INTEGER,                           -- NULL: until the next post
    next_post_at  INTEGER,                           -- unix ms; NULL: nothing scheduled
    status        TEXT,                              -- the last posting problem, if any
    removed_at    INTEGER,                           -- unix ms; NULL: the track is live
    PRIMARY KEY (guild_id, track_id)
) WITHOUT ROWID;
-- A live track's name is unique in its guild (a removed track's name may be used again).
CREATE UNIQUE INDEX tracks_by_name ON tracks (guild_id, name) WHERE removed_at IS NULL;
-- The clock's pass: tracks whose next post is due.
CREATE INDEX tracks_due ON tracks (next_post_at) WHERE next_post_at IS NOT NULL;

INSERT INTO tracks (guild_id, track_id, name, channel_id, post_time, topics, difficulty, role_id,
                    enabled, days, round_minutes, next_post_at, status)
SELECT guild_id, 1, 'main', channel_id, post_time, topics, difficulty, role_id,
       enabled, days, round_minutes, next_post_at, status
FROM guilds;
-- The clock reads tracks now: nothing is due from the old column.
DROP INDEX guilds_due;
UPDATE guilds SET next_post_at = NULL;

CREATE TABLE new_rounds (
    round_id        INTEGER PRIMARY KEY,
    guild_id        INTEGER NOT NULL REFERENCES guilds (guild_id),
    track_id        INTEGER NOT NULL DEFAULT 1,
    day             TEXT    NOT NULL,                -- the guild's local date, YYYY-MM-DD
    question_id     TEXT    NOT NULL,
    topic           TEXT    NOT NULL,
    difficulty      TEXT    NOT NULL CHECK (difficulty IN ('easy', 'medium', 'hard')),
    seed            INTEGER NOT NULL,
    opens_at        INTEGER NOT NULL,                -- unix milliseconds
    closes_at       INTEGER NOT NULL,
    channel_id      INTEGER,
    message_id      INTEGER,
    state           TEXT    NOT NULL CHECK (state IN ('open', 'closed', 'skipped')),
    claimed_at      INTEGER,                         -- a scheduler is posting or revealing it
    revealed_at     INTEGER,                         -- the reveal message went out
    post_attempts   INTEGER NOT NULL DEFAULT 0,
    reveal_attempts INTEGER NOT NULL DEFAULT 0,
    retry_at        INTEGER,                         -- unix ms: no post or reveal attempt before
    UNIQUE (guild_id, track_id, day)                 -- one round per track and local day
);
INSERT INTO new_rounds (round_id, guild_id, track_id, day, question_id, topic, difficulty, seed,
                        opens_at, closes_at, channel_id, message_id, state, claimed_at,
                        revealed_at, post_attempts, reveal_attempts, retry_at)
SELECT round_id, guild_id, 1, day, question_id, topic, difficulty, seed,
       opens_at, closes_at, channel_id, message_id, state, claimed_at,
       revealed_at, post_attempts, reveal_attempts, retry_at
FROM rounds;
DROP TABLE rounds;
ALTER TABLE new_rounds RENAME TO rounds;
CREATE INDEX rounds_by_guild ON rounds (guild_id, opens_at);
CREATE INDEX rounds_by_track ON rounds (guild_id, track_id, opens_at);
-- The archive (`/past`) reads a guild's days in order across its tracks, as the old
-- UNIQUE (guild_id, day) index let it.
CREATE INDEX rounds_by_day ON rounds (guild_id, day);
CREATE INDEX rounds_open_by_close ON rounds (closes_at) WHERE state = 'open';
CREATE INDEX rounds_unrevealed ON rounds (closes_at) WHERE state = 'closed' AND revealed_at IS NULL;
CREATE INDEX rounds_unposted ON rounds (opens_at) WHERE state = 'open' AND message_id IS NULL;

ALTER TABLE retired_rounds ADD COLUMN track_id INTEGER NOT NULL DEFAULT 1;

CREATE TABLE new_streaks (
    guild_id      INTEGER NOT NULL,
    user_id       INTEGER NOT NULL,
    track_id      INTEGER NOT NULL DEFAULT 1,
    current       INTEGER NOT NULL,
    best          INTEGER NOT NULL,
    last_round_id INTEGER REFERENCES rounds (round_id),
    PRIMARY KEY (guild_id, user_id, track_id)
) WITHOUT ROWID;
INSERT INTO new_streaks (guild_id, user_id, track_id, current, best, last_round_id)
SELECT guild_id, user_id, 1, current, best, last_round_id
FROM streaks;
DROP TABLE streaks;
ALTER TABLE new_streaks RENAME TO streaks;
