-- CodeVoyage schema, version 7 (SQLite): the people erased by a GDPR anonymisation, so that
-- history stored later (a new analysis of new commits) carries their pseudonym too.
--
-- email_sha256 is the lower-case hex SHA-256 of the lower-cased e-mail: the real address is
-- never stored in clear, yet the history stage can recognise it. pseudonym_name and
-- pseudonym_email are what the anonymisation wrote (anonymous-<id>,
-- anonymous-<id>@anonymized.invalid). Erasures belong to the person, not to a repository:
-- deleting a repository keeps them. created_at is the Unix second of the anonymisation.

CREATE TABLE IF NOT EXISTS erasures (
    email_sha256 TEXT PRIMARY KEY,
    pseudonym_name TEXT NOT NULL,
    pseudonym_email TEXT NOT NULL,
    created_at INTEGER NOT NULL
);
