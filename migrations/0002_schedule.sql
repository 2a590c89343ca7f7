-- The daily clock: each guild's posting days, round length, next due post and posting status;
-- and per round, who is posting or revealing it and whether the reveal went out.

ALTER TABLE guilds ADD COLUMN days TEXT NOT NULL DEFAULT 'daily';       -- 'daily' or 'weekdays'
ALTER TABLE guilds ADD COLUMN round_minutes INTEGER;                    -- NULL: until the next post
ALTER TABLE guilds ADD COLUMN next_post_at INTEGER;                     -- unix ms; NULL: nothing scheduled
ALTER TABLE guilds ADD COLUMN status TEXT;                              -- the last posting problem, if any
CREATE INDEX guilds_due ON guilds (next_post_at) WHERE next_post_at IS NOT NULL;

ALTER TABLE rounds ADD COLUMN claimed_at INTEGER;                       -- a scheduler is posting or revealing it
ALTER TABLE rounds ADD COLUMN revealed_at INTEGER;                      -- the reveal message went out
CREATE INDEX rounds_open_by_close ON rounds (closes_at) WHERE state = 'open';
CREATE INDEX rounds_unrevealed ON rounds (closes_at) WHERE state = 'closed' AND revealed_at IS NULL;
CREATE INDEX rounds_unposted ON rounds (opens_at) WHERE state = 'open' AND message_id IS NULL;
