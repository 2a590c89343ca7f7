-- Seasons: a server may run its board in monthly or quarterly seasons. When a season ends the
-- clock records its champion once and posts a summary once, across restarts and instances.

-- A server's season setting; no row means no seasons (the default: nothing changes until an
-- admin picks one). `season` is the current season's key ('2026-11' or '2026-Q4') and `ends_at`
-- when it ends, so the clock finds the servers whose season ended through an index.
CREATE TABLE guild_seasons (
    guild_id INTEGER PRIMARY KEY,
    cadence  TEXT    NOT NULL CHECK (cadence IN ('monthly', 'quarterly')),
    season   TEXT    NOT NULL,
    ends_at  INTEGER NOT NULL                      -- unix milliseconds
);
CREATE INDEX guild_seasons_due ON guild_seasons (ends_at);

-- One row per ended season: its champion (recorded in the transaction that closes the season)
-- and its summary post, claimed per attempt like a round's thread. state: 'pending' (to post),
-- 'posted', 'failed' (Discord refused it, or every attempt failed: not retried).
CREATE TABLE seasons (
    guild_id        INTEGER NOT NULL,
    season          TEXT    NOT NULL,
    starts_at       INTEGER NOT NULL,
    ends_at         INTEGER NOT NULL,
    champion_id     INTEGER,                       -- NULL: nobody scored
    champion_points INTEGER,
    state           TEXT    NOT NULL DEFAULT 'pending' CHECK (state IN ('pending', 'posted', 'failed')),
    due_at          INTEGER NOT NULL,
    claimed_at      INTEGER,
    attempts        INTEGER NOT NULL DEFAULT 0,
    message_id      INTEGER,
    problem         TEXT,                          -- what Discord said, when it failed
    done_at         INTEGER,
    PRIMARY KEY (guild_id, season)
) WITHOUT ROWID;
CREATE INDEX seasons_due ON seasons (due_at) WHERE state = 'pending';
CREATE INDEX seasons_by_end ON seasons (guild_id, ends_at DESC);
