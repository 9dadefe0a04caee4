//! Test support: git fixture repositories built by scripts, and the shared repository bundles.
//!
//! Fixtures are shell scripts under `fixtures/` that build a repository with pinned authors
//! and dates, so every run produces the same commits (the same object ids) and tests can
//! compare our output with the real `git` on the same repository. The shared bundles
//! (`../shared/data/*.bundle` beside the checkout) are real projects; tests that use them skip
//! with a message when the folder is absent, except under `CI=true`, where their absence fails.

use std::path::{Path, PathBuf};
use std::process::Command;

/// A repository built for a test; deleted when dropped.
#[derive(Debug)]
pub struct Fixture {
    dir: tempfile::TempDir,
    path: PathBuf,
}

impl Fixture {
    /// The repository's work tree.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// A scratch directory beside the repository, deleted with it.
    pub fn scratch(&self) -> PathBuf {
        let p = self.dir.path().join("scratch");
        std::fs::create_dir_all(&p).expect("create scratch dir in a fresh temp dir");
        p
    }

    /// Runs `git` in the repository and returns its standard output as bytes.
    pub fn git(&self, args: &[&str]) -> Vec<u8> {
        git_output(&self.path, args)
    }
}

/// The folder holding the fixture scripts.
pub fn fixtures_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures")
}

/// Environment that isolates git from the user's configuration.
fn isolated(cmd: &mut Command, home: &Path) {
    cmd.env("HOME", home)
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .env("GIT_CONFIG_GLOBAL", home.join(".gitconfig"))
        .env("LC_ALL", "C")
        .env("TZ", "UTC")
        .env_remove("GIT_DIR")
        .env_remove("GIT_WORK_TREE")
        .env_remove("GIT_INDEX_FILE");
}

/// Builds the fixture `name` by running `fixtures/<name>.sh <repo-dir>`.
///
/// Panics with the script's output when it fails: a broken fixture is a broken test.
pub fn fixture(name: &str) -> Fixture {
    let dir = tempfile::tempdir().expect("create temp dir");
    let path = dir.path().join(name);
    std::fs::create_dir_all(&path).expect("create fixture dir");
    let script = fixtures_dir().join(format!("{name}.sh"));
    assert!(script.exists(), "no fixture script {}", script.display());
    let mut cmd = Command::new("bash");
    cmd.arg(&script).arg(&path).current_dir(&path);
    isolated(&mut cmd, dir.path());
    let out = cmd.output().expect("run bash");
    assert!(
        out.status.success(),
        "fixture {name} failed:\n{}\n{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    Fixture { dir, path }
}

/// The shared data folder (`../shared/data` beside the checkout), when present.
pub fn shared_data_dir() -> Option<PathBuf> {
    let candidates = [
        std::env::var_os("CODEVOYAGE_SHARED_DATA").map(PathBuf::from),
        Some(Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared/data")),
    ];
    candidates.into_iter().flatten().find(|p| p.is_dir())
}

/// Clones `../shared/data/<name>.bundle` into a temporary directory.
///
/// Returns `None` (after printing why) when the shared data is absent, so the calling test can
/// return early; under `CI=true` the absence is a failure instead, because CI always has it.
pub fn shared_bundle(name: &str) -> Option<Fixture> {
    let Some(data) = shared_data_dir() else {
        let msg = format!(
            "skipping: ../shared/data/{name}.bundle not found (set CODEVOYAGE_SHARED_DATA to a folder holding it to run this test)"
        );
        if std::env::var("CI").is_ok_and(|v| v == "true") {
            panic!("{msg}; CI must have the shared data");
        }
        eprintln!("{msg}");
        return None;
    };
    let bundle = data.join(format!("{name}.bundle"));
    let dir = tempfile::tempdir().expect("create temp dir");
    let path = dir.path().join(name);
    let mut cmd = Command::new("git");
    cmd.arg("clone").arg("--quiet").arg(&bundle).arg(&path);
    isolated(&mut cmd, dir.path());
    let out = cmd.output().expect("run git clone");
    assert!(
        out.status.success(),
        "cloning {} failed: {}",
        bundle.display(),
        String::from_utf8_lossy(&out.stderr)
    );
    Some(Fixture { dir, path })
}

/// Runs git in `repo` with an isolated configuration; panics on failure.
pub fn git_output(repo: &Path, args: &[&str]) -> Vec<u8> {
    let home = tempfile::tempdir().expect("create temp dir");
    let mut cmd = Command::new("git");
    cmd.args(args).current_dir(repo);
    isolated(&mut cmd, home.path());
    let out = cmd.output().expect("run git");
    assert!(
        out.status.success(),
        "git {args:?} failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    out.stdout
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn basic_fixture_is_reproducible() {
        let a = fixture("basic");
        let b = fixture("basic");
        let head_a = a.git(&["rev-parse", "HEAD"]);
        let head_b = b.git(&["rev-parse", "HEAD"]);
        assert_eq!(
            head_a, head_b,
            "pinned dates and authors give identical commits"
        );
        let count = String::from_utf8(a.git(&["rev-list", "--count", "HEAD"])).expect("utf8");
        assert!(count.trim().parse::<u32>().expect("number") >= 8);
    }

    #[test]
    fn empty_fixture_has_no_commits() {
        let e = fixture("empty");
        assert!(e.path().join(".git").is_dir());
    }
}
