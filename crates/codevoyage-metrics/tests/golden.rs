//! Golden snippets: one per counting rule, per language. Line-count expectations were
//! checked against tokei 15, cyclomatic expectations against lizard 1.24 (noted where we
//! differ on purpose).

use codevoyage_metrics::{
    CognitiveProfile, CyclomaticProfile, Options, detect_language, lines, measure,
};

fn lines_of(path: &str, src: &str) -> (u64, u64, u64) {
    let lang = detect_language(path, src.as_bytes()).expect("known language");
    let c = lines::count_lines(lang, src.as_bytes());
    (c.code, c.comment, c.blank)
}

#[test]
fn line_rules_match_tokei() {
    // (path, source, (code, comment, blank)) — each verified with tokei 15.0.0.
    let cases: &[(&str, &str, (u64, u64, u64))] = &[
        // Blank lines are whitespace only; a trailing newline adds no line.
        ("a.c", "int x;\n\n   \nint y;\n", (2, 0, 2)),
        // Code followed by a comment is code; a comment-only line is a comment.
        ("a.c", "int x; // c\n// only\n", (1, 1, 0)),
        // Block comments, including blank lines inside them, are comments.
        ("a.c", "/* a\n\n b */\nint x;\n", (1, 3, 0)),
        // tokei: a line that starts inside a block comment is a comment, even with code after.
        ("a.c", "/* a\n b */ int x;\n", (0, 2, 0)),
        // Comment markers inside strings are not comments.
        ("a.js", "var s = \"/* not\";\nvar t = 1;\n", (2, 0, 0)),
        ("a.js", "var s = `\n// inside template\n`;\n", (3, 0, 0)),
        // Python doc strings count as code (tokei's default), even their blank lines;
        // `#` lines are comments.
        (
            "a.py",
            "def f():\n    \"\"\"Doc.\n\n    More.\n    \"\"\"\n    # c\n    return 1\n",
            (6, 1, 0),
        ),
        // Rust block comments nest.
        ("a.rs", "/* a /* b */ still */\nfn f() {}\n", (1, 1, 0)),
        ("a.rs", "/* a /* b */\n still */\nfn f() {}\n", (1, 2, 0)),
        // Rust doc comments are counted as embedded Markdown: comment lines.
        ("a.rs", "/// Doc.\n///\n/// More.\nfn f() {}\n", (1, 2, 1)),
        // C has no nesting: the first `*/` closes the comment.
        ("a.c", "/* a /* b */\nint x;\n", (1, 1, 0)),
        // Lua long comments and line comments.
        ("a.lua", "--[[ a\nb ]]\n-- c\nx = 1\n", (1, 3, 0)),
        // Ruby =begin/=end.
        ("a.rb", "=begin\ndoc\n=end\nx = 1\n", (1, 3, 0)),
        // PHP has both `#` and `//` line comments.
        ("a.php", "<?php\n# a\n// b\n$x = 1;\n", (2, 2, 0)),
        // Data and markup.
        ("a.json", "{\n  \"a\": 1\n}\n", (3, 0, 0)),
        ("a.yaml", "# c\na: 1\n\nb: '#x'\n", (2, 1, 1)),
        ("a.toml", "# c\na = \"\"\"\n# no\n\"\"\"\n", (3, 1, 0)),
        ("a.html", "<!-- c -->\n<p>x</p>\n", (1, 1, 0)),
        ("a.css", "/* c */\na { b: c; }\n", (1, 1, 0)),
        ("a.sql", "-- c\nSELECT 1;\n", (1, 1, 0)),
        // Documentation and configuration, as tokei counts them: reStructuredText has no
        // comments; plain text is literate (prose is comment); INI has `;` and `#`;
        // Makefile `#`; XML/SVG `<!-- -->`; Batch `REM` and `::`.
        ("index.rst", "Title\n=====\n\n.. note:: x\n", (3, 0, 1)),
        ("notes.txt", "hello\n\nworld\n", (0, 2, 1)),
        ("a.ini", "; c\n# d\n[s]\nk = v\n", (2, 2, 0)),
        ("Makefile", "# c\nall:\n\techo hi\n", (2, 1, 0)),
        ("a.svg", "<!-- c -->\n<svg>\n</svg>\n", (2, 1, 0)),
        ("make.bat", "REM c\n:: d\n@echo off\n", (1, 2, 0)),
        ("a.hbs", "{{! c }}\n<!-- d -->\n<p>{{x}}</p>\n", (1, 2, 0)),
        ("main.tf", "# c\n// d\n/* e */\nx = \"#\"\n", (1, 3, 0)),
        // Markdown prose is comments; a fenced block of a known language is counted as
        // that language, its fences as comments.
        (
            "a.md",
            "# Title\n\ntext\n```python\nx = 1\n# c\n```\n",
            (1, 5, 1),
        ),
        // Shell: quotes hide `#`.
        ("a.sh", "echo \"#no\" # yes\n# c\n", (1, 1, 0)),
    ];
    for (path, src, want) in cases {
        assert_eq!(lines_of(path, src), *want, "{path}: {src:?}");
    }
}

