//! Languages we know: detection from path and content, display names, and the lexical
//! syntax (comments, quotes) used by the tokei-compatible line counter.

/// A language CodeVoyage recognises. Display names follow tokei's spelling so line counts
/// can be compared language by language.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Language {
    Python,
    JavaScript,
    Jsx,
    TypeScript,
    Tsx,
    Java,
    Go,
    Rust,
    C,
    CHeader,
    Cpp,
    CppHeader,
    CSharp,
    Ruby,
    Php,
    Kotlin,
    Swift,
    Scala,
    Bash,
    Shell,
    Lua,
    Json,
    Yaml,
    Toml,
    Markdown,
    Html,
    Css,
    Sql,
    ReStructuredText,
    PlainText,
    Ini,
    Xml,
    Svg,
    Makefile,
    Dockerfile,
    CMake,
    Autoconf,
    ForgeConfig,
    Batch,
    Sass,
    Less,
    Protobuf,
    Tex,
    Jinja2,
    Handlebars,
    Hcl,
}

/// How comments and strings look in a language (tokei's `languages.json` entries).
#[derive(Debug)]
pub(crate) struct LexSyntax {
    pub line_comments: &'static [&'static str],
    pub multi_line_comments: &'static [(&'static str, &'static str)],
    /// Multi-line comments may nest (`/* /* */ */` is one comment).
    pub allows_nested: bool,
    pub quotes: &'static [(&'static str, &'static str)],
    pub verbatim_quotes: &'static [(&'static str, &'static str)],
    pub doc_quotes: &'static [(&'static str, &'static str)],
    /// Extra substrings that force the careful (stateful) path for a line.
    pub important_extra: &'static [&'static str],
    /// Every non-blank line is a comment (Markdown).
    pub literate: bool,
}

const C_LIKE_Q: &[(&str, &str)] = &[("\"", "\"")];
const DQ_SQ: &[(&str, &str)] = &[("\"", "\""), ("'", "'")];
const JS_Q: &[(&str, &str)] = &[("\"", "\""), ("'", "'"), ("`", "`")];
const SLASH: &[&str] = &["//"];
const BLOCK: &[(&str, &str)] = &[("/*", "*/")];
const HASH: &[&str] = &["#"];

const fn lex(
    line_comments: &'static [&'static str],
    multi_line_comments: &'static [(&'static str, &'static str)],
    allows_nested: bool,
    quotes: &'static [(&'static str, &'static str)],
) -> LexSyntax {
    LexSyntax {
        line_comments,
        multi_line_comments,
        allows_nested,
        quotes,
        verbatim_quotes: &[],
        doc_quotes: &[],
        important_extra: &[],
        literate: false,
    }
}

