//! Code metrics engine: bytes of a source file in, `FileMetrics` out.
//!
//! Line counts follow tokei's rules (see [`lines`]); per-function metrics come from one
//! pass over a tree-sitter syntax tree with a static table of node kinds per language
//! (see `spec.rs`): cyclomatic complexity by lizard's counting rules (or strict McCabe),
//! cognitive complexity after G. Ann Campbell, parameters, nesting and Halstead measures,
//! and a per-file maintainability index in the Visual Studio 0–100 form. The crate
//! README documents every formula and counting rule.

#[cfg(feature = "fs")]
pub mod fs;
mod lang;
pub mod lines;
mod spec;
mod walk;

pub use codevoyage_model::{FileMetrics, FunctionMetrics, Halstead, LineCounts};
pub use lang::{ALL_LANGUAGES, Language, detect_language};
use std::time::Duration;

/// Which rules count cyclomatic complexity.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum CyclomaticProfile {
    /// lizard's lexical rules: 1 + each decision keyword or operator token, including
    /// `case` labels, `&&`/`||`, `?`, and per-language extras (Python `finally`, Rust `?`).
    #[default]
    Lizard,
    /// Strict McCabe: 1 + decision points only (no `finally`, Rust `?` or C `#if`).
    McCabe,
}

/// Which rules count cognitive complexity.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum CognitiveProfile {
    /// G. Ann Campbell's specification in every language: structures cost +1 plus their
    /// nesting level, ternaries count.
    #[default]
    Campbell,
    /// lizard's `-Ecognitive` reading: the same, except for the languages it cannot nest
    /// from its token stream (Ruby, Lua), which it counts flat: no nesting penalty and no
    /// ternary; and lambdas or closures that are not functions of their own add no nesting
    /// level outside C++, Java, C# and Python. For comparing with lizard's numbers.
    Lizard,
}

/// Measuring options; `Options::default()` is what the CLI and the pipeline use.
#[derive(Debug, Clone)]
pub struct Options {
    /// Files larger than this get line counts only, plus a diagnostic.
    pub max_bytes: u64,
    /// Time allowed to parse one file; past it the file gets line counts only.
    pub parse_budget: Duration,
    pub cyclomatic: CyclomaticProfile,
    pub cognitive: CognitiveProfile,
    /// Extension (lowercase, without the dot) → language, checked before detection
    /// (`--language inc=PHP`). See [`parse_language_override`].
    pub language_overrides: Vec<(String, Language)>,
    /// Count lines only: no parsing, no functions (`--lines-only`, tokei's job).
    pub lines_only: bool,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            max_bytes: 2 * 1024 * 1024,
            parse_budget: Duration::from_secs(2),
            cyclomatic: CyclomaticProfile::Lizard,
            cognitive: CognitiveProfile::Campbell,
            language_overrides: Vec::new(),
            lines_only: false,
        }
    }
}

/// Parses a language override `EXT=LANGUAGE` (`inc=PHP`, `.h=C`): the extension with or
/// without its dot, the language by its display name (case-insensitive, as tokei spells it).
pub fn parse_language_override(spec: &str) -> Result<(String, Language), String> {
    let Some((ext, name)) = spec.split_once('=') else {
        return Err(format!(
            "language override {spec:?} is not EXT=LANGUAGE (for example inc=PHP)"
        ));
    };
    let ext = ext.trim().trim_start_matches('.').to_ascii_lowercase();
    if ext.is_empty() || ext.contains(['/', '\\']) {
        return Err(format!(
            "language override {spec:?}: give a file extension before '=' (for example inc=PHP)"
        ));
    }
    let lang = Language::from_name(name.trim()).ok_or_else(|| {
        let known: Vec<&str> = ALL_LANGUAGES.iter().map(|l| l.name()).collect();
        format!(
            "language override {spec:?}: unknown language {:?}; known: {}",
            name.trim(),
            known.join(", ")
        )
    })?;
    Ok((ext, lang))
}

/// The language of `path`: an override for its extension, else [`detect_language`].
pub fn language_of(path: &str, head: &[u8], overrides: &[(String, Language)]) -> Option<Language> {
    if !overrides.is_empty() {
        let file_name = path.rsplit(['/', '\\']).next().unwrap_or(path);
        if let Some((stem, ext)) = file_name.rsplit_once('.')
            && !stem.is_empty()
            && let Some((_, lang)) = overrides.iter().find(|(e, _)| e.eq_ignore_ascii_case(ext))
        {
            return Some(*lang);
        }
    }
    detect_language(path, head)
}

/// Bytes inspected by binary sniffing, like git's own heuristic.
const SNIFF_BYTES: usize = 8 * 1024;

