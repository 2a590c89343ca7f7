-- Members suggest questions; moderators approve or deny them. An approved suggestion is a
-- question of its server's bank (id `suggested-<suggestion_id>`), used by the daily post and
-- /quiz beside the built-in bank. Suggestion ids are never reused, so neither are question ids.

CREATE TABLE suggestions (
    suggestion_id INTEGER PRIMARY KEY AUTOINCREMENT,
    guild_id      INTEGER NOT NULL,
    author_id     INTEGER NOT NULL,                 -- the member who suggested it
    form          TEXT    NOT NULL,                 -- the form's texts as the member sent them (JSON)
    created_at    INTEGER NOT NULL,                 -- unix milliseconds
    state         TEXT    NOT NULL DEFAULT 'pending'
                          CHECK (state IN ('pending', 'approved', 'denied')),
    decided_at    INTEGER,                          -- unix milliseconds
    decided_by    INTEGER,                          -- the moderator
    approved_form TEXT,                             -- approved: the texts as approved (JSON)
    edited        INTEGER NOT NULL DEFAULT 0,       -- approved with the moderator's edits
    reason        TEXT,                             -- denied: why, as the member reads it
    member_told   INTEGER NOT NULL DEFAULT 0        -- the member was told of the decision
);
-- /suggestions: a guild's queue, oldest first.
CREATE INDEX suggestions_queue ON suggestions (guild_id, created_at, suggestion_id)
    WHERE state = 'pending';
-- A guild's bank of approved questions.
CREATE INDEX suggestions_approved ON suggestions (guild_id, suggestion_id)
    WHERE state = 'approved';
-- Decisions a member has not been told of (their direct messages were closed).
CREATE INDEX suggestions_untold ON suggestions (guild_id, author_id)
    WHERE state <> 'pending' AND member_told = 0;
