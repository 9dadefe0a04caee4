//! Erasures (migration 0007): a person anonymised once stays anonymous in history stored
//! later, through the real write path (`insert_commits`, and `insert_commits_erasing` as the
//! history stage calls it), on SQLite (always) and PostgreSQL (when
//! `CODEVOYAGE_TEST_DATABASE_URL` is set; each test in its own database).

use codevoyage_model::{ChangeKind, Commit, FileChange, Identity, RepoPath, Signature};
use codevoyage_store::{Backend, Store, email_sha256};
use sqlx::Row;

#[macro_use]
mod common;

const SUITE: &str = "erasure";

both!(
    an_anonymised_person_stays_anonymous_in_commits_stored_later,
    anonymising_again_after_a_bypass_keeps_the_first_pseudonym,
    commits_stored_with_an_older_set_are_erased_afterwards,
    nothing_is_erased_by_default,
);

fn person(name: &str, email: &str) -> Identity {
    Identity {
        name: name.into(),
        email: email.into(),
    }
}

fn commit(
    id: &str,
    author: &Identity,
    committer: &Identity,
    co_authors: &[&Identity],
    time: i64,
    parents: &[&str],
) -> Commit {
    let sig = |who: &Identity| Signature {
        identity: who.clone(),
        time,
        offset_minutes: 0,
    };
    Commit {
        id: id.into(),
        parents: parents.iter().map(|p| p.to_string()).collect(),
        author: sig(author),
        committer: sig(committer),
        summary: format!("commit {id}"),
        co_authors: co_authors.iter().map(|p| (*p).clone()).collect(),
        changes: vec![FileChange {
            path: RepoPath::new(format!("src/{id}.rs").into_bytes()),
            old_path: None,
            kind: ChangeKind::Added,
            added: 3,
            removed: 0,
            binary: false,
        }],
    }
}

/// Every text (and byte) value of every table, lower-cased, as `table: value` lines.
async fn whole_database(store: &Store) -> Vec<String> {
    let tables_sql = match store.backend() {
        Backend::Sqlite => "SELECT name FROM sqlite_master WHERE type = 'table'",
        Backend::Postgres => {
            "SELECT table_name::text FROM information_schema.tables WHERE table_schema = 'public'"
        }
    };
    let tables: Vec<String> = sqlx::query_scalar(tables_sql)
        .fetch_all(store.pool())
        .await
        .expect("tables");
    assert!(tables.iter().any(|t| t == "erasures"), "{tables:?}");
    let mut out = Vec::new();
    for table in tables {
        let rows = sqlx::query(sqlx::AssertSqlSafe(format!("SELECT * FROM {table}")))
            .fetch_all(store.pool())
            .await
            .expect("rows");
        for row in &rows {
            for i in 0..row.len() {
                let value = match row.try_get::<Option<String>, _>(i) {
                    Ok(v) => v,
                    Err(_) => row
                        .try_get::<Option<Vec<u8>>, _>(i)
                        .ok()
                        .flatten()
                        .map(|b| String::from_utf8_lossy(&b).into_owned()),
                };
                if let Some(v) = value {
                    out.push(format!("{table}: {}", v.to_lowercase()));
                }
            }
        }
    }
    out
}

/// The lines of `whole_database` that name Carol.
async fn mentions_of_carol(store: &Store) -> Vec<String> {
    whole_database(store)
        .await
        .into_iter()
        .filter(|v| v.contains("carol") || v.contains("chen"))
        .collect()
}

