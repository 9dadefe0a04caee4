-- CodeVoyage schema, version 5 (PostgreSQL): the tags of a repository, peeled to the commits
-- they name, as bookmarks of the timeline. Each analysis replaces a repository's tags; only
-- tags whose commit is in the stored history are kept.

CREATE TABLE IF NOT EXISTS tags (
    repository_id BIGINT NOT NULL REFERENCES repositories(id) ON DELETE CASCADE,
    name TEXT NOT NULL,
    sha TEXT NOT NULL,
    PRIMARY KEY (repository_id, name)
);
