//! The bulk writes store exactly what they are given, on both backends: on PostgreSQL they go
//! through COPY in the text format, whose escapes (tab, newline, carriage return, backslash,
//! `\N`, `\.`) must never leak into or out of the values; quotes, unicode, NUL characters
//! (stored as U+FFFD, as the INSERT path does) and non-UTF-8 paths must survive too. Rows that
//! exist already, and keys repeated within one call, keep their first copy.
//!
//! SQLite always runs; PostgreSQL when `CODEVOYAGE_TEST_DATABASE_URL` is set (each test in its
//! own database).

use codevoyage_model::{
    ChangeKind, Commit, FileChange, FileMetrics, FunctionMetrics, Identity, LineCounts, RepoPath,
    Signature,
};
use codevoyage_store::{Backend, CouplingRecord, FileRecord, Store};
use sqlx::Row;
use std::future::Future;
use std::io::Write;
use std::sync::atomic::{AtomicU64, Ordering};

const PG_VAR: &str = "CODEVOYAGE_TEST_DATABASE_URL";

/// Values that mean something to COPY's text format, SQL, JSON or a terminal.
const NASTY: &[&str] = &[
    "tab\there",
    "new\nline",
    "carriage\rreturn",
    "back\\slash \\N \\. \\x41 \\t",
    "\\N",
    "\\.",
    "quotes ' \" `",
    "unicode é ß 漢字 🚀 \u{200b}",
    "nul\0inside",
    "",
    "trailing\\",
    "semicolon; DROP TABLE commits; --",
];

fn expected_text(s: &str) -> String {
    s.replace('\0', "\u{fffd}")
}

fn sig(name: &str, email: &str, time: i64) -> Signature {
    Signature {
        identity: Identity {
            name: name.into(),
            email: email.into(),
        },
        time,
        offset_minutes: -330,
    }
}

fn nasty_commits() -> Vec<Commit> {
    NASTY
        .iter()
        .enumerate()
        .map(|(i, s)| Commit {
            id: format!("{i:040x}"),
            parents: if i == 0 {
                vec![]
            } else {
                vec![format!("{:040x}", i - 1)]
            },
            author: sig(
                &format!("{s} author"),
                &format!("{s}@example.com"),
                1000 + i as i64,
            ),
            committer: sig(s, "c@example.com", 2000 + i as i64),
            summary: (*s).to_string(),
            co_authors: vec![Identity {
                name: (*s).to_string(),
                email: "co@example.com".into(),
            }],
            changes: vec![
                FileChange {
                    path: RepoPath::new(format!("dir/{s}.txt").into_bytes()),
                    old_path: Some(RepoPath::from(format!("old/{s}"))),
                    kind: ChangeKind::Renamed,
                    added: 7,
                    removed: 3,
                    binary: false,
                },
                // Not UTF-8: stored byte for byte in path_bytes, lossily in path.
                FileChange {
                    path: RepoPath::new(vec![b'b', 0xff, b'\t', 0xfe, b'\\', b'n', i as u8]),
                    old_path: None,
                    kind: ChangeKind::Added,
                    added: 1,
                    removed: 0,
                    binary: true,
                },
            ],
        })
        .collect()
}

fn nasty_files() -> Vec<FileRecord> {
    let indexes = [
        Some(0.1),
        Some(1e-7),
        Some(123.456_789_012_345_67),
        None,
        Some(f64::NAN),
        Some(42.0),
        Some(1e300),
    ];
    NASTY
        .iter()
        .enumerate()
        .map(|(i, s)| FileRecord {
            path: format!("src/{i}/{s}"),
            blob_id: (i % 2 == 0).then(|| format!("blob {s}")),
            revisions: i as u64,
            metrics: FileMetrics {
                language: (i % 3 != 0).then(|| (*s).to_string()),
                lines: LineCounts {
                    code: 10 + i as u64,
                    comment: 2,
                    blank: 1,
                },
                bytes: u64::MAX - i as u64,
                functions: vec![FunctionMetrics {
                    name: format!("fn {s}"),
                    start_line: 1,
                    end_line: 2 + i as u32,
                    cyclomatic: 3,
                    cognitive: 4,
                    parameters: 5,
                    max_nesting: 6,
                    halstead: Default::default(),
                }],
                cyclomatic: 3,
                cognitive: 4,
                maintainability_index: indexes[i % indexes.len()],
                binary: false,
                diagnostics: Vec::new(),
            },
        })
        .collect()
}

