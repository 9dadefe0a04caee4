//! Erasures: the people a GDPR anonymisation removed (migration 0007), remembered so that
//! history stored later carries their pseudonym too.
//!
//! `Store::anonymize_contributor` rewrites what is stored; without a record of it, the next
//! analysis of new commits by the same person would store their real name and e-mail again.
//! So the anonymisation also writes one `erasures` row: the SHA-256 of the lower-cased e-mail
//! (the address itself is never kept in clear) and the pseudonym it now maps to. Every write
//! of commits goes through [`Erasures::apply`] before the rows are built, which replaces the
//! author, committer and co-author identities whose e-mail hashes to an erased one. The
//! contributors and insights are rebuilt from the stored commits, so they follow.
//!
//! The set is read once per history stage (`Store::erasures`) and is usually empty; then
//! nothing is hashed at all. The stage reads it again when it is done, and if an
//! anonymisation was recorded meanwhile, `Store::erase_stored_commits` rewrites what it
//! stored under the old set.

use crate::error::{Context, StoreError};
use crate::store::{Store, begin_write};
use codevoyage_model::{Commit, Identity};
use sha2::{Digest, Sha256};
use sqlx::{AssertSqlSafe, Row};
use std::borrow::Cow;
use std::collections::HashMap;

/// Lower-case hex SHA-256 of the lower-cased `email`: how an erased e-mail is stored and
/// recognised.
pub fn email_sha256(email: &str) -> String {
    use std::fmt::Write as _;
    let digest = Sha256::digest(email.to_lowercase().as_bytes());
    let mut out = String::with_capacity(64);
    for b in digest {
        // Writing into a String cannot fail.
        let _ = write!(out, "{b:02x}");
    }
    out
}

/// The erased people: e-mail hash → the pseudonym (name and e-mail) that replaces them.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Erasures {
    by_hash: HashMap<String, Identity>,
}

impl Erasures {
    /// No one is erased (the common case: storing then costs nothing).
    pub fn is_empty(&self) -> bool {
        self.by_hash.is_empty()
    }

    /// How many people are erased.
    pub fn len(&self) -> usize {
        self.by_hash.len()
    }

    /// Adds (or replaces) the erasure of the e-mail whose [`email_sha256`] is `hash`.
    pub fn insert(&mut self, hash: String, pseudonym: Identity) {
        self.by_hash.insert(hash, pseudonym);
    }

    /// The pseudonym of `email` (any case) when it is erased.
    pub fn pseudonym(&self, email: &str) -> Option<&Identity> {
        if self.by_hash.is_empty() {
            return None;
        }
        self.by_hash.get(&email_sha256(email))
    }

    /// `commits` with every erased identity (author, committer, co-authors) replaced by its
    /// pseudonym: untouched commits are borrowed, rewritten ones owned. Each distinct e-mail
    /// is hashed once per call, and none when nothing is erased.
    pub fn apply<'a>(&self, commits: &'a [Commit]) -> Vec<Cow<'a, Commit>> {
        if self.by_hash.is_empty() {
            return commits.iter().map(Cow::Borrowed).collect();
        }
        let mut seen: HashMap<&'a str, Option<&Identity>> = HashMap::new();
        let mut lookup = |email: &'a str| -> Option<Identity> {
            seen.entry(email)
                .or_insert_with(|| self.pseudonym(email))
                .cloned()
        };
        commits
            .iter()
            .map(|commit| {
                let author = lookup(&commit.author.identity.email);
                let committer = lookup(&commit.committer.identity.email);
                let co_authors: Vec<Option<Identity>> = commit
                    .co_authors
                    .iter()
                    .map(|p| lookup(p.email.as_str()))
                    .collect();
                if author.is_none() && committer.is_none() && co_authors.iter().all(Option::is_none)
                {
                    return Cow::Borrowed(commit);
                }
                let mut erased = commit.clone();
                if let Some(p) = author {
                    erased.author.identity = p;
                }
                if let Some(p) = committer {
                    erased.committer.identity = p;
                }
                for (person, pseudonym) in erased.co_authors.iter_mut().zip(co_authors) {
                    if let Some(p) = pseudonym {
                        *person = p;
                    }
                }
                Cow::Owned(erased)
            })
            .collect()
    }
}

impl Store {
    /// Every erasure recorded by an anonymisation; read once per history stage and passed
    /// to [`Store::insert_commits_erasing`].
    pub async fn erasures(&self) -> Result<Erasures, StoreError> {
        const CONTEXT: &str = "reading the erased identities";
        let rows =
            sqlx::query("SELECT email_sha256, pseudonym_name, pseudonym_email FROM erasures")
                .fetch_all(self.pool())
                .await
                .ctx(CONTEXT)?;
        let mut out = Erasures::default();
        for r in &rows {
            out.insert(
                r.try_get("email_sha256").ctx(CONTEXT)?,
                Identity {
                    name: r.try_get("pseudonym_name").ctx(CONTEXT)?,
                    email: r.try_get("pseudonym_email").ctx(CONTEXT)?,
                },
            );
        }
        Ok(out)
    }