#[test]
fn unknown_language_counts_every_non_blank_line_as_code() {
    let m = measure("notes.xyz", b"a\n\n# b\n", &Options::default());
    assert_eq!(m.language, None);
    assert_eq!((m.lines.code, m.lines.comment, m.lines.blank), (2, 0, 1));
}

fn functions(path: &str, src: &str) -> Vec<(String, u32, u32, u32, u32, u32)> {
    measure(path, src.as_bytes(), &Options::default())
        .functions
        .into_iter()
        .map(|f| {
            (
                f.name,
                f.start_line,
                f.end_line,
                f.cyclomatic,
                f.cognitive,
                f.parameters,
            )
        })
        .collect()
}

/// Asserts each function's (name, cyclomatic, cognitive) against `want` (lizard's values).
fn assert_cc_cog(path: &str, src: &str, want: &[(&str, u32, u32)]) {
    let got: Vec<(String, u32, u32)> = functions(path, src)
        .into_iter()
        .map(|f| (f.0, f.3, f.4))
        .collect();
    let want: Vec<(String, u32, u32)> = want
        .iter()
        .map(|&(n, c, g)| (n.to_string(), c, g))
        .collect();
    assert_eq!(got, want, "{path}");
}

#[test]
fn python_rules() {
    let src = "@deco\ndef f(a,\n      b):\n    x = [i for i in a if i and b or a]\n    try:\n        pass\n    except E:\n        pass\n    finally:\n        pass\n    return 1 if a else 2\nclass K:\n    def m(self):\n        def inner():\n            if x: pass\n        return inner\n";
    // lizard: f CCN 8 (comprehension for/if, and, or, except, finally, ternary if),
    // m.inner CCN 2, m CCN 1; functions start at `def`, not at the decorator.
    assert_eq!(
        functions("a.py", src),
        vec![
            ("f".into(), 2, 11, 8, 4, 2),
            ("K.m".into(), 13, 16, 1, 0, 1),
            ("K.m.inner".into(), 14, 15, 2, 1, 0),
        ]
    );
}

#[test]
fn c_rules_count_preprocessor_conditions_like_lizard() {
    let src = "static int\nfoo(int a)\n{\n  if (a && b || c) return a ? 1 : 2;\n  switch (a) { case 1: break; default: break; }\n  #if X && Y\n  #endif\n  return 0;\n}\n";
    // lizard: if, &&, ||, ?, case, #if = 6 → CCN 7; the `&&` of `#if` does not count.
    let f = functions("a.c", src);
    assert_eq!(f.len(), 1);
    assert_eq!((f[0].0.as_str(), f[0].1, f[0].2, f[0].3), ("foo", 2, 9, 7));
}

#[test]
fn javascript_functions_and_operators() {
    let src = "function f(a) {\n  const g = (x) => x ?? a?.b;\n  const h = function() { if (a) {} };\n  return a || g;\n}\nclass C {\n  m(a) { for (const x of a) {} }\n}\n";
    let f = functions("a.js", src);
    let cc: Vec<(&str, u32)> = f.iter().map(|f| (f.0.as_str(), f.3)).collect();
    // `??` counts, `?.` does not (as lizard).
    assert_eq!(cc, vec![("f", 2), ("f.g", 2), ("f.h", 2), ("C.m", 2)]);
}

#[test]
fn an_arrow_with_a_bare_parameter_is_anonymous() {
    // The parameter `x` is not the function's name (lizard: `(anonymous)`).
    for path in ["a.js", "a.ts"] {
        let f = functions(
            path,
            "function f(xs) {\n  xs.forEach(x => { if (x) {} });\n  const g = y => y;\n}\n",
        );
        let names: Vec<&str> = f.iter().map(|f| f.0.as_str()).collect();
        assert_eq!(names, vec!["f", "f.(anonymous)", "f.g"], "{path}");
    }
}

#[test]
fn typescript_call_signatures_on_consecutive_lines_parse() {
    // `): (s: S) => S` then `<T>(…)` on the next line: two call signatures (TypeScript
    // reads no type arguments after a line break); the function after them is found.
    let src = "export interface P {\n\t<S>(r: (s: S) => S): (s: S) => S\n\t<S>(\n\t\tr: (s: S) => S\n\t): (s: S) => S\n}\nexport function used(a) {\n\tif (a) { return 1 }\n}\n";
    let m = measure("a.ts", src.as_bytes(), &Options::default());
    assert!(m.diagnostics.is_empty(), "{:?}", m.diagnostics);
    let got: Vec<(&str, u32, u32)> = m
        .functions
        .iter()
        .map(|f| (f.name.as_str(), f.start_line, f.cyclomatic))
        .collect();
    assert_eq!(got, vec![("used", 7, 2)]);
    // A comparison continued on the next line is left as it is.
    let cmp = "function f(a, b) {\n  return a\n    < b\n}\n";
    let m = measure("b.ts", cmp.as_bytes(), &Options::default());
    assert!(m.diagnostics.is_empty(), "{:?}", m.diagnostics);
}

