-- Streak freezes and admin corrections (issue 14, items 3 and 4).
-- A member's freezes held and the streak its last break ended (for `/admin streak restore`);
-- each freeze spent once per missed round (the primary key makes spending it exactly once); and
-- the points an admin added or took away, with when, so period boards count them too. Every
-- change is also written to audit_log (0009) in the same transaction.

ALTER TABLE streaks ADD COLUMN freezes INTEGER NOT NULL DEFAULT 0;   -- held, 0 to 2
ALTER TABLE streaks ADD COLUMN lost    INTEGER NOT NULL DEFAULT 0;   -- the streak the last break ended

CREATE TABLE freeze_spends (
    guild_id INTEGER NOT NULL,
    user_id  INTEGER NOT NULL,
    round_id INTEGER NOT NULL REFERENCES rounds (round_id),   -- the missed round it covered
    at       INTEGER NOT NULL,                                 -- when it was recorded, unix ms
    PRIMARY KEY (guild_id, user_id, round_id)
) WITHOUT ROWID;

CREATE TABLE adjustments (
    adjustment_id INTEGER PRIMARY KEY,
    guild_id      INTEGER NOT NULL,
    user_id       INTEGER NOT NULL,
    points        INTEGER NOT NULL,                            -- as applied (the total never goes below 0)
    at            INTEGER NOT NULL,                            -- unix milliseconds
    entry_id      INTEGER NOT NULL REFERENCES audit_log (entry_id)
);
CREATE INDEX adjustments_by_time ON adjustments (guild_id, at, user_id, points);
CREATE INDEX adjustments_by_member ON adjustments (guild_id, user_id, points);