static C_LIKE: LexSyntax = lex(SLASH, BLOCK, false, C_LIKE_Q);
static JS_LIKE: LexSyntax = lex(SLASH, BLOCK, false, JS_Q);
static PYTHON: LexSyntax = LexSyntax {
    doc_quotes: &[("\"\"\"", "\"\"\""), ("'''", "'''")],
    ..lex(HASH, &[], false, DQ_SQ)
};
static RUST: LexSyntax = LexSyntax {
    quotes: &[("\"", "\""), ("#\"", "\"#")],
    verbatim_quotes: &[("r##\"", "\"##"), ("r#\"", "\"#")],
    important_extra: &["///", "//!"],
    ..lex(SLASH, BLOCK, true, C_LIKE_Q)
};
static CPP: LexSyntax = LexSyntax {
    verbatim_quotes: &[("R\"(", ")\"")],
    ..lex(SLASH, BLOCK, false, C_LIKE_Q)
};
static CSHARP: LexSyntax = LexSyntax {
    verbatim_quotes: &[("@\"", "\"")],
    ..lex(SLASH, BLOCK, false, C_LIKE_Q)
};
static RUBY: LexSyntax = lex(HASH, &[("=begin", "=end")], false, DQ_SQ);
static PHP: LexSyntax = lex(&["#", "//"], BLOCK, false, DQ_SQ);
static KOTLIN: LexSyntax = lex(SLASH, BLOCK, true, &[("\"", "\""), ("\"\"\"", "\"\"\"")]);
static SWIFT: LexSyntax = lex(SLASH, BLOCK, true, C_LIKE_Q);
static SHELL: LexSyntax = lex(HASH, &[], false, DQ_SQ);
static LUA: LexSyntax = lex(&["--"], &[("--[[", "]]")], false, DQ_SQ);
static JSON: LexSyntax = lex(&[], &[], false, &[]);
static YAML: LexSyntax = lex(HASH, &[], false, DQ_SQ);
static TOML: LexSyntax = lex(
    HASH,
    &[],
    false,
    &[
        ("\"", "\""),
        ("'", "'"),
        ("\"\"\"", "\"\"\""),
        ("'''", "'''"),
    ],
);
static MARKDOWN: LexSyntax = LexSyntax {
    important_extra: &["```"],
    literate: true,
    ..lex(&[], &[], false, &[])
};
static HTML: LexSyntax = lex(&[], &[("<!--", "-->")], false, DQ_SQ);
static CSS: LexSyntax = lex(SLASH, BLOCK, false, DQ_SQ);
static SQL: LexSyntax = lex(&["--"], BLOCK, false, &[("'", "'")]);
// Documentation and configuration formats, as tokei 15's `languages.json` defines them.
static NO_COMMENTS: LexSyntax = lex(&[], &[], false, &[]);
/// tokei's "Plain Text" is literate: every non-blank line is a comment.
static PLAIN_TEXT: LexSyntax = LexSyntax {
    literate: true,
    ..lex(&[], &[], false, &[])
};
static INI: LexSyntax = lex(&[";", "#"], &[], false, &[]);
static XML: LexSyntax = lex(&[], &[("<!--", "-->")], false, DQ_SQ);
static HASH_ONLY: LexSyntax = lex(HASH, &[], false, &[]);
static TEX: LexSyntax = lex(&["%"], &[], false, &[]);
static CMAKE: LexSyntax = lex(HASH, &[], false, C_LIKE_Q);
static AUTOCONF: LexSyntax = lex(&["#", "dnl"], &[], false, &[]);
static FORGE_CONFIG: LexSyntax = lex(&["#", "~"], &[], false, &[]);
static BATCH: LexSyntax = lex(&["REM", "::"], &[], false, &[]);
static PROTOBUF: LexSyntax = lex(SLASH, &[], false, &[]);
static JINJA2: LexSyntax = lex(&[], &[("{#", "#}")], false, &[]);
static HANDLEBARS: LexSyntax = lex(&[], &[("<!--", "-->"), ("{{!", "}}")], false, DQ_SQ);
static HCL: LexSyntax = lex(&["#", "//"], BLOCK, false, C_LIKE_Q);

/// Every language, for tables and tests.
pub const ALL_LANGUAGES: &[Language] = &[
    Language::Python,
    Language::JavaScript,
    Language::Jsx,
    Language::TypeScript,
    Language::Tsx,
    Language::Java,
    Language::Go,
    Language::Rust,
    Language::C,
    Language::CHeader,
    Language::Cpp,
    Language::CppHeader,
    Language::CSharp,
    Language::Ruby,
    Language::Php,
    Language::Kotlin,
    Language::Swift,
    Language::Scala,
    Language::Bash,
    Language::Shell,
    Language::Lua,
    Language::Json,
    Language::Yaml,
    Language::Toml,
    Language::Markdown,
    Language::Html,
    Language::Css,
    Language::Sql,
    Language::ReStructuredText,
    Language::PlainText,
    Language::Ini,
    Language::Xml,
    Language::Svg,
    Language::Makefile,
    Language::Dockerfile,
    Language::CMake,
    Language::Autoconf,
    Language::ForgeConfig,
    Language::Batch,
    Language::Sass,
    Language::Less,
    Language::Protobuf,
    Language::Tex,
    Language::Jinja2,
    Language::Handlebars,
    Language::Hcl,
];