    /// Replaces the erased identities already stored in `repository_id`'s commits (author,
    /// committer, co-authors) by their pseudonyms, in one transaction; returns how many row
    /// updates that took (a commit counts once per field that changed). The history stage calls it when an anonymisation was recorded while
    /// it ran (its batches used the erasures read at its start), so nothing it stored keeps
    /// the real identity. Reads each distinct e-mail once, rewrites only what matches.
    pub async fn erase_stored_commits(
        &self,
        repository_id: i64,
        erasures: &Erasures,
    ) -> Result<u64, StoreError> {
        const CONTEXT: &str = "erasing identities in stored commits";
        if erasures.is_empty() {
            return Ok(0);
        }
        let mut tx = begin_write(self.pool(), self.backend())
            .await
            .ctx(CONTEXT)?;
        let mut changed = 0;
        for column in ["author", "committer"] {
            let emails: Vec<String> = sqlx::query_scalar(AssertSqlSafe(format!(
                "SELECT DISTINCT {column}_email FROM commits WHERE repository_id = $1"
            )))
            .bind(repository_id)
            .fetch_all(&mut *tx)
            .await
            .ctx(CONTEXT)?;
            for email in emails {
                let Some(p) = erasures.pseudonym(&email) else {
                    continue;
                };
                changed += sqlx::query(AssertSqlSafe(format!(
                    "UPDATE commits SET {column}_name = $1, {column}_email = $2 \
                     WHERE repository_id = $3 AND {column}_email = $4"
                )))
                .bind(p.name.clone())
                .bind(p.email.clone())
                .bind(repository_id)
                .bind(email)
                .execute(&mut *tx)
                .await
                .ctx(CONTEXT)?
                .rows_affected();
            }
        }
        let rows = sqlx::query(
            "SELECT repository_id, sha, co_authors FROM commits \
             WHERE repository_id = $1 AND co_authors <> '[]'",
        )
        .bind(repository_id)
        .fetch_all(&mut *tx)
        .await
        .ctx(CONTEXT)?;
        let (updated, _) = rewrite_co_authors(&mut tx, &rows, CONTEXT, |person| {
            let p = erasures.pseudonym(&person.email)?;
            Some(std::mem::replace(person, p.clone()))
        })
        .await?;
        changed += updated;
        tx.commit().await.ctx(CONTEXT)?;
        Ok(changed)
    }
}

/// Rewrites the co-authors (a JSON list of identities per commit) of `rows`, each with
/// `repository_id`, `sha` and `co_authors`: `replace` changes a person in place and returns
/// who they were, or `None` to leave them. Writes back only the commits where someone
/// changed; returns the rows updated and every identity replaced, with its repository.
pub(crate) async fn rewrite_co_authors(
    tx: &mut sqlx::Transaction<'static, sqlx::Any>,
    rows: &[sqlx::any::AnyRow],
    context: &'static str,
    mut replace: impl FnMut(&mut Identity) -> Option<Identity>,
) -> Result<(u64, Vec<(i64, Identity)>), StoreError> {
    let mut updated = 0;
    let mut replaced = Vec::new();
    for r in rows {
        let repository_id: i64 = r.try_get("repository_id").ctx(context)?;
        let sha: String = r.try_get("sha").ctx(context)?;
        let raw: String = r.try_get("co_authors").ctx(context)?;
        let Ok(mut people) = serde_json::from_str::<Vec<Identity>>(&raw) else {
            return Err(StoreError::Corrupt(format!(
                "co-authors of commit {sha} are not a JSON list of identities"
            )));
        };
        let before = replaced.len();
        for person in &mut people {
            if let Some(was) = replace(person) {
                replaced.push((repository_id, was));
            }
        }
        if replaced.len() == before {
            continue;
        }
        let json = serde_json::to_string(&people)
            .map_err(|e| StoreError::Corrupt(format!("co-authors of {sha}: {e}")))?;
        updated +=
            sqlx::query("UPDATE commits SET co_authors = $1 WHERE repository_id = $2 AND sha = $3")
                .bind(json)
                .bind(repository_id)
                .bind(sha)
                .execute(&mut **tx)
                .await
                .ctx(context)?
                .rows_affected();
    }
    Ok((updated, replaced))
}

#[cfg(test)]
mod tests {
    use super::*;
    use codevoyage_model::Signature;

    fn person(name: &str, email: &str) -> Identity {
        Identity {
            name: name.into(),
            email: email.into(),
        }
    }

    fn commit(id: &str, author: Identity, committer: Identity, co: Vec<Identity>) -> Commit {
        let sig = |identity| Signature {
            identity,
            time: 1,
            offset_minutes: 0,
        };
        Commit {
            id: id.into(),
            parents: Vec::new(),
            author: sig(author),
            committer: sig(committer),
            summary: "s".into(),
            co_authors: co,
            changes: Vec::new(),
        }
    }

    #[test]
    fn the_hash_is_the_sha256_of_the_lower_cased_email() {
        // printf 'carol@example.com' | sha256sum
        let expected = "e0d47ca1bc1eb62e650fc1fd660a9bfbf7cba8dc6337d81df7ea9aa9071a24a5";
        assert_eq!(email_sha256("carol@example.com"), expected);
        assert_eq!(email_sha256("Carol@Example.COM"), expected);
    }

    #[test]
    fn erased_identities_are_replaced_everywhere_and_others_borrowed() {
        let pseudonym = person("anonymous-7", "anonymous-7@anonymized.invalid");
        let mut erasures = Erasures::default();
        assert!(erasures.apply(&[]).is_empty());
        erasures.insert(email_sha256("carol@example.com"), pseudonym.clone());
        let alice = person("Alice", "alice@example.com");
        let carol = person("Carol Chen", "CAROL@example.com");
        let commits = vec![
            commit("a", alice.clone(), alice.clone(), vec![]),
            commit("b", carol.clone(), alice.clone(), vec![]),
            commit(
                "c",
                alice.clone(),
                carol.clone(),
                vec![alice.clone(), carol],
            ),
        ];
        let out = erasures.apply(&commits);
        assert!(matches!(out[0], Cow::Borrowed(_)));
        assert_eq!(out[1].author.identity, pseudonym);
        assert_eq!(out[1].committer.identity, alice);
        assert_eq!(out[2].author.identity, alice);
        assert_eq!(out[2].committer.identity, pseudonym);
        assert_eq!(out[2].co_authors, vec![alice, pseudonym]);
    }
}
