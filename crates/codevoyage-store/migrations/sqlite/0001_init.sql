-- CodeVoyage schema, version 1 (SQLite).
-- Times are Unix seconds (INTEGER), booleans 0/1 (INTEGER), JSON as TEXT, so that the same
-- queries run through sqlx's Any driver on SQLite and PostgreSQL.
-- AUTOINCREMENT on surrogate keys: an id is never reused after a deletion, so nothing that
-- remembers an old id (a cache key, a URL) can ever point at somebody else's data.
-- Statements are separated by semicolons at the end of a line; the migrator splits on them.

CREATE TABLE repositories (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    name TEXT NOT NULL,
    source TEXT NOT NULL UNIQUE,
    head TEXT,
    created_at INTEGER NOT NULL,
    last_analyzed_at INTEGER,
    is_shallow INTEGER NOT NULL DEFAULT 0
);

CREATE TABLE analyses (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    repository_id INTEGER NOT NULL REFERENCES repositories(id) ON DELETE CASCADE,
    status TEXT NOT NULL CHECK (status IN ('queued', 'running', 'succeeded', 'failed', 'cancelled')),
    stage TEXT,
    done INTEGER NOT NULL DEFAULT 0,
    total INTEGER NOT NULL DEFAULT 0,
    error TEXT,
    revision TEXT,
    created_at INTEGER NOT NULL,
    started_at INTEGER,
    finished_at INTEGER
);
CREATE INDEX analyses_repository_status ON analyses(repository_id, status);

CREATE TABLE commits (
    repository_id INTEGER NOT NULL REFERENCES repositories(id) ON DELETE CASCADE,
    sha TEXT NOT NULL,
    author_name TEXT NOT NULL,
    author_email TEXT NOT NULL,
    author_time INTEGER NOT NULL,
    author_offset INTEGER NOT NULL,
    committer_name TEXT NOT NULL,
    committer_email TEXT NOT NULL,
    committer_time INTEGER NOT NULL,
    committer_offset INTEGER NOT NULL,
    summary TEXT NOT NULL,
    parents TEXT NOT NULL,
    co_authors TEXT NOT NULL,
    is_merge INTEGER NOT NULL,
    PRIMARY KEY (repository_id, sha)
);
CREATE INDEX commits_repository_time ON commits(repository_id, author_time);

CREATE TABLE file_changes (
    repository_id INTEGER NOT NULL,
    commit_sha TEXT NOT NULL,
    path TEXT NOT NULL,
    path_bytes BLOB NOT NULL,
    old_path TEXT,
    kind TEXT NOT NULL,
    added INTEGER NOT NULL,
    removed INTEGER NOT NULL,
    is_binary INTEGER NOT NULL,
    PRIMARY KEY (repository_id, commit_sha, path_bytes),
    FOREIGN KEY (repository_id, commit_sha) REFERENCES commits(repository_id, sha) ON DELETE CASCADE
);
CREATE INDEX file_changes_repository_path ON file_changes(repository_id, path);

CREATE TABLE contributors (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    repository_id INTEGER NOT NULL REFERENCES repositories(id) ON DELETE CASCADE,
    name TEXT NOT NULL,
    email TEXT NOT NULL,
    commits INTEGER NOT NULL,
    lines_added INTEGER NOT NULL,
    lines_removed INTEGER NOT NULL,
    first_commit_at INTEGER NOT NULL,
    last_commit_at INTEGER NOT NULL,
    is_bot INTEGER NOT NULL,
    UNIQUE (repository_id, email)
);
CREATE INDEX contributors_repository_commits ON contributors(repository_id, commits);

CREATE TABLE files (
    repository_id INTEGER NOT NULL REFERENCES repositories(id) ON DELETE CASCADE,
    analysis_id INTEGER NOT NULL REFERENCES analyses(id) ON DELETE CASCADE,
    path TEXT NOT NULL,
    language TEXT,
    bytes INTEGER NOT NULL,
    code INTEGER NOT NULL,
    comment INTEGER NOT NULL,
    blank INTEGER NOT NULL,
    revisions INTEGER NOT NULL,
    cyclomatic INTEGER NOT NULL,
    cognitive INTEGER NOT NULL,
    maintainability_index REAL,
    is_binary INTEGER NOT NULL,
    blob_id TEXT,
    PRIMARY KEY (analysis_id, path)
);
CREATE INDEX files_repository_cyclomatic ON files(repository_id, cyclomatic);

CREATE TABLE functions (
    analysis_id INTEGER NOT NULL REFERENCES analyses(id) ON DELETE CASCADE,
    path TEXT NOT NULL,
    name TEXT NOT NULL,
    start_line INTEGER NOT NULL,
    end_line INTEGER NOT NULL,
    cyclomatic INTEGER NOT NULL,
    cognitive INTEGER NOT NULL,
    parameters INTEGER NOT NULL,
    max_nesting INTEGER NOT NULL
);
CREATE INDEX functions_analysis_path ON functions(analysis_id, path);

CREATE TABLE insights (
    analysis_id INTEGER NOT NULL REFERENCES analyses(id) ON DELETE CASCADE,
    rank INTEGER NOT NULL,
    kind TEXT NOT NULL,
    severity TEXT NOT NULL,
    title TEXT NOT NULL,
    body TEXT NOT NULL,
    evidence TEXT NOT NULL,
    PRIMARY KEY (analysis_id, rank)
);

CREATE TABLE coupling (
    analysis_id INTEGER NOT NULL REFERENCES analyses(id) ON DELETE CASCADE,
    path_a TEXT NOT NULL,
    path_b TEXT NOT NULL,
    shared INTEGER NOT NULL,
    degree REAL NOT NULL,
    PRIMARY KEY (analysis_id, path_a, path_b)
);

CREATE TABLE users (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    username TEXT NOT NULL UNIQUE,
    password_hash TEXT NOT NULL,
    role TEXT NOT NULL,
    created_at INTEGER NOT NULL
);

CREATE TABLE api_keys (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    name TEXT NOT NULL,
    key_hash TEXT NOT NULL UNIQUE,
    prefix TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    revoked_at INTEGER,
    last_used_at INTEGER
);

CREATE TABLE audit_log (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    at INTEGER NOT NULL,
    actor TEXT NOT NULL,
    action TEXT NOT NULL,
    target TEXT NOT NULL,
    detail TEXT NOT NULL,
    address TEXT
);
CREATE INDEX audit_log_at ON audit_log(at);