impl Language {
    /// Display name, spelled as tokei spells it.
    pub fn name(self) -> &'static str {
        match self {
            Language::Python => "Python",
            Language::JavaScript => "JavaScript",
            Language::Jsx => "JSX",
            Language::TypeScript => "TypeScript",
            Language::Tsx => "TSX",
            Language::Java => "Java",
            Language::Go => "Go",
            Language::Rust => "Rust",
            Language::C => "C",
            Language::CHeader => "C Header",
            Language::Cpp => "C++",
            Language::CppHeader => "C++ Header",
            Language::CSharp => "C#",
            Language::Ruby => "Ruby",
            Language::Php => "PHP",
            Language::Kotlin => "Kotlin",
            Language::Swift => "Swift",
            Language::Scala => "Scala",
            Language::Bash => "BASH",
            Language::Shell => "Shell",
            Language::Lua => "Lua",
            Language::Json => "JSON",
            Language::Yaml => "YAML",
            Language::Toml => "TOML",
            Language::Markdown => "Markdown",
            Language::Html => "HTML",
            Language::Css => "CSS",
            Language::Sql => "SQL",
            Language::ReStructuredText => "ReStructuredText",
            Language::PlainText => "Plain Text",
            Language::Ini => "INI",
            Language::Xml => "XML",
            Language::Svg => "SVG",
            Language::Makefile => "Makefile",
            Language::Dockerfile => "Dockerfile",
            Language::CMake => "CMake",
            Language::Autoconf => "Autoconf",
            Language::ForgeConfig => "Forge Config",
            Language::Batch => "Batch",
            Language::Sass => "Sass",
            Language::Less => "LESS",
            Language::Protobuf => "Protocol Buffers",
            Language::Tex => "TeX",
            Language::Jinja2 => "Jinja2",
            Language::Handlebars => "Handlebars",
            Language::Hcl => "HCL",
        }
    }

    /// The language whose display name (case-insensitive) is `name`; also used for
    /// Markdown code fences, which tokei recognises by full language name only.
    pub fn from_name(name: &str) -> Option<Language> {
        ALL_LANGUAGES
            .iter()
            .copied()
            .find(|l| l.name().eq_ignore_ascii_case(name))
    }

    /// Language for a file extension (without the dot), case-insensitive.
    pub fn from_extension(ext: &str) -> Option<Language> {
        let ext = ext.to_ascii_lowercase();
        Some(match ext.as_str() {
            "py" | "pyw" | "pyi" => Language::Python,
            "js" | "mjs" | "cjs" => Language::JavaScript,
            "jsx" => Language::Jsx,
            "ts" | "mts" | "cts" => Language::TypeScript,
            "tsx" => Language::Tsx,
            "java" => Language::Java,
            "go" => Language::Go,
            "rs" => Language::Rust,
            "c" | "ec" | "pgc" => Language::C,
            "h" => Language::CHeader,
            "cc" | "cpp" | "cxx" | "c++" | "pcc" | "tpp" => Language::Cpp,
            "hh" | "hpp" | "hxx" | "inl" | "ipp" => Language::CppHeader,
            "cs" | "csx" => Language::CSharp,
            "rb" => Language::Ruby,
            "php" => Language::Php,
            "kt" | "kts" => Language::Kotlin,
            "swift" => Language::Swift,
            "scala" | "sc" => Language::Scala,
            "bash" => Language::Bash,
            "sh" => Language::Shell,
            "lua" | "luau" => Language::Lua,
            "json" => Language::Json,
            "yaml" | "yml" => Language::Yaml,
            "toml" => Language::Toml,
            "md" | "markdown" => Language::Markdown,
            "html" | "htm" => Language::Html,
            "css" => Language::Css,
            "sql" => Language::Sql,
            "rst" => Language::ReStructuredText,
            "txt" | "text" => Language::PlainText,
            "ini" => Language::Ini,
            "xml" => Language::Xml,
            "svg" => Language::Svg,
            "makefile" | "mak" | "mk" => Language::Makefile,
            "dockerfile" | "dockerignore" => Language::Dockerfile,
            "cmake" => Language::CMake,
            "in" => Language::Autoconf,
            "cfg" => Language::ForgeConfig,
            "bat" | "btm" | "cmd" => Language::Batch,
            "sass" | "scss" => Language::Sass,
            "less" => Language::Less,
            "proto" => Language::Protobuf,
            "tex" | "sty" => Language::Tex,
            "j2" | "jinja" => Language::Jinja2,
            "hbs" | "handlebars" => Language::Handlebars,
            "hcl" | "tf" | "tfvars" => Language::Hcl,
            _ => return None,
        })
    }

    pub(crate) fn lex(self) -> &'static LexSyntax {
        match self {
            Language::Python => &PYTHON,
            Language::JavaScript | Language::Jsx | Language::TypeScript | Language::Tsx => &JS_LIKE,
            Language::Java | Language::Go | Language::C | Language::CHeader => &C_LIKE,
            Language::CppHeader | Language::Scala => &C_LIKE,
            Language::Rust => &RUST,
            Language::Cpp => &CPP,
            Language::CSharp => &CSHARP,
            Language::Ruby => &RUBY,
            Language::Php => &PHP,
            Language::Kotlin => &KOTLIN,
            Language::Swift => &SWIFT,
            Language::Bash | Language::Shell => &SHELL,
            Language::Lua => &LUA,
            Language::Json => &JSON,
            Language::Yaml => &YAML,
            Language::Toml => &TOML,
            Language::Markdown => &MARKDOWN,
            Language::Html => &HTML,
            Language::Css => &CSS,
            Language::Sql => &SQL,
            // tokei knows these by extension and counts comments in a few of them.
            Language::ReStructuredText => &NO_COMMENTS,
            Language::PlainText => &PLAIN_TEXT,
            Language::Ini => &INI,
            Language::Xml | Language::Svg => &XML,
            Language::Makefile => &HASH_ONLY,
            Language::Tex => &TEX,
            Language::Dockerfile => &SHELL,
            Language::CMake => &CMAKE,
            Language::Autoconf => &AUTOCONF,
            Language::ForgeConfig => &FORGE_CONFIG,
            Language::Batch => &BATCH,
            Language::Sass | Language::Less => &CSS,
            Language::Protobuf => &PROTOBUF,
            Language::Jinja2 => &JINJA2,
            Language::Handlebars => &HANDLEBARS,
            Language::Hcl => &HCL,
        }
    }
}

