//! One conformance suite for every backend: each check is an async function taking a fresh,
//! migrated `Store`, run against a SQLite file in a temporary folder (always) and against
//! PostgreSQL when `CODEVOYAGE_TEST_DATABASE_URL` is set (each test in its own database).

use codevoyage_model::{
    ChangeKind, Commit, FileChange, FileMetrics, FunctionMetrics, Identity, LineCounts, RepoPath,
    Signature,
};
use codevoyage_store::{
    AnalysisStatus, AnalysisUpdate, Backend, CouplingRecord, FileRecord, InsightRecord, Store,
    StoreError,
};
use std::future::Future;
use std::io::Write;
use std::sync::atomic::{AtomicU64, Ordering};

// ------------------------------------------------------------------------- harness

const PG_VAR: &str = "CODEVOYAGE_TEST_DATABASE_URL";

fn in_ci() -> bool {
    std::env::var("CI").is_ok_and(|v| v == "true" || v == "1")
}

/// Says once per test binary, past the output capture, that PostgreSQL was not tested.
fn note_postgres_skipped(reason: &str) {
    static ONCE: std::sync::Once = std::sync::Once::new();
    ONCE.call_once(|| {
        let _ = writeln!(
            std::io::stderr(),
            "\nnote: PostgreSQL conformance tests skipped ({reason}); run them with \
             `{PG_VAR}=postgres://postgres@127.0.0.1:5432/test cargo test -p codevoyage-store`\n"
        );
    });
}

async fn run_sqlite<F, Fut>(test: F)
where
    F: FnOnce(Store) -> Fut,
    Fut: Future<Output = ()>,
{
    run_sqlite_with(true, test).await
}

async fn run_sqlite_with<F, Fut>(migrate: bool, test: F)
where
    F: FnOnce(Store) -> Fut,
    Fut: Future<Output = ()>,
{
    let dir = tempfile::tempdir().expect("temporary folder");
    // A folder that does not exist yet: open_sqlite_file must create it.
    let store = Store::open_sqlite_file(&dir.path().join("data").join("codevoyage.db"))
        .await
        .expect("open sqlite");
    assert_eq!(store.backend(), Backend::Sqlite);
    if migrate {
        store.migrate().await.expect("migrate sqlite");
    }
    test(store.clone()).await;
    store.close().await;
}

/// Opens a TCP connection to the host and port of a `scheme://user@host:port/…` URL.
fn probe(url: &str) -> Result<(), String> {
    use std::net::ToSocketAddrs;
    let rest = url.split_once("://").map_or(url, |(_, r)| r);
    let authority = rest.split(['/', '?']).next().unwrap_or_default();
    let host_port = authority.rsplit_once('@').map_or(authority, |(_, h)| h);
    let host_port = if host_port.contains(':') {
        host_port.to_string()
    } else {
        format!("{host_port}:5432")
    };
    let addrs = host_port
        .to_socket_addrs()
        .map_err(|e| format!("cannot resolve {host_port}: {e}"))?;
    let mut last = format!("no address for {host_port}");
    for addr in addrs {
        match std::net::TcpStream::connect_timeout(&addr, std::time::Duration::from_secs(2)) {
            Ok(_) => return Ok(()),
            Err(e) => last = format!("{addr}: {e}"),
        }
    }
    Err(last)
}

/// `url` with its database name replaced by `database`.
fn with_database(url: &str, database: &str) -> String {
    let (base, query) = match url.split_once('?') {
        Some((b, q)) => (b, Some(q)),
        None => (url, None),
    };
    let scheme_end = base.find("://").map_or(0, |i| i + 3);
    let base = match base[scheme_end..].find('/') {
        Some(slash) => &base[..scheme_end + slash],
        None => base,
    };
    match query {
        Some(q) => format!("{base}/{database}?{q}"),
        None => format!("{base}/{database}"),
    }
}

async fn run_postgres<F, Fut>(test: F)
where
    F: FnOnce(Store) -> Fut,
    Fut: Future<Output = ()> + Send + 'static,
{
    run_postgres_with(true, test).await
}

async fn run_postgres_with<F, Fut>(migrate: bool, test: F)
where
    F: FnOnce(Store) -> Fut,
    Fut: Future<Output = ()> + Send + 'static,
{
    let Some(admin_url) = std::env::var(PG_VAR).ok().filter(|u| !u.is_empty()) else {
        note_postgres_skipped(&format!("{PG_VAR} is not set"));
        return;
    };
    // A quick TCP probe, once per binary, so that an unreachable server costs two seconds
    // rather than a pool timeout in every test.
    static REACHABLE: std::sync::OnceLock<Result<(), String>> = std::sync::OnceLock::new();
    let reachable = REACHABLE.get_or_init(|| probe(&admin_url)).clone();
    let admin = match reachable {
        Ok(()) => Store::connect(&admin_url).await.map_err(|e| e.to_string()),
        Err(e) => Err(e),
    };
    let admin = match admin {
        Ok(admin) => admin,
        Err(e) if !in_ci() => {
            note_postgres_skipped(&format!("cannot reach PostgreSQL: {e}"));
            return;
        }
        Err(e) => panic!("{PG_VAR} is set under CI=true but PostgreSQL is unreachable: {e}"),
    };
    static SEQ: AtomicU64 = AtomicU64::new(0);
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.subsec_nanos());
    let name = format!(
        "cv_test_{}_{}_{nanos}",
        std::process::id(),
        SEQ.fetch_add(1, Ordering::Relaxed)
    );
    sqlx::raw_sql(sqlx::AssertSqlSafe(format!("CREATE DATABASE {name}")))
        .execute(admin.pool())
        .await
        .expect("create the test database");
    let store = Store::connect(&with_database(&admin_url, &name))
        .await
        .expect("connect to the test database");
    assert_eq!(store.backend(), Backend::Postgres);
    let outcome = async {
        if migrate {
            store.migrate().await.expect("migrate postgres");
        }
        tokio::spawn(test(store.clone())).await
    }
    .await;
    store.close().await;
    sqlx::raw_sql(sqlx::AssertSqlSafe(format!(
        "DROP DATABASE IF EXISTS {name} WITH (FORCE)"
    )))
    .execute(admin.pool())
    .await
    .expect("drop the test database");
    admin.close().await;
    if let Err(e) = outcome {
        match e.try_into_panic() {
            Ok(panic) => std::panic::resume_unwind(panic),
            Err(e) => panic!("test task failed: {e}"),
        }
    }
}