#[test]
fn typescript_overloads_with_doc_comments_parse_and_generic_arrows_stay_arguments() {
    // Effect-style overloads in a type literal, each after its doc comment, one ending in
    // `void`; then a generic arrow function passed as an argument on its own line, which
    // must stay an argument (no `;` after the `,`), with its `if` counted.
    let src = "export const get: {\n  /**\n   * It's the key's value.\n   */\n  <K1>(key: K1): <K, V>(self: M<K, V>) => Option<V>\n  /** @since 2.0.0 */\n  <K1, K, V>(self: M<K, V>, key: K1): Option<V>\n  // plain comment\n  <A>(f: (a: A) => void): <B>(self: B) => void\n  <A, B>(self: B, f: (a: A) => void): void\n} = dual(\n  2,\n  <K1, K, V>(self: M<K, V>, key: K1): Option<V> => {\n    if (self) { return none }\n    return some(key)\n  }\n)\n";
    let m = measure("a.ts", src.as_bytes(), &Options::default());
    assert!(m.diagnostics.is_empty(), "{:?}", m.diagnostics);
    let got: Vec<(u32, u32)> = m
        .functions
        .iter()
        .map(|f| (f.start_line, f.cyclomatic))
        .collect();
    assert_eq!(got, vec![(13, 2)]);
}

#[test]
fn default_values_of_binding_patterns_count_like_lizard() {
    // lizard 1.24.3 (JavaScript and TypeScript readers alike) adds one per default value of a
    // binding pattern: parameters, destructuring declarations and assignments, `for … of`
    // heads, arrow parameters (to the arrow). A plain `let z = 5` or an object literal's
    // `c: 1` is none. Values from `lizard -Ecognitive` on this file; cognitive is unaffected.
    let src = "function f1({a = 1, b = 2} = {}) {\n  return a;\n}\nfunction f2(obj) {\n  const {a = 1, b: {c = 3}} = obj;\n  return a;\n}\nfunction f3(xs) {\n  for (const {a = 1} of xs) { g(a); }\n}\nfunction f4(arr) {\n  const [x = 1, y] = arr;\n  let z = 5;\n  z = 6;\n  return x;\n}\nfunction f5(arr) {\n  let p, q;\n  ({p = 1, q} = arr);\n  [p = 2] = arr;\n  return p;\n}\nconst f6 = ([a = 1], b = a || 2) => a;\nfunction f7(o) {\n  const g = ({k = 1}) => k;\n  return g(o);\n}\nfunction f8(x = cond ? 1 : 2) { return x; }\nclass K { m(a, b = {c: 1}) { return 1; } }\n";
    let lizard = [
        ("f1", 4, 0),
        ("f2", 3, 0),
        ("f3", 3, 1),
        ("f4", 2, 0),
        ("f5", 3, 0),
        ("f6", 4, 1),
        ("f7", 1, 0),
        ("f7.g", 2, 0),
        ("f8", 3, 1),
        ("K.m", 2, 0),
    ];
    for path in ["a.js", "a.ts"] {
        assert_cc_cog(path, src, &lizard);
    }
    // Strict McCabe: a default value is no decision.
    let opts = Options {
        cyclomatic: CyclomaticProfile::McCabe,
        ..Options::default()
    };
    let m = measure("a.js", b"function f(a = 1, {b = 2} = {}) {}\n", &opts);
    assert_eq!(m.functions[0].cyclomatic, 1);
}

#[test]
fn logical_runs_change_with_the_operator_in_source_order() {
    // Campbell (and SonarSource's implementations) list an unparenthesised logical
    // expression's operators in source order and add one per change: `a || b && c || d && e`
    // is || && || && = 4 (lizard 1.24.3: 4 in every language below), `a && b && c || a` 2,
    // and a parenthesised group is a sequence of its own: `a && (b || c) && a` is 2.
    let cases = [
        (
            "a.js",
            "function mixed(a, b, c, d, e) {\n  return a || b && c || d && e;\n}\nfunction chain(a, b, c) {\n  return a && b && c || a;\n}\nfunction paren(a, b, c) {\n  return a && (b || c) && a;\n}\n",
        ),
        (
            "a.py",
            "def mixed(a, b, c, d, e):\n    return a or b and c or d and e\ndef chain(a, b, c):\n    return a and b and c or a\ndef paren(a, b, c):\n    return a and (b or c) and a\n",
        ),
        (
            "A.java",
            "class A {\n  boolean mixed(boolean a, boolean b, boolean c, boolean d, boolean e) {\n    return a || b && c || d && e;\n  }\n  boolean chain(boolean a, boolean b, boolean c) {\n    return a && b && c || a;\n  }\n  boolean paren(boolean a, boolean b, boolean c) {\n    return a && (b || c) && a;\n  }\n}\n",
        ),
    ];
    for (path, src) in cases {
        let got: Vec<(u32, u32)> = functions(path, src).iter().map(|f| (f.3, f.4)).collect();
        assert_eq!(got, vec![(5, 4), (4, 2), (4, 2)], "{path}");
    }
}

