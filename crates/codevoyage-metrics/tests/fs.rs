//! Directory walking and blob measuring as the CLI uses them: `.gitignore` honoured,
//! `--exclude` globs applied, vendored/minified files marked, paths relative with `/`.

use codevoyage_metrics::Options;
use codevoyage_metrics::fs::{exclude_set, measure_blobs, measure_dir};

#[test]
fn walk_honours_gitignore_and_excludes_and_marks_vendored() {
    let dir = tempfile::tempdir().expect("tempdir");
    let root = dir.path();
    let write = |rel: &str, text: &str| {
        let p = root.join(rel);
        std::fs::create_dir_all(p.parent().expect("parent")).expect("mkdir");
        std::fs::write(p, text).expect("write");
    };
    write(".gitignore", "build/\n*.log\n");
    write("src/app.py", "def f(a):\n    return a and 1\n");
    write(
        "src/util/helpers.js",
        "function g(x) { return x ? 1 : 2; }\n",
    );
    write("build/out.py", "def ignored(): pass\n");
    write("debug.log", "noise\n");
    write("vendor/lib.js", "function v() {}\n");
    write("docs/skip.md", "# skipped\n");
    let exclude = exclude_set(&["docs/**".to_string()]).expect("glob");
    let files = measure_dir(root, &exclude, &Options::default()).expect("walk");
    let paths: Vec<&str> = files.iter().map(|f| f.path.as_str()).collect();
    assert_eq!(
        paths,
        vec![
            ".gitignore",
            "src/app.py",
            "src/util/helpers.js",
            "vendor/lib.js"
        ]
    );
    let app = &files[1];
    assert_eq!(app.metrics.language.as_deref(), Some("Python"));
    assert_eq!(app.metrics.functions[0].cyclomatic, 2);
    assert_eq!(files[3].generated, Some("vendored"));
    assert_eq!(files[1].generated, None);
    // A single file is measured under its own name.
    let one = measure_dir(&root.join("src/app.py"), &exclude, &Options::default()).expect("file");
    assert_eq!(one.len(), 1);
    assert_eq!(one[0].path, "app.py");
}

#[test]
fn bad_exclude_glob_is_a_clear_error() {
    let err = exclude_set(&["a/[".to_string()]).expect_err("invalid glob");
    assert!(err.to_string().contains("a/["), "{err}");
}

#[test]
fn blobs_with_the_same_id_are_measured_once_per_language() {
    let code = b"def f(a):\n    return a or 2\n".to_vec();
    let files = vec![
        ("a.py".to_string(), "blob1".to_string(), code.clone()),
        ("b/c.py".to_string(), "blob1".to_string(), code.clone()),
        ("notes.unknownext".to_string(), "blob1".to_string(), code),
        (
            "x.min.js".to_string(),
            "blob2".to_string(),
            b"var a=1;".to_vec(),
        ),
    ];
    let exclude = exclude_set(&[]).expect("empty");
    let out = measure_blobs(files, &exclude, &Options::default());
    let summary: Vec<(&str, Option<&str>, usize)> = out
        .iter()
        .map(|m| {
            (
                m.path.as_str(),
                m.metrics.language.as_deref(),
                m.metrics.functions.len(),
            )
        })
        .collect();
    assert_eq!(
        summary,
        vec![
            ("a.py", Some("Python"), 1),
            ("b/c.py", Some("Python"), 1),
            ("notes.unknownext", None, 0),
            ("x.min.js", Some("JavaScript"), 0),
        ]
    );
    assert_eq!(out[3].generated, Some("minified"));
}