async fn values_round_trip(store: Store) {
    let repo = store
        .upsert_repository("r", "src")
        .await
        .expect("upsert")
        .id;
    let commits = nasty_commits();
    assert_eq!(
        store.insert_commits(repo, &commits).await.expect("insert"),
        NASTY.len() as u64
    );

    let rows = sqlx::query(
        "SELECT sha, author_name, author_email, author_offset, committer_name, summary, parents, co_authors \
         FROM commits WHERE repository_id = $1 ORDER BY sha",
    )
    .bind(repo)
    .fetch_all(store.pool())
    .await
    .expect("read commits");
    assert_eq!(rows.len(), commits.len());
    for (row, c) in rows.iter().zip(&commits) {
        let get = |col: &str| row.try_get::<String, _>(col).expect(col);
        assert_eq!(get("sha"), c.id);
        assert_eq!(get("author_name"), expected_text(&c.author.identity.name));
        assert_eq!(get("author_email"), expected_text(&c.author.identity.email));
        assert_eq!(
            row.try_get::<i64, _>("author_offset").expect("offset"),
            -330
        );
        assert_eq!(
            get("committer_name"),
            expected_text(&c.committer.identity.name)
        );
        assert_eq!(get("summary"), expected_text(&c.summary));
        assert_eq!(get("parents"), c.parents.join(" "));
        let co: Vec<Identity> = serde_json::from_str(&get("co_authors")).expect("JSON");
        assert_eq!(co[0].name, c.co_authors[0].name, "JSON escapes NUL itself");
    }

    let rows = sqlx::query(
        "SELECT commit_sha, path, path_bytes, old_path, kind, added, removed, is_binary \
         FROM file_changes WHERE repository_id = $1 ORDER BY commit_sha, path_bytes",
    )
    .bind(repo)
    .fetch_all(store.pool())
    .await
    .expect("read changes");
    let mut expected: Vec<(String, &FileChange)> = commits
        .iter()
        .flat_map(|c| c.changes.iter().map(move |f| (c.id.clone(), f)))
        .collect();
    expected.sort_by(|a, b| (&a.0, a.1.path.as_bytes()).cmp(&(&b.0, b.1.path.as_bytes())));
    assert_eq!(rows.len(), expected.len());
    for (row, (sha, change)) in rows.iter().zip(&expected) {
        assert_eq!(row.try_get::<String, _>("commit_sha").expect("sha"), *sha);
        assert_eq!(
            row.try_get::<Vec<u8>, _>("path_bytes").expect("bytes"),
            change.path.as_bytes()
        );
        assert_eq!(
            row.try_get::<String, _>("path").expect("path"),
            expected_text(&change.path.to_string_lossy())
        );
        assert_eq!(
            row.try_get::<Option<String>, _>("old_path").expect("old"),
            change
                .old_path
                .as_ref()
                .map(|p| expected_text(&p.to_string_lossy()))
        );
        assert_eq!(
            row.try_get::<String, _>("kind").expect("kind"),
            change.kind.as_str()
        );
        assert_eq!(
            row.try_get::<i64, _>("added").expect("added"),
            i64::from(change.added)
        );
        assert_eq!(
            row.try_get::<i64, _>("is_binary").expect("binary"),
            i64::from(change.binary)
        );
    }
    // The history replays with the exact path bytes.
    let mut replayed = 0;
    store
        .for_each_commit(repo, &mut |c| {
            replayed += c.changes.len();
        })
        .await
        .expect("replay");
    assert_eq!(replayed, expected.len());

    let analysis = store.create_analysis(repo).await.expect("analysis");
    let files = nasty_files();
    store
        .replace_files(repo, analysis, &files)
        .await
        .expect("files");
    let rows = sqlx::query(
        "SELECT path, language, bytes, code, revisions, maintainability_index, blob_id \
         FROM files WHERE analysis_id = $1",
    )
    .bind(analysis)
    .fetch_all(store.pool())
    .await
    .expect("read files");
    assert_eq!(rows.len(), files.len());
    for row in &rows {
        let path: String = row.try_get("path").expect("path");
        let file = files
            .iter()
            .find(|f| expected_text(&f.path) == path)
            .unwrap_or_else(|| panic!("unexpected path {path:?}"));
        assert_eq!(
            row.try_get::<Option<String>, _>("language")
                .expect("language"),
            file.metrics.language.as_deref().map(expected_text)
        );
        assert_eq!(
            row.try_get::<Option<String>, _>("blob_id").expect("blob"),
            file.blob_id.as_deref().map(expected_text)
        );
        assert_eq!(row.try_get::<i64, _>("bytes").expect("bytes"), i64::MAX);
        assert_eq!(
            row.try_get::<i64, _>("revisions").expect("revisions") as u64,
            file.revisions
        );
        let mi: Option<f64> = row.try_get("maintainability_index").expect("mi");
        let want = file.metrics.maintainability_index.filter(|v| v.is_finite());
        assert_eq!(
            mi.map(f64::to_bits),
            want.map(f64::to_bits),
            "maintainability index of {path:?} is exact"
        );
    }
    for file in &files {
        let functions = store
            .functions(analysis, &expected_text(&file.path))
            .await
            .expect("functions");
        assert_eq!(functions.len(), 1, "{:?}", file.path);
        assert_eq!(
            functions[0].name,
            expected_text(&file.metrics.functions[0].name)
        );
        assert_eq!(functions[0].end_line, file.metrics.functions[0].end_line);
    }

    let pairs: Vec<CouplingRecord> = NASTY
        .windows(2)
        .enumerate()
        .map(|(i, w)| CouplingRecord {
            path_a: w[0].to_string(),
            path_b: w[1].to_string(),
            shared: i as u64 + 1,
            degree: 1.0 / (i as f64 + 3.0),
        })
        .collect();
    store
        .replace_coupling(analysis, &pairs)
        .await
        .expect("coupling");
    let stored = store.coupling(analysis, 1000).await.expect("read coupling");
    assert_eq!(stored.len(), pairs.len());
    for pair in &pairs {
        let found = stored
            .iter()
            .find(|s| {
                s.path_a == expected_text(&pair.path_a) && s.path_b == expected_text(&pair.path_b)
            })
            .unwrap_or_else(|| panic!("missing pair {pair:?}"));
        assert_eq!(found.shared, pair.shared);
        assert_eq!(found.degree.to_bits(), pair.degree.to_bits());
    }
}