#[test]
fn rust_macro_operators_and_trait_forwarding() {
    // In a macro's token tree the operators are bare tokens: `assert!(a && b && c)` is one
    // run, as lizard reads it. `Self::from(…)` inside `impl From<u8> for S` calls another
    // `from`, not itself (lizard 0); inside an inherent impl `Self::walk(…)` is recursion
    // (+1; lizard never counts a call through `::`, a documented difference).
    let src = "impl From<u8> for S {\n    fn from(x: u8) -> Self {\n        Self::from(x as u32)\n    }\n}\nimpl S {\n    fn walk(&self, n: u32) -> u32 {\n        Self::walk(self, n - 1)\n    }\n}\nfn mixed(a: bool, b: bool, c: bool, d: bool, e: bool) -> bool {\n    a || b && c || d && e\n}\nfn asserted(a: bool, b: bool, c: bool) {\n    assert!(a && b && c);\n    debug_assert!(a || b, \"x && y\");\n}\nfn chain(a: bool, b: bool, c: bool) -> bool {\n    a && b && c || a\n}\n";
    assert_cc_cog(
        "a.rs",
        src,
        &[
            ("S::from", 1, 0),
            ("S::walk", 1, 1),
            ("mixed", 5, 4),
            ("asserted", 4, 2),
            ("chain", 4, 2),
        ],
    );
}

#[test]
fn lizard_profile_nests_lambdas_only_in_cpp_java_csharp_and_python() {
    // Campbell nests a closure's body; lizard's cognitive profile does so only for C++,
    // Java and C# (its `lambda_style`) and Python (its counter follows indentation).
    // lizard 1.24.3 gives 2 for the Rust and Kotlin functions below, 3 for the Java one
    // and 2 for the Python one.
    let lizard = Options {
        cognitive: CognitiveProfile::Lizard,
        ..Options::default()
    };
    let cases = [
        (
            "a.rs",
            "fn f(v: &[i32]) -> Vec<i32> {\n    v.iter().map(|x| if *x > 0 { 1 } else { 2 }).collect()\n}\n",
            3,
            2,
        ),
        (
            "a.kt",
            "fun f(v: List<Int>) = v.map { x -> if (x > 0) 1 else 2 }\n",
            3,
            2,
        ),
        (
            "a.py",
            "def f(xs):\n    return sorted(xs, key=lambda x: 1 if x else 2)\n",
            2,
            2,
        ),
        (
            "A.java",
            "class A {\n  void f(java.util.List<Integer> v) {\n    v.forEach(x -> { if (x > 0) { g(); } else { h(); } });\n  }\n}\n",
            3,
            3,
        ),
    ];
    for (path, src, campbell, lizard_value) in cases {
        let d = measure(path, src.as_bytes(), &Options::default());
        let l = measure(path, src.as_bytes(), &lizard);
        assert_eq!(d.functions[0].cognitive, campbell, "{path} default");
        assert_eq!(
            l.functions[0].cognitive, lizard_value,
            "{path} lizard profile"
        );
    }
}

#[test]
fn an_optional_call_of_the_own_name_is_not_recursion() {
    // `onError?.(e)` inside a method `onError` calls an outside callback (lizard 1.24.3: 0);
    // a bare call of the method's own name stays recursion, as lizard counts it (1).
    let src = "const o = {\n  onError(e) {\n    onError?.(e)\n  },\n  est(p) {\n    return est(c, p)\n  },\n}\n";
    for path in ["a.ts", "a.js"] {
        let got: Vec<u32> = functions(path, src).iter().map(|f| f.4).collect();
        assert_eq!(got, vec![0, 1], "{path}");
    }
}

#[test]
fn swift_else_is_a_hybrid_increment_and_guard_else_is_its_body() {
    // tree-sitter-swift makes `else` a named leaf; it costs +1 like everywhere else, and an
    // `else if` chain stays flat. A `guard`'s mandatory `else` adds nothing. lizard 1.24.3:
    // g 2, k 3, guarded 1 (cyclomatic 2, 3, 2).
    let src = "func g(x: Int) -> Int {\n    if x > 0 { return 1 } else { return 2 }\n}\nfunc k(x: Int) -> Int {\n    if x > 0 { return 1 } else if x < 0 { return 2 } else { return 3 }\n}\nfunc guarded(x: Int?) -> Int {\n    guard let y = x else { return 0 }\n    return y\n}\n";
    assert_cc_cog(
        "a.swift",
        src,
        &[("g", 2, 2), ("k", 3, 3), ("guarded", 2, 1)],
    );
}

#[test]
fn typescript_optional_parameters_are_not_branches() {
    let src = "function a(x?: number, y?: string): number { return 1; }\nclass Q { m(a: T): A extends B ? C : D { return a; } }\n";
    let cc: Vec<u32> = functions("a.ts", src).iter().map(|f| f.3).collect();
    assert_eq!(cc, vec![1, 2]);
}

