//! The history engine's public API on scripted fixtures: opening, resolving, walking with its
//! options, incremental exclusion, cancellation, identities, trees and broken repositories.

use codevoyage_history::{HistoryError, WalkOptions};
use codevoyage_model::{ChangeKind, Commit, CountingProgress, NoProgress};
use std::ops::ControlFlow;
use std::path::Path;
use std::sync::atomic::{AtomicBool, Ordering};

fn walk_all(path: &Path, opts: &WalkOptions) -> Vec<Commit> {
    let repo = codevoyage_history::open(path).expect("open");
    let mut out = Vec::new();
    repo.walk(opts, &NoProgress, &AtomicBool::new(false), &mut |c| {
        out.push(c);
        ControlFlow::Continue(())
    })
    .expect("walk");
    out
}

fn git_text(path: &Path, args: &[&str]) -> String {
    String::from_utf8(codevoyage_testkit::git_output(path, args)).expect("utf8")
}

#[test]
fn open_reports_missing_paths_and_non_repositories() {
    let dir = tempfile::tempdir().expect("tempdir");
    let err = codevoyage_history::open(&dir.path().join("nope")).expect_err("missing path");
    assert!(matches!(err, HistoryError::PathNotFound { .. }), "{err}");
    let err = codevoyage_history::open(dir.path()).expect_err("plain directory");
    assert!(matches!(err, HistoryError::NotARepository { .. }));
    assert!(
        err.to_string()
            .contains("is not a git repository: run `git init` or point at a clone"),
        "{err}"
    );
}

#[test]
fn empty_repository_has_no_commits() {
    let fx = codevoyage_testkit::fixture("empty");
    let repo = codevoyage_history::open(fx.path()).expect("open");
    assert_eq!(repo.resolve(None).expect("resolve"), None);
    assert!(!repo.is_shallow());
    let summary = repo
        .walk(
            &WalkOptions::default(),
            &NoProgress,
            &AtomicBool::new(false),
            &mut |_| ControlFlow::Continue(()),
        )
        .expect("walk of an empty repository");
    assert_eq!(summary.commits, 0);
}

#[test]
fn resolve_gives_full_ids_and_clear_errors() {
    let fx = codevoyage_testkit::fixture("basic");
    let repo = codevoyage_history::open(fx.path()).expect("open");
    let head = git_text(fx.path(), &["rev-parse", "HEAD"]);
    assert_eq!(
        repo.resolve(None).expect("resolve"),
        Some(head.trim().to_owned())
    );
    let feature = git_text(fx.path(), &["rev-parse", "feature"]);
    assert_eq!(
        repo.resolve(Some("feature")).expect("resolve"),
        Some(feature.trim().to_owned())
    );
    let err = repo
        .resolve(Some("no-such-branch"))
        .expect_err("bad revision");
    assert!(matches!(err, HistoryError::BadRevision { .. }), "{err}");
    assert!(
        err.to_string().contains("git rev-parse no-such-branch"),
        "{err}"
    );
}

#[test]
fn bare_repositories_open() {
    let fx = codevoyage_testkit::fixture("basic");
    let bare = fx.scratch().join("bare.git");
    codevoyage_testkit::git_output(
        fx.path(),
        &[
            "clone",
            "--quiet",
            "--bare",
            ".",
            bare.to_str().expect("utf8 path"),
        ],
    );
    let commits = walk_all(&bare, &WalkOptions::default());
    assert_eq!(
        commits.len(),
        walk_all(fx.path(), &WalkOptions::default()).len()
    );
}

