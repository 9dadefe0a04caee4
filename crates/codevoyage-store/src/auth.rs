//! Users, API keys, one-time login tokens, the audit log, and who may see which repository.
//!
//! The store keeps only what the server hands it: password hashes (argon2, computed by the
//! server), SHA-256 hashes of API keys and login tokens (the secrets themselves are shown
//! once and never stored). Roles are stored as text ("admin", "analyst", "viewer"); their
//! meaning lives in the server.

use crate::error::{Context, StoreError};
use crate::store::{
    REPOSITORY_COLUMNS, RepositoryRow, RepositorySummary, Store, begin_write, now, repository_row,
    text,
};
use serde::Serialize;
use sqlx::any::AnyRow;
use sqlx::{AssertSqlSafe, Row};

/// A user account.
#[derive(Clone, PartialEq, Eq, Serialize)]
pub struct UserRow {
    pub id: i64,
    pub username: String,
    /// The argon2 PHC string; never serialised.
    #[serde(skip)]
    pub password_hash: String,
    pub role: String,
    pub created_at: i64,
}

impl std::fmt::Debug for UserRow {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("UserRow")
            .field("id", &self.id)
            .field("username", &self.username)
            .field("password_hash", &"***")
            .field("role", &self.role)
            .field("created_at", &self.created_at)
            .finish()
    }
}

/// An API key as listed: never the key itself, only its first characters.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ApiKeyRow {
    pub id: i64,
    pub user_id: i64,
    pub username: String,
    pub name: String,
    /// The first characters of the key, so a person can tell keys apart.
    pub prefix: String,
    pub created_at: i64,
    pub revoked_at: Option<i64>,
    pub last_used_at: Option<i64>,
}

/// One line of the audit log.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct AuditEntry {
    pub id: i64,
    /// Unix seconds.
    pub at: i64,
    /// The username that acted ("-" when nobody was logged in, e.g. a failed login).
    pub actor: String,
    /// What happened: "login", "login_failed", "user.create", "apikey.revoke", …
    pub action: String,
    /// What it happened to: "user:alice", "apikey:3", "repository:7".
    pub target: String,
    pub detail: String,
    /// The client address, when known.
    pub address: Option<String>,
}

/// An audit entry to append.
#[derive(Debug, Clone, Copy)]
pub struct NewAuditEntry<'a> {
    pub actor: &'a str,
    pub action: &'a str,
    pub target: &'a str,
    pub detail: &'a str,
    pub address: Option<&'a str>,
}

/// Whose eyes a repository listing is for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Viewer {
    /// Sees every repository.
    Admin,
    /// Sees shared repositories and the private ones this user owns.
    User(i64),
}

impl Viewer {
    /// Whether a repository with this owner and visibility is visible.
    pub fn can_see(self, owner_id: Option<i64>, visibility: &str) -> bool {
        match self {
            Viewer::Admin => true,
            Viewer::User(id) => visibility != "private" || owner_id == Some(id),
        }
    }
}

const USER_COLUMNS: &str = "id, username, password_hash, role, created_at";
const KEY_COLUMNS: &str =
    "k.id, k.user_id, u.username, k.name, k.prefix, k.created_at, k.revoked_at, k.last_used_at";

fn user_row(row: &AnyRow) -> Result<UserRow, sqlx::Error> {
    Ok(UserRow {
        id: row.try_get("id")?,
        username: row.try_get("username")?,
        password_hash: row.try_get("password_hash")?,
        role: row.try_get("role")?,
        created_at: row.try_get("created_at")?,
    })
}

fn key_row(row: &AnyRow) -> Result<ApiKeyRow, sqlx::Error> {
    Ok(ApiKeyRow {
        id: row.try_get(0)?,
        user_id: row.try_get(1)?,
        username: row.try_get(2)?,
        name: row.try_get(3)?,
        prefix: row.try_get(4)?,
        created_at: row.try_get(5)?,
        revoked_at: row.try_get(6)?,
        last_used_at: row.try_get(7)?,
    })
}

fn audit_row(row: &AnyRow) -> Result<AuditEntry, sqlx::Error> {
    Ok(AuditEntry {
        id: row.try_get("id")?,
        at: row.try_get("at")?,
        actor: row.try_get("actor")?,
        action: row.try_get("action")?,
        target: row.try_get("target")?,
        detail: row.try_get("detail")?,
        address: row.try_get("address")?,
    })
}

impl Store {
    // ---------------------------------------------------------------- users