#[test]
fn rust_rules_match_lizard() {
    let src = "fn f(a: i32) -> Result<i32, E> where T: X {\n    let v = g()?;\n    match a { 1 => 2, _ => 3 }\n    let c = |x| if x { 1 } else { 2 };\n    loop { break; }\n    Ok(1)\n}\nimpl S {\n    pub fn m(&self) -> i32 { while true {} 0 }\n}\n";
    let f = functions("a.rs", src);
    let got: Vec<(&str, u32)> = f.iter().map(|f| (f.0.as_str(), f.3)).collect();
    // lizard: f = 1 + `?` + second match arm + `if` = 4... plus `where`: lizard says 5.
    assert_eq!(got, vec![("f", 5), ("S::m", 2)]);
}

#[test]
fn go_java_function_shapes() {
    let go = "package main\nfunc f(a int) int {\n\tif a > 0 && a < 3 { return 1 }\n\tswitch a { case 1: return 2; default: return 3 }\n\tgo func() { for {} }()\n\tselect { case <-c: }\n\treturn 0\n}\nfunc (s *S) M() {}\n";
    let got: Vec<(String, u32, u32)> = functions("a.go", go)
        .into_iter()
        .map(|f| (f.0, f.1, f.3))
        .collect();
    assert_eq!(
        got,
        vec![
            ("f".into(), 2, 5),
            ("f.(anonymous)".into(), 5, 2),
            ("M".into(), 9, 1)
        ]
    );
    let java = "class A {\n  A(int x) { this.x = x; }\n  int f(int a) {\n    Runnable r = () -> { if (a > 0) {} };\n    switch (a) { case 1 -> { return 1; } default -> {} }\n    try { } catch (E e) { } finally {}\n    return a > 0 ? 1 : 2;\n  }\n  class B { void g() { for (;;) {} } }\n}\n";
    let got: Vec<(String, u32)> = functions("A.java", java)
        .into_iter()
        .map(|f| (f.0, f.3))
        .collect();
    // Lambdas belong to their method (as lizard); inner-class methods are qualified.
    assert_eq!(
        got,
        vec![("A.A".into(), 1), ("A.f".into(), 5), ("A.B.g".into(), 2)]
    );
}

#[test]
fn other_languages_find_functions_and_decisions() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/snippets");
    // (file, qualified name, cyclomatic, parameters); lizard agrees on the cyclomatic
    // value except where noted.
    let cases = [
        ("sample.cs", "A.F", 4, 2),
        ("sample.kt", "A.f", 5, 2),
        ("sample.lua", "f", 5, 2),
        ("sample.php", "A.f", 6, 2),
        ("sample.rb", "A.f", 5, 2),
        ("sample.scala", "A.f", 6, 2),
        // lizard has no shell reader of its own; 1 + if, &&, elif, while.
        ("sample.sh", "f", 5, 0),
        ("sample.swift", "A.f", 6, 2),
    ];
    for (file, name, cc, params) in cases {
        let bytes = std::fs::read(dir.join(file)).expect("snippet");
        let m = measure(file, &bytes, &Options::default());
        assert!(m.diagnostics.is_empty(), "{file}: {:?}", m.diagnostics);
        assert_eq!(m.functions.len(), 1, "{file}");
        let f = &m.functions[0];
        assert_eq!(
            (f.name.as_str(), f.cyclomatic, f.parameters),
            (name, cc, params),
            "{file}"
        );
        assert!(f.halstead.volume > 0.0, "{file}");
    }
}

#[test]
fn lizard_function_boundaries_per_language() {
    // C++: the members of a struct local to a function belong to that function (lizard's
    // C++ reader sees no function inside a body); the `if` counts in `f`, unnested.
    let cpp = "int f(int a) {\n  struct S {\n    int g(int b) {\n      if (b) return 1;\n      return 0;\n    }\n  };\n  return a ? 1 : 2;\n}\n";
    let got: Vec<(String, u32, u32)> = functions("a.cc", cpp)
        .into_iter()
        .map(|f| (f.0, f.3, f.4))
        .collect();
    assert_eq!(got, vec![("f".into(), 3, 2)]);
    // C++: `a && v < b && v > -c` is one run of `&&` although tree-sitter reads
    // `v < b && v >` as a template argument list.
    let cpp = "bool f(T v) {\n  return !g(v) && v < b && v > -c;\n}\n";
    assert_eq!(functions("a.cc", cpp)[0].3, 3);
    assert_eq!(functions("a.cc", cpp)[0].4, 1);
    // C++: `if MACRO (cond)` is a syntax error; the `if` still costs +1 (and `&&` +1, the
    // first `if` +1).
    let cpp = "int w(int o) {\n  if (a && b) return o;\n  if FMT_CONSTEXPR20 (std::is_same<O, int>::value)\n    return x(o);\n  return y(o);\n}\n";
    assert_eq!(functions("a.cc", cpp)[0].3, 4);
    assert_eq!(functions("a.cc", cpp)[0].4, 3);
    // PHP: closures and `fn` arrow functions belong to the enclosing function and nest.
    let php = "<?php\nfunction a($xs) {\n  $f = fn($x) => $x > 1 ? 1 : 2;\n  $g = function ($y) { return $y ? 1 : 2; };\n}\n";
    let got: Vec<(String, u32, u32)> = functions("a.php", php)
        .into_iter()
        .map(|f| (f.0, f.3, f.4))
        .collect();
    assert_eq!(got, vec![("a".into(), 3, 4)]);
    // Ruby: lizard does not count `unless` in cyclomatic complexity; it is an `if` for
    // cognitive complexity. McCabe counts it.
    let rb = "def f(h)\n  raise 'x' unless h\n  1\nend\n";
    assert_eq!(functions("a.rb", rb)[0].3, 1);
    assert_eq!(functions("a.rb", rb)[0].4, 1);
    let opts = Options {
        cyclomatic: CyclomaticProfile::McCabe,
        ..Options::default()
    };
    assert_eq!(
        measure("a.rb", rb.as_bytes(), &opts).functions[0].cyclomatic,
        2
    );
}