macro_rules! conformance {
    ($($name:ident),* $(,)?) => {
        mod sqlite {
            $( #[tokio::test] async fn $name() { crate::run_sqlite(crate::$name).await } )*
        }
        mod postgres {
            $( #[tokio::test] async fn $name() { crate::run_postgres(crate::$name).await } )*
        }
    };
}

/// Checks that start from an empty database (no schema yet).
mod fresh {
    #[tokio::test]
    async fn sqlite_concurrent_migrations_apply_once() {
        crate::run_sqlite_with(false, crate::concurrent_migrations_apply_once).await
    }
    #[tokio::test]
    async fn postgres_concurrent_migrations_apply_once() {
        crate::run_postgres_with(false, crate::concurrent_migrations_apply_once).await
    }
}

conformance!(
    migrate_twice_is_a_noop,
    upsert_repository_by_source,
    insert_commits_is_idempotent,
    non_utf8_paths_stay_distinct,
    contributors_are_rebuilt_with_the_right_counts,
    replace_files_replaces,
    latest_tree_is_the_latest_succeeded_analysis,
    list_repositories_totals_and_languages,
    analysis_status_transitions,
    delete_repository_removes_every_row,
    bulk_load_of_twenty_thousand_commits,
    text_with_nul_characters_is_stored,
    insights_and_coupling_round_trip,
    commits_and_functions_are_listed,
    concurrent_writers_do_not_fail,
    concurrent_inserts_of_the_same_commits_store_one_copy,
    tags_are_replaced_and_keep_only_stored_commits,
);

// ------------------------------------------------------------------------- fixtures

fn sig(name: &str, email: &str, time: i64) -> Signature {
    Signature {
        identity: Identity {
            name: name.into(),
            email: email.into(),
        },
        time,
        offset_minutes: 60,
    }
}

fn change(path: &[u8], added: u32, removed: u32) -> FileChange {
    FileChange {
        path: RepoPath::new(path.to_vec()),
        old_path: None,
        kind: ChangeKind::Modified,
        added,
        removed,
        binary: false,
    }
}

fn commit(
    id: &str,
    author: (&str, &str),
    time: i64,
    parents: &[&str],
    changes: Vec<FileChange>,
) -> Commit {
    Commit {
        id: id.to_string(),
        parents: parents.iter().map(|p| p.to_string()).collect(),
        author: sig(author.0, author.1, time),
        committer: sig("Committer", "committer@example.com", time + 5),
        summary: format!("commit {id}"),
        co_authors: Vec::new(),
        changes,
    }
}

fn file(path: &str, language: Option<&str>, code: u64, functions: usize) -> FileRecord {
    FileRecord {
        path: path.to_string(),
        blob_id: Some(format!("blob-{path}")),
        revisions: 2,
        metrics: FileMetrics {
            language: language.map(str::to_string),
            lines: LineCounts {
                code,
                comment: 3,
                blank: 1,
            },
            bytes: code * 20,
            functions: (0..functions)
                .map(|i| FunctionMetrics {
                    name: format!("f{i}"),
                    start_line: 1 + i as u32 * 10,
                    end_line: 9 + i as u32 * 10,
                    cyclomatic: 2,
                    cognitive: 1,
                    parameters: 1,
                    max_nesting: 1,
                    halstead: Default::default(),
                })
                .collect(),
            cyclomatic: 2 * functions as u32,
            cognitive: functions as u32,
            maintainability_index: if functions > 0 { Some(71.5) } else { None },
            binary: false,
            diagnostics: Vec::new(),
        },
    }
}

/// Three commits of two authors touching three paths.
fn history() -> Vec<Commit> {
    vec![
        commit(
            "c1",
            ("Ada", "ada@example.com"),
            1_000,
            &[],
            vec![change(b"src/a.rs", 10, 0), change(b"README.md", 3, 0)],
        ),
        commit(
            "c2",
            ("Bob", "bob@example.com"),
            2_000,
            &["c1"],
            vec![change(b"src/a.rs", 5, 2)],
        ),
        commit(
            "c3",
            ("Ada L.", "ADA@example.com"),
            3_000,
            &["c2"],
            vec![change(b"src/b.rs", 7, 0), change(b"src/a.rs", 1, 1)],
        ),
    ]
}

async fn succeeded_analysis(
    store: &Store,
    repository: i64,
    revision: &str,
    files: &[FileRecord],
) -> i64 {
    let analysis = store
        .create_analysis(repository)
        .await
        .expect("create analysis");
    store
        .update_analysis(
            analysis,
            &AnalysisUpdate {
                status: Some(AnalysisStatus::Running),
                ..Default::default()
            },
        )
        .await
        .expect("running");
    store
        .replace_files(repository, analysis, files)
        .await
        .expect("replace files");
    store
        .finish_analysis(analysis, repository, Some(revision), false)
        .await
        .expect("finish");
    analysis
}

// ------------------------------------------------------------------------- checks

/// 1, 2, …, n for the n migrations found: each applied exactly once, none missing.
fn every_version_once(found: &[i64]) -> Vec<i64> {
    assert!(found.len() >= 2, "the schema has at least two migrations");
    (1..=i64::try_from(found.len()).expect("a few migrations")).collect()
}

async fn migrate_twice_is_a_noop(store: Store) {
    let repo = store
        .upsert_repository("demo", "https://example.com/demo.git")
        .await
        .expect("upsert");
    store.migrate().await.expect("second migrate");
    store.migrate().await.expect("third migrate");
    let versions: Vec<i64> =
        sqlx::query_scalar("SELECT version FROM schema_migrations ORDER BY version")
            .fetch_all(store.pool())
            .await
            .expect("read versions");
    assert_eq!(versions, every_version_once(&versions));
    assert_eq!(store.repository(repo.id).await.expect("read"), Some(repo));
    store.ping().await.expect("ping");
}

async fn concurrent_migrations_apply_once(store: Store) {
    // Several pool connections race like several processes starting together would.
    let (a, b, c, d) = tokio::join!(
        store.migrate(),
        store.migrate(),
        store.migrate(),
        store.migrate()
    );
    for result in [a, b, c, d] {
        result.expect("every concurrent migrate succeeds");
    }
    let versions: Vec<i64> =
        sqlx::query_scalar("SELECT version FROM schema_migrations ORDER BY version")
            .fetch_all(store.pool())
            .await
            .expect("read versions");
    assert_eq!(versions, every_version_once(&versions));
    store
        .upsert_repository("x", "x")
        .await
        .expect("schema usable");
    // A database written by a newer CodeVoyage is refused, not silently used.
    sqlx::query(
        "INSERT INTO schema_migrations (version, name, applied_at) VALUES (999, 'future', 0)",
    )
    .execute(store.pool())
    .await
    .expect("insert future version");
    let err = store.migrate().await.expect_err("newer schema");
    assert!(
        matches!(
            err,
            StoreError::SchemaTooNew { found: 999, known }
                if known == i64::try_from(versions.len()).expect("a few migrations")
        ),
        "{err}"
    );
}

async fn upsert_repository_by_source(store: Store) {
    let a = store
        .upsert_repository("flask", "https://github.com/pallets/flask")
        .await
        .expect("upsert a");
    assert_eq!(a.name, "flask");
    assert_eq!(a.head, None);
    assert!(!a.is_shallow);
    assert!(a.created_at > 1_700_000_000);
    let again = store
        .upsert_repository("Flask", "https://github.com/pallets/flask")
        .await
        .expect("upsert again");
    assert_eq!(again.id, a.id);
    assert_eq!(again.name, "Flask");
    assert_eq!(again.created_at, a.created_at);
    let b = store
        .upsert_repository("flask", "/srv/mirror/flask")
        .await
        .expect("upsert b");
    assert_ne!(b.id, a.id);
    assert_eq!(
        store
            .repository(a.id)
            .await
            .expect("read a")
            .map(|r| r.name),
        Some("Flask".to_string())
    );
    assert_eq!(
        store.repository(b.id + 1000).await.expect("read missing"),
        None
    );
    assert_eq!(store.list_repositories().await.expect("list").len(), 2);
}

async fn insert_commits_is_idempotent(store: Store) {
    let repo = store
        .upsert_repository("r", "src")
        .await
        .expect("upsert")
        .id;
    let commits = history();
    assert_eq!(
        store
            .insert_commits(repo, &commits)
            .await
            .expect("first insert"),
        3
    );
    assert_eq!(
        store
            .insert_commits(repo, &commits)
            .await
            .expect("second insert"),
        0
    );
    assert_eq!(store.count_rows("commits", repo).await.expect("count"), 3);
    assert_eq!(store.count_file_changes(repo).await.expect("count"), 5);
    // Overlapping batch: only the new commit and its changes are added.
    let mut more = vec![commits[2].clone()];
    more.push(commit(
        "c4",
        ("Bob", "bob@example.com"),
        4_000,
        &["c3", "x"],
        vec![change(b"src/a.rs", 1, 0)],
    ));
    assert_eq!(
        store
            .insert_commits(repo, &more)
            .await
            .expect("overlap insert"),
        1
    );
    assert_eq!(store.count_rows("commits", repo).await.expect("count"), 4);
    assert_eq!(store.count_file_changes(repo).await.expect("count"), 6);
    let known = store.known_commit_ids(repo).await.expect("known");
    assert_eq!(known.len(), 4);
    assert!(known.contains("c1") && known.contains("c4"));
    assert_eq!(
        store.insert_commits(repo, &[]).await.expect("empty insert"),
        0
    );
    let merges: i64 = sqlx::query_scalar(
        "SELECT COUNT(*) FROM commits WHERE repository_id = $1 AND is_merge = 1",
    )
    .bind(repo)
    .fetch_one(store.pool())
    .await
    .expect("merges");
    assert_eq!(merges, 1);
    // The same commits in another repository are other rows.
    let other = store
        .upsert_repository("r2", "src2")
        .await
        .expect("upsert")
        .id;
    assert_eq!(
        store
            .insert_commits(other, &commits)
            .await
            .expect("other repo"),
        3
    );
    assert!(
        store
            .known_commit_ids(other)
            .await
            .expect("known")
            .contains("c2")
    );
    let revisions = store.revisions_by_path(repo).await.expect("revisions");
    assert_eq!(revisions.get("src/a.rs"), Some(&4));
    assert_eq!(revisions.get("src/b.rs"), Some(&1));
    assert_eq!(revisions.get("README.md"), Some(&1));
}

async fn non_utf8_paths_stay_distinct(store: Store) {
    let repo = store
        .upsert_repository("r", "src")
        .await
        .expect("upsert")
        .id;
    let commits = vec![
        commit(
            "c1",
            ("Ada", "ada@example.com"),
            1,
            &[],
            vec![
                change(b"dir/caf\xe9.txt", 1, 0),
                change(b"dir/caf\xe8.txt", 2, 0),
            ],
        ),
        commit(
            "c2",
            ("Ada", "ada@example.com"),
            2,
            &["c1"],
            vec![change(b"dir/caf\xe9.txt", 1, 1)],
        ),
    ];
    assert_eq!(
        store.insert_commits(repo, &commits).await.expect("insert"),
        2
    );
    assert_eq!(
        store
            .insert_commits(repo, &commits)
            .await
            .expect("insert again"),
        0
    );
    assert_eq!(store.count_file_changes(repo).await.expect("count"), 3);
    let mut bytes: Vec<Vec<u8>> = sqlx::query_scalar(
        "SELECT path_bytes FROM file_changes WHERE repository_id = $1 AND commit_sha = 'c1'",
    )
    .bind(repo)
    .fetch_all(store.pool())
    .await
    .expect("read bytes");
    bytes.sort();
    assert_eq!(
        bytes,
        vec![b"dir/caf\xe8.txt".to_vec(), b"dir/caf\xe9.txt".to_vec()]
    );
    // Both display as the same lossy path; the count is of commits, not of rows.
    let revisions = store.revisions_by_path(repo).await.expect("revisions");
    assert_eq!(revisions.get("dir/caf\u{fffd}.txt"), Some(&2));
}

async fn contributors_are_rebuilt_with_the_right_counts(store: Store) {
    let repo = store
        .upsert_repository("r", "src")
        .await
        .expect("upsert")
        .id;
    let mut commits = history();
    commits.push(commit(
        "c4",
        (
            "dependabot[bot]",
            "49699333+dependabot[bot]@users.noreply.github.com",
        ),
        4_000,
        &["c3"],
        vec![change(b"Cargo.lock", 20, 20)],
    ));
    store.insert_commits(repo, &commits).await.expect("insert");
    assert_eq!(store.rebuild_contributors(repo).await.expect("rebuild"), 3);
    assert_eq!(
        store
            .rebuild_contributors(repo)
            .await
            .expect("rebuild again"),
        3
    );
    let people = store.contributors(repo).await.expect("contributors");
    assert_eq!(people.len(), 3);
    let ada = &people[0];
    assert_eq!(ada.email, "ada@example.com");
    assert_eq!(ada.name, "Ada L.", "named after the latest commit");
    assert_eq!(
        (ada.commits, ada.lines_added, ada.lines_removed),
        (2, 21, 1)
    );
    assert_eq!((ada.first_commit_at, ada.last_commit_at), (1_000, 3_000));
    assert!(!ada.is_bot);
    let bob = people
        .iter()
        .find(|p| p.email == "bob@example.com")
        .expect("bob");
    assert_eq!((bob.commits, bob.lines_added, bob.lines_removed), (1, 5, 2));
    let bot = people
        .iter()
        .find(|p| p.name == "dependabot[bot]")
        .expect("bot");
    assert!(bot.is_bot);
    assert_eq!(bot.lines_added, 20);
    // A commit without changes still counts as a commit.
    store
        .insert_commits(
            repo,
            &[commit(
                "c5",
                ("Bob", "bob@example.com"),
                5_000,
                &["c4"],
                vec![],
            )],
        )
        .await
        .expect("insert");
    store.rebuild_contributors(repo).await.expect("rebuild");
    let bob = store
        .contributors(repo)
        .await
        .expect("contributors")
        .into_iter()
        .find(|p| p.email == "bob@example.com");
    assert_eq!(
        bob.map(|b| (b.commits, b.lines_added, b.last_commit_at)),
        Some((2, 5, 5_000))
    );
}

async fn replace_files_replaces(store: Store) {
    let repo = store
        .upsert_repository("r", "src")
        .await
        .expect("upsert")
        .id;
    let analysis = store.create_analysis(repo).await.expect("analysis");
    store
        .replace_files(
            repo,
            analysis,
            &[
                file("a.py", Some("Python"), 10, 2),
                file("b.py", Some("Python"), 5, 1),
            ],
        )
        .await
        .expect("first");
    assert_eq!(store.count_rows("files", repo).await.expect("count"), 2);
    assert_eq!(store.count_functions(analysis).await.expect("count"), 3);
    store
        .replace_files(repo, analysis, &[file("c.rs", Some("Rust"), 7, 4)])
        .await
        .expect("second");
    store
        .replace_files(repo, analysis, &[file("c.rs", Some("Rust"), 7, 4)])
        .await
        .expect("same again");
    assert_eq!(store.count_rows("files", repo).await.expect("count"), 1);
    assert_eq!(store.count_functions(analysis).await.expect("count"), 4);
    let paths: Vec<String> = sqlx::query_scalar("SELECT path FROM files WHERE analysis_id = $1")
        .bind(analysis)
        .fetch_all(store.pool())
        .await
        .expect("paths");
    assert_eq!(paths, vec!["c.rs".to_string()]);
    let mi: Option<f64> =
        sqlx::query_scalar("SELECT maintainability_index FROM files WHERE analysis_id = $1")
            .bind(analysis)
            .fetch_one(store.pool())
            .await
            .expect("mi");
    assert_eq!(mi, Some(71.5));
    store
        .replace_files(repo, analysis, &[])
        .await
        .expect("empty");
    assert_eq!(store.count_rows("files", repo).await.expect("count"), 0);
    assert_eq!(store.count_functions(analysis).await.expect("count"), 0);
}

async fn latest_tree_is_the_latest_succeeded_analysis(store: Store) {
    let repo = store
        .upsert_repository("r", "src")
        .await
        .expect("upsert")
        .id;
    assert_eq!(store.latest_tree(repo).await.expect("tree"), None);
    let first = succeeded_analysis(
        &store,
        repo,
        "rev1",
        &[file("src/x.rs", Some("Rust"), 10, 1)],
    )
    .await;
    // A later analysis that failed, and one still running, do not replace the tree.
    let failed = store.create_analysis(repo).await.expect("create");
    store
        .replace_files(repo, failed, &[file("y.rs", Some("Rust"), 1, 0)])
        .await
        .expect("files");
    store
        .update_analysis(
            failed,
            &AnalysisUpdate {
                status: Some(AnalysisStatus::Failed),
                error: Some("boom".into()),
                ..Default::default()
            },
        )
        .await
        .expect("fail");
    let running = store.create_analysis(repo).await.expect("create");
    store
        .replace_files(repo, running, &[file("z.rs", Some("Rust"), 1, 0)])
        .await
        .expect("files");
    let (revision, files) = store
        .latest_tree(repo)
        .await
        .expect("tree")
        .expect("some tree");
    assert_eq!(revision, "rev1");
    assert_eq!(files.len(), 1);
    let x = &files[0];
    assert_eq!(
        (x.name.as_str(), x.path.as_str(), x.language.as_deref()),
        ("x.rs", "src/x.rs", Some("Rust"))
    );
    assert_eq!(
        (
            x.lines.code,
            x.lines.comment,
            x.lines.blank,
            x.bytes,
            x.revisions,
            x.cyclomatic
        ),
        (10, 3, 1, 200, 2, 2)
    );
    let repository = store.repository(repo).await.expect("read").expect("exists");
    assert_eq!(repository.head.as_deref(), Some("rev1"));
    assert!(repository.last_analyzed_at.is_some());

    let second = succeeded_analysis(
        &store,
        repo,
        "rev2",
        &[file("b.rs", None, 1, 0), file("a/c.rs", Some("Rust"), 2, 0)],
    )
    .await;
    assert!(second > first);
    store
        .finish_analysis(second, repo, Some("rev2"), true)
        .await
        .expect("finishing twice is harmless");
    let (revision, files) = store
        .latest_tree(repo)
        .await
        .expect("tree")
        .expect("some tree");
    assert_eq!(revision, "rev2");
    assert_eq!(
        files.iter().map(|f| f.path.as_str()).collect::<Vec<_>>(),
        vec!["a/c.rs", "b.rs"]
    );
    let repository = store.repository(repo).await.expect("read").expect("exists");
    assert_eq!(repository.head.as_deref(), Some("rev2"));
    assert!(repository.is_shallow);
}

async fn list_repositories_totals_and_languages(store: Store) {
    let a = store
        .upsert_repository("a", "src-a")
        .await
        .expect("upsert")
        .id;
    let b = store
        .upsert_repository("b", "src-b")
        .await
        .expect("upsert")
        .id;
    store.insert_commits(a, &history()).await.expect("insert");
    store.rebuild_contributors(a).await.expect("rebuild");
    // An older analysis whose files must not count.
    succeeded_analysis(&store, a, "old", &[file("old.go", Some("Go"), 1000, 0)]).await;
    succeeded_analysis(
        &store,
        a,
        "new",
        &[
            file("a.rs", Some("Rust"), 30, 1),
            file("b.rs", Some("Rust"), 20, 1),
            file("c.py", Some("Python"), 70, 1),
            file("logo.png", None, 0, 0),
        ],
    )
    .await;
    let list = store.list_repositories().await.expect("list");
    assert_eq!(
        list.iter().map(|s| s.repository.id).collect::<Vec<_>>(),
        vec![a, b]
    );
    let sa = &list[0];
    assert_eq!(
        (sa.total_commits, sa.total_contributors, sa.total_files),
        (3, 2, 4)
    );
    let shares: Vec<(&str, u64, u64)> = sa
        .languages
        .iter()
        .map(|l| (l.language.as_str(), l.files, l.code))
        .collect();
    assert_eq!(shares, vec![("Python", 1, 70), ("Rust", 2, 50)]);
    let sb = &list[1];
    assert_eq!(
        (sb.total_commits, sb.total_contributors, sb.total_files),
        (0, 0, 0)
    );
    assert!(sb.languages.is_empty());
    let json = serde_json::to_value(sa).expect("serializes");
    assert_eq!(json["repository"]["name"], "a");
    assert_eq!(json["languages"][0]["language"], "Python");
}

async fn analysis_status_transitions(store: Store) {
    let repo = store
        .upsert_repository("r", "src")
        .await
        .expect("upsert")
        .id;
    assert!(matches!(
        store.create_analysis(repo + 999).await,
        Err(StoreError::NotFound { .. })
    ));
    let id = store.create_analysis(repo).await.expect("create");
    let row = store.analysis(id).await.expect("read").expect("exists");
    assert_eq!(
        (row.status.as_str(), row.repository_id, row.done, row.total),
        ("queued", repo, 0, 0)
    );
    assert_eq!((row.started_at, row.finished_at), (None, None));

    let running = AnalysisUpdate {
        status: Some(AnalysisStatus::Running),
        stage: Some("history".into()),
        total: Some(40),
        ..Default::default()
    };
    store.update_analysis(id, &running).await.expect("running");
    let row = store.analysis(id).await.expect("read").expect("exists");
    assert_eq!(
        (row.status.as_str(), row.stage.as_deref(), row.total),
        ("running", Some("history"), 40)
    );
    let started = row.started_at.expect("started_at stamped");
    assert_eq!(row.finished_at, None);

    store
        .update_analysis(
            id,
            &AnalysisUpdate {
                done: Some(12),
                ..Default::default()
            },
        )
        .await
        .expect("progress");
    store
        .update_analysis(id, &running)
        .await
        .expect("running again keeps started_at");
    let row = store.analysis(id).await.expect("read").expect("exists");
    assert_eq!((row.done, row.started_at), (12, Some(started)));

    store
        .update_analysis(
            id,
            &AnalysisUpdate {
                status: Some(AnalysisStatus::Cancelled),
                ..Default::default()
            },
        )
        .await
        .expect("cancel");
    let row = store.analysis(id).await.expect("read").expect("exists");
    assert_eq!(row.status, "cancelled");
    assert_eq!(row.parsed_status(), Some(AnalysisStatus::Cancelled));
    assert!(row.finished_at.is_some_and(|f| f >= started));
    // An ended analysis keeps its status; repeating it is harmless.
    let err = store
        .update_analysis(id, &running)
        .await
        .expect_err("cannot resume");
    assert!(matches!(err, StoreError::InvalidTransition { .. }), "{err}");
    assert!(err.to_string().contains("cancelled"));
    store
        .update_analysis(
            id,
            &AnalysisUpdate {
                status: Some(AnalysisStatus::Cancelled),
                ..Default::default()
            },
        )
        .await
        .expect("same status again");
    assert!(matches!(
        store.finish_analysis(id, repo, Some("r"), false).await,
        Err(StoreError::InvalidTransition { .. })
    ));
    assert_eq!(
        store
            .analysis(id)
            .await
            .expect("read")
            .expect("exists")
            .status,
        "cancelled"
    );

    let failed = store.create_analysis(repo).await.expect("create");
    store
        .update_analysis(
            failed,
            &AnalysisUpdate {
                status: Some(AnalysisStatus::Failed),
                error: Some("clone failed".into()),
                revision: Some("abc".into()),
                ..Default::default()
            },
        )
        .await
        .expect("fail");
    let row = store.analysis(failed).await.expect("read").expect("exists");
    assert_eq!(
        (
            row.status.as_str(),
            row.error.as_deref(),
            row.revision.as_deref()
        ),
        ("failed", Some("clone failed"), Some("abc"))
    );
    assert!(row.finished_at.is_some());

    assert!(matches!(
        store.update_analysis(failed + 999, &running).await,
        Err(StoreError::NotFound { .. })
    ));
    assert!(matches!(store.analysis(failed + 999).await, Ok(None)));
    assert_eq!(
        store
            .analyses(repo)
            .await
            .expect("list")
            .iter()
            .map(|a| a.id)
            .collect::<Vec<_>>(),
        vec![failed, id]
    );
}

async fn delete_repository_removes_every_row(store: Store) {
    let keep = store
        .upsert_repository("keep", "keep")
        .await
        .expect("upsert")
        .id;
    let gone = store
        .upsert_repository("gone", "gone")
        .await
        .expect("upsert")
        .id;
    for repo in [keep, gone] {
        store
            .insert_commits(repo, &history())
            .await
            .expect("insert");
        store.rebuild_contributors(repo).await.expect("rebuild");
        let analysis =
            succeeded_analysis(&store, repo, "rev", &[file("a.rs", Some("Rust"), 3, 2)]).await;
        sqlx::query("INSERT INTO insights (analysis_id, rank, kind, severity, title, body, evidence) VALUES ($1, 1, 'hotspot', 'high', 't', 'b', '{}')")
            .bind(analysis)
            .execute(store.pool())
            .await
            .expect("insight");
        sqlx::query("INSERT INTO coupling (analysis_id, path_a, path_b, shared, degree) VALUES ($1, 'a.rs', 'b.rs', 3, 0.5)")
            .bind(analysis)
            .execute(store.pool())
            .await
            .expect("coupling");
    }
    let tables = [
        "repositories",
        "analyses",
        "commits",
        "file_changes",
        "contributors",
        "files",
        "functions",
        "insights",
        "coupling",
    ];
    for table in tables {
        assert!(
            store.count_rows(table, gone).await.expect("count") > 0,
            "{table} populated"
        );
    }
    assert!(store.delete_repository(gone).await.expect("delete"));
    for table in tables {
        assert_eq!(
            store.count_rows(table, gone).await.expect("count"),
            0,
            "{table} emptied"
        );
        assert!(
            store.count_rows(table, keep).await.expect("count") > 0,
            "{table} of the other repository kept"
        );
    }
    assert!(!store.delete_repository(gone).await.expect("delete again"));
    assert_eq!(store.repository(gone).await.expect("read"), None);
    assert_eq!(store.list_repositories().await.expect("list").len(), 1);
    // Ids are never reused, so stale references cannot reach a newcomer's data.
    let newcomer = store
        .upsert_repository("new", "new")
        .await
        .expect("upsert")
        .id;
    assert!(newcomer > gone);
}

async fn bulk_load_of_twenty_thousand_commits(store: Store) {
    let repo = store
        .upsert_repository("big", "big")
        .await
        .expect("upsert")
        .id;
    let commits: Vec<Commit> = (0..20_000)
        .map(|i| {
            let parents = if i == 0 {
                vec![]
            } else {
                vec![format!("{:040x}", i - 1)]
            };
            let parents: Vec<&str> = parents.iter().map(String::as_str).collect();
            commit(
                &format!("{i:040x}"),
                ("Dev", &format!("dev{}@example.com", i % 50)),
                1_600_000_000 + i,
                &parents,
                (0..3)
                    .map(|j| change(format!("src/m{}/f{}.rs", i % 100, j).as_bytes(), 3, 1))
                    .collect(),
            )
        })
        .collect();
    let mut inserted = 0;
    for batch in commits.chunks(5_000) {
        inserted += store
            .insert_commits(repo, batch)
            .await
            .expect("bulk insert");
    }
    assert_eq!(inserted, 20_000);
    assert_eq!(
        store.count_rows("commits", repo).await.expect("count"),
        20_000
    );
    assert_eq!(store.count_file_changes(repo).await.expect("count"), 60_000);
    assert_eq!(
        store
            .insert_commits(repo, &commits[..2_500])
            .await
            .expect("re-insert"),
        0
    );
    assert_eq!(store.count_file_changes(repo).await.expect("count"), 60_000);
    assert_eq!(store.rebuild_contributors(repo).await.expect("rebuild"), 50);
    let revisions = store.revisions_by_path(repo).await.expect("revisions");
    assert_eq!(revisions.len(), 300);
    assert_eq!(revisions.get("src/m7/f2.rs"), Some(&200));
}

async fn text_with_nul_characters_is_stored(store: Store) {
    let repo = store
        .upsert_repository("r", "src")
        .await
        .expect("upsert")
        .id;
    let mut c = commit(
        "c1",
        ("Nul\0Name", "nul@example.com"),
        1,
        &[],
        vec![change(b"a.txt", 1, 0)],
    );
    c.summary = "before\0after".into();
    c.co_authors = vec![Identity {
        name: "Eve".into(),
        email: "eve@example.com".into(),
    }];
    assert_eq!(store.insert_commits(repo, &[c]).await.expect("insert"), 1);
    let (summary, co_authors): (String, String) =
        sqlx::query_as("SELECT summary, co_authors FROM commits WHERE repository_id = $1")
            .bind(repo)
            .fetch_one(store.pool())
            .await
            .expect("read");
    assert_eq!(summary, "before\u{fffd}after");
    let parsed: Vec<Identity> = serde_json::from_str(&co_authors).expect("co_authors is JSON");
    assert_eq!(parsed[0].email, "eve@example.com");
}

async fn insights_and_coupling_round_trip(store: Store) {
    let repo = store
        .upsert_repository("r", "src")
        .await
        .expect("upsert")
        .id;
    let analysis = store.create_analysis(repo).await.expect("analysis");
    let insight = |rank: i64, title: &str| InsightRecord {
        rank,
        kind: "hotspot".into(),
        severity: "high".into(),
        title: title.into(),
        body: "changes often and is complex".into(),
        evidence: serde_json::json!({"path": "src/a.rs", "revisions": 40, "cyclomatic": 12.5}),
    };
    store
        .replace_insights(analysis, &[insight(2, "second"), insight(1, "first")])
        .await
        .expect("insights");
    store
        .replace_insights(analysis, &[insight(2, "second"), insight(1, "first")])
        .await
        .expect("again");
    let stored = store.insights(analysis).await.expect("read");
    assert_eq!(
        stored.iter().map(|i| i.title.as_str()).collect::<Vec<_>>(),
        vec!["first", "second"]
    );
    assert_eq!(stored[0], insight(1, "first"));
    store
        .replace_insights(analysis, &[insight(1, "only")])
        .await
        .expect("replace");
    assert_eq!(store.insights(analysis).await.expect("read").len(), 1);

    let pair = |a: &str, b: &str, shared: u64, degree: f64| CouplingRecord {
        path_a: a.into(),
        path_b: b.into(),
        shared,
        degree,
    };
    let pairs = vec![
        pair("a", "b", 3, 0.25),
        pair("a", "c", 10, 0.75),
        pair("b", "c", 4, 0.75),
    ];
    store
        .replace_coupling(analysis, &pairs)
        .await
        .expect("coupling");
    store
        .replace_coupling(analysis, &pairs)
        .await
        .expect("coupling again");
    let top = store.coupling(analysis, 2).await.expect("read");
    assert_eq!(top, vec![pair("a", "c", 10, 0.75), pair("b", "c", 4, 0.75)]);
    assert_eq!(store.coupling(analysis, 100).await.expect("read").len(), 3);
    assert_eq!(store.count_rows("insights", repo).await.expect("count"), 1);
    assert_eq!(store.count_rows("coupling", repo).await.expect("count"), 3);
}

async fn commits_and_functions_are_listed(store: Store) {
    let repo = store
        .upsert_repository("r", "src")
        .await
        .expect("upsert")
        .id;
    store
        .insert_commits(repo, &history())
        .await
        .expect("insert");
    let page = store.commits(repo, 2, 0).await.expect("page 1");
    assert_eq!(
        page.iter().map(|c| c.sha.as_str()).collect::<Vec<_>>(),
        vec!["c3", "c2"]
    );
    assert_eq!(page[0].author_email, "ADA@example.com");
    assert_eq!(
        (
            page[0].author_time,
            page[0].author_offset,
            page[0].committer_time
        ),
        (3_000, 60, 3_005)
    );
    assert_eq!(page[0].parents, vec!["c2".to_string()]);
    assert!(!page[0].is_merge);
    let rest = store.commits(repo, 2, 2).await.expect("page 2");
    assert_eq!(
        rest.iter().map(|c| c.sha.as_str()).collect::<Vec<_>>(),
        vec!["c1"]
    );
    assert!(rest[0].parents.is_empty());

    let analysis = store.create_analysis(repo).await.expect("analysis");
    store
        .replace_files(repo, analysis, &[file("src/a.rs", Some("Rust"), 40, 3)])
        .await
        .expect("files");
    let functions = store
        .functions(analysis, "src/a.rs")
        .await
        .expect("functions");
    assert_eq!(
        functions
            .iter()
            .map(|f| (f.name.as_str(), f.start_line))
            .collect::<Vec<_>>(),
        vec![("f0", 1), ("f1", 11), ("f2", 21)]
    );
    assert_eq!(
        (
            functions[1].end_line,
            functions[1].cyclomatic,
            functions[1].parameters
        ),
        (19, 2, 1)
    );
    assert!(
        store
            .functions(analysis, "missing.rs")
            .await
            .expect("none")
            .is_empty()
    );
}

async fn concurrent_writers_do_not_fail(store: Store) {
    // Analyses of different repositories write at the same time; on SQLite they share one
    // write lock, and none may fail with "database is locked".
    let mut tasks = Vec::new();
    for r in 0..4 {
        let store = store.clone();
        tasks.push(tokio::spawn(async move {
            let repo = store
                .upsert_repository(&format!("r{r}"), &format!("src{r}"))
                .await
                .expect("upsert")
                .id;
            for round in 0..10i64 {
                let commits: Vec<Commit> = (0..200)
                    .map(|i| {
                        let n = round * 200 + i;
                        commit(
                            &format!("{r}-{n}"),
                            ("Dev", "dev@example.com"),
                            n,
                            &[],
                            vec![change(b"a.rs", 1, 0)],
                        )
                    })
                    .collect();
                store
                    .insert_commits(repo, &commits)
                    .await
                    .expect("insert commits");
                store
                    .rebuild_contributors(repo)
                    .await
                    .expect("rebuild contributors");
                let analysis = store.create_analysis(repo).await.expect("analysis");
                store
                    .replace_files(repo, analysis, &[file("a.rs", Some("Rust"), 3, 1)])
                    .await
                    .expect("files");
                store
                    .finish_analysis(analysis, repo, Some("rev"), false)
                    .await
                    .expect("finish");
                store.list_repositories().await.expect("list");
            }
            repo
        }));
    }
    for task in tasks {
        let repo = task.await.expect("writer task");
        assert_eq!(
            store.count_rows("commits", repo).await.expect("count"),
            2_000
        );
        assert_eq!(
            store.contributors(repo).await.expect("contributors")[0].commits,
            2_000
        );
    }
}

async fn concurrent_inserts_of_the_same_commits_store_one_copy(store: Store) {
    // Two analyses of one repository store overlapping histories, in opposite orders.
    let repo = store
        .upsert_repository("r", "src")
        .await
        .expect("upsert")
        .id;
    let commits: Vec<Commit> = (0..3_000)
        .map(|n| {
            commit(
                &format!("{n:06}"),
                ("Dev", "dev@example.com"),
                n,
                &[],
                vec![change(b"a.rs", 1, 0), change(b"b.rs", 1, 0)],
            )
        })
        .collect();
    let mut reversed = commits.clone();
    reversed.reverse();
    let mut tasks = Vec::new();
    for batch in [commits, reversed] {
        let store = store.clone();
        // One call each: several statements in one transaction, the case that could deadlock.
        tasks.push(tokio::spawn(async move {
            store.insert_commits(repo, &batch).await.expect("insert")
        }));
    }
    let mut total = 0;
    for task in tasks {
        total += task.await.expect("task");
    }
    assert_eq!(total, 3_000, "each commit counted as new exactly once");
    assert_eq!(
        store.count_rows("commits", repo).await.expect("count"),
        3_000
    );
    assert_eq!(store.count_file_changes(repo).await.expect("count"), 6_000);
    // And both rebuild the contributors at the same time.
    let (a, b, c) = tokio::join!(
        store.rebuild_contributors(repo),
        store.rebuild_contributors(repo),
        store.rebuild_contributors(repo)
    );
    for result in [a, b, c] {
        assert_eq!(result.expect("concurrent rebuild"), 1);
    }
    let people = store.contributors(repo).await.expect("contributors");
    assert_eq!(people.len(), 1);
    assert_eq!((people[0].commits, people[0].lines_added), (3_000, 6_000));
}

// ------------------------------------------------------------------------- backend-independent

#[tokio::test]
async fn unsupported_urls_say_what_to_use() {
    let err = Store::connect("mysql://localhost/x")
        .await
        .expect_err("mysql is not supported");
    assert!(matches!(err, StoreError::UnsupportedUrl { .. }));
    assert!(err.to_string().contains("sqlite://"));
}

#[tokio::test]
async fn in_memory_sqlite_is_refused() {
    for url in ["sqlite::memory:", "sqlite://db?mode=memory"] {
        let err = Store::connect(url).await.expect_err("in-memory");
        assert!(matches!(err, StoreError::InMemorySqlite { .. }), "{err}");
    }
}

#[tokio::test]
async fn unopenable_sqlite_file_names_the_path_and_the_fix() {
    let dir = tempfile::tempdir().expect("temporary folder");
    let blocker = dir.path().join("file");
    std::fs::write(&blocker, b"not a folder").expect("write");
    let err = Store::open_sqlite_file(&blocker.join("sub").join("db.sqlite"))
        .await
        .expect_err("parent is a file");
    assert!(err.to_string().contains("--data-dir"), "{err}");
}

#[tokio::test]
async fn two_stores_on_one_sqlite_file_see_the_same_data() {
    let dir = tempfile::tempdir().expect("temporary folder");
    let path = dir.path().join("shared.db");
    let (a, b) = tokio::join!(
        Store::open_sqlite_file(&path),
        Store::open_sqlite_file(&path)
    );
    let (a, b) = (a.expect("open a"), b.expect("open b"));
    let (ma, mb) = tokio::join!(a.migrate(), b.migrate());
    ma.expect("migrate a");
    mb.expect("migrate b");
    let repo = a.upsert_repository("x", "x").await.expect("upsert");
    assert_eq!(b.repository(repo.id).await.expect("read"), Some(repo));
    let mode: String = sqlx::query_scalar("PRAGMA journal_mode")
        .fetch_one(b.pool())
        .await
        .expect("pragma");
    assert_eq!(mode, "wal");
    let fk: i64 = sqlx::query_scalar("PRAGMA foreign_keys")
        .fetch_one(b.pool())
        .await
        .expect("pragma");
    assert_eq!(fk, 1);
}

/// The only test that changes the working directory; it runs in its own process.
#[test]
fn relative_sqlite_paths_are_resolved_against_the_working_directory() {
    let dir = tempfile::tempdir().expect("temporary folder");
    let status = std::process::Command::new(std::env::current_exe().expect("test binary"))
        .args([
            "--exact",
            "relative_sqlite_path_child",
            "--include-ignored",
            "--nocapture",
        ])
        .current_dir(dir.path())
        .status()
        .expect("run child");
    assert!(status.success());
    assert!(dir.path().join("rel").join("cv.db").is_file());
}

#[tokio::test]
#[ignore = "run by relative_sqlite_paths_are_resolved_against_the_working_directory"]
async fn relative_sqlite_path_child() {
    let store = Store::open_sqlite_file(std::path::Path::new("rel/cv.db"))
        .await
        .expect("open relative");
    store.migrate().await.expect("migrate");
    store.upsert_repository("x", "x").await.expect("write");
}

#[test]
fn database_names_are_replaced_in_urls() {
    assert_eq!(
        with_database("postgres://u@h:5432/test", "x"),
        "postgres://u@h:5432/x"
    );
    assert_eq!(
        with_database("postgres://u@h/test?sslmode=disable", "x"),
        "postgres://u@h/x?sslmode=disable"
    );
    assert_eq!(with_database("postgres://u@h", "x"), "postgres://u@h/x");
}

/// Tags (migration 0005): each call replaces a repository's tags; a tag whose commit is not
/// stored is dropped; the commit's committer time comes back with each tag, oldest first.
async fn tags_are_replaced_and_keep_only_stored_commits(store: Store) {
    use codevoyage_store::{TagRecord, TagRow};
    let repo = store
        .upsert_repository("r", "src")
        .await
        .expect("upsert")
        .id;
    let other = store
        .upsert_repository("o", "elsewhere")
        .await
        .expect("upsert")
        .id;
    let (a, b) = ("a".repeat(40), "b".repeat(40));
    let commits = vec![
        commit(
            &a,
            ("Ann", "ann@example.com"),
            1_000,
            &[],
            vec![change(b"x", 1, 0)],
        ),
        commit(
            &b,
            ("Ann", "ann@example.com"),
            2_000,
            &[&a],
            vec![change(b"x", 1, 0)],
        ),
    ];
    store.insert_commits(repo, &commits).await.expect("commits");
    let tag = |name: &str, sha: &str| TagRecord {
        name: name.into(),
        sha: sha.into(),
    };
    let kept = store
        .replace_tags(
            repo,
            &[tag("v2", &b), tag("v1", &a), tag("gone", &"c".repeat(40))],
        )
        .await
        .expect("tags");
    assert_eq!(kept, 2);
    let row = |name: &str, sha: &str, time: i64| TagRow {
        name: name.into(),
        sha: sha.into(),
        time,
    };
    // Committer time is the author time + 5 in these fixtures.
    let expected = vec![row("v1", &a, 1_005), row("v2", &b, 2_005)];
    assert_eq!(store.tags(repo).await.expect("read"), expected);
    // Idempotent, and scoped to the repository: the other one's commits do not count.
    store
        .replace_tags(repo, &[tag("v2", &b), tag("v1", &a)])
        .await
        .expect("again");
    assert_eq!(store.tags(repo).await.expect("read"), expected);
    assert_eq!(
        store
            .replace_tags(other, &[tag("v1", &a)])
            .await
            .expect("other"),
        0
    );
    assert!(store.tags(other).await.expect("read").is_empty());
    // Replaced: a tag no longer listed disappears.
    store
        .replace_tags(repo, &[tag("v3", &a)])
        .await
        .expect("replace");
    assert_eq!(
        store.tags(repo).await.expect("read"),
        vec![row("v3", &a, 1_005)]
    );
    store.replace_tags(repo, &[]).await.expect("none");
    assert!(store.tags(repo).await.expect("read").is_empty());
}