/// True when the content looks binary (a NUL byte in the first 8 KiB).
pub fn is_binary(bytes: &[u8]) -> bool {
    bytes[..bytes.len().min(SNIFF_BYTES)].contains(&0)
}

/// Measures one file. Never panics and never hangs: binary content is flagged and
/// skipped, oversized files and files that exceed the parse budget get line counts only,
/// and syntax errors give partial function results; each case adds a diagnostic.
pub fn measure(path: &str, bytes: &[u8], opts: &Options) -> FileMetrics {
    let mut out = FileMetrics {
        language: None,
        lines: LineCounts::default(),
        bytes: bytes.len() as u64,
        functions: Vec::new(),
        cyclomatic: 0,
        cognitive: 0,
        maintainability_index: None,
        binary: false,
        diagnostics: Vec::new(),
    };
    if is_binary(bytes) {
        out.binary = true;
        return out;
    }
    let lang = language_of(
        path,
        &bytes[..bytes.len().min(256)],
        &opts.language_overrides,
    );
    out.language = lang.map(|l| l.name().to_owned());
    out.lines = match lang {
        Some(l) => lines::count_lines(l, bytes),
        None => lines::count_plain(bytes),
    };
    let Some(lang) = lang else { return out };
    if opts.lines_only {
        return out;
    }
    if bytes.len() as u64 > opts.max_bytes {
        out.diagnostics.push(format!(
            "file is {} bytes, above the {} byte limit: only lines were counted",
            bytes.len(),
            opts.max_bytes
        ));
        return out;
    }
    if let Some(measured) = walk::measure_functions(lang, bytes, opts) {
        out.functions = measured.functions;
        out.diagnostics = measured.diagnostics;
    }
    out.cyclomatic = out.functions.iter().map(|f| f.cyclomatic).sum();
    out.cognitive = out.functions.iter().map(|f| f.cognitive).sum();
    out.maintainability_index = maintainability_index(&out);
    out
}

/// Visual Studio's maintainability index over the whole file:
/// `max(0, (171 − 5.2 ln V − 0.23 CC − 16.2 ln LOC) × 100 / 171)` with V the sum of the
/// functions' Halstead volumes, CC the sum of their cyclomatic complexities and LOC the
/// file's code lines. `None` for a file without functions.
pub fn maintainability_index(file: &FileMetrics) -> Option<f64> {
    if file.functions.is_empty() {
        return None;
    }
    let volume: f64 = file.functions.iter().map(|f| f.halstead.volume).sum();
    let cc = f64::from(file.cyclomatic);
    let loc = file.lines.code.max(1) as f64;
    let raw = 171.0 - 5.2 * volume.max(1.0).ln() - 0.23 * cc - 16.2 * loc.ln();
    Some((raw * 100.0 / 171.0).clamp(0.0, 100.0))
}

/// Why a file should be treated as vendored, generated or minified, if it should.
pub fn is_generated_or_vendored(path: &str, bytes: &[u8]) -> Option<&'static str> {
    let lower = path.replace('\\', "/").to_ascii_lowercase();
    let segments: Vec<&str> = lower.split('/').collect();
    let dirs = &segments[..segments.len().saturating_sub(1)];
    if dirs.iter().any(|d| {
        matches!(
            *d,
            "vendor"
                | "vendors"
                | "node_modules"
                | "third_party"
                | "third-party"
                | "bower_components"
                | "external"
                | "extern"
                | ".yarn"
        )
    }) {
        return Some("vendored");
    }
    let file = segments.last().copied().unwrap_or("");
    if file.contains(".min.") || file.ends_with("-min.js") {
        return Some("minified");
    }
    if matches!(
        file,
        "package-lock.json"
            | "yarn.lock"
            | "pnpm-lock.yaml"
            | "cargo.lock"
            | "poetry.lock"
            | "composer.lock"
            | "gemfile.lock"
            | "go.sum"
    ) || file.ends_with(".pb.go")
        || file.ends_with("_pb2.py")
        || file.ends_with(".g.dart")
        || file.ends_with(".designer.cs")
        || file.ends_with(".generated.ts")
    {
        return Some("generated");
    }
    let head = &bytes[..bytes.len().min(1024)];
    let head_text = String::from_utf8_lossy(head).to_ascii_lowercase();
    if head_text.contains("@generated")
        || head_text.contains("do not edit")
        || head_text.contains("code generated by")
        || head_text.contains("autogenerated")
        || head_text.contains("auto-generated")
    {
        return Some("generated");
    }
    // Minified: long average line length on a file of some size.
    if bytes.len() > 2048 {
        let lines = bytes.iter().filter(|&&b| b == b'\n').count() + 1;
        if bytes.len() / lines > 250 {
            return Some("minified");
        }
    }
    None
}