    /// Creates a user; [`StoreError::Duplicate`] when the username is taken.
    pub async fn create_user(
        &self,
        username: &str,
        password_hash: &str,
        role: &str,
    ) -> Result<UserRow, StoreError> {
        let sql = format!(
            "INSERT INTO users (username, password_hash, role, created_at) VALUES ($1, $2, $3, $4) \
             ON CONFLICT (username) DO NOTHING RETURNING {USER_COLUMNS}"
        );
        let row = sqlx::query(AssertSqlSafe(sql))
            .bind(&*text(username))
            .bind(password_hash)
            .bind(role)
            .bind(now())
            .fetch_optional(self.pool())
            .await
            .ctx("creating a user")?;
        match row {
            Some(row) => user_row(&row).ctx("reading a user"),
            None => Err(StoreError::Duplicate {
                what: "user",
                name: username.to_string(),
            }),
        }
    }

    pub async fn user(&self, id: i64) -> Result<Option<UserRow>, StoreError> {
        let sql = format!("SELECT {USER_COLUMNS} FROM users WHERE id = $1");
        let row = sqlx::query(AssertSqlSafe(sql))
            .bind(id)
            .fetch_optional(self.pool())
            .await
            .ctx("reading a user")?;
        row.as_ref().map(user_row).transpose().ctx("reading a user")
    }

    pub async fn user_by_name(&self, username: &str) -> Result<Option<UserRow>, StoreError> {
        let sql = format!("SELECT {USER_COLUMNS} FROM users WHERE username = $1");
        let row = sqlx::query(AssertSqlSafe(sql))
            .bind(username)
            .fetch_optional(self.pool())
            .await
            .ctx("reading a user")?;
        row.as_ref().map(user_row).transpose().ctx("reading a user")
    }

    /// Every user, in creation order.
    pub async fn list_users(&self) -> Result<Vec<UserRow>, StoreError> {
        let sql = format!("SELECT {USER_COLUMNS} FROM users ORDER BY id");
        let rows = sqlx::query(AssertSqlSafe(sql))
            .fetch_all(self.pool())
            .await
            .ctx("listing users")?;
        rows.iter()
            .map(user_row)
            .collect::<Result<_, _>>()
            .ctx("listing users")
    }

    /// Replaces a user's password hash. False when the user does not exist.
    pub async fn set_password_hash(
        &self,
        id: i64,
        password_hash: &str,
    ) -> Result<bool, StoreError> {
        let changed = sqlx::query("UPDATE users SET password_hash = $1 WHERE id = $2")
            .bind(password_hash)
            .bind(id)
            .execute(self.pool())
            .await
            .ctx("changing a password")?
            .rows_affected();
        Ok(changed > 0)
    }

    pub async fn count_users(&self) -> Result<u64, StoreError> {
        let n: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM users")
            .fetch_one(self.pool())
            .await
            .ctx("counting users")?;
        Ok(crate::store::uint(n))
    }

    // ---------------------------------------------------------------- API keys

    /// Stores a new key of `user_id` by its SHA-256 hash (hex) and its first characters;
    /// returns the key's id.
    pub async fn create_api_key(
        &self,
        user_id: i64,
        name: &str,
        key_hash: &str,
        prefix: &str,
    ) -> Result<i64, StoreError> {
        sqlx::query_scalar(
            "INSERT INTO api_keys (user_id, name, key_hash, prefix, created_at) VALUES ($1, $2, $3, $4, $5) RETURNING id",
        )
        .bind(user_id)
        .bind(&*text(name))
        .bind(key_hash)
        .bind(prefix)
        .bind(now())
        .fetch_one(self.pool())
        .await
        .ctx("creating an API key")
    }

    /// The keys of one user (or of everyone when `user_id` is `None`), revoked ones
    /// included, in creation order.
    pub async fn list_api_keys(&self, user_id: Option<i64>) -> Result<Vec<ApiKeyRow>, StoreError> {
        let base = format!("SELECT {KEY_COLUMNS} FROM api_keys k JOIN users u ON u.id = k.user_id");
        let rows = match user_id {
            Some(user) => {
                sqlx::query(AssertSqlSafe(format!(
                    "{base} WHERE k.user_id = $1 ORDER BY k.id"
                )))
                .bind(user)
                .fetch_all(self.pool())
                .await
            }
            None => {
                sqlx::query(AssertSqlSafe(format!("{base} ORDER BY k.id")))
                    .fetch_all(self.pool())
                    .await
            }
        }
        .ctx("listing API keys")?;
        rows.iter()
            .map(key_row)
            .collect::<Result<_, _>>()
            .ctx("listing API keys")
    }

