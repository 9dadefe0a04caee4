-- CodeVoyage schema, version 7 (PostgreSQL): the people erased by a GDPR anonymisation. See
-- the SQLite file for the meaning of the columns.

CREATE TABLE IF NOT EXISTS erasures (
    email_sha256 TEXT PRIMARY KEY,
    pseudonym_name TEXT NOT NULL,
    pseudonym_email TEXT NOT NULL,
    created_at BIGINT NOT NULL
);