#[test]
fn commit_fields_mailmap_and_co_authors() {
    let fx = codevoyage_testkit::fixture("basic");
    let commits = walk_all(fx.path(), &WalkOptions::default());
    let helper = commits
        .iter()
        .find(|c| c.summary == "Add helper")
        .expect("helper commit");
    // .mailmap maps alice@old.example.com to alice@example.com.
    assert_eq!(helper.author.identity.email, "alice@example.com");
    assert_eq!(helper.author.offset_minutes, 60);
    assert_eq!(helper.co_authors.len(), 1);
    assert_eq!(helper.co_authors[0].name, "Carol Chen");
    let unmapped = walk_all(
        fx.path(),
        &WalkOptions {
            mailmap: false,
            ..Default::default()
        },
    );
    let helper = unmapped
        .iter()
        .find(|c| c.summary == "Add helper")
        .expect("helper commit");
    assert_eq!(helper.author.identity.email, "alice@old.example.com");

    let merge = commits.iter().find(|c| c.is_merge()).expect("a merge");
    assert!(
        merge.changes.is_empty(),
        "merges carry no changes by default"
    );
    assert_eq!(merge.parents.len(), 2);
    let with_merges = walk_all(
        fx.path(),
        &WalkOptions {
            diff_merges: true,
            ..Default::default()
        },
    );
    let merge = with_merges.iter().find(|c| c.is_merge()).expect("a merge");
    assert_eq!(merge.changes.len(), 1, "the feature branch added one file");
    assert_eq!(merge.changes[0].path.as_bytes(), b"src/app/util.rs");
    assert_eq!(merge.changes[0].kind, ChangeKind::Added);

    let logo = commits
        .iter()
        .find(|c| c.summary == "Remove logo")
        .expect("remove commit");
    assert_eq!(logo.changes[0].kind, ChangeKind::Deleted);
    assert!(logo.changes[0].binary);
    let latin = commits
        .iter()
        .find(|c| c.summary == "Add mailmap and latin-1 note")
        .expect("latin-1 commit");
    assert!(
        latin
            .changes
            .iter()
            .any(|c| c.path.as_bytes() == b"docs/caf\xe9.txt"),
        "path kept byte-exact"
    );
    let root = commits.last().expect("root");
    assert!(root.parents.is_empty());
    assert_eq!(root.changes.iter().map(|c| c.added).sum::<u32>(), 20);
}

#[test]
fn type_changes_and_files_only_mode() {
    let fx = codevoyage_testkit::fixture("edge");
    let commits = walk_all(fx.path(), &WalkOptions::default());
    let symlink = commits
        .iter()
        .find(|c| c.summary == "File becomes symlink")
        .expect("symlink commit");
    assert_eq!(symlink.changes[0].kind, ChangeKind::TypeChanged);
    let fast = walk_all(
        fx.path(),
        &WalkOptions {
            line_counts: false,
            ..Default::default()
        },
    );
    assert_eq!(fast.len(), commits.len());
    for (a, b) in fast.iter().zip(&commits) {
        assert_eq!(a.id, b.id);
        let pa: Vec<_> = a.changes.iter().map(|c| (&c.path, c.kind)).collect();
        let pb: Vec<_> = b.changes.iter().map(|c| (&c.path, c.kind)).collect();
        assert_eq!(pa, pb, "files-only mode lists the same files");
        assert!(a.changes.iter().all(|c| c.added == 0 && c.removed == 0));
    }
}

#[test]
fn thread_counts_do_not_change_the_result() {
    let fx = codevoyage_testkit::fixture("edge");
    let one = walk_all(
        fx.path(),
        &WalkOptions {
            threads: 1,
            ..Default::default()
        },
    );
    let four = walk_all(
        fx.path(),
        &WalkOptions {
            threads: 4,
            ..Default::default()
        },
    );
    assert_eq!(one, four);
}

#[test]
fn incremental_walk_and_rewritten_history() {
    let fx = codevoyage_testkit::fixture("basic");
    let repo = codevoyage_history::open(fx.path()).expect("open");
    let old_tip = repo.resolve(None).expect("resolve").expect("has commits");
    codevoyage_testkit::git_output(
        fx.path(),
        &[
            "-c",
            "user.name=Eve",
            "-c",
            "user.email=eve@example.com",
            "commit",
            "--quiet",
            "--allow-empty",
            "-m",
            "One more",
        ],
    );
    let new_tip = repo.resolve(None).expect("resolve").expect("has commits");
    let opts = WalkOptions {
        exclude: vec![old_tip.clone()],
        ..Default::default()
    };
    let fresh = walk_all(fx.path(), &opts);
    assert_eq!(fresh.len(), 1);
    assert_eq!(fresh[0].id, new_tip);
    assert!(repo.is_ancestor(&old_tip, &new_tip).expect("ancestry"));
    assert!(!repo.is_ancestor(&new_tip, &old_tip).expect("ancestry"));

    // Rewrite: amend the old tip's parent chain away.
    codevoyage_testkit::git_output(fx.path(), &["reset", "--quiet", "--hard", "HEAD~2"]);
    codevoyage_testkit::git_output(
        fx.path(),
        &[
            "-c",
            "user.name=Eve",
            "-c",
            "user.email=eve@example.com",
            "commit",
            "--quiet",
            "--allow-empty",
            "-m",
            "Rewritten",
        ],
    );
    let rewritten = repo.resolve(None).expect("resolve").expect("has commits");
    assert!(
        !repo.is_ancestor(&old_tip, &rewritten).expect("ancestry"),
        "rewritten history detected"
    );
}

