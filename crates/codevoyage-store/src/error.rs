//! The errors of the storage layer, worded for the person who has to fix them.

/// Everything that can go wrong talking to the database.
#[derive(thiserror::Error, Debug)]
pub enum StoreError {
    /// The URL scheme is neither SQLite nor PostgreSQL.
    #[error(
        "unsupported database URL {url:?}: use sqlite://<path> or postgres://<user>@<host>/<database> \
         (check --data-dir / CODEVOYAGE_DATABASE_URL)"
    )]
    UnsupportedUrl { url: String },

    /// An in-memory SQLite database: every pool connection would see its own empty one.
    #[error(
        "in-memory SQLite ({url}) is not supported: each connection would see a different, empty \
         database; use a file, e.g. sqlite:///var/lib/codevoyage/codevoyage.db?mode=rwc"
    )]
    InMemorySqlite { url: String },

    /// The folder that should hold the SQLite file could not be created.
    #[error(
        "cannot create the data folder {path}: {source} (check --data-dir and its permissions)"
    )]
    CreateDir {
        path: std::path::PathBuf,
        source: std::io::Error,
    },

    /// Connecting failed (server down, wrong credentials, unwritable file, …).
    #[error(
        "cannot open the database at {target}: {source} (check --data-dir / CODEVOYAGE_DATABASE_URL)"
    )]
    Connect { target: String, source: sqlx::Error },

    /// A schema migration failed; its transaction was rolled back.
    #[error(
        "database migration {version} ({name}) failed: {source}; the database stays at the \
         previous version, fix the cause and start again"
    )]
    Migration {
        version: i64,
        name: &'static str,
        source: sqlx::Error,
    },

    /// The database was migrated by a newer CodeVoyage than this one.
    #[error(
        "the database schema is at version {found} but this CodeVoyage only knows up to {known}: \
         upgrade CodeVoyage or point it at another database"
    )]
    SchemaTooNew { found: i64, known: i64 },

    /// A query failed.
    #[error("database error while {context}: {source}")]
    Query {
        context: &'static str,
        source: sqlx::Error,
    },

    /// The row to change does not exist (any more).
    #[error("{what} {id} does not exist (it may have been deleted)")]
    NotFound { what: &'static str, id: i64 },

    /// A row with this unique name exists already.
    #[error("{what} {name:?} already exists; choose another name")]
    Duplicate { what: &'static str, name: String },

    /// An analysis that already ended was asked to change its status.
    #[error("analysis {id} is already {from} and cannot become {to}; start a new analysis instead")]
    InvalidTransition {
        id: i64,
        from: String,
        to: &'static str,
    },

    /// The database holds a value this version does not understand.
    #[error(
        "unexpected value in the database: {0} (was it written by another CodeVoyage version?)"
    )]
    Corrupt(String),
}

/// Attaches a context to sqlx errors: `.ctx("listing repositories")?`.
pub(crate) trait Context<T> {
    fn ctx(self, context: &'static str) -> Result<T, StoreError>;
}

impl<T> Context<T> for Result<T, sqlx::Error> {
    fn ctx(self, context: &'static str) -> Result<T, StoreError> {
        self.map_err(|source| StoreError::Query { context, source })
    }
}

/// The URL with any password replaced by `***`, safe for error messages and logs.
pub(crate) fn redact_url(url: &str) -> String {
    let Some(scheme_end) = url.find("://") else {
        return url.to_string();
    };
    let rest = &url[scheme_end + 3..];
    let authority_end = rest.find(['/', '?']).unwrap_or(rest.len());
    let authority = &rest[..authority_end];
    match authority.rfind('@') {
        Some(at) => {
            let userinfo = &authority[..at];
            match userinfo.find(':') {
                Some(colon) => format!(
                    "{}{}:***{}",
                    &url[..scheme_end + 3],
                    &userinfo[..colon],
                    &url[scheme_end + 3 + at..]
                ),
                None => url.to_string(),
            }
        }
        None => url.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::redact_url;

    #[test]
    fn passwords_never_reach_messages() {
        assert_eq!(
            redact_url("postgres://u:secret@h:5432/db?x=1"),
            "postgres://u:***@h:5432/db?x=1"
        );
        assert_eq!(redact_url("postgres://u@h/db"), "postgres://u@h/db");
        assert_eq!(
            redact_url("sqlite:///tmp/a.db?mode=rwc"),
            "sqlite:///tmp/a.db?mode=rwc"
        );
        assert_eq!(redact_url("redis://:pw@h:6379"), "redis://:***@h:6379");
    }
}