async fn reruns_and_repeated_keys_keep_one_copy(store: Store) {
    let repo = store
        .upsert_repository("r", "src")
        .await
        .expect("upsert")
        .id;
    let commits = nasty_commits();
    let (first, _) = commits.split_at(5);
    assert_eq!(store.insert_commits(repo, first).await.expect("first"), 5);
    // A re-run of a batch that was half stored (a crash between batches): only the new count.
    assert_eq!(
        store.insert_commits(repo, &commits).await.expect("rerun"),
        (commits.len() - 5) as u64
    );
    assert_eq!(
        store.insert_commits(repo, &commits).await.expect("again"),
        0
    );
    let count = |table: &'static str| {
        let store = store.clone();
        async move { store.count_rows(table, repo).await.expect("count") }
    };
    assert_eq!(count("commits").await, commits.len() as u64);
    assert_eq!(count("file_changes").await, 2 * commits.len() as u64);

    let analysis = store.create_analysis(repo).await.expect("analysis");
    let mut files = nasty_files();
    let mut twin = files[1].clone();
    twin.revisions = 999;
    files.push(twin);
    for _ in 0..2 {
        store
            .replace_files(repo, analysis, &files)
            .await
            .expect("files");
    }
    assert_eq!(count("files").await, NASTY.len() as u64);
    let revisions: i64 =
        sqlx::query_scalar("SELECT revisions FROM files WHERE analysis_id = $1 AND path = $2")
            .bind(analysis)
            .bind(expected_text(&files[1].path))
            .fetch_one(store.pool())
            .await
            .expect("twin");
    assert_eq!(revisions, 1, "the first copy of a repeated path is kept");
    assert_eq!(
        store.count_functions(analysis).await.expect("functions"),
        files.len() as u64,
        "functions are replaced, not added to"
    );

    let pair = |shared| CouplingRecord {
        path_a: "a".into(),
        path_b: "b".into(),
        shared,
        degree: 0.5,
    };
    for _ in 0..2 {
        store
            .replace_coupling(analysis, &[pair(1), pair(2)])
            .await
            .expect("coupling");
    }
    let stored = store.coupling(analysis, 10).await.expect("read");
    assert_eq!(stored.len(), 1);
    assert_eq!(stored[0].shared, 1);
}