#[test]
fn cognitive_complexity_follows_campbell() {
    // The white paper's sumOfPrimes: 7 (for +1, for +2, if +3, continue OUTER +1).
    let java = "class A {\n  int sumOfPrimes(int max) {\n    int total = 0;\n    OUT: for (int i = 1; i <= max; ++i) {\n      for (int j = 2; j < i; ++j) {\n        if (i % j == 0) {\n          continue OUT;\n        }\n      }\n      total += i;\n    }\n    return total;\n  }\n}\n";
    let f = &functions("A.java", java)[0];
    assert_eq!(f.4, 7);
    // getWords: a switch is +1 once, cases add nothing.
    let java = "class A {\n  String getWords(int number) {\n    switch (number) {\n      case 1:\n        return \"one\";\n      case 2:\n        return \"a couple\";\n      default:\n        return \"lots\";\n    }\n  }\n}\n";
    assert_eq!(functions("A.java", java)[0].4, 1);
    // Runs of like boolean operators: `a && b && c || d` is 2; else-if and else are +1.
    let js = "function f(a,b,c,d) {\n  if (a && b && c || d) { x(); } else if (b) { y(); } else { z(); }\n}\n";
    assert_eq!(functions("a.js", js)[0].4, 1 + 2 + 1 + 1);
    // Nesting: an if inside a loop inside an if costs 1 + 2 + 3; recursion +1.
    let py = "def f(n):\n    if n:\n        for i in n:\n            if i:\n                f(i)\n";
    assert_eq!(functions("a.py", py)[0].4, 1 + 2 + 3 + 1);
}

#[test]
fn halstead_and_maintainability() {
    let src = "def f(a, b):\n    return a + b\n";
    let m = measure("a.py", src.as_bytes(), &Options::default());
    let h = m.functions[0].halstead;
    // Operators (anonymous tokens): def ( , ) : return + ; operands: f a b a b.
    assert_eq!((h.distinct_operators, h.total_operators), (7, 7));
    assert_eq!((h.distinct_operands, h.total_operands), (3, 5));
    let n = f64::from(h.distinct_operators + h.distinct_operands);
    let big_n = f64::from(h.total_operators + h.total_operands);
    assert!((h.volume - big_n * n.log2()).abs() < 1e-9);
    assert!((h.difficulty - 7.0 / 2.0 * 5.0 / 3.0).abs() < 1e-9);
    let mi = m.maintainability_index.expect("has functions");
    let want = (171.0 - 5.2 * h.volume.ln() - 0.23 * 1.0 - 16.2 * 2f64.ln()) * 100.0 / 171.0;
    assert!((mi - want).abs() < 1e-9, "{mi} vs {want}");
}

#[test]
fn mccabe_profile_drops_lizard_extras() {
    let src = "def f(a):\n    try:\n        pass\n    finally:\n        pass\n";
    let lizard = measure("a.py", src.as_bytes(), &Options::default());
    let opts = Options {
        cyclomatic: CyclomaticProfile::McCabe,
        ..Options::default()
    };
    let mccabe = measure("a.py", src.as_bytes(), &opts);
    assert_eq!(lizard.functions[0].cyclomatic, 2);
    assert_eq!(mccabe.functions[0].cyclomatic, 1);
}

#[test]
fn logical_assignments_count_as_their_operator() {
    // `a ||= b` is `a || (a = b)`: one decision, and one logical operator for Campbell;
    // `a ??= b` is a decision but null-coalescing adds no cognitive complexity (lizard 1.24
    // agrees on all of them, for JavaScript and TypeScript alike).
    let ts = "function a(x) {\n  x.y ??= 1;\n}\nfunction b(x) {\n  x.y ||= 1;\n}\nfunction c(x) {\n  x.y &&= 1;\n}\n";
    for path in ["a.ts", "a.js"] {
        let got: Vec<(u32, u32)> = functions(path, ts).iter().map(|f| (f.3, f.4)).collect();
        assert_eq!(got, vec![(2, 0), (2, 1), (2, 1)], "{path}");
    }
    let rb = "def a(x)\n  x ||= 1\nend\ndef b(x)\n  x &&= 1\nend\n";
    let got: Vec<(u32, u32)> = functions("a.rb", rb).iter().map(|f| (f.3, f.4)).collect();
    assert_eq!(got, vec![(2, 1), (2, 1)]);
    let cs = "class A {\n  int a(int? x) {\n    x ??= 1;\n    return 0;\n  }\n}\n";
    assert_eq!(functions("a.cs", cs)[0].3, 2);
}

