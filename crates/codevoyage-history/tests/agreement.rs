//! Our `--format numstat` output compared with the real `git log --numstat --no-renames` (and,
//! with rename detection on, `git log --numstat -M`) on scripted fixtures (byte for byte) and on
//! the shared bundles (per-commit agreement).

use codevoyage_history::{WalkOptions, format};
use codevoyage_model::NoProgress;
use std::collections::HashMap;
use std::ops::ControlFlow;
use std::path::Path;
use std::sync::atomic::AtomicBool;

const GIT_ARGS: [&str; 3] = ["log", "--numstat", "--format=commit %H"];

fn ours(path: &Path, opts: &WalkOptions) -> Vec<u8> {
    let repo = codevoyage_history::open(path).expect("open");
    let mut out = Vec::new();
    repo.walk(opts, &NoProgress, &AtomicBool::new(false), &mut |c| {
        format::numstat(&mut out, &c).expect("write to vec");
        ControlFlow::Continue(())
    })
    .expect("walk");
    out
}

/// `git log --numstat`, with `-M` when `renames`, else `--no-renames`.
fn git_log(path: &Path, renames: bool, extra: &[&str]) -> Vec<u8> {
    let mut args: Vec<&str> = GIT_ARGS.to_vec();
    args.push(if renames { "-M" } else { "--no-renames" });
    args.extend_from_slice(extra);
    codevoyage_testkit::git_output(path, &args)
}

/// Splits numstat text into (commit id, its text) in order.
fn split(text: &[u8]) -> Vec<(String, Vec<u8>)> {
    let mut out: Vec<(String, Vec<u8>)> = Vec::new();
    for line in text.split_inclusive(|b| *b == b'\n') {
        if let Some(id) = line.strip_prefix(b"commit ") {
            out.push((String::from_utf8_lossy(id).trim().to_owned(), Vec::new()));
        } else if let Some(last) = out.last_mut() {
            last.1.extend_from_slice(line);
        }
    }
    out
}

/// Numstat without rename detection, as the exactness contract states it.
fn no_renames() -> WalkOptions {
    WalkOptions {
        renames: false,
        ..Default::default()
    }
}

fn assert_identical(path: &Path, range: Option<&str>) {
    assert_identical_with(path, range, false, &[]);
}

fn assert_identical_with(path: &Path, range: Option<&str>, renames: bool, extra: &[&str]) {
    let opts = WalkOptions {
        range: range.map(str::to_owned),
        renames,
        diff_merges: extra.contains(&"--diff-merges=first-parent"),
        ..Default::default()
    };
    let ours = ours(path, &opts);
    let mut args: Vec<&str> = extra.to_vec();
    args.extend(range);
    let theirs = git_log(path, renames, &args);
    if ours != theirs {
        panic!(
            "numstat differs from git\n--- ours ---\n{}\n--- git ---\n{}",
            String::from_utf8_lossy(&ours),
            String::from_utf8_lossy(&theirs)
        );
    }
}

#[test]
fn basic_fixture_is_byte_identical_to_git() {
    let fx = codevoyage_testkit::fixture("basic");
    assert_identical(fx.path(), None);
}

#[test]
fn edge_fixture_is_byte_identical_to_git() {
    let fx = codevoyage_testkit::fixture("edge");
    assert_identical(fx.path(), None);
}

#[test]
fn ranges_match_git() {
    let fx = codevoyage_testkit::fixture("basic");
    assert_identical(fx.path(), Some("HEAD~3..HEAD"));
    assert_identical(fx.path(), Some("feature"));
    assert_identical(fx.path(), Some("HEAD~1"));
    let fx = codevoyage_testkit::fixture("edge");
    assert_identical(fx.path(), Some("HEAD~5..HEAD~1"));
    assert_identical(fx.path(), Some("main...side"));
}

#[test]
fn renames_fixture_matches_git_log_m() {
    let fx = codevoyage_testkit::fixture("renames");
    assert_identical_with(fx.path(), None, true, &[]);
    assert_identical_with(fx.path(), None, true, &["--diff-merges=first-parent"]);
    assert_identical_with(fx.path(), None, false, &[]);
    for name in ["basic", "edge"] {
        let fx = codevoyage_testkit::fixture(name);
        assert_identical_with(fx.path(), None, true, &[]);
    }
}

