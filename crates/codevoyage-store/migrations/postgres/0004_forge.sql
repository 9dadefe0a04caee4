-- CodeVoyage schema, version 4 (PostgreSQL): forge metadata per repository. See the SQLite
-- file for the meaning of the columns.

CREATE TABLE forge_metadata (
    repository_id BIGINT PRIMARY KEY REFERENCES repositories(id) ON DELETE CASCADE,
    provider TEXT NOT NULL,
    owner TEXT NOT NULL,
    name TEXT NOT NULL,
    description TEXT,
    stars BIGINT NOT NULL DEFAULT 0,
    default_branch TEXT,
    etag TEXT,
    fetched_at BIGINT NOT NULL
);