#[test]
fn a_structures_head_is_not_nested_by_it() {
    // Campbell nests what a structure controls, not its condition: the ternary in the `if`
    // condition is +1 (SonarSource nests an if's consequent and alternate only).
    let ts = "function a(x) {\n  if (x.a ? x.b : x.c) {\n    return;\n  }\n}\n";
    assert_eq!(functions("a.ts", ts)[0].4, 2);
    // A loop's condition too; its body is nested: while +1, ternary +1, if +2.
    let js = "function a(x) {\n  while (x ? 1 : 0) {\n    if (x) { x--; }\n  }\n}\n";
    assert_eq!(functions("a.js", js)[0].4, 4);
    // An else-if's condition stays at the level of the `if` it continues; its body is one
    // deeper: if +1, else if +1, ternary +1, nested if +2.
    let java = "class A {\n  void f(int a) {\n    if (a > 0) {\n    } else if (a < 0 ? b : c) {\n      if (a == 1) {}\n    }\n  }\n}\n";
    assert_eq!(functions("A.java", java)[0].4, 5);
    // The same for Python's `elif` (+1), whose condition holds a conditional expression (+1).
    let py = "def f(a):\n    if a:\n        pass\n    elif (1 if a else 2):\n        if a:\n            pass\n";
    assert_eq!(functions("a.py", py)[0].4, 1 + 1 + 1 + 2);
}

#[test]
fn typescript_variance_annotations_parse() {
    // TypeScript 4.7 `in`/`out` modifiers are not in the grammar; they are blanked before a
    // second parse, so the file has no syntax error and its functions are all found.
    let ts = "export interface Z<\n  /** c */\n  out T = unknown,\n  in out U extends V = W,\n> {}\ninterface Y<out extends string> {}\nfunction f(a: number) {\n  return a > 0 ? 1 : 2;\n}\n";
    let m = measure("a.ts", ts.as_bytes(), &Options::default());
    assert!(m.diagnostics.is_empty(), "{:?}", m.diagnostics);
    let got: Vec<(&str, u32, u32)> = m
        .functions
        .iter()
        .map(|f| (f.name.as_str(), f.start_line, f.cyclomatic))
        .collect();
    assert_eq!(got, vec![("f", 7, 2)]);
}

#[test]
fn ruby_and_php_rules() {
    // Ruby: `x rescue y` is a catch (+1 cyclomatic, +1 cognitive), as a `rescue` clause is.
    let rb = "def c(value)\n  x = (unescape(value) rescue value)\nend\n";
    assert_eq!(
        functions("a.rb", rb)
            .iter()
            .map(|f| (f.3, f.4))
            .collect::<Vec<_>>(),
        vec![(2, 1)]
    );
    // PHP: the short ternary `a ?: b` is no lizard decision (its PHP reader reads `?:` as
    // one token it does not list, like `??`); McCabe counts it; Campbell counts it as a
    // ternary (+1).
    let php = "<?php\nfunction a($x) {\n    $op = $x ?: '=';\n    return $x ? 1 : 2;\n}\n";
    let f = &functions("a.php", php)[0];
    assert_eq!((f.3, f.4), (2, 2));
    let opts = Options {
        cyclomatic: CyclomaticProfile::McCabe,
        ..Options::default()
    };
    assert_eq!(
        measure("a.php", php.as_bytes(), &opts).functions[0].cyclomatic,
        3
    );
}

#[test]
fn lizard_cognitive_profile_is_flat_for_ruby_and_lua() {
    // Campbell (default): if +1, nested if +2, ternary nested in both +3 = 6. lizard's
    // `-Ecognitive` counts Ruby and Lua flat: no nesting penalty, no ternary: 2.
    let rb = "def f(a, b)\n  if a\n    if b\n      x = a ? 1 : 2\n    end\n  end\nend\n";
    assert_eq!(functions("a.rb", rb)[0].4, 6);
    let lizard = Options {
        cognitive: CognitiveProfile::Lizard,
        ..Options::default()
    };
    let m = measure("a.rb", rb.as_bytes(), &lizard);
    assert_eq!(m.functions[0].cognitive, 2);
    // Nesting depth is still measured.
    assert_eq!(m.functions[0].max_nesting, 3);
    let lua = "function f(a)\n  for i = 1, a do\n    if i then\n      x = 1\n    end\n  end\nend\n";
    assert_eq!(functions("a.lua", lua)[0].4, 3);
    assert_eq!(
        measure("a.lua", lua.as_bytes(), &lizard).functions[0].cognitive,
        2
    );
    // Elsewhere both profiles are Campbell's.
    let js = "function f(a) {\n  if (a) {\n    if (a) {}\n  }\n}\n";
    assert_eq!(
        measure("a.js", js.as_bytes(), &lizard).functions[0].cognitive,
        3
    );
}

