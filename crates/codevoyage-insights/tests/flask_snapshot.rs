//! A snapshot of the insights engine on flask at a fixed revision: the findings and the top of
//! every analytic, compared with `tests/snapshots/flask.json`.
//!
//! Skips (with a message) when `../shared/data` has no flask bundle. After an intended change
//! of a formula, regenerate the snapshot and review its diff:
//!
//! ```text
//! CODEVOYAGE_UPDATE_SNAPSHOTS=1 cargo test -p codevoyage-insights --test flask_snapshot
//! git diff crates/codevoyage-insights/tests/snapshots/flask.json
//! ```
//!
//! As in `flask.rs`, complexity is a proxy (decision keywords in Python files at the revision),
//! since the metrics engine is not a dependency of this crate. Manifest versions are read from
//! git the way the pipeline reads them.
//!
//! Checked by hand against git on the bundle (2ac89889, 2026-04-08), and asserted below:
//! - `git rev-list --count 2ac89889` = 5531 = `commits`;
//! - `git log --format=%aE 2ac89889`, lowercased and deduplicated, gives 871 author e-mails (after
//!   `.mailmap`); with the `Co-authored-by:` e-mails of the messages 875; minus the 3 `[bot]@`
//!   accounts (dependabot, dependabot-preview, pre-commit-ci) 872 = `people`;
//! - the folder move `flask → src/flask` of 2019-06-01 is commit ca278a86 ("move to src
//!   directory"): `git show --stat -M ca278a86 | grep -c '=>'` = 20 renamed files = its `files`
//!   (every one unchanged, so the history's pure-move inference finds them all);
//! - the top hotspot `src/flask/sansio/app.py` has 479 revisions here; `git log --oneline --follow
//!   2ac89889 -- src/flask/sansio/app.py | wc -l` gives 475. The 4 extra are not asserted: the
//!   replay credits changes a branch made to an old name after the move landed elsewhere to the
//!   moved file (see `history.rs`), which `--follow` does not; not traced commit by commit.

use codevoyage_insights::*;
use codevoyage_model::{Commit, NoProgress};
use serde_json::{Value, json};
use std::collections::{BTreeMap, HashMap, HashSet};
use std::ops::ControlFlow;
use std::sync::atomic::AtomicBool;

const REVISION: &str = "2ac89889f4cc330eabd50f295dcef02828522c69";
const SNAPSHOT: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/snapshots/flask.json");

fn decision_points(src: &[u8]) -> u64 {
    String::from_utf8_lossy(src)
        .lines()
        .map(str::trim_start)
        .filter(|l| {
            ["if ", "elif ", "for ", "while ", "except", "with "]
                .iter()
                .any(|k| l.starts_with(k))
        })
        .count() as u64
}

/// Rounds every float to 4 decimals, so the snapshot does not depend on summation order.
fn round(v: Value) -> Value {
    match v {
        Value::Number(n) if n.is_f64() => n
            .as_f64()
            .map(|f| json!((f * 10_000.0).round() / 10_000.0))
            .unwrap_or(Value::Number(n)),
        Value::Array(a) => Value::Array(a.into_iter().map(round).collect()),
        Value::Object(o) => Value::Object(o.into_iter().map(|(k, v)| (k, round(v))).collect()),
        other => other,
    }
}

fn top<T: serde::Serialize>(items: &[T], n: usize) -> Value {
    serde_json::to_value(&items[..items.len().min(n)]).unwrap_or(Value::Null)
}