#[test]
fn callback_can_stop_and_interrupt_cancels() {
    let fx = codevoyage_testkit::fixture("basic");
    let repo = codevoyage_history::open(fx.path()).expect("open");
    let mut seen = 0;
    let summary = repo
        .walk(
            &WalkOptions::default(),
            &NoProgress,
            &AtomicBool::new(false),
            &mut |_| {
                seen += 1;
                if seen == 3 {
                    ControlFlow::Break(())
                } else {
                    ControlFlow::Continue(())
                }
            },
        )
        .expect("walk");
    assert_eq!(summary.commits, 3);
    assert!(summary.stopped_early);

    let interrupt = AtomicBool::new(true);
    let err = repo
        .walk(
            &WalkOptions::default(),
            &NoProgress,
            &interrupt,
            &mut |_| ControlFlow::Continue(()),
        )
        .expect_err("interrupted before start");
    assert!(matches!(err, HistoryError::Interrupted));
}

#[test]
fn interrupt_during_a_long_walk_stops_it_between_chunks() {
    let fx = codevoyage_testkit::fixture("many");
    let repo = codevoyage_history::open(fx.path()).expect("open");
    let interrupt = AtomicBool::new(false);
    let progress = CountingProgress::default();
    let mut seen = 0u64;
    let err = repo
        .walk(&WalkOptions::default(), &progress, &interrupt, &mut |_| {
            seen += 1;
            if seen == 10 {
                interrupt.store(true, Ordering::Relaxed);
            }
            ControlFlow::Continue(())
        })
        .expect_err("cancelled");
    assert!(matches!(err, HistoryError::Interrupted));
    let total: u64 = git_text(fx.path(), &["rev-list", "--count", "HEAD"])
        .trim()
        .parse()
        .expect("count");
    assert!(
        seen < total / 2,
        "stopped promptly: {seen} of {total} commits"
    );
}

#[test]
fn files_at_lists_blobs_in_path_order() {
    let fx = codevoyage_testkit::fixture("edge");
    let repo = codevoyage_history::open(fx.path()).expect("open");
    let head = repo.resolve(None).expect("resolve").expect("commits");
    let mut files = Vec::new();
    let n = repo
        .files_at(&head, &AtomicBool::new(false), &mut |f| {
            files.push((
                f.path.as_bytes().to_vec(),
                f.blob_id.clone(),
                f.data.len(),
                f.executable,
            ));
            ControlFlow::Continue(())
        })
        .expect("files");
    assert_eq!(n as usize, files.len());
    let listing = codevoyage_testkit::git_output(fx.path(), &["ls-tree", "-r", "-z", "HEAD"]);
    let expected: Vec<Vec<u8>> = listing
        .split(|b| *b == 0)
        .filter(|l| l.starts_with(b"100"))
        .map(|l| {
            let tab = l.iter().position(|b| *b == b'\t').expect("tab before path");
            l[tab + 1..].to_vec()
        })
        .collect();
    assert_eq!(
        files.iter().map(|f| f.0.clone()).collect::<Vec<_>>(),
        expected
    );
    let run = files.iter().find(|f| f.0 == b"run.sh").expect("run.sh");
    assert!(run.3, "run.sh is executable");
}

