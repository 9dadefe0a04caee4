//! Versioned schema migrations of our own.
//!
//! sqlx's migrator is tied to one database type (or to macros), while we need one list that
//! carries the SQL of both backends. Each migration runs in its own transaction and is
//! recorded in `schema_migrations`; running `migrate` again does nothing.

use crate::error::{Context, StoreError};
use crate::store::{Backend, now};
use sqlx::AnyPool;

/// One schema step: its version, a name, and the SQL for each backend.
pub(crate) struct Migration {
    pub version: i64,
    pub name: &'static str,
    pub sqlite: &'static str,
    pub postgres: &'static str,
}

/// All migrations, in ascending version order. Never edit a released one: add a new step.
pub(crate) const MIGRATIONS: &[Migration] = &[
    Migration {
        version: 1,
        name: "init",
        sqlite: include_str!("../migrations/sqlite/0001_init.sql"),
        postgres: include_str!("../migrations/postgres/0001_init.sql"),
    },
    Migration {
        version: 2,
        name: "auth",
        sqlite: include_str!("../migrations/sqlite/0002_auth.sql"),
        postgres: include_str!("../migrations/postgres/0002_auth.sql"),
    },
    Migration {
        version: 3,
        name: "jobs",
        sqlite: include_str!("../migrations/sqlite/0003_jobs.sql"),
        postgres: include_str!("../migrations/postgres/0003_jobs.sql"),
    },
    Migration {
        version: 4,
        name: "forge",
        sqlite: include_str!("../migrations/sqlite/0004_forge.sql"),
        postgres: include_str!("../migrations/postgres/0004_forge.sql"),
    },
    Migration {
        version: 5,
        name: "tags",
        sqlite: include_str!("../migrations/sqlite/0005_tags.sql"),
        postgres: include_str!("../migrations/postgres/0005_tags.sql"),
    },
    Migration {
        version: 6,
        name: "stage_jobs",
        sqlite: include_str!("../migrations/sqlite/0006_stage_jobs.sql"),
        postgres: include_str!("../migrations/postgres/0006_stage_jobs.sql"),
    },
    Migration {
        version: 7,
        name: "erasures",
        sqlite: include_str!("../migrations/sqlite/0007_erasures.sql"),
        postgres: include_str!("../migrations/postgres/0007_erasures.sql"),
    },
];

/// Splits a migration file into statements. PostgreSQL refuses several commands in one
/// prepared statement ("cannot insert multiple commands into a prepared statement"), which
/// is how the `Any` driver runs queries; SQLite through `Any` accepts them (checked), but one
/// path for both is simpler. Statements end with a semicolon at the end of a line, which
/// keeps semicolons inside comments harmless.
pub(crate) fn statements(sql: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut current = String::new();
    for line in sql.lines() {
        let trimmed = line.trim();
        if trimmed.starts_with("--") || trimmed.is_empty() {
            continue;
        }
        current.push_str(line);
        current.push('\n');
        if trimmed.ends_with(';') {
            let statement = current.trim().trim_end_matches(';').trim().to_string();
            if !statement.is_empty() {
                out.push(statement);
            }
            current.clear();
        }
    }
    let rest = current.trim();
    if !rest.is_empty() {
        out.push(rest.to_string());
    }
    out
}

/// Applies every migration the database has not seen yet.
pub(crate) async fn migrate(pool: &AnyPool, backend: Backend) -> Result<(), StoreError> {
    let create = match backend {
        Backend::Sqlite => {
            "CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at INTEGER NOT NULL)"
        }
        Backend::Postgres => {
            "CREATE TABLE IF NOT EXISTS schema_migrations (version BIGINT PRIMARY KEY, name TEXT NOT NULL, applied_at BIGINT NOT NULL)"
        }
    };
    // Two processes starting together may both try this; PostgreSQL can then report a
    // unique violation on its catalog even with IF NOT EXISTS, so a failure is retried once
    // after checking that the table is there now.
    if let Err(first) = sqlx::query(create).execute(pool).await {
        sqlx::query(create)
            .execute(pool)
            .await
            .map_err(|_| StoreError::Query {
                context: "creating the schema_migrations table",
                source: first,
            })?;
    }

    let known = MIGRATIONS.last().map_or(0, |m| m.version);
    let found: Option<i64> = sqlx::query_scalar("SELECT MAX(version) FROM schema_migrations")
        .fetch_one(pool)
        .await
        .ctx("reading the schema version")?;
    if let Some(found) = found
        && found > known
    {
        return Err(StoreError::SchemaTooNew { found, known });
    }

    // Each version is looked up on its own rather than compared with the highest: a step
    // numbered below one already applied (numbers are handed out before the work lands) still
    // runs.
    let applied: std::collections::HashSet<i64> =
        sqlx::query_scalar("SELECT version FROM schema_migrations")
            .fetch_all(pool)
            .await
            .ctx("reading the applied migrations")?
            .into_iter()
            .collect();
    for migration in MIGRATIONS {
        if applied.contains(&migration.version) {
            continue;
        }
        let fail = |source| StoreError::Migration {
            version: migration.version,
            name: migration.name,
            source,
        };
        let mut tx = crate::store::begin_write(pool, backend)
            .await
            .map_err(fail)?;
        // Claim the version first: the insert takes the write lock (SQLite) or waits for a
        // concurrent migrator's transaction (PostgreSQL); if it inserted nothing, another
        // process applied this migration meanwhile and we have nothing to do.
        let claimed = sqlx::query(
            "INSERT INTO schema_migrations (version, name, applied_at) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING",
        )
        .bind(migration.version)
        .bind(migration.name)
        .bind(now())
        .execute(&mut *tx)
        .await
        .map_err(fail)?
        .rows_affected();
        if claimed == 0 {
            tx.rollback().await.map_err(fail)?;
            continue;
        }
        let sql = match backend {
            Backend::Sqlite => migration.sqlite,
            Backend::Postgres => migration.postgres,
        };
        for statement in statements(sql) {
            sqlx::query(sqlx::AssertSqlSafe(statement))
                .execute(&mut *tx)
                .await
                .map_err(fail)?;
        }
        tx.commit().await.map_err(fail)?;
        tracing::info!(
            version = migration.version,
            name = migration.name,
            "applied database migration"
        );
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn both_backends_have_the_same_tables() {
        for m in MIGRATIONS {
            let tables = |sql: &str| {
                statements(sql)
                    .iter()
                    .filter(|s| s.starts_with("CREATE TABLE"))
                    .map(|s| s.split_whitespace().nth(2).unwrap_or_default().to_string())
                    .collect::<Vec<_>>()
            };
            assert_eq!(tables(m.sqlite), tables(m.postgres));
            assert_eq!(statements(m.sqlite).len(), statements(m.postgres).len());
        }
        assert!(MIGRATIONS.iter().any(|m| {
            statements(m.sqlite)
                .iter()
                .any(|s| s.starts_with("CREATE TABLE file_changes"))
        }));
    }

    #[test]
    fn splits_on_line_ending_semicolons_only() {
        let s = statements("-- a; comment;\nCREATE TABLE a (x TEXT);\n\nCREATE INDEX b ON a(x);\n");
        assert_eq!(s, vec!["CREATE TABLE a (x TEXT)", "CREATE INDEX b ON a(x)"]);
    }
}