async fn an_anonymised_person_stays_anonymous_in_commits_stored_later(store: Store) {
    let ada = person("Ada Lovelace", "ada@example.com");
    let carol = person("Carol Chen", "carol@example.com");
    let repo = store
        .upsert_repository("demo", "/srv/demo")
        .await
        .expect("repository")
        .id;
    store
        .insert_commits(
            repo,
            &[
                commit("c1", &ada, &ada, &[], 1_000, &[]),
                commit("c2", &carol, &carol, &[], 2_000, &["c1"]),
                commit("c3", &ada, &ada, &[&carol], 3_000, &["c2"]),
            ],
        )
        .await
        .expect("first history");
    store
        .rebuild_contributors(repo)
        .await
        .expect("contributors");
    let id = store
        .contributors(repo)
        .await
        .expect("contributors")
        .into_iter()
        .find(|c| c.email == "carol@example.com")
        .expect("carol is a contributor")
        .id;
    // The scan sees every kind of row (texts, JSON, path bytes) on this backend.
    let everything = whole_database(&store).await;
    for seen in [
        "commits: ada@example.com",
        "commits: [{\"name\":\"carol chen\",\"email\":\"carol@example.com\"}]",
        "contributors: carol@example.com",
        "file_changes: src/c2.rs",
    ] {
        assert!(
            everything.iter().any(|v| v == seen),
            "{seen}: {everything:?}"
        );
    }
    let done = store
        .anonymize_contributor(id)
        .await
        .expect("anonymise")
        .expect("known contributor");
    assert!(done.changed);
    let pseudonym = person(
        &format!("anonymous-{id}"),
        &format!("anonymous-{id}@anonymized.invalid"),
    );
    assert_eq!(done.contributor.email, pseudonym.email);
    assert_eq!(mentions_of_carol(&store).await, Vec::<String>::new());

    // The erasure: the hash of the e-mail and the pseudonym, nothing in clear.
    let erasures = store.erasures().await.expect("erasures");
    assert_eq!(erasures.len(), 1);
    assert_eq!(erasures.pseudonym("CAROL@example.com"), Some(&pseudonym));
    assert_eq!(erasures.pseudonym("ada@example.com"), None);
    let row = sqlx::query("SELECT email_sha256, pseudonym_name, pseudonym_email FROM erasures")
        .fetch_one(store.pool())
        .await
        .expect("erasure row");
    assert_eq!(
        row.try_get::<String, _>("email_sha256").expect("hash"),
        email_sha256("carol@example.com")
    );
    assert_eq!(
        row.try_get::<String, _>("pseudonym_name").expect("name"),
        pseudonym.name
    );

    // New history by her, spelled in other cases: as author, committer and co-author, through
    // `insert_commits` (reads the erasures itself) and `insert_commits_erasing` (the history
    // stage's call, erasures read once), in this repository and in one never seen before.
    let shouting = person("Carol Chen", "CAROL@Example.COM");
    let renamed = person("C. Chen", "Carol@example.com");
    assert_eq!(
        store
            .insert_commits(
                repo,
                &[
                    commit("c4", &shouting, &ada, &[], 4_000, &["c3"]),
                    commit("c5", &ada, &renamed, &[&ada, &shouting], 5_000, &["c4"]),
                ],
            )
            .await
            .expect("later history"),
        2
    );
    let other = store
        .upsert_repository("other", "/srv/other")
        .await
        .expect("repository")
        .id;
    assert_eq!(
        store
            .insert_commits_erasing(
                other,
                &[
                    commit("d1", &renamed, &renamed, &[], 6_000, &[]),
                    commit("d2", &ada, &ada, &[&renamed], 7_000, &["d1"]),
                ],
                &erasures,
            )
            .await
            .expect("another repository"),
        2
    );
    store
        .rebuild_contributors(repo)
        .await
        .expect("contributors");
    store
        .rebuild_contributors(other)
        .await
        .expect("contributors");
    assert_eq!(mentions_of_carol(&store).await, Vec::<String>::new());

    let mut stored = Vec::new();
    store
        .for_each_commit(repo, &mut |c| stored.push(c))
        .await
        .expect("history");
    stored.sort_by(|a, b| a.id.cmp(&b.id));
    let by_id = |id: &str| stored.iter().find(|c| c.id == id).expect("stored commit");
    assert_eq!(by_id("c4").author.identity, pseudonym);
    assert_eq!(by_id("c4").committer.identity, ada);
    assert_eq!(by_id("c5").author.identity, ada);
    assert_eq!(by_id("c5").committer.identity, pseudonym);
    assert_eq!(by_id("c5").co_authors, vec![ada.clone(), pseudonym.clone()]);

    // Her contributions count under the pseudonym, in one contributor row per repository.
    for (repository, commits) in [(repo, 2), (other, 1)] {
        let people = store.contributors(repository).await.expect("contributors");
        let anonymous: Vec<_> = people
            .iter()
            .filter(|c| c.email == pseudonym.email)
            .collect();
        assert_eq!(anonymous.len(), 1, "{people:?}");
        assert_eq!(anonymous[0].name, pseudonym.name);
        assert_eq!(anonymous[0].commits, commits);
        assert!(people.iter().any(|c| c.email == "ada@example.com"));
    }

    // Anonymising the pseudonym's (rebuilt) contributor changes nothing and adds no erasure.
    let rebuilt = store
        .contributors(repo)
        .await
        .expect("contributors")
        .into_iter()
        .find(|c| c.email == pseudonym.email)
        .expect("the pseudonym")
        .id;
    let again = store
        .anonymize_contributor(rebuilt)
        .await
        .expect("again")
        .expect("known");
    assert!(!again.changed);
    assert_eq!(store.erasures().await.expect("erasures").len(), 1);
}

/// Stores repository "a" with one commit (`c1`) by Carol Chen; her contributor id there.
async fn carol_in_repository_a(store: &Store) -> i64 {
    let carol = person("Carol Chen", "carol@example.com");
    let a = store.upsert_repository("a", "/a").await.expect("a").id;
    store
        .insert_commits(a, &[commit("c1", &carol, &carol, &[], 1_000, &[])])
        .await
        .expect("history");
    store.rebuild_contributors(a).await.expect("contributors");
    store.contributors(a).await.expect("contributors")[0].id
}

