-- The audit log: every correction an admin makes (points, a restored streak, a removed answer)
-- and every change the bot makes on its own that a member could dispute (a season's champion, a
-- spent streak freeze), with who, when, why, and the state before and after as JSON.
-- Export (`/export`, `db export`) writes it out as it is.

CREATE TABLE audit_log (
    entry_id  INTEGER PRIMARY KEY,
    guild_id  INTEGER NOT NULL,
    actor_id  INTEGER,                     -- the admin; NULL when the bot itself made the change
    action    TEXT    NOT NULL,            -- e.g. 'points', 'streak-restore', 'answer-remove'
    member_id INTEGER,                     -- whom it changed, if a member
    reason    TEXT    NOT NULL DEFAULT '',
    before    TEXT    NOT NULL DEFAULT '{}',  -- JSON
    after     TEXT    NOT NULL DEFAULT '{}',  -- JSON
    at        INTEGER NOT NULL             -- unix milliseconds
);
CREATE INDEX audit_by_guild ON audit_log (guild_id, entry_id DESC);
CREATE INDEX audit_by_member ON audit_log (guild_id, member_id, entry_id DESC);