#[test]
fn shallow_clones_walk_what_is_there() {
    let fx = codevoyage_testkit::fixture("basic");
    let shallow = fx.scratch().join("shallow");
    let url = format!("file://{}", fx.path().display());
    codevoyage_testkit::git_output(
        fx.path(),
        &[
            "clone",
            "--quiet",
            "--depth",
            "3",
            &url,
            shallow.to_str().expect("utf8"),
        ],
    );
    let repo = codevoyage_history::open(&shallow).expect("open");
    assert!(repo.is_shallow());
    let mut out = Vec::new();
    let summary = repo
        .walk(
            &WalkOptions {
                renames: false,
                ..Default::default()
            },
            &NoProgress,
            &AtomicBool::new(false),
            &mut |c| {
                codevoyage_history::format::numstat(&mut out, &c).expect("write");
                ControlFlow::Continue(())
            },
        )
        .expect("walk");
    assert!(summary.shallow);
    let git = codevoyage_testkit::git_output(
        &shallow,
        &["log", "--numstat", "--no-renames", "--format=commit %H"],
    );
    assert_eq!(String::from_utf8_lossy(&out), String::from_utf8_lossy(&git));
}

#[test]
fn missing_objects_are_named() {
    let fx = codevoyage_testkit::fixture("basic");
    // Make the repository loose-only, then delete one blob object.
    let blob = git_text(fx.path(), &["rev-parse", "HEAD:README.md"]);
    let blob = blob.trim();
    let object = fx
        .path()
        .join(".git/objects")
        .join(&blob[..2])
        .join(&blob[2..]);
    assert!(object.exists(), "fixture objects are loose");
    std::fs::remove_file(&object).expect("remove object");
    let repo = codevoyage_history::open(fx.path()).expect("open");
    let err = repo
        .walk(
            &WalkOptions::default(),
            &NoProgress,
            &AtomicBool::new(false),
            &mut |_| ControlFlow::Continue(()),
        )
        .expect_err("missing blob");
    assert!(matches!(err, HistoryError::MissingObject { .. }), "{err}");
    assert!(err.to_string().contains(blob), "names the object: {err}");
}

/// Records the total known when the first commit is reported, and the final one.
#[derive(Default)]
struct TotalProbe {
    total: std::sync::atomic::AtomicU64,
    at_first: std::sync::Mutex<Option<u64>>,
    done: std::sync::atomic::AtomicU64,
}

impl codevoyage_model::Progress for TotalProbe {
    fn set_total(&self, total: u64) {
        self.total.store(total, Ordering::SeqCst);
    }
    fn inc(&self, n: u64) {
        let mut first = self.at_first.lock().expect("probe lock");
        if first.is_none() {
            *first = Some(self.total.load(Ordering::SeqCst));
        }
        self.done.fetch_add(n, Ordering::SeqCst);
    }
}

fn probe_walk(path: &Path, range: Option<&str>) -> TotalProbe {
    let repo = codevoyage_history::open(path).expect("open");
    let probe = TotalProbe::default();
    repo.walk(
        &WalkOptions {
            range: range.map(str::to_owned),
            ..Default::default()
        },
        &probe,
        &AtomicBool::new(false),
        &mut |_| ControlFlow::Continue(()),
    )
    .expect("walk");
    probe
}

#[test]
fn the_walk_reports_its_total_commit_count() {
    let fx = codevoyage_testkit::fixture("many");
    let count = |rev: &str| -> u64 {
        git_text(fx.path(), &["rev-list", "--count", rev])
            .trim()
            .parse()
            .expect("count")
    };
    let all = count("HEAD");
    assert!(all > 100);
    // Without a commit-graph the count arrives from a second thread: known by the end.
    let probe = probe_walk(fx.path(), None);
    assert_eq!(probe.total.load(Ordering::SeqCst), all);
    assert_eq!(probe.done.load(Ordering::SeqCst), all);
    // A range knows its total before the first commit.
    let probe = probe_walk(fx.path(), Some("HEAD~40..HEAD"));
    let expected = count("HEAD~40..HEAD");
    assert_eq!(*probe.at_first.lock().expect("lock"), Some(expected));
    // With a commit-graph the total is there before the first commit too.
    codevoyage_testkit::git_output(fx.path(), &["commit-graph", "write", "--reachable"]);
    let probe = probe_walk(fx.path(), None);
    assert_eq!(*probe.at_first.lock().expect("lock"), Some(all));
    assert_eq!(probe.done.load(Ordering::SeqCst), all);
}