async fn anonymising_again_after_a_bypass_keeps_the_first_pseudonym(store: Store) {
    let first = carol_in_repository_a(&store).await;
    store
        .anonymize_contributor(first)
        .await
        .expect("anonymise")
        .expect("known");
    // A row written behind the store's back (as by a writer that raced the anonymisation)
    // brings her back in another repository; anonymising that contributor reuses the
    // pseudonym recorded the first time, so she stays one person.
    let b = store.upsert_repository("b", "/b").await.expect("b").id;
    sqlx::query(
        "INSERT INTO commits (repository_id, sha, author_name, author_email, author_time, author_offset, \
         committer_name, committer_email, committer_time, committer_offset, summary, parents, co_authors, is_merge) \
         VALUES ($1, 'x1', 'Carol Chen', 'Carol@Example.com', 1, 0, 'Carol Chen', 'carol@example.com', 1, 0, 's', '', '[]', 0)",
    )
    .bind(b)
    .execute(store.pool())
    .await
    .expect("raw insert");
    store.rebuild_contributors(b).await.expect("contributors");
    let second = store.contributors(b).await.expect("contributors")[0].id;
    assert_ne!(first, second);
    let done = store
        .anonymize_contributor(second)
        .await
        .expect("anonymise")
        .expect("known");
    assert!(done.changed);
    assert_eq!(done.contributor.name, format!("anonymous-{first}"));
    assert_eq!(store.erasures().await.expect("erasures").len(), 1);
    assert_eq!(mentions_of_carol(&store).await, Vec::<String>::new());
}

async fn nothing_is_erased_by_default(store: Store) {
    let erasures = store.erasures().await.expect("erasures");
    assert!(erasures.is_empty());
    let ada = person("Ada", "ada@example.com");
    let repo = store.upsert_repository("r", "/r").await.expect("r").id;
    store
        .insert_commits_erasing(repo, &[commit("c1", &ada, &ada, &[], 1, &[])], &erasures)
        .await
        .expect("insert");
    let mut stored = Vec::new();
    store
        .for_each_commit(repo, &mut |c| stored.push(c))
        .await
        .expect("history");
    assert_eq!(stored[0].author.identity, ada);
}

async fn commits_stored_with_an_older_set_are_erased_afterwards(store: Store) {
    // The history stage read the erasures (none) before Carol was anonymised elsewhere,
    // stored her commits under that old set, then reads the erasures again and erases what
    // it stored.
    let ada = person("Ada", "ada@example.com");
    let carol = person("Carol Chen", "carol@example.com");
    let id = carol_in_repository_a(&store).await;
    let stale = store.erasures().await.expect("erasures");
    assert!(stale.is_empty());
    let b = store.upsert_repository("b", "/b").await.expect("b").id;
    let shouting = person("Carol C.", "CAROL@example.com");
    store
        .anonymize_contributor(id)
        .await
        .expect("anonymise")
        .expect("known");
    store
        .insert_commits_erasing(
            b,
            &[
                commit("d1", &shouting, &ada, &[], 1_000, &[]),
                commit("d2", &ada, &carol, &[&ada, &shouting], 2_000, &["d1"]),
                commit("d3", &ada, &ada, &[], 3_000, &["d2"]),
            ],
            &stale,
        )
        .await
        .expect("stored under the old set");
    assert!(!mentions_of_carol(&store).await.is_empty());
    let fresh = store.erasures().await.expect("erasures");
    assert_eq!(fresh.len(), 1);
    assert_eq!(
        store.erase_stored_commits(b, &fresh).await.expect("erase"),
        3,
        "d1's author, d2's committer, d2's co-authors"
    );
    assert_eq!(mentions_of_carol(&store).await, Vec::<String>::new());
    let pseudonym = fresh
        .pseudonym("carol@example.com")
        .expect("erased")
        .clone();
    let mut stored = Vec::new();
    store
        .for_each_commit(b, &mut |c| stored.push(c))
        .await
        .expect("history");
    stored.sort_by(|x, y| x.id.cmp(&y.id));
    assert_eq!(stored[0].author.identity, pseudonym);
    assert_eq!(stored[0].committer.identity, ada);
    assert_eq!(stored[1].committer.identity, pseudonym);
    assert_eq!(stored[1].co_authors, vec![ada.clone(), pseudonym]);
    assert_eq!(stored[2].author.identity, ada);
    // Nothing left to do: running it again changes nothing.
    assert_eq!(
        store.erase_stored_commits(b, &fresh).await.expect("again"),
        0
    );
}
