-- CodeVoyage schema, version 3 (SQLite): the persisted local job queue, analysis stage
-- checkpoints and cancellation requests.
--
-- A job row is "ready" (waiting until run_at, in ms), "running" (leased by lease_owner
-- until lease_until, in ms; an expired lease makes it claimable again) or "dead" (out of
-- attempts, with its last error). seq keeps first-in, first-out order.

CREATE TABLE jobs (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    id TEXT NOT NULL UNIQUE,
    queue TEXT NOT NULL,
    kind TEXT NOT NULL,
    payload TEXT NOT NULL,
    analysis_id INTEGER,
    attempt INTEGER NOT NULL,
    deliveries INTEGER NOT NULL DEFAULT 0,
    correlation_id TEXT,
    enqueued_at INTEGER NOT NULL,
    last_error TEXT,
    state TEXT NOT NULL CHECK (state IN ('ready', 'running', 'dead')),
    run_at INTEGER NOT NULL,
    lease_owner TEXT,
    lease_token TEXT,
    lease_until INTEGER,
    failed_at INTEGER
);
CREATE INDEX jobs_claim ON jobs(queue, state, seq);
CREATE INDEX jobs_analysis ON jobs(analysis_id);

-- Stages of an analysis that completed and wrote their rows: a re-run after a crash skips them.
CREATE TABLE analysis_checkpoints (
    analysis_id INTEGER NOT NULL REFERENCES analyses(id) ON DELETE CASCADE,
    stage TEXT NOT NULL,
    completed_at INTEGER NOT NULL,
    PRIMARY KEY (analysis_id, stage)
);

-- Set by POST /api/v1/analyses/{id}/cancel; the worker running the analysis watches it.
ALTER TABLE analyses ADD COLUMN cancel_requested INTEGER NOT NULL DEFAULT 0;