    pub async fn api_key(&self, id: i64) -> Result<Option<ApiKeyRow>, StoreError> {
        let sql = format!(
            "SELECT {KEY_COLUMNS} FROM api_keys k JOIN users u ON u.id = k.user_id WHERE k.id = $1"
        );
        let row = sqlx::query(AssertSqlSafe(sql))
            .bind(id)
            .fetch_optional(self.pool())
            .await
            .ctx("reading an API key")?;
        row.as_ref()
            .map(key_row)
            .transpose()
            .ctx("reading an API key")
    }

    /// Revokes a key. False when it does not exist or was revoked before.
    pub async fn revoke_api_key(&self, id: i64) -> Result<bool, StoreError> {
        let changed =
            sqlx::query("UPDATE api_keys SET revoked_at = $1 WHERE id = $2 AND revoked_at IS NULL")
                .bind(now())
                .bind(id)
                .execute(self.pool())
                .await
                .ctx("revoking an API key")?
                .rows_affected();
        Ok(changed > 0)
    }

    /// The user a live (not revoked) key belongs to, found by the key's hash; marks the key
    /// as used now. `last_used_at` is written at most once a minute per key, so a script
    /// hammering the API with its key does not turn every read into a write.
    pub async fn user_by_api_key_hash(
        &self,
        key_hash: &str,
    ) -> Result<Option<(ApiKeyRow, UserRow)>, StoreError> {
        const CONTEXT: &str = "looking up an API key";
        let sql = format!(
            "SELECT {KEY_COLUMNS} FROM api_keys k JOIN users u ON u.id = k.user_id \
             WHERE k.key_hash = $1 AND k.revoked_at IS NULL"
        );
        let row = sqlx::query(AssertSqlSafe(sql))
            .bind(key_hash)
            .fetch_optional(self.pool())
            .await
            .ctx(CONTEXT)?;
        let Some(mut key) = row.as_ref().map(key_row).transpose().ctx(CONTEXT)? else {
            return Ok(None);
        };
        let at = now();
        if key.last_used_at.is_none_or(|used| used < at - 60) {
            sqlx::query("UPDATE api_keys SET last_used_at = $1 WHERE id = $2")
                .bind(at)
                .bind(key.id)
                .execute(self.pool())
                .await
                .ctx(CONTEXT)?;
            key.last_used_at = Some(at);
        }
        Ok(self.user(key.user_id).await?.map(|user| (key, user)))
    }

    // ---------------------------------------------------------------- one-time login tokens

    /// Stores a one-time login token of `user_id` by its SHA-256 hash, valid until
    /// `expires_at` (Unix seconds).
    pub async fn create_login_token(
        &self,
        user_id: i64,
        token_hash: &str,
        expires_at: i64,
    ) -> Result<(), StoreError> {
        sqlx::query(
            "INSERT INTO login_tokens (user_id, token_hash, created_at, expires_at) VALUES ($1, $2, $3, $4)",
        )
        .bind(user_id)
        .bind(token_hash)
        .bind(now())
        .bind(expires_at)
        .execute(self.pool())
        .await
        .ctx("creating a login token")?;
        Ok(())
    }

    /// Uses up a login token: the user it belongs to when it exists, has not expired and
    /// was not used before; `None` otherwise. A token works exactly once, even when two
    /// requests race (the update that marks it used is the check).
    pub async fn redeem_login_token(
        &self,
        token_hash: &str,
    ) -> Result<Option<UserRow>, StoreError> {
        let at = now();
        let user_id: Option<i64> = sqlx::query_scalar(
            "UPDATE login_tokens SET used_at = $1 WHERE token_hash = $2 AND used_at IS NULL AND expires_at > $3 RETURNING user_id",
        )
        .bind(at)
        .bind(token_hash)
        .bind(at)
        .fetch_optional(self.pool())
        .await
        .ctx("redeeming a login token")?;
        match user_id {
            Some(id) => self.user(id).await,
            None => Ok(None),
        }
    }

    // ---------------------------------------------------------------- audit log

    /// Appends an entry; returns its id.
    pub async fn append_audit(&self, entry: NewAuditEntry<'_>) -> Result<i64, StoreError> {
        sqlx::query_scalar(
            "INSERT INTO audit_log (at, actor, action, target, detail, address) VALUES ($1, $2, $3, $4, $5, $6) RETURNING id",
        )
        .bind(now())
        .bind(&*text(entry.actor))
        .bind(entry.action)
        .bind(&*text(entry.target))
        .bind(&*text(entry.detail))
        .bind(entry.address)
        .fetch_one(self.pool())
        .await
        .ctx("writing the audit log")
    }