#[test]
fn multi_way_branches_and_accessors() {
    // Kotlin: a `when` with n arms is n - 1 decisions (lizard counts each `->` after the
    // first; a lambda's `->` is no decision); its `else` is the default, no hybrid +1.
    let kt = "fun a(t: Int) {\n    when (t) {\n        1 -> foo()\n        2 -> bar()\n        else -> {}\n    }\n    xs.map { x -> x + 1 }\n}\n";
    let f = &functions("a.kt", kt)[0];
    assert_eq!((f.3, f.4), (3, 1));
    // Ruby: the `else` of a `case` is its default too; an `if`'s `else` is +1.
    let rb = "def f(x)\n  case x\n  when 1 then 2\n  else 3\n  end\nend\ndef h(x)\n  if x then 1 else 2 end\nend\n";
    let got: Vec<u32> = functions("a.rb", rb).iter().map(|f| f.4).collect();
    assert_eq!(got, vec![1, 2]);
    // C#: the null-conditional `a?.b` and `a?[i]` are decisions (as `??` is, and as lizard
    // counts them); the `?` of a nullable type is not.
    let cs = "class A {\n  void b(Foo? x) {\n    x?.Bar();\n    var z = x?[0];\n    Foo? y = null;\n  }\n}\n";
    assert_eq!(functions("a.cs", cs)[0].3, 3);
    // Swift: computed-property accessors and subscripts are functions (lizard lists them).
    let swift = "class S {\n    subscript(key: String) -> Int? {\n        get { return store[key] }\n        set {\n            if let v = newValue { store[key] = v }\n        }\n    }\n}\n";
    let got: Vec<(String, u32, u32, u32)> = functions("a.swift", swift)
        .into_iter()
        .map(|f| (f.0, f.1, f.2, f.3))
        .collect();
    assert_eq!(
        got,
        vec![
            ("S.subscript".into(), 2, 7, 1),
            ("S.subscript.get".into(), 3, 3, 1),
            ("S.subscript.set".into(), 4, 6, 2),
        ]
    );
}

#[test]
fn language_can_be_overridden_by_extension() {
    use codevoyage_metrics::{Language, parse_language_override};
    let src = b"<?php\nfunction f($a) { return $a ? 1 : 2; }\n";
    // Without an override `.inc` is no known language: lines only.
    let plain = measure("lib/x.inc", src, &Options::default());
    assert_eq!(plain.language, None);
    assert!(plain.functions.is_empty());
    let opts = Options {
        language_overrides: vec![parse_language_override(".INC=php").expect("valid")],
        ..Options::default()
    };
    let m = measure("lib/x.inc", src, &opts);
    assert_eq!(m.language.as_deref(), Some("PHP"));
    assert_eq!(m.functions[0].cyclomatic, 2);
    // Overrides win over detection; other extensions are untouched.
    let opts = Options {
        language_overrides: vec![("h".into(), Language::C)],
        ..Options::default()
    };
    assert_eq!(
        measure("a.h", b"int x;\n", &opts).language.as_deref(),
        Some("C")
    );
    assert_eq!(
        measure("a.c", b"int x;\n", &opts).language.as_deref(),
        Some("C")
    );
    assert_eq!(
        measure("a.py", b"x = 1\n", &opts).language.as_deref(),
        Some("Python")
    );
    // Bad specifications are clear errors.
    for bad in ["inc", "=PHP", "inc=Klingon", "a/b=PHP"] {
        let err = parse_language_override(bad).expect_err(bad);
        assert!(err.contains(bad), "{err}");
    }
}

#[test]
fn lines_only_skips_functions() {
    let src = b"def f(a):\n    # c\n    return 1 if a else 2\n";
    let opts = Options {
        lines_only: true,
        ..Options::default()
    };
    let m = measure("a.py", src, &opts);
    assert_eq!(m.language.as_deref(), Some("Python"));
    assert_eq!((m.lines.code, m.lines.comment, m.lines.blank), (2, 1, 0));
    assert!(m.functions.is_empty() && m.diagnostics.is_empty());
    assert_eq!(m.maintainability_index, None);
    assert_eq!(measure("a.py", src, &Options::default()).functions.len(), 1);
}

#[test]
fn ruby_if_after_else_is_nested() {
    // Ruby spells else-if `elsif`; `else` opens a statement list, so an `if` (or an `if`
    // modifier) right after it is a nested `if`: if +1, else +1, nested if +2, modifier +2.
    let rb = "def f(a, b)\n  if a\n    x\n  else\n    if b\n      y\n    end\n    raise 'z' if a\n  end\nend\n";
    assert_eq!(functions("a.rb", rb)[0].4, 6);
    // `elsif` is the else-if: +1, its body at the `if`'s level + 1.
    let rb = "def f(a, b)\n  if a\n    x\n  elsif b\n    if a\n      y\n    end\n  end\nend\n";
    assert_eq!(functions("a.rb", rb)[0].4, 4);
}