/// Detects the language of a file from its path (extension, then well-known file names)
/// and, failing that, from a shebang in its first bytes.
pub fn detect_language(path: &str, head: &[u8]) -> Option<Language> {
    let file_name = path.rsplit(['/', '\\']).next().unwrap_or(path);
    // tokei matches these file names (case-insensitively) before looking at the extension,
    // so `CMakeLists.txt` is CMake, not plain text.
    match file_name.to_ascii_lowercase().as_str() {
        "cmakelists.txt" => return Some(Language::CMake),
        "makefile" | "gnumakefile" => return Some(Language::Makefile),
        "dockerfile" => return Some(Language::Dockerfile),
        _ => {}
    }
    if let Some((stem, ext)) = file_name.rsplit_once('.')
        && !stem.is_empty()
        && let Some(lang) = Language::from_extension(ext)
    {
        return Some(lang);
    }
    match file_name {
        "Gemfile" | "Rakefile" | "Guardfile" | "Podfile" | "Vagrantfile" => {
            return Some(Language::Ruby);
        }
        ".bashrc" | ".bash_profile" | ".bash_aliases" | "PKGBUILD" => {
            return Some(Language::Bash);
        }
        ".profile" | ".zshrc" => return Some(Language::Shell),
        "Cargo.lock" | "Pipfile" => return Some(Language::Toml),
        _ => {}
    }
    detect_shebang(head)
}

fn detect_shebang(head: &[u8]) -> Option<Language> {
    let first = head.split(|&b| b == b'\n').next()?;
    let first = first.strip_prefix(b"#!")?;
    let text = std::str::from_utf8(first).ok()?;
    let mut words = text.split_whitespace();
    let mut prog = words.next()?.rsplit('/').next()?;
    if prog == "env" {
        // `#!/usr/bin/env -S python3 -u`: skip options.
        prog = words.find(|w| !w.starts_with('-'))?;
    }
    let prog = prog.trim_end_matches(|c: char| c.is_ascii_digit() || c == '.');
    Some(match prog {
        "python" | "pypy" => Language::Python,
        "node" | "nodejs" | "deno" => Language::JavaScript,
        "bash" => Language::Bash,
        "sh" | "dash" | "zsh" | "ksh" => Language::Shell,
        "ruby" => Language::Ruby,
        "php" => Language::Php,
        "lua" | "luajit" => Language::Lua,
        "ts-node" => Language::TypeScript,
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn detects_by_extension_name_and_shebang() {
        assert_eq!(detect_language("a/b/x.PY", b""), Some(Language::Python));
        assert_eq!(detect_language("src/lib.rs", b""), Some(Language::Rust));
        assert_eq!(detect_language("x.hpp", b""), Some(Language::CppHeader));
        assert_eq!(detect_language("Gemfile", b""), Some(Language::Ruby));
        assert_eq!(
            detect_language("bin/tool", b"#!/usr/bin/env python3\nprint(1)\n"),
            Some(Language::Python)
        );
        assert_eq!(
            detect_language("run", b"#!/bin/bash\n"),
            Some(Language::Bash)
        );
        assert_eq!(detect_language("README", b"hello"), None);
        assert_eq!(
            detect_language("docs/index.rst", b""),
            Some(Language::ReStructuredText)
        );
        assert_eq!(
            detect_language("requirements.txt", b""),
            Some(Language::PlainText)
        );
        assert_eq!(
            detect_language("x/CMakeLists.txt", b""),
            Some(Language::CMake)
        );
        assert_eq!(
            detect_language("GNUmakefile", b""),
            Some(Language::Makefile)
        );
        assert_eq!(
            detect_language("Dockerfile", b""),
            Some(Language::Dockerfile)
        );
        assert_eq!(
            detect_language("MANIFEST.in", b""),
            Some(Language::Autoconf)
        );
        assert_eq!(detect_language(".gitignore", b""), None);
        assert_eq!(detect_language(".py", b""), None);
        assert_eq!(Language::Cpp.name(), "C++");
        assert_eq!(Language::from_name("c#"), Some(Language::CSharp));
    }
}
