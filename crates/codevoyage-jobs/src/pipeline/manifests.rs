//! The insights stage's extra inputs and outputs: the dependency manifests' versions read from
//! git at the commits that changed them, and the team and migrations reports stored as
//! insight rows.

use codevoyage_history::Repository;
use codevoyage_insights::{Analysis, ManifestVersion, is_manifest, parse_manifest};
use codevoyage_model::{ChangeKind, Commit};
use codevoyage_store::InsightRecord;
use std::collections::BTreeMap;
use std::sync::atomic::AtomicBool;

/// At most this many manifest versions are read (the newest ones): enough for the dependency
/// history of any real project, bounded on a pathological one.
pub(super) const MAX_MANIFEST_VERSIONS: usize = 20_000;

/// One commit's change to a manifest, seen during the replay of the stored history.
#[derive(Debug, Clone)]
pub(super) struct ManifestChange {
    commit: String,
    time: i64,
    path: String,
    deleted: bool,
}

/// Records the manifest changes of `commit` (the replay runs newest first, so once the cap is
/// reached only older versions are dropped).
pub(super) fn collect(commit: &Commit, out: &mut Vec<ManifestChange>) {
    for ch in &commit.changes {
        if out.len() >= MAX_MANIFEST_VERSIONS {
            return;
        }
        let path = ch.path.to_string_lossy();
        if is_manifest(&path) {
            out.push(ManifestChange {
                commit: commit.id.clone(),
                time: commit.author.time,
                path,
                deleted: ch.kind == ChangeKind::Deleted,
            });
        }
        // A rename away from a manifest path deletes that manifest.
        if let (ChangeKind::Renamed, Some(old)) = (ch.kind, &ch.old_path) {
            let old = old.to_string_lossy();
            if is_manifest(&old) && out.len() < MAX_MANIFEST_VERSIONS {
                out.push(ManifestChange {
                    commit: commit.id.clone(),
                    time: commit.author.time,
                    path: old,
                    deleted: true,
                });
            }
        }
    }
}

/// Reads and parses the manifests at the commits that changed them. A version that cannot be
/// read (a commit no longer in the repository) or parsed (broken JSON in an old commit) is
/// skipped and counted, never an error; only cancellation stops the reading.
pub(super) fn read_versions(
    repo: &Repository,
    changes: Vec<ManifestChange>,
    cancel: &AtomicBool,
) -> Result<(Vec<ManifestVersion>, u64), codevoyage_history::HistoryError> {
    let mut by_commit: BTreeMap<(i64, String), Vec<ManifestChange>> = BTreeMap::new();
    for c in changes {
        by_commit
            .entry((c.time, c.commit.clone()))
            .or_default()
            .push(c);
    }
    let mut versions = Vec::new();
    let mut skipped = 0u64;
    for ((_, commit), changes) in by_commit {
        let wanted: Vec<&[u8]> = changes
            .iter()
            .filter(|c| !c.deleted)
            .map(|c| c.path.as_bytes())
            .collect();
        let blobs = match repo.read_files_at(&commit, &wanted, cancel) {
            Ok(b) => b,
            Err(codevoyage_history::HistoryError::Interrupted) => {
                return Err(codevoyage_history::HistoryError::Interrupted);
            }
            Err(e) => {
                tracing::debug!(commit, error = %e, "manifest versions skipped");
                skipped += wanted.len() as u64;
                continue;
            }
        };
        let mut blobs = blobs.into_iter();
        for c in changes {
            let dependencies = if c.deleted {
                Vec::new()
            } else {
                match blobs.next().flatten().map(|b| parse_manifest(&c.path, &b)) {
                    Some(Ok(deps)) => deps,
                    Some(Err(e)) => {
                        tracing::debug!(commit, error = %e, "manifest version skipped");
                        skipped += 1;
                        continue;
                    }
                    // Absent at that commit: a merge or a case-only rename; nothing listed.
                    None => Vec::new(),
                }
            };
            versions.push(ManifestVersion {
                time: c.time,
                path: c.path,
                dependencies,
            });
        }
    }
    Ok((versions, skipped))
}

/// The team and migrations reports as insight rows of their own kinds, at ranks below 1 so
/// they never mix with the ranked findings (`/insights` lists ranks ≥ 1 only).
pub(super) fn report_records(analysis: &Analysis) -> Vec<InsightRecord> {
    let row = |rank: i64, kind: &str, title: &str, value: serde_json::Value| InsightRecord {
        rank,
        kind: kind.to_string(),
        severity: "info".to_string(),
        title: title.to_string(),
        body: String::new(),
        evidence: value,
    };
    vec![
        row(
            codevoyage_insights::TEAM_REPORT_RANK,
            codevoyage_insights::TEAM_REPORT_KIND,
            "Team dynamics",
            serde_json::to_value(&analysis.team).unwrap_or_default(),
        ),
        row(
            codevoyage_insights::MIGRATIONS_REPORT_RANK,
            codevoyage_insights::MIGRATIONS_REPORT_KIND,
            "Migrations",
            serde_json::to_value(&analysis.migrations).unwrap_or_default(),
        ),
    ]
}