async fn big_batches_round_trip(store: Store) {
    let repo = store
        .upsert_repository("r", "src")
        .await
        .expect("upsert")
        .id;
    // More than one COPY chunk (1 MiB) of file changes.
    let commits: Vec<Commit> = (0..6000)
        .map(|i| Commit {
            id: format!("{i:040x}"),
            parents: Vec::new(),
            author: sig("A\tB", "a@example.com", i),
            committer: sig("C", "c@example.com", i),
            summary: "x\\y\n".repeat(8),
            co_authors: Vec::new(),
            changes: (0..4)
                .map(|j| FileChange {
                    path: RepoPath::new(
                        format!("some/long/directory/name/file{j}\t.rs").into_bytes(),
                    ),
                    old_path: None,
                    kind: ChangeKind::Modified,
                    added: 1,
                    removed: 1,
                    binary: false,
                })
                .collect(),
        })
        .collect();
    assert_eq!(
        store.insert_commits(repo, &commits).await.expect("insert"),
        6000
    );
    assert_eq!(store.count_file_changes(repo).await.expect("count"), 24_000);
    let summaries: i64 = sqlx::query_scalar(
        "SELECT COUNT(*) FROM commits WHERE repository_id = $1 AND summary = $2 AND author_name = $3",
    )
    .bind(repo)
    .bind("x\\y\n".repeat(8))
    .bind("A\tB")
    .fetch_one(store.pool())
    .await
    .expect("count summaries");
    assert_eq!(summaries, 6000);
}

// ------------------------------------------------------------------------- harness

async fn run_sqlite<F, Fut>(test: F)
where
    F: FnOnce(Store) -> Fut,
    Fut: Future<Output = ()>,
{
    let dir = tempfile::tempdir().expect("temporary folder");
    let store = Store::open_sqlite_file(&dir.path().join("codevoyage.db"))
        .await
        .expect("open sqlite");
    assert_eq!(store.backend(), Backend::Sqlite);
    store.migrate().await.expect("migrate sqlite");
    test(store.clone()).await;
    store.close().await;
}

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
    let Some(admin_url) = std::env::var(PG_VAR).ok().filter(|u| !u.is_empty()) else {
        let _ = writeln!(
            std::io::stderr(),
            "note: PostgreSQL COPY tests skipped ({PG_VAR} is not set)"
        );
        return;
    };
    let admin = match Store::connect(&admin_url).await {
        Ok(admin) => admin,
        Err(e) if std::env::var("CI").is_err() => {
            let _ = writeln!(
                std::io::stderr(),
                "note: PostgreSQL COPY tests skipped (cannot reach it: {e})"
            );
            return;
        }
        Err(e) => panic!("{PG_VAR} is set under CI but PostgreSQL is unreachable: {e}"),
    };
    static SEQ: AtomicU64 = AtomicU64::new(0);
    let name = format!(
        "cv_copy_{}_{}",
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
    store.migrate().await.expect("migrate postgres");
    let outcome = tokio::spawn(test(store.clone())).await;
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

macro_rules! both_backends {
    ($($name:ident),* $(,)?) => {
        mod sqlite {
            $( #[tokio::test] async fn $name() { crate::run_sqlite(crate::$name).await } )*
        }
        mod postgres {
            $( #[tokio::test] async fn $name() { crate::run_postgres(crate::$name).await } )*
        }
    };
}

both_backends!(
    values_round_trip,
    reruns_and_repeated_keys_keep_one_copy,
    big_batches_round_trip,
);
