//! Bad input never panics and never hangs: random bytes in every language, binary
//! content, oversized files, a tiny parse budget, deep nesting, invalid UTF-8, syntax errors.

use codevoyage_metrics::{ALL_LANGUAGES, Options, measure};
use proptest::prelude::*;
use std::time::Duration;

fn path_for(i: usize) -> String {
    let exts = [
        "py", "js", "jsx", "ts", "tsx", "java", "go", "rs", "c", "h", "cpp", "hpp", "cs", "rb",
        "php", "kt", "swift", "scala", "bash", "sh", "lua", "json", "yaml", "toml", "md", "html",
        "css", "sql", "txt",
    ];
    format!("f.{}", exts[i % exts.len()])
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 512, ..ProptestConfig::default() })]

    /// Arbitrary bytes (mostly code-like punctuation and keywords) in every language.
    #[test]
    fn random_input_never_panics(
        lang in 0usize..29,
        chunks in proptest::collection::vec(
            prop_oneof![
                Just(b"{".to_vec()), Just(b"}".to_vec()), Just(b"(".to_vec()), Just(b")".to_vec()),
                Just(b"if ".to_vec()), Just(b"else ".to_vec()), Just(b"\"".to_vec()),
                Just(b"'".to_vec()), Just(b"/*".to_vec()), Just(b"*/".to_vec()),
                Just(b"\n".to_vec()), Just(b"def f(x):\n".to_vec()), Just(b"fn f() ".to_vec()),
                Just(b"&& ".to_vec()), Just(b"? :".to_vec()), Just(b"\\".to_vec()),
                Just(b"```rust\n".to_vec()), Just(b"///".to_vec()), Just(b"r#\"".to_vec()),
                proptest::collection::vec(any::<u8>(), 0..16),
            ],
            0..64,
        )
    ) {
        let bytes: Vec<u8> = chunks.concat();
        let m = measure(&path_for(lang), &bytes, &Options::default());
        let lines = bytes.split(|&b| b == b'\n').count() as u64;
        // Never more classified lines than physical lines, except in Markdown, where
        // tokei (and so we) resume counting right after a closing fence, mid-line:
        // "```rust\n```rust\n///" is 4 lines there.
        if !m.binary && m.language.as_deref() != Some("Markdown") {
            prop_assert!(m.lines.total() <= lines);
        }
        for f in &m.functions {
            prop_assert!(f.start_line <= f.end_line);
            prop_assert!(f.cyclomatic >= 1);
        }
    }
}

#[test]
fn binary_content_is_flagged_and_skipped() {
    let mut bytes = b"int main() { return 0; }\n".to_vec();
    bytes.push(0);
    let m = measure("a.c", &bytes, &Options::default());
    assert!(m.binary);
    assert!(m.functions.is_empty());
    assert_eq!(m.lines.total(), 0);
}

#[test]
fn oversized_file_gets_lines_only_and_a_diagnostic() {
    let src = "def f(a):\n    if a:\n        return 1\n".repeat(100);
    let opts = Options {
        max_bytes: 1000,
        ..Options::default()
    };
    let m = measure("a.py", src.as_bytes(), &opts);
    assert!(m.functions.is_empty());
    assert_eq!(m.lines.code, 300);
    assert!(
        m.diagnostics.iter().any(|d| d.contains("limit")),
        "{:?}",
        m.diagnostics
    );
}

#[test]
fn parse_budget_stops_the_parser_with_a_diagnostic() {
    // A large file and a zero budget: the progress callback cancels the parse.
    let src = "function f(a) { if (a) { return a && b || c; } }\n".repeat(20_000);
    let opts = Options {
        parse_budget: Duration::ZERO,
        max_bytes: u64::MAX,
        ..Options::default()
    };
    let m = measure("a.js", src.as_bytes(), &opts);
    assert!(m.functions.is_empty());
    assert!(
        m.diagnostics.iter().any(|d| d.contains("budget")),
        "{:?}",
        m.diagnostics
    );
    assert_eq!(m.lines.code, 20_000);
    // The same thread's parser still works afterwards.
    let m = measure("a.js", b"function g() { return 1; }\n", &Options::default());
    assert_eq!(m.functions.len(), 1);
}

#[test]
fn deeply_nested_code_does_not_overflow_the_stack() {
    let depth = 5_000;
    let src = format!(
        "function f(a) {{\n{}{}\n}}\n",
        "if (a) {\n".repeat(depth),
        "}\n".repeat(depth)
    );
    let m = measure("a.js", src.as_bytes(), &Options::default());
    assert_eq!(m.functions.len(), 1);
    assert_eq!(m.functions[0].cyclomatic, 1 + depth as u32);
    assert_eq!(m.functions[0].max_nesting, depth as u32);
    let src = format!("x = {}1{}\n", "(".repeat(20_000), ")".repeat(20_000));
    let m = measure("a.py", src.as_bytes(), &Options::default());
    assert_eq!(m.lines.code, 1);
}

#[test]
fn invalid_utf8_and_syntax_errors_give_partial_results() {
    let mut src = b"def good(a):\n    return a and a\n\ndef bad(:\n    \xff\xfe pass\n".to_vec();
    src.extend_from_slice(b"def also_good(b):\n    if b:\n        return 1\n");
    let m = measure("a.py", &src, &Options::default());
    assert!(
        m.diagnostics.iter().any(|d| d.contains("syntax")),
        "{:?}",
        m.diagnostics
    );
    let names: Vec<&str> = m.functions.iter().map(|f| f.name.as_str()).collect();
    assert!(names.contains(&"good"), "{names:?}");
    assert!(names.contains(&"also_good"), "{names:?}");
}

#[test]
fn every_language_measures_empty_and_whitespace_input() {
    for (i, _) in ALL_LANGUAGES.iter().enumerate() {
        let p = path_for(i);
        let m = measure(&p, b"", &Options::default());
        assert_eq!(m.lines.total(), 0, "{p}");
        let m = measure(&p, b"  \n\t\n", &Options::default());
        assert_eq!(m.lines.blank, 2, "{p}");
    }
}

#[test]
fn measure_is_usable_from_many_threads() {
    let src = b"def f(a):\n    return a or 1\n";
    let handles: Vec<_> = (0..4)
        .map(|_| {
            std::thread::spawn(move || {
                (0..50)
                    .map(|_| measure("a.py", src, &Options::default()).functions[0].cyclomatic)
                    .sum::<u32>()
            })
        })
        .collect();
    for h in handles {
        assert_eq!(h.join().expect("thread"), 100);
    }
}

#[test]
fn long_whitespace_runs_are_counted_in_linear_time() {
    // A string holding a long run of spaces, then a file ending in whitespace: the line
    // counter once re-trimmed the rest of the file at every byte (quadratic).
    let src = format!(
        "x = \"{}\"\ny = 1\n{}",
        " ".repeat(400_000),
        " \n".repeat(200_000)
    );
    let m = measure("a.py", src.as_bytes(), &Options::default());
    assert_eq!(
        (m.lines.code, m.lines.comment, m.lines.blank),
        (2, 0, 200_000)
    );
}

#[test]
fn rust_doc_fences_never_count_more_lines_than_the_file_has() {
    // Two doc lines that each open a fence, joined as Markdown, resume counting mid-line;
    // the doc block still counts at most its physical lines.
    let text = b"///```rust\n///```rust\n{";
    let m = measure("f.rs", text, &Options::default());
    assert!(m.lines.total() <= 3, "{:?}", m.lines);
    assert_eq!(m.lines.code, 1, "{:?}", m.lines);
}
