-- CodeVoyage schema, version 6 (PostgreSQL): stages as jobs of their own.
--
-- A checkpoint row now says which worker completed the stage, and which job claimed a join
-- (the "insights_queued" row: exactly one of the history and metrics jobs enqueues insights).
-- analyses.lease_until (ms) is extended by whichever worker runs a stage of the analysis;
-- an unfinished analysis whose lease ran out and which has no job in the queue is
-- re-enqueued by the workers' sweep (a queue that lost its jobs, e.g. a Redis restarted
-- without persistence, cannot lose an analysis).

ALTER TABLE analysis_checkpoints ADD COLUMN worker TEXT;
ALTER TABLE analysis_checkpoints ADD COLUMN job_id TEXT;
ALTER TABLE analyses ADD COLUMN lease_until BIGINT;
CREATE INDEX analyses_unfinished ON analyses(status, lease_until);
