//! `codevoyage log --format numstat --renames` through the real binary prints the same bytes as
//! `git log --numstat -M --format='commit %H'`: renames in git's `{old => new}` / `old => new`
//! form, quoted paths, binary renames and rewrites that stay a deletion and an addition.

use codevoyage_testkit::{Fixture, fixture, shared_bundle};
use std::process::Command;

/// `codevoyage log <repo> --format numstat <extra…>`, isolated from the user's git settings.
fn codevoyage_log(repo: &Fixture, extra: &[&str]) -> Vec<u8> {
    codevoyage_log_with(repo, extra, &[])
}

/// [`codevoyage_log`] with extra environment variables.
fn codevoyage_log_with(repo: &Fixture, extra: &[&str], vars: &[(&str, &str)]) -> Vec<u8> {
    let home = tempfile::tempdir().expect("tempdir");
    let out = Command::new(env!("CARGO_BIN_EXE_codevoyage"))
        .envs(vars.iter().copied())
        .arg("log")
        .arg(repo.path())
        .args(["--format", "numstat"])
        .args(extra)
        .env("HOME", home.path())
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .env("GIT_CONFIG_GLOBAL", home.path().join(".gitconfig"))
        .env_remove("GIT_DIR")
        .env_remove("CODEVOYAGE_CONFIG")
        .output()
        .expect("run codevoyage log");
    assert!(
        out.status.success(),
        "codevoyage log failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    out.stdout
}

fn git_log_m(repo: &Fixture) -> Vec<u8> {
    repo.git(&["log", "--numstat", "-M", "--format=commit %H"])
}

/// Compares line by line first, so a failure names the first differing line.
fn assert_same_bytes(ours: &[u8], git: &[u8], what: &str) {
    let ours_lines: Vec<&[u8]> = ours.split(|b| *b == b'\n').collect();
    let git_lines: Vec<&[u8]> = git.split(|b| *b == b'\n').collect();
    if let Some(i) =
        (0..ours_lines.len().min(git_lines.len())).find(|&i| ours_lines[i] != git_lines[i])
    {
        panic!(
            "{what}: line {} differs\n  ours: {:?}\n  git:  {:?}",
            i + 1,
            String::from_utf8_lossy(ours_lines[i]),
            String::from_utf8_lossy(git_lines[i])
        );
    }
    assert_eq!(
        ours_lines.len(),
        git_lines.len(),
        "{what}: {} lines from codevoyage, {} from git",
        ours_lines.len(),
        git_lines.len()
    );
    assert!(ours == git, "{what}: bytes differ");
}

fn rename_lines(text: &[u8]) -> usize {
    text.split(|b| *b == b'\n')
        .filter(|l| l.windows(4).any(|w| w == b" => "))
        .count()
}

#[test]
fn log_renames_prints_what_git_log_m_prints_on_the_renames_fixture() {
    let repo = fixture("renames");
    let git = git_log_m(&repo);
    // The fixture must exercise both of git's rename forms, or the comparison proves little.
    let text = String::from_utf8_lossy(&git);
    assert!(text.contains("src/{alpha.py => alpha2.py}"), "{text}");
    assert!(text.contains("other.txt => g/renamed.txt"), "{text}");
    assert!(
        text.contains("\"caf\\303\\251.txt\" => \"th\\303\\251.txt\""),
        "{text}"
    );
    assert!(
        text.contains("-\t-\tassets/{logo.png => logo2.png}"),
        "{text}"
    );

    let ours = codevoyage_log(&repo, &["--renames"]);
    assert_same_bytes(&ours, &git, "renames fixture, --renames");

    // Without the flag numstat stays `--no-renames` output, which differs on this fixture.
    let plain = codevoyage_log(&repo, &[]);
    assert_eq!(rename_lines(&plain), 0);
    assert_ne!(plain, ours);
    // `--no-renames` after `--renames` wins, as the last of git's two flags does.
    assert_eq!(codevoyage_log(&repo, &["--renames", "--no-renames"]), plain);
}

#[test]
fn log_renames_prints_what_git_log_m_prints_on_flask() {
    let Some(repo) = shared_bundle("flask") else {
        return;
    };
    let git = git_log_m(&repo);
    assert!(rename_lines(&git) > 50, "flask has renames");
    let ours = codevoyage_log(&repo, &["--renames"]);
    assert_same_bytes(&ours, &git, "flask, --renames");
}

/// Workers that switch to a freshly opened object database (to unmap the pack pages they
/// touched, which big repositories do every 4,000 commits) print exactly what git prints:
/// here they switch after every chunk of commits, on all of flask.
#[test]
fn log_reopening_the_object_database_changes_nothing() {
    let Some(repo) = shared_bundle("flask") else {
        return;
    };
    let git = repo.git(&["log", "--numstat", "--no-renames", "--format=commit %H"]);
    let ours = codevoyage_log_with(&repo, &[], &[("CODEVOYAGE_REOPEN_COMMITS", "1")]);
    assert_same_bytes(&ours, &git, "flask, reopening after every chunk");
    let renames = codevoyage_log_with(&repo, &["--renames"], &[("CODEVOYAGE_REOPEN_COMMITS", "1")]);
    assert_same_bytes(&renames, &git_log_m(&repo), "flask, --renames, reopening");
}