#[test]
fn renames_carry_their_source_and_kind() {
    let fx = codevoyage_testkit::fixture("renames");
    let repo = codevoyage_history::open(fx.path()).expect("open");
    let mut commits = Vec::new();
    repo.walk(
        &WalkOptions::default(),
        &NoProgress,
        &AtomicBool::new(false),
        &mut |c| {
            commits.push(c);
            ControlFlow::Continue(())
        },
    )
    .expect("walk");
    let small = commits
        .iter()
        .find(|c| c.summary == "Rename with a small edit")
        .expect("commit");
    assert_eq!(small.changes.len(), 1);
    let ch = &small.changes[0];
    assert_eq!(ch.kind, codevoyage_history::ChangeKind::Renamed);
    assert_eq!(ch.path.as_bytes(), b"lib_b.py");
    assert_eq!(
        ch.old_path.as_ref().map(|p| p.as_bytes()),
        Some(&b"src/b.py"[..])
    );
    assert_eq!((ch.added, ch.removed), (4, 0));
    let rewrite = commits
        .iter()
        .find(|c| c.summary == "Rename with a rewrite is a delete and an add")
        .expect("commit");
    let kinds: Vec<_> = rewrite.changes.iter().map(|c| c.kind).collect();
    assert_eq!(
        kinds,
        vec![
            codevoyage_history::ChangeKind::Added,
            codevoyage_history::ChangeKind::Deleted
        ]
    );
    let mut jsonl = Vec::new();
    format::jsonl(&mut jsonl, small).expect("write");
    let v: serde_json::Value = serde_json::from_slice(&jsonl).expect("json");
    assert_eq!(v["changes"][0]["kind"], "renamed");
    assert_eq!(v["changes"][0]["old_path"], "src/b.py");
}

/// Per-commit agreement on a real repository; returns (identical, total).
fn agreement(name: &str) -> Option<(usize, usize)> {
    agreement_with(name, false)
}

fn agreement_with(name: &str, renames: bool) -> Option<(usize, usize)> {
    let fx = codevoyage_testkit::shared_bundle(name)?;
    let opts = WalkOptions {
        renames,
        ..Default::default()
    };
    let ours = split(&ours(fx.path(), &opts));
    let theirs = split(&git_log(fx.path(), renames, &[]));
    assert_eq!(
        ours.iter().map(|c| &c.0).collect::<Vec<_>>(),
        theirs.iter().map(|c| &c.0).collect::<Vec<_>>(),
        "{name}: commit order differs from git log"
    );
    let theirs: HashMap<_, _> = theirs.into_iter().collect();
    let mut same = 0;
    for (id, text) in &ours {
        if theirs.get(id) == Some(text) {
            same += 1;
        } else {
            eprintln!(
                "{name}: {id} differs\n ours:\n{}\n git:\n{}",
                String::from_utf8_lossy(text),
                String::from_utf8_lossy(theirs.get(id).map_or(&b""[..], |t| t))
            );
        }
    }
    eprintln!(
        "{name} (renames {renames}): {same}/{} commits identical ({:.3} %)",
        ours.len(),
        100.0 * same as f64 / ours.len() as f64
    );
    Some((same, ours.len()))
}

#[test]
fn flask_agrees_with_git() {
    let Some((same, total)) = agreement("flask") else {
        return;
    };
    assert!(total > 1000);
    assert!(
        same as f64 >= 0.999 * total as f64,
        "flask: only {same}/{total} identical"
    );
}

#[test]
fn express_agrees_with_git() {
    let Some((same, total)) = agreement("express") else {
        return;
    };
    assert!(total > 1000);
    assert!(
        same as f64 >= 0.999 * total as f64,
        "express: only {same}/{total} identical"
    );
}

#[test]
fn flask_agrees_with_git_log_m() {
    let Some((same, total)) = agreement_with("flask", true) else {
        return;
    };
    assert!(total > 1000);
    assert!(
        same as f64 >= 0.999 * total as f64,
        "flask -M: only {same}/{total} identical"
    );
}

#[test]
fn express_agrees_with_git_log_m() {
    let Some((same, total)) = agreement_with("express", true) else {
        return;
    };
    assert!(total > 1000);
    assert!(
        same as f64 >= 0.999 * total as f64,
        "express -M: only {same}/{total} identical"
    );
}

#[test]
fn commits_with_100k_changed_files_match_git() {
    let fx = codevoyage_testkit::fixture("wide");
    let commits = {
        let repo = codevoyage_history::open(fx.path()).expect("open");
        let mut n = Vec::new();
        repo.walk(
            &no_renames(),
            &NoProgress,
            &AtomicBool::new(false),
            &mut |c| {
                n.push(c.changes.len());
                ControlFlow::Continue(())
            },
        )
        .expect("walk");
        n
    };
    assert_eq!(commits, vec![10_000, 100_000, 100_000]);
    assert_identical(fx.path(), None);
}