    /// Up to `limit` entries, newest first; `before` (an entry id) continues a previous page.
    pub async fn audit_log(
        &self,
        before: Option<i64>,
        limit: u32,
    ) -> Result<Vec<AuditEntry>, StoreError> {
        let rows = sqlx::query(
            "SELECT id, at, actor, action, target, detail, address FROM audit_log WHERE id < $1 ORDER BY id DESC LIMIT $2",
        )
        .bind(before.unwrap_or(i64::MAX))
        .bind(i64::from(limit))
        .fetch_all(self.pool())
        .await
        .ctx("reading the audit log")?;
        rows.iter()
            .map(audit_row)
            .collect::<Result<_, _>>()
            .ctx("reading the audit log")
    }

    // ---------------------------------------------------------------- repository access

    /// Sets a repository's owner and visibility ("private" or "shared"). False when the
    /// repository does not exist.
    pub async fn set_repository_access(
        &self,
        id: i64,
        owner_id: Option<i64>,
        visibility: &str,
    ) -> Result<bool, StoreError> {
        if !matches!(visibility, "private" | "shared") {
            return Err(StoreError::Corrupt(format!(
                "visibility {visibility:?} is neither \"private\" nor \"shared\""
            )));
        }
        let changed =
            sqlx::query("UPDATE repositories SET owner_id = $1, visibility = $2 WHERE id = $3")
                .bind(owner_id)
                .bind(visibility)
                .bind(id)
                .execute(self.pool())
                .await
                .ctx("changing a repository's owner")?
                .rows_affected();
        Ok(changed > 0)
    }

    /// The repository when it exists and `viewer` may see it.
    pub async fn visible_repository(
        &self,
        viewer: Viewer,
        id: i64,
    ) -> Result<Option<RepositoryRow>, StoreError> {
        Ok(self
            .repository(id)
            .await?
            .filter(|r| viewer.can_see(r.owner_id, &r.visibility)))
    }

    /// The repositories `viewer` may see, with their totals, in creation order.
    pub async fn list_visible_repositories(
        &self,
        viewer: Viewer,
    ) -> Result<Vec<RepositorySummary>, StoreError> {
        // The totals are computed for all repositories in a few grouped queries; filtering
        // afterwards keeps one code path for the listing (repositories number in the
        // hundreds at most, their rows in the millions).
        let mut all = self.list_repositories().await?;
        all.retain(|s| viewer.can_see(s.repository.owner_id, &s.repository.visibility));
        Ok(all)
    }

    /// Ids of the repositories `viewer` may see (for filtering events and queries cheaply).
    pub async fn visible_repository_ids(&self, viewer: Viewer) -> Result<Vec<i64>, StoreError> {
        let sql = format!("SELECT {REPOSITORY_COLUMNS} FROM repositories ORDER BY id");
        let rows = sqlx::query(AssertSqlSafe(sql))
            .fetch_all(self.pool())
            .await
            .ctx("listing repositories")?;
        let mut out = Vec::new();
        for row in &rows {
            let r = repository_row(row).ctx("listing repositories")?;
            if viewer.can_see(r.owner_id, &r.visibility) {
                out.push(r.id);
            }
        }
        Ok(out)
    }

    /// Deletes a user; their API keys and login tokens go with them, their repositories
    /// lose their owner. False when the user did not exist.
    pub async fn delete_user(&self, id: i64) -> Result<bool, StoreError> {
        const CONTEXT: &str = "deleting a user";
        let mut tx = begin_write(self.pool(), self.backend())
            .await
            .ctx(CONTEXT)?;
        for sql in [
            "DELETE FROM api_keys WHERE user_id = $1",
            "DELETE FROM login_tokens WHERE user_id = $1",
            "UPDATE repositories SET owner_id = NULL WHERE owner_id = $1",
        ] {
            sqlx::query(sql)
                .bind(id)
                .execute(&mut *tx)
                .await
                .ctx(CONTEXT)?;
        }
        let deleted = sqlx::query("DELETE FROM users WHERE id = $1")
            .bind(id)
            .execute(&mut *tx)
            .await
            .ctx(CONTEXT)?
            .rows_affected();
        tx.commit().await.ctx(CONTEXT)?;
        Ok(deleted > 0)
    }
}
