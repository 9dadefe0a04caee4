-- CodeVoyage schema, version 4 (SQLite): what the forge a repository comes from says about it
-- (for GitHub URLs: description, stars, default branch), one row per repository.
--
-- etag is the forge's ETag of that reply, sent back as If-None-Match so an unchanged
-- repository costs a 304 and no rate-limit budget; fetched_at is the Unix second the data was
-- last confirmed (a 304 confirms it too).

CREATE TABLE forge_metadata (
    repository_id INTEGER PRIMARY KEY REFERENCES repositories(id) ON DELETE CASCADE,
    provider TEXT NOT NULL,
    owner TEXT NOT NULL,
    name TEXT NOT NULL,
    description TEXT,
    stars INTEGER NOT NULL DEFAULT 0,
    default_branch TEXT,
    etag TEXT,
    fetched_at INTEGER NOT NULL
);
