//! Forge metadata in the fetch stage: for a repository cloned from GitHub, its description,
//! star count and default branch are read through the process's shared
//! [`GitHubClient`](codevoyage_forge::GitHubClient) and stored with the repository.
//!
//! Metadata is decoration: every failure (rate limit, outage, open breaker, unknown
//! repository, database error) is logged as a warning and the analysis goes on without it.
//! The ETag of the stored metadata makes the request conditional, so re-analysing an
//! unchanged repository costs a 304, which GitHub does not count against the rate limit.

use crate::source::FetchOptions;
use codevoyage_forge::{Fetched, ForgeError, GitHubClient, RepoMetadata, parse_github_url};
use codevoyage_store::{ForgeMetadata, RepositoryRow, Store, StoreError};

/// What [`refresh`] did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ForgeOutcome {
    /// The source is not a GitHub URL.
    NoForge,
    /// New metadata was stored.
    Stored(ForgeMetadata),
    /// The forge said the stored metadata is current (304); only its time moved.
    Confirmed,
}

#[derive(Debug, thiserror::Error)]
pub enum ForgeRefreshError {
    #[error(transparent)]
    Forge(#[from] ForgeError),
    #[error("could not store the forge metadata: {0}")]
    Store(#[from] StoreError),
}

fn unix_now() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| i64::try_from(d.as_secs()).unwrap_or(i64::MAX))
}

fn to_row(m: RepoMetadata, fetched_at: i64) -> ForgeMetadata {
    ForgeMetadata {
        provider: codevoyage_forge::GITHUB.to_string(),
        owner: m.owner,
        name: m.name,
        description: m.description,
        stars: m.stars,
        default_branch: m.default_branch,
        etag: m.etag,
        fetched_at,
    }
}

/// Reads the forge metadata of `repository` (when its source is a GitHub URL) and stores it.
pub async fn refresh(
    store: &Store,
    repository: &RepositoryRow,
    client: &GitHubClient,
) -> Result<ForgeOutcome, ForgeRefreshError> {
    let Some(repo) = parse_github_url(&repository.source) else {
        return Ok(ForgeOutcome::NoForge);
    };
    let stored = store.forge_metadata(repository.id).await?;
    // Only an ETag of the same repository: the source may have been re-pointed.
    let etag = stored
        .as_ref()
        .filter(|s| {
            s.owner.eq_ignore_ascii_case(&repo.owner) && s.name.eq_ignore_ascii_case(&repo.name)
        })
        .and_then(|s| s.etag.as_deref());
    match client.repository(&repo, etag).await? {
        Fetched::Modified(metadata) => {
            let row = to_row(metadata, unix_now());
            store.upsert_forge_metadata(repository.id, &row).await?;
            Ok(ForgeOutcome::Stored(row))
        }
        Fetched::NotModified { .. } => {
            store
                .touch_forge_metadata(repository.id, unix_now())
                .await?;
            Ok(ForgeOutcome::Confirmed)
        }
    }
}

/// [`refresh`] as the fetch stage runs it: only when `fetch.forge` holds a client, and never
/// failing (a failure is a warning in the log).
pub async fn record_forge_metadata(
    store: &Store,
    repository: &RepositoryRow,
    fetch: &FetchOptions,
) {
    let Some(client) = fetch.forge.as_deref() else {
        return;
    };
    match refresh(store, repository, client).await {
        Ok(ForgeOutcome::NoForge) => {}
        Ok(ForgeOutcome::Stored(m)) => tracing::info!(
            repository_id = repository.id,
            forge = %format!("{}/{}", m.owner, m.name),
            stars = m.stars,
            "forge metadata stored"
        ),
        Ok(ForgeOutcome::Confirmed) => tracing::debug!(
            repository_id = repository.id,
            "forge metadata unchanged (304)"
        ),
        Err(e) => tracing::warn!(
            repository_id = repository.id,
            error = %e,
            "forge metadata skipped; the analysis goes on without it"
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use codevoyage_forge::ForgeConfig;
    use std::sync::Arc;

    #[tokio::test]
    async fn sources_on_no_forge_ask_nothing_and_nothing_fails() {
        let dir = tempfile::tempdir().expect("tempdir");
        let store = Store::open_sqlite_file(&dir.path().join("cv.db"))
            .await
            .expect("open");
        store.migrate().await.expect("migrate");
        // Nothing listens on port 9 of loopback: a request would fail as unreachable.
        let client = GitHubClient::new(ForgeConfig {
            api_base: "http://127.0.0.1:9".into(),
            max_retries: 0,
            ..ForgeConfig::default()
        })
        .expect("client");
        for source in [
            "/srv/repos/local",
            "https://gitlab.com/o/r.git",
            "file:///srv/github.com/o/r",
        ] {
            let row = store.upsert_repository("r", source).await.expect("row");
            let outcome = refresh(&store, &row, &client).await.expect(source);
            assert_eq!(outcome, ForgeOutcome::NoForge);
        }
        // A GitHub source does ask, fails, and the fetch stage's call still returns quietly.
        let gh = store
            .upsert_repository("r", "https://github.com/o/r")
            .await
            .expect("row");
        assert!(matches!(
            refresh(&store, &gh, &client).await,
            Err(ForgeRefreshError::Forge(ForgeError::Unreachable { .. }))
        ));
        let fetch = FetchOptions {
            forge: Some(Arc::new(client)),
            ..FetchOptions::default()
        };
        record_forge_metadata(&store, &gh, &fetch).await;
        assert_eq!(store.forge_metadata(gh.id).await.expect("read"), None);
    }
}
