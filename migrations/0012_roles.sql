-- Role rewards (issue 14, item 2): the roles a server gives to its season's champion, for a streak
-- of N days and for N total points; each member's grants (a crossing is given once); and who
-- holds the champion role now. Rules: src/quiz/roles.rs; queries: src/store/roles.rs.

-- One row per reward. `problem` is why Discord last refused the role for good (missing
-- permission, hierarchy, deleted role): while it is set the role is not tried again, and
-- `/config show` says what to do. Setting the role again with `/config roles` clears it.
CREATE TABLE role_rewards (
    guild_id   INTEGER NOT NULL,
    kind       TEXT    NOT NULL CHECK (kind IN ('champion', 'streak', 'points')),
    threshold  INTEGER NOT NULL DEFAULT 0,  -- days of streak or total points; 0 for the champion
    role_id    INTEGER NOT NULL,
    problem    TEXT,
    problem_at INTEGER,                     -- unix milliseconds
    PRIMARY KEY (guild_id, kind, threshold)
);

-- A member's grant of a reward's role: claimed in one write before the REST call (so two
-- answers, processes or instances never both give it), then marked given. A claim whose call
-- failed is deleted; a claim left behind by a stopped process is taken over once stale.
CREATE TABLE role_grants (
    guild_id  INTEGER NOT NULL,
    user_id   INTEGER NOT NULL,
    kind      TEXT    NOT NULL,
    threshold INTEGER NOT NULL,
    role_id   INTEGER NOT NULL,
    state     TEXT    NOT NULL CHECK (state IN ('claimed', 'given')),
    at        INTEGER NOT NULL,             -- unix milliseconds of the claim or the grant
    PRIMARY KEY (guild_id, user_id, kind, threshold, role_id)
);

-- Who holds the champion role, and which role they were given (NULL: none was, e.g. no role set).
CREATE TABLE role_champions (
    guild_id INTEGER PRIMARY KEY,
    user_id  INTEGER NOT NULL,
    role_id  INTEGER,
    since    INTEGER NOT NULL               -- unix milliseconds
);
