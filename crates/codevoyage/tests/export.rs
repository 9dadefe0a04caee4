//! `codevoyage export` through the real binary: the file it writes is one self-contained page
//! (no URL to load, no API to call) carrying the analysed city, and mistakes get clear errors.

use codevoyage_testkit::fixture;
use serde_json::Value;
use std::path::Path;
use std::process::{Command, Output};

fn codevoyage(data_dir: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_codevoyage"))
        .args(args)
        .arg("--data-dir")
        .arg(data_dir)
        .env_remove("CODEVOYAGE_DATABASE_URL")
        .env_remove("CODEVOYAGE_REDIS_URL")
        .env_remove("CODEVOYAGE_CONFIG")
        .output()
        .expect("run codevoyage")
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

const DATA_OPEN: &str = "<script type=\"application/json\" id=\"codevoyage-data\">";

/// The export page is built by `npm run build:export`; without it the binary says how to
/// build it. Under CI the page must be there.
fn bundle_missing(out: &Output) -> bool {
    if out.status.code() == Some(4) && stderr(out).contains("npm run build:export") {
        assert!(
            std::env::var("CI").as_deref() != Ok("true"),
            "the export page is not built: {}",
            stderr(out)
        );
        eprintln!("skipping: web/dist-export is not built (make web)");
        return true;
    }
    false
}

#[test]
fn export_writes_one_self_contained_page_with_the_city() {
    let repo = fixture("basic");
    let dir = tempfile::tempdir().expect("tempdir");
    let data = dir.path().join("data");
    let path = repo.path().to_str().expect("utf-8 temp path");
    let out = codevoyage(&data, &["analyze", path]);
    assert!(out.status.success(), "analyze failed: {}", stderr(&out));

    let html_path = dir.path().join("city.html");
    // By path (matched against the analysed source) …
    let out = codevoyage(
        &data,
        &[
            "export",
            path,
            "--output",
            html_path.to_str().expect("utf-8"),
        ],
    );
    if bundle_missing(&out) {
        return;
    }
    assert!(out.status.success(), "export failed: {}", stderr(&out));
    assert!(stderr(&out).contains("wrote"), "{}", stderr(&out));
    let html = std::fs::read_to_string(&html_path).expect("the page");
    assert!(html.starts_with("<!doctype html>"));

    // Self-contained: nothing is loaded from elsewhere, no API is called.
    let lower = html.to_lowercase();
    for pattern in [
        "src=\"http",
        "src='http",
        "src=http",
        "href=\"http",
        "href='http",
        "href=http",
        "url(http",
        "url(\"http",
        "url('http",
        "src=\"/",
        "href=\"/",
        "<link rel=\"stylesheet\"",
        "<script src",
        // The app's API client (the export page reads its data from the page instead).
        "/api/v1",
    ] {
        assert!(!lower.contains(pattern), "the page has {pattern:?}");
    }
    assert!(
        html.contains("connect-src 'none'"),
        "the page forbids connections"
    );
    // Two scripts (data and code), each closed once: nothing inlined ended an element early.
    assert_eq!(html.matches("</script>").count(), 2);
    assert_eq!(html.matches("</style>").count(), 1);
    assert!(html.contains("<script type=\"module\">"));

    // The data is there: the tree with its metrics, the repository, the findings.
    let start = html.find(DATA_OPEN).expect("data block") + DATA_OPEN.len();
    let end = start + html[start..].find("</script>").expect("end of data");
    let data_json: Value = serde_json::from_str(&html[start..end]).expect("data is JSON");
    assert_eq!(data_json["format"], 1);
    let name = repo
        .path()
        .file_name()
        .expect("name")
        .to_string_lossy()
        .into_owned();
    assert_eq!(data_json["repository"]["name"], name.as_str());
    // A local path is not disclosed, only its folder name.
    assert_eq!(data_json["repository"]["source"], name.as_str());
    assert!(!html.contains(path), "the page discloses the analysed path");
    let head = String::from_utf8(repo.git(&["rev-parse", "HEAD"])).expect("utf8");
    assert_eq!(data_json["tree"]["revision"], head.trim());
    let main_py = find_file(&data_json["tree"]["root"], "src/app/main.py").expect("main.py");
    assert_eq!(main_py["language"], "Python");
    assert!(main_py["lines"]["code"].as_u64().expect("code") > 5);
    assert!(main_py["revisions"].as_u64().expect("revisions") >= 2);
    assert!(data_json["insights"].is_array());
    assert!(data_json["coupling"].is_array());
    // The same export by name and by id, to standard output.
    let out = codevoyage(&data, &["export", &name, "--output", "-"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let by_name = String::from_utf8_lossy(&out.stdout);
    assert!(by_name.contains("src/app/main.py"));
    let out = codevoyage(&data, &["export", "1", "-o", "-"]);
    assert!(out.status.success(), "{}", stderr(&out));
}

fn find_file<'a>(node: &'a Value, path: &str) -> Option<&'a Value> {
    if node["kind"] == "file" {
        return (node["path"] == path).then_some(node);
    }
    node["children"]
        .as_array()?
        .iter()
        .find_map(|c| find_file(c, path))
}

#[test]
fn export_errors_say_what_to_do() {
    let repo = fixture("basic");
    let dir = tempfile::tempdir().expect("tempdir");
    let data = dir.path().join("data");
    let out_file = dir.path().join("city.html");
    let out_arg = out_file.to_str().expect("utf-8");

    // Nothing analysed yet.
    let out = codevoyage(&data, &["export", "demo", "-o", out_arg]);
    assert_eq!(out.status.code(), Some(3), "{}", stderr(&out));
    assert!(
        stderr(&out).contains("codevoyage analyze"),
        "{}",
        stderr(&out)
    );

    let path = repo.path().to_str().expect("utf-8 temp path");
    let out = codevoyage(&data, &["analyze", path]);
    assert!(out.status.success(), "analyze failed: {}", stderr(&out));
    // An unknown repository names the known ones.
    let out = codevoyage(&data, &["export", "no-such-repo", "-o", out_arg]);
    assert_eq!(out.status.code(), Some(3));
    let err = stderr(&out);
    assert!(err.contains("no repository \"no-such-repo\""), "{err}");
    assert!(err.contains("(id 1)"), "{err}");
    // An output that cannot be written.
    let missing = dir.path().join("no/such/folder/city.html");
    let out = codevoyage(
        &data,
        &["export", "1", "-o", missing.to_str().expect("utf-8")],
    );
    assert_eq!(out.status.code(), Some(3));
    assert!(stderr(&out).contains("does not exist"), "{}", stderr(&out));
    let out = codevoyage(
        &data,
        &["export", "1", "-o", dir.path().to_str().expect("utf-8")],
    );
    assert_eq!(out.status.code(), Some(3));
    assert!(stderr(&out).contains("is a folder"), "{}", stderr(&out));
    assert!(!out_file.exists());
}

#[tokio::test]
async fn a_repository_without_a_finished_analysis_cannot_be_exported() {
    let dir = tempfile::tempdir().expect("tempdir");
    let data = dir.path().join("data");
    std::fs::create_dir_all(&data).expect("data dir");
    let store = codevoyage_store::Store::open_sqlite_file(&data.join("codevoyage.db"))
        .await
        .expect("open");
    store.migrate().await.expect("migrate");
    store
        .upsert_repository("pending", "/nowhere/pending")
        .await
        .expect("register");
    store.close().await;
    let out = codevoyage(
        &data,
        &[
            "export",
            "pending",
            "-o",
            dir.path().join("x.html").to_str().expect("utf-8"),
        ],
    );
    assert_eq!(out.status.code(), Some(3), "{}", stderr(&out));
    assert!(
        stderr(&out).contains("has no finished analysis yet"),
        "{}",
        stderr(&out)
    );
}
