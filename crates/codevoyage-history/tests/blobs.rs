//! `Repository::read_files_at` agrees with `git show <commit>:<path>`.

use std::sync::atomic::AtomicBool;

#[test]
fn read_files_at_matches_git_show() {
    let fixture = codevoyage_testkit::fixture("basic");
    let repo = codevoyage_history::open(fixture.path()).expect("open");
    let stop = AtomicBool::new(false);
    let first = String::from_utf8(fixture.git(&["rev-list", "--max-parents=0", "HEAD"]))
        .expect("utf8")
        .trim()
        .to_string();
    let head = repo.resolve(None).expect("resolve").expect("HEAD");
    let paths: [&[u8]; 4] = [b"src/app/main.py", b"README.md", b"web/app.js", b"src"];
    let at_first = repo
        .read_files_at(&first, &paths, &stop)
        .expect("read at the first commit");
    assert_eq!(
        at_first[0].as_deref(),
        Some(
            fixture
                .git(&["show", &format!("{first}:src/app/main.py")])
                .as_slice()
        )
    );
    assert_eq!(
        at_first[1].as_deref(),
        Some(b"# Demo\n\nA demo project.\n".as_slice())
    );
    assert_eq!(at_first[2], None, "web/app.js arrives in the second commit");
    assert_eq!(at_first[3], None, "a folder is not a file");
    let at_head = repo
        .read_files_at(&head, &paths[1..2], &stop)
        .expect("read at HEAD");
    assert_eq!(
        at_head[0].as_deref(),
        Some(fixture.git(&["show", "HEAD:README.md"]).as_slice())
    );
    let err = repo
        .read_files_at("no-such-revision", &paths, &stop)
        .expect_err("a bad revision");
    assert!(err.to_string().contains("no-such-revision"), "{err}");
    let stopped = repo.read_files_at(&head, &paths, &AtomicBool::new(true));
    assert!(matches!(
        stopped,
        Err(codevoyage_history::HistoryError::Interrupted)
    ));
}
