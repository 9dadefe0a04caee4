-- CodeVoyage schema, version 2 (SQLite): who owns a repository and who may see it, and
-- one-time login tokens. Users, API keys and the audit log exist since version 1.
-- A repository without an owner (registered from the command line, or whose owner was
-- deleted) is visible to everyone who may read; 'private' hides it from other non-admins.

ALTER TABLE repositories ADD COLUMN owner_id INTEGER REFERENCES users(id) ON DELETE SET NULL;
ALTER TABLE repositories ADD COLUMN visibility TEXT NOT NULL DEFAULT 'shared' CHECK (visibility IN ('private', 'shared'));
CREATE INDEX repositories_owner ON repositories(owner_id);

CREATE INDEX api_keys_user ON api_keys(user_id);

-- A login token is shown once (as a link); only its SHA-256 hash is stored. It works once,
-- before expires_at.
CREATE TABLE login_tokens (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    token_hash TEXT NOT NULL UNIQUE,
    created_at INTEGER NOT NULL,
    expires_at INTEGER NOT NULL,
    used_at INTEGER
);