#[test]
fn commit_graph_walks_match_git() {
    for name in ["basic", "edge"] {
        let fx = codevoyage_testkit::fixture(name);
        codevoyage_testkit::git_output(fx.path(), &["commit-graph", "write", "--reachable"]);
        assert!(fx.path().join(".git/objects/info/commit-graph").exists());
        assert_identical(fx.path(), None);
        assert_identical(fx.path(), Some("HEAD~4..HEAD"));
    }
}

#[test]
fn gitattributes_binary_and_diff_match_git() {
    let fx = codevoyage_testkit::fixture("attributes");
    assert_identical_with(fx.path(), None, false, &[]);
    assert_identical_with(fx.path(), None, true, &[]);
    // A bare clone has no work tree, so git applies no `.gitattributes`: neither do we.
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
    assert_identical_with(&bare, None, false, &[]);
    let theirs = git_log(&bare, false, &[]);
    assert!(
        !theirs.windows(5).any(|w| w == b"-\t-\ta"),
        "in the bare clone a.dat is text again"
    );
}

/// Trees written by early git carry modes such as 100664 and 100775, which git reads as
/// 100644 and 100755: a commit that only rewrites the tree with canonical modes changes no
/// file for git (seen in git.git's own history of April 2005), nor for us.
#[test]
fn legacy_tree_modes_are_read_as_git_reads_them() {
    use std::io::Write;
    use std::process::{Command, Stdio};
    let dir = tempfile::tempdir().expect("tempdir");
    let d = dir.path();
    let git = |args: &[&str]| codevoyage_testkit::git_output(d, args);
    git(&["init", "--quiet"]);
    std::fs::write(d.join("README"), "hello\n").expect("write");
    std::fs::write(d.join("run.sh"), "echo run\n").expect("write");
    std::fs::write(d.join("notes"), "one\n").expect("write");
    let blob = |name: &str| {
        let out = git(&["hash-object", "-w", name]);
        let hex = String::from_utf8_lossy(&out).trim().to_owned();
        gix::ObjectId::from_hex(hex.as_bytes()).expect("blob id")
    };
    let (readme, run, notes) = (blob("README"), blob("run.sh"), blob("notes"));
    std::fs::write(d.join("notes"), "one\ntwo\n").expect("write");
    let notes2 = blob("notes");
    // A tree as early git wrote it: entries sorted by name, modes spelt as given.
    let tree = |entries: &[(&str, &str, gix::ObjectId)]| {
        let mut bytes = Vec::new();
        for (mode, name, id) in entries {
            bytes.extend_from_slice(format!("{mode} {name}\0").as_bytes());
            bytes.extend_from_slice(id.as_bytes());
        }
        let mut child = Command::new("git")
            .args(["hash-object", "-t", "tree", "-w", "--literally", "--stdin"])
            .current_dir(d)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .spawn()
            .expect("git hash-object");
        child
            .stdin
            .take()
            .expect("stdin")
            .write_all(&bytes)
            .expect("write tree");
        let out = child.wait_with_output().expect("git hash-object");
        assert!(out.status.success(), "{out:?}");
        String::from_utf8_lossy(&out.stdout).trim().to_owned()
    };
    let old = tree(&[
        ("100664", "README", readme),
        ("100644", "notes", notes),
        ("100775", "run.sh", run),
    ]);
    let new = tree(&[
        ("100644", "README", readme),
        ("100644", "notes", notes2),
        ("100755", "run.sh", run),
    ]);
    let env = [
        ("GIT_AUTHOR_NAME", "A"),
        ("GIT_AUTHOR_EMAIL", "a@example.com"),
        ("GIT_AUTHOR_DATE", "2005-04-20T00:00:00Z"),
        ("GIT_COMMITTER_NAME", "A"),
        ("GIT_COMMITTER_EMAIL", "a@example.com"),
        ("GIT_COMMITTER_DATE", "2005-04-20T00:00:00Z"),
    ];
    let commit = |args: &[&str]| {
        let out = Command::new("git")
            .args(args)
            .current_dir(d)
            .envs(env)
            .output()
            .expect("git commit-tree");
        assert!(out.status.success(), "{out:?}");
        String::from_utf8_lossy(&out.stdout).trim().to_owned()
    };
    let first = commit(&["commit-tree", &old, "-m", "first"]);
    let second = commit(&["commit-tree", &new, "-p", &first, "-m", "second"]);
    git(&["update-ref", "HEAD", &second]);
    let theirs = git_log(d, false, &[]);
    assert!(
        String::from_utf8_lossy(&theirs).contains(&format!("commit {second}\n\n1\t0\tnotes\n")),
        "git sees only notes changed: {}",
        String::from_utf8_lossy(&theirs)
    );
    assert_identical(d, None);
    assert_identical_with(d, None, true, &[]);
}
