//! Tags as git lists them: lightweight and annotated (also nested) tags peeled to their
//! commits, tags of non-commits left out.

use codevoyage_history::Tag;

fn git_text(path: &std::path::Path, args: &[&str]) -> String {
    String::from_utf8(codevoyage_testkit::git_output(path, args)).expect("utf8")
}

#[test]
fn tags_agree_with_git_peeled_to_commits() {
    let fx = codevoyage_testkit::fixture("tags");
    let repo = codevoyage_history::open(fx.path()).expect("open");
    let ours = repo.tags().expect("tags");

    // git's answer: every tag whose target peels to a commit (`^{commit}` fails for the tree).
    let mut expected = Vec::new();
    for line in git_text(
        fx.path(),
        &[
            "for-each-ref",
            "refs/tags",
            "--format=%(refname:short) %(*objecttype) %(objecttype)",
        ],
    )
    .lines()
    {
        let mut parts = line.split_whitespace();
        let name = parts.next().expect("name").to_string();
        let kinds: Vec<&str> = parts.collect();
        if !kinds.contains(&"commit") {
            continue;
        }
        let commit = git_text(
            fx.path(),
            &["rev-parse", &format!("refs/tags/{name}^{{commit}}")],
        );
        expected.push(Tag {
            name,
            commit: commit.trim().to_string(),
        });
    }
    expected.sort();
    assert_eq!(ours, expected);

    // The fixture has what the check needs: both kinds, a nested tag, and a tree tag left out.
    let names: Vec<&str> = ours.iter().map(|t| t.name.as_str()).collect();
    assert_eq!(
        names,
        ["experiment-1", "latest", "v0.1", "v1.0", "v1.0-final"],
        "git tag lists: {}",
        git_text(fx.path(), &["tag"])
    );
    let v1 = &ours[3];
    let nested = &ours[4];
    assert_eq!(
        v1.commit, nested.commit,
        "a tag of a tag peels to the same commit"
    );
    let head1 = git_text(fx.path(), &["rev-parse", "HEAD~1"]);
    assert_eq!(v1.commit, head1.trim());
}

#[test]
fn a_repository_without_tags_has_none() {
    let fx = codevoyage_testkit::fixture("basic");
    let repo = codevoyage_history::open(fx.path()).expect("open");
    assert_eq!(repo.tags().expect("tags"), Vec::<Tag>::new());
}