#[test]
fn flask_insights_match_the_snapshot() {
    let Some(fixture) = codevoyage_testkit::shared_bundle("flask") else {
        return;
    };
    let repo = codevoyage_history::open(fixture.path()).expect("open flask");
    let stop = AtomicBool::new(false);
    let mut commits: Vec<Commit> = Vec::new();
    let opts = codevoyage_history::WalkOptions {
        range: Some(REVISION.to_string()),
        ..Default::default()
    };
    repo.walk(&opts, &NoProgress, &stop, &mut |c| {
        commits.push(c);
        ControlFlow::Continue(())
    })
    .unwrap_or_else(|e| panic!("walking flask at {REVISION}: {e}; was the bundle replaced?"));

    let mut complexity = HashMap::new();
    let mut tree = HashSet::new();
    repo.files_at(REVISION, &stop, &mut |f| {
        let path = f.path.to_string_lossy();
        if path.ends_with(".py") {
            complexity.insert(path.clone(), decision_points(f.data));
        }
        tree.insert(path);
        ControlFlow::Continue(())
    })
    .expect("files at the revision");

    // Manifest versions, as the pipeline reads them: every change to a manifest path.
    let mut wanted: BTreeMap<String, Vec<(i64, String, bool)>> = BTreeMap::new();
    for c in &commits {
        for ch in &c.changes {
            let path = ch.path.to_string_lossy();
            if is_manifest(&path) {
                wanted.entry(c.id.clone()).or_default().push((
                    c.author.time,
                    path,
                    ch.kind == codevoyage_model::ChangeKind::Deleted,
                ));
            }
        }
    }
    let mut manifests = Vec::new();
    for (commit, changes) in &wanted {
        let paths: Vec<&[u8]> = changes.iter().map(|(_, p, _)| p.as_bytes()).collect();
        let blobs = repo
            .read_files_at(commit, &paths, &stop)
            .expect("manifest blobs");
        for ((time, path, deleted), blob) in changes.iter().zip(blobs) {
            let dependencies = match (deleted, blob) {
                (false, Some(b)) => match parse_manifest(path, &b) {
                    Ok(d) => d,
                    Err(_) => continue,
                },
                _ => Vec::new(),
            };
            manifests.push(ManifestVersion {
                time: *time,
                path: path.clone(),
                dependencies,
            });
        }
    }

    let now = commits
        .iter()
        .map(|c| c.committer.time)
        .max()
        .expect("commits");
    let mut h = History::from_commits(&commits, now, HistoryOptions::default());
    h.mark_live(|p| tree.contains(p));
    let a = analyze_with_manifests(
        &h,
        &|p| complexity.get(p).copied(),
        &manifests,
        &AnalysisOptions::default(),
    );

    let months = &a.team.months;
    let snapshot = round(json!({
        "revision": REVISION,
        "commits": h.commit_count(),
        "people": h.people().len(),
        "findings": a.findings.iter().map(|f| json!({
            "kind": f.kind,
            "severity": f.severity,
            "title": f.title,
            "numbers": f.evidence.numbers,
        })).collect::<Vec<_>>(),
        "hotspots": top(&a.hotspots, 10),
        "coupling": top(&a.coupling.pairs, 10),
        "truck_factor": a.bus_factor.repository,
        "team": {
            "collaboration": top(&a.team.collaboration, 10),
            "last_months": top(&months[months.len().saturating_sub(12)..], 12),
            "active_people": a.team.people.iter().filter(|p| !p.departed).count(),
            "departed_people": a.team.people.iter().filter(|p| p.departed).count(),
            "weekday_hour": a.team.weekday_hour,
        },
        "migrations": {
            "last_month": a.migrations.languages.last(),
            "language_migrations": a.migrations.language_migrations,
            "manifest_versions": a.migrations.manifest_versions,
            "dependency_swaps": top(&a.migrations.dependency_swaps, 10),
            "dependency_events": a.migrations.dependency_events.len(),
            "folder_moves": top(&a.migrations.folder_moves, 10),
        },
    }));

    if std::env::var_os("CODEVOYAGE_UPDATE_SNAPSHOTS").is_some() {
        let text = serde_json::to_string_pretty(&snapshot).expect("json") + "\n";
        std::fs::write(SNAPSHOT, text).expect("write the snapshot");
        println!("wrote {SNAPSHOT}");
        return;
    }
    let expected: Value = serde_json::from_str(
        &std::fs::read_to_string(SNAPSHOT)
            .expect("tests/snapshots/flask.json (regenerate with CODEVOYAGE_UPDATE_SNAPSHOTS=1)"),
    )
    .expect("the snapshot is JSON");
    if snapshot != expected {
        let got = serde_json::to_string_pretty(&snapshot).expect("json");
        let want = serde_json::to_string_pretty(&expected).expect("json");
        let first = got
            .lines()
            .zip(want.lines())
            .position(|(g, w)| g != w)
            .unwrap_or(0);
        panic!(
            "flask insights differ from {SNAPSHOT} from line {}:\n got: {}\nwant: {}\n\
             If the change is intended, regenerate with CODEVOYAGE_UPDATE_SNAPSHOTS=1 and review the diff.",
            first + 1,
            got.lines().nth(first).unwrap_or(""),
            want.lines().nth(first).unwrap_or("")
        );
    }
    // Facts checked by hand against git (see the module documentation).
    assert_eq!(h.commit_count(), 5531);
    assert_eq!(h.people().len(), 872);
    let src_move = a
        .migrations
        .folder_moves
        .iter()
        .find(|m| m.from == "flask" && m.to == "src/flask")
        .expect("the 2019 move to src/");
    assert_eq!(src_move.files, 20);
}
