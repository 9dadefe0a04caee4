//! Migrations: the code base moving from one language, dependency or layout to another.
//!
//! **Language share over time.** Each file lineage is given a language from the extension of
//! its path *at the time* (a rename `a.js → a.ts` moves its lines from JavaScript to
//! TypeScript; [`language_of`] lists the extensions, spelled as tokei names the languages;
//! files of other extensions are left out). Replaying the commits oldest first, a file's line
//! count is the running sum of its `added − removed` lines (never below 0; a deletion removes
//! every line, a binary file has none). At the end of every calendar month (UTC) from the first
//! commit to the last, `lines[language]` is the sum of the line counts of that language's files
//! and `files[language]` the number of its files holding at least one line.
//!
//! **Language migrations.** For the pairs in [`MIGRATION_PAIRS`] (JavaScript → TypeScript,
//! Java → Kotlin, Objective-C → Swift, CoffeeScript → JavaScript), at the last month
//! `done = to / (from + to)` in lines, and `trend = done − done_a_year_earlier` (in fraction
//! points per 12 months; 0 lines a year earlier counts as 0 done). A pair is reported once both
//! languages held lines in the same month and the target holds at least
//! [`MigrationOptions::min_lines`] lines: `finished` when the source has no lines left,
//! `active` when `trend ≥ min_trend` (5 points a year by default), else `stalled`.
//! Python 2 → 3 and other migrations within one extension are out of reach of this measure.
//!
//! **Dependency swaps.** The pipeline reads every version of the dependency manifests
//! ([`is_manifest`]: `package.json`, `Cargo.toml`, `requirements*.txt`, `pyproject.toml`,
//! `go.mod`, `pom.xml`, outside vendored folders such as `node_modules/` and `vendor/`) at the
//! commits that changed them and parses them with
//! [`parse_manifest`]. Replayed in time order, per ecosystem (npm, cargo, pypi, go, maven), a
//! dependency *leaves* when it is no longer listed in any manifest of its ecosystem and
//! *arrives* when it is first listed in one; a leave undone by a new arrival of the same name
//! within the window (and an arrival within the window after the same name left) is a move
//! between manifests, not a change, and is dropped. A *swap* pairs a dependency leaving with
//! another arriving in the same ecosystem within [`MigrationOptions::swap_window_days`] (30 by
//! default), unless more than [`MigrationOptions::max_swap_group`] (3) dependencies left or
//! arrived in that window around it: a wholesale rewrite pairs everything with everything and
//! says nothing.
//!
//! **Folder moves.** From the rename events of the [`History`] (git renames, and pure moves the
//! history infers from a deletion plus an addition of the same file name and size), a file
//! moved to another folder under the same file name counts for the folder move
//! `from → to`, where `from` and `to` are its old and new folders with their common trailing
//! folders removed (`flask/json/tag.py → src/flask/json/tag.py` is the move
//! `flask → src/flask`: when one side would become empty, the outermost common folder is kept).
//! Moves are grouped per commit and reported when they carry at least
//! [`MigrationOptions::min_move_files`] files (5 by default).

use crate::findings::{Evidence, Finding, FindingKind, Severity};
use crate::history::{DAY, FileId, History};
use crate::team::{month_index, month_label};
use serde::Serialize;
use std::collections::{BTreeMap, BTreeSet, HashMap};

/// Options of [`migrations`].
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct MigrationOptions {
    /// Smallest target-language size, in lines, for a language migration. Default 100.
    pub min_lines: u64,
    /// Smallest yearly gain of `done` for an active migration. Default 0.05.
    pub min_trend: f64,
    /// Days between a dependency leaving and another arriving for a swap. Default 30.
    pub swap_window_days: i64,
    /// Largest number of leaves (or arrivals) around a swap. Default 3.
    pub max_swap_group: usize,
    /// Smallest folder move, in files. Default 5.
    pub min_move_files: u32,
    /// Findings cover swaps and moves of the last this many days. Default 365.
    pub recent_days: i64,
}

impl Default for MigrationOptions {
    fn default() -> Self {
        Self {
            min_lines: 100,
            min_trend: 0.05,
            swap_window_days: 30,
            max_swap_group: 3,
            min_move_files: 5,
            recent_days: 365,
        }
    }
}

/// The language of a path by its extension, spelled as tokei spells it; `None` for files that
/// are not source code (documentation, configuration, data) or unknown extensions.
pub fn language_of(path: &str) -> Option<&'static str> {
    let name = path.rsplit('/').next().unwrap_or(path);
    let (_, ext) = name.rsplit_once('.')?;
    Some(match ext.to_ascii_lowercase().as_str() {
        "py" | "pyw" | "pyi" => "Python",
        "js" | "mjs" | "cjs" => "JavaScript",
        "jsx" => "JSX",
        "ts" | "mts" | "cts" => "TypeScript",
        "tsx" => "TSX",
        "java" => "Java",
        "kt" | "kts" => "Kotlin",
        "go" => "Go",
        "rs" => "Rust",
        "c" => "C",
        "h" => "C Header",
        "cc" | "cpp" | "cxx" | "c++" => "C++",
        "hh" | "hpp" | "hxx" => "C++ Header",
        "cs" => "C#",
        "rb" => "Ruby",
        "php" => "PHP",
        "swift" => "Swift",
        "m" => "Objective-C",
        "mm" => "Objective-C++",
        "scala" | "sc" => "Scala",
        "coffee" => "CoffeeScript",
        "lua" => "Lua",
        "sh" => "Shell",
        "bash" => "BASH",
        "dart" => "Dart",
        "ex" | "exs" => "Elixir",
        "erl" => "Erlang",
        "clj" | "cljs" => "Clojure",
        "hs" => "Haskell",
        "ml" => "OCaml",
        "fs" => "F#",
        "vue" => "Vue",
        "svelte" => "Svelte",
        "groovy" => "Groovy",
        "pl" | "pm" => "Perl",
        "r" => "R",
        "css" => "CSS",
        "scss" | "sass" => "Sass",
        "less" => "LESS",
        "html" | "htm" => "HTML",
        "sql" => "SQL",
        _ => return None,
    })
}

/// Known migrations: a name, the source languages and the target languages.
pub const MIGRATION_PAIRS: [(&str, &[&str], &[&str]); 4] = [
    (
        "JavaScript → TypeScript",
        &["JavaScript", "JSX"],
        &["TypeScript", "TSX"],
    ),
    ("Java → Kotlin", &["Java"], &["Kotlin"]),
    (
        "Objective-C → Swift",
        &["Objective-C", "Objective-C++"],
        &["Swift"],
    ),
    (
        "CoffeeScript → JavaScript",
        &["CoffeeScript"],
        &["JavaScript", "JSX"],
    ),
];

/// Lines and files per language at the end of one month.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct LanguageMonth {
    /// `YYYY-MM` (UTC).
    pub month: String,
    /// Languages with at least one line.
    pub lines: BTreeMap<String, u64>,
    pub files: BTreeMap<String, u64>,
}

/// State of a language migration.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum MigrationStatus {
    Active,
    Stalled,
    Finished,
}

/// A language migration between one of the [`MIGRATION_PAIRS`].
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct LanguageMigration {
    pub name: String,
    pub from_lines: u64,
    pub to_lines: u64,
    /// `to / (from + to)` at the last month.
    pub done: f64,
    /// `done` twelve months before the last month.
    pub done_year_before: f64,
    /// `done − done_year_before`.
    pub trend: f64,
    /// First month both languages held lines.
    pub since: String,
    pub status: MigrationStatus,
}

/// One version of a dependency manifest, read at a commit that changed it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ManifestVersion {
    /// Author time of the commit.
    pub time: i64,
    pub path: String,
    /// The dependencies listed (from [`parse_manifest`]); empty when the commit deleted it.
    pub dependencies: Vec<String>,
}

/// A dependency leaving as another arrives.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct DependencySwap {
    pub ecosystem: String,
    pub removed: String,
    pub added: String,
    pub removed_at: i64,
    pub added_at: i64,
    /// The manifest the removed dependency was last listed in.
    pub manifest: String,
}

/// One dependency arriving or leaving.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct DependencyEvent {
    pub ecosystem: String,
    pub name: String,
    pub time: i64,
    pub manifest: String,
    /// `true` for an arrival, `false` for a leave.
    pub arrived: bool,
}

/// Moves of many files from one folder to another in one commit.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FolderMove {
    pub time: i64,
    pub from: String,
    pub to: String,
    pub files: u32,
}

/// What [`migrations`] computes.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct MigrationsReport {
    pub languages: Vec<LanguageMonth>,
    pub language_migrations: Vec<LanguageMigration>,
    /// Newest first.
    pub dependency_swaps: Vec<DependencySwap>,
    /// Arrivals and leaves, oldest first.
    pub dependency_events: Vec<DependencyEvent>,
    /// Manifest versions read (the pipeline's input).
    pub manifest_versions: u64,
    /// Newest first.
    pub folder_moves: Vec<FolderMove>,
    pub options: MigrationOptions,
}

/// Runs the migrations analysis over the history and the manifest versions (any order).
pub fn migrations(
    h: &History,
    manifests: &[ManifestVersion],
    opts: &MigrationOptions,
) -> MigrationsReport {
    let languages = language_share(h);
    let (dependency_events, dependency_swaps) = dependency_changes(manifests, opts);
    MigrationsReport {
        language_migrations: language_migrations(&languages, opts),
        languages,
        dependency_swaps,
        dependency_events,
        manifest_versions: manifests.len() as u64,
        folder_moves: folder_moves(h, opts),
        options: *opts,
    }
}

/// Lines and files per language at the end of each month. See the module documentation.
pub fn language_share(h: &History) -> Vec<LanguageMonth> {
    let n = h.files().len();
    // Each lineage's first path: the `from` of its first rename, else its latest name.
    let mut first_path: Vec<Option<&str>> = vec![None; n];
    for r in h.renames() {
        let slot = &mut first_path[r.file as usize];
        if slot.is_none() {
            *slot = Some(&r.from);
        }
    }
    let mut lang: Vec<Option<&'static str>> = (0..n)
        .map(|i| language_of(first_path[i].unwrap_or(&h.files()[i].path)))
        .collect();
    let mut lines: Vec<u64> = vec![0; n];
    let mut totals: BTreeMap<&'static str, (u64, u64)> = BTreeMap::new();
    let mut out: Vec<LanguageMonth> = Vec::new();
    let snapshot = |month: i64, totals: &BTreeMap<&'static str, (u64, u64)>| LanguageMonth {
        month: month_label(month),
        lines: totals
            .iter()
            .filter(|(_, t)| t.0 > 0)
            .map(|(l, t)| ((*l).to_string(), t.0))
            .collect(),
        files: totals
            .iter()
            .filter(|(_, t)| t.1 > 0)
            .map(|(l, t)| ((*l).to_string(), t.1))
            .collect(),
    };
    let mut renames = h.renames().iter().peekable();
    let mut current: Option<i64> = None;
    for (i, c) in h.commits().enumerate() {
        let m = month_index(c.time);
        match current {
            None => current = Some(m),
            // Times of a replayed graph are not monotonic: a commit dated earlier than the
            // month being filled counts in the current month.
            Some(cur) if m > cur => {
                for month in cur..m {
                    out.push(snapshot(month, &totals));
                }
                current = Some(m);
            }
            Some(_) => {}
        }
        while let Some(r) = renames.next_if(|r| r.commit as usize <= i) {
            let f = r.file as usize;
            let new = language_of(&r.to);
            if new != lang[f] {
                move_lines(&mut totals, lang[f], new, lines[f]);
                lang[f] = new;
            }
        }
        for r in c.changes {
            let f = r.file as usize;
            let old = lines[f];
            let new = (old + u64::from(r.added)).saturating_sub(u64::from(r.removed));
            lines[f] = new;
            if let Some(l) = lang[f] {
                let t = totals.entry(l).or_default();
                // Totals are sums of the files' counts, so they never go below a file's.
                t.0 = (t.0 + new).saturating_sub(old);
                t.1 = (t.1 + u64::from(new > 0)).saturating_sub(u64::from(old > 0));
            }
        }
    }
    if let Some(cur) = current {
        out.push(snapshot(cur, &totals));
    }
    out
}

/// Moves a file's lines (and the file) from one language's totals to another's.
fn move_lines(
    totals: &mut BTreeMap<&'static str, (u64, u64)>,
    from: Option<&'static str>,
    to: Option<&'static str>,
    lines: u64,
) {
    if lines == 0 {
        return;
    }
    if let Some(l) = from {
        let t = totals.entry(l).or_default();
        t.0 = t.0.saturating_sub(lines);
        t.1 = t.1.saturating_sub(1);
    }
    if let Some(l) = to {
        let t = totals.entry(l).or_default();
        t.0 += lines;
        t.1 += 1;
    }
}

fn sum(month: &LanguageMonth, langs: &[&str]) -> u64 {
    langs
        .iter()
        .map(|l| month.lines.get(*l).copied().unwrap_or(0))
        .sum()
}

fn done(from: u64, to: u64) -> f64 {
    if from + to == 0 {
        0.0
    } else {
        to as f64 / (from + to) as f64
    }
}

/// Detects the [`MIGRATION_PAIRS`] in a language series. See the module documentation.
pub fn language_migrations(
    months: &[LanguageMonth],
    opts: &MigrationOptions,
) -> Vec<LanguageMigration> {
    let Some(last) = months.last() else {
        return Vec::new();
    };
    let mut out = Vec::new();
    for (name, from, to) in MIGRATION_PAIRS {
        let Some(since) = months
            .iter()
            .find(|m| sum(m, from) > 0 && sum(m, to) > 0)
            .map(|m| m.month.clone())
        else {
            continue;
        };
        let (f, t) = (sum(last, from), sum(last, to));
        if t < opts.min_lines {
            continue;
        }
        let before = months
            .len()
            .checked_sub(13)
            .map_or(0.0, |i| done(sum(&months[i], from), sum(&months[i], to)));
        let now = done(f, t);
        let trend = now - before;
        let status = if f == 0 {
            MigrationStatus::Finished
        } else if trend >= opts.min_trend {
            MigrationStatus::Active
        } else {
            MigrationStatus::Stalled
        };
        out.push(LanguageMigration {
            name: name.to_string(),
            from_lines: f,
            to_lines: t,
            done: now,
            done_year_before: before,
            trend,
            since,
            status,
        });
    }
    out
}

/// Folders whose manifests describe someone else's project (vendored or installed copies):
/// their dependencies are not the repository's.
const VENDORED: [&str; 5] = [
    "node_modules",
    "vendor",
    "third_party",
    "bower_components",
    "site-packages",
];

/// The ecosystem of a manifest path, `None` when it is not a manifest or lies in a vendored
/// folder ([`VENDORED`]).
pub fn manifest_ecosystem(path: &str) -> Option<&'static str> {
    let mut parts = path.rsplit('/');
    let name = parts.next().unwrap_or(path);
    if parts.any(|folder| VENDORED.contains(&folder)) {
        return None;
    }
    match name {
        "package.json" => Some("npm"),
        "Cargo.toml" => Some("cargo"),
        "pyproject.toml" => Some("pypi"),
        "go.mod" => Some("go"),
        "pom.xml" => Some("maven"),
        _ if name.starts_with("requirements") && name.ends_with(".txt") => Some("pypi"),
        _ => None,
    }
}

/// True for the dependency manifests the migrations analysis reads.
pub fn is_manifest(path: &str) -> bool {
    manifest_ecosystem(path).is_some()
}

/// A PEP 503 normalised Python project name: lowercase, runs of `-_.` as one `-`.
fn pep503(name: &str) -> String {
    let mut out = String::with_capacity(name.len());
    for c in name.chars() {
        if matches!(c, '-' | '_' | '.') {
            if !out.ends_with('-') {
                out.push('-');
            }
        } else {
            out.push(c.to_ascii_lowercase());
        }
    }
    out
}

/// The project name at the start of a PEP 508 requirement (`flask[async]>=2; python_version…`).
fn pep508_name(req: &str) -> Option<String> {
    let req = req.trim();
    let end = req
        .find(|c: char| !(c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.')))
        .unwrap_or(req.len());
    (end > 0).then(|| pep503(&req[..end]))
}

/// The dependencies a manifest lists, sorted and deduplicated. Errors say what is wrong with the
/// file; the caller treats them as a diagnostic (the version is skipped).
///
/// - `package.json`: the keys of `dependencies`, `devDependencies`, `peerDependencies` and
///   `optionalDependencies`;
/// - `Cargo.toml`: the keys of `[dependencies]`, `[dev-dependencies]`, `[build-dependencies]`,
///   their `[target.*.…]` forms and `[workspace.dependencies]`;
/// - `pyproject.toml`: the names of `project.dependencies`, `project.optional-dependencies`,
///   and the keys of Poetry's `tool.poetry.(dev-)dependencies` and groups (not `python`),
///   PEP 503 normalised;
/// - `requirements*.txt`: one requirement per line (comments, options and URLs skipped);
/// - `go.mod`: the module paths of `require` lines and blocks;
/// - `pom.xml`: `groupId:artifactId` of each `<dependency>`.
pub fn parse_manifest(path: &str, bytes: &[u8]) -> Result<Vec<String>, String> {
    let text = std::str::from_utf8(bytes).map_err(|_| format!("{path} is not UTF-8"))?;
    let name = path.rsplit('/').next().unwrap_or(path);
    let mut deps: BTreeSet<String> = BTreeSet::new();
    match name {
        "package.json" => {
            let v: serde_json::Value =
                serde_json::from_str(text).map_err(|e| format!("{path} is not valid JSON: {e}"))?;
            for key in [
                "dependencies",
                "devDependencies",
                "peerDependencies",
                "optionalDependencies",
            ] {
                if let Some(obj) = v.get(key).and_then(|d| d.as_object()) {
                    deps.extend(obj.keys().cloned());
                }
            }
        }
        "Cargo.toml" => {
            let v: toml::Table =
                toml::from_str(text).map_err(|e| format!("{path} is not valid TOML: {e}"))?;
            let mut tables: Vec<&toml::Table> = Vec::new();
            let sections = ["dependencies", "dev-dependencies", "build-dependencies"];
            for s in sections {
                tables.extend(v.get(s).and_then(|t| t.as_table()));
            }
            if let Some(targets) = v.get("target").and_then(|t| t.as_table()) {
                for t in targets.values().filter_map(|t| t.as_table()) {
                    for s in sections {
                        tables.extend(t.get(s).and_then(|t| t.as_table()));
                    }
                }
            }
            tables.extend(
                v.get("workspace")
                    .and_then(|w| w.get("dependencies"))
                    .and_then(|t| t.as_table()),
            );
            for t in tables {
                deps.extend(t.keys().cloned());
            }
        }
        "pyproject.toml" => {
            let v: toml::Table =
                toml::from_str(text).map_err(|e| format!("{path} is not valid TOML: {e}"))?;
            let strings = |a: Option<&toml::Value>| -> Vec<String> {
                a.and_then(|a| a.as_array())
                    .map(|a| {
                        a.iter()
                            .filter_map(|s| s.as_str().and_then(pep508_name))
                            .collect()
                    })
                    .unwrap_or_default()
            };
            if let Some(project) = v.get("project") {
                deps.extend(strings(project.get("dependencies")));
                if let Some(opt) = project
                    .get("optional-dependencies")
                    .and_then(|o| o.as_table())
                {
                    for group in opt.values() {
                        deps.extend(strings(Some(group)));
                    }
                }
            }
            if let Some(poetry) = v.get("tool").and_then(|t| t.get("poetry")) {
                let mut tables: Vec<&toml::Table> = Vec::new();
                for s in ["dependencies", "dev-dependencies"] {
                    tables.extend(poetry.get(s).and_then(|t| t.as_table()));
                }
                if let Some(groups) = poetry.get("group").and_then(|g| g.as_table()) {
                    for g in groups.values() {
                        tables.extend(g.get("dependencies").and_then(|t| t.as_table()));
                    }
                }
                for t in tables {
                    deps.extend(t.keys().filter(|k| *k != "python").map(|k| pep503(k)));
                }
            }
        }
        "go.mod" => {
            let mut in_block = false;
            for line in text.lines() {
                let line = line.split("//").next().unwrap_or("").trim();
                if in_block {
                    if line.starts_with(')') {
                        in_block = false;
                    } else if let Some(m) = line.split_whitespace().next() {
                        deps.insert(m.to_string());
                    }
                } else if let Some(rest) = line.strip_prefix("require") {
                    let rest = rest.trim();
                    if rest.starts_with('(') {
                        in_block = true;
                    } else if let Some(m) = rest.split_whitespace().next() {
                        deps.insert(m.to_string());
                    }
                }
            }
        }
        "pom.xml" => {
            let tag = |block: &str, t: &str| -> Option<String> {
                let open = format!("<{t}>");
                let start = block.find(&open)? + open.len();
                let end = block[start..].find(&format!("</{t}>"))? + start;
                Some(block[start..end].trim().to_string())
            };
            let mut rest = text;
            while let Some(i) = rest.find("<dependency>") {
                let after = &rest[i + "<dependency>".len()..];
                let end = after.find("</dependency>").unwrap_or(after.len());
                let block = &after[..end];
                if let (Some(g), Some(a)) = (tag(block, "groupId"), tag(block, "artifactId")) {
                    deps.insert(format!("{g}:{a}"));
                }
                rest = &after[end..];
            }
        }
        _ if manifest_ecosystem(path) == Some("pypi") => {
            for line in text.lines() {
                let line = line.split('#').next().unwrap_or("").trim();
                if line.is_empty() || line.starts_with('-') || line.contains("://") {
                    continue;
                }
                deps.extend(pep508_name(line));
            }
        }
        _ => return Err(format!("{path} is not a dependency manifest")),
    }
    Ok(deps.into_iter().collect())
}

/// Arrivals, leaves and swaps of dependencies. See the module documentation.
pub fn dependency_changes(
    manifests: &[ManifestVersion],
    opts: &MigrationOptions,
) -> (Vec<DependencyEvent>, Vec<DependencySwap>) {
    let mut order: Vec<&ManifestVersion> = manifests
        .iter()
        .filter(|m| manifest_ecosystem(&m.path).is_some())
        .collect();
    order.sort_by(|a, b| a.time.cmp(&b.time).then_with(|| a.path.cmp(&b.path)));
    let mut current: HashMap<&str, BTreeSet<&str>> = HashMap::new();
    let mut listed: HashMap<(&str, &str), u32> = HashMap::new();
    let mut raw: Vec<DependencyEvent> = Vec::new();
    for m in order {
        let eco = manifest_ecosystem(&m.path).unwrap_or_default();
        let new: BTreeSet<&str> = m.dependencies.iter().map(String::as_str).collect();
        let old = current.remove(m.path.as_str()).unwrap_or_default();
        for gone in old.difference(&new) {
            let n = listed.entry((eco, gone)).or_default();
            *n = n.saturating_sub(1);
            if *n == 0 {
                raw.push(DependencyEvent {
                    ecosystem: eco.to_string(),
                    name: (*gone).to_string(),
                    time: m.time,
                    manifest: m.path.clone(),
                    arrived: false,
                });
            }
        }
        for came in new.difference(&old) {
            let n = listed.entry((eco, came)).or_default();
            *n += 1;
            if *n == 1 {
                raw.push(DependencyEvent {
                    ecosystem: eco.to_string(),
                    name: (*came).to_string(),
                    time: m.time,
                    manifest: m.path.clone(),
                    arrived: true,
                });
            }
        }
        current.insert(&m.path, new);
    }
    let window = opts.swap_window_days.saturating_mul(DAY);
    // Drop a leave followed by the same name's arrival within the window, and that arrival.
    let mut drop = vec![false; raw.len()];
    for (i, e) in raw.iter().enumerate() {
        if e.arrived {
            continue;
        }
        if let Some(j) = raw[i + 1..].iter().position(|x| {
            x.arrived
                && x.ecosystem == e.ecosystem
                && x.name == e.name
                && x.time.saturating_sub(e.time) <= window
        }) {
            drop[i] = true;
            drop[i + 1 + j] = true;
        }
    }
    let events: Vec<DependencyEvent> = raw
        .into_iter()
        .zip(drop)
        .filter(|(_, d)| !d)
        .map(|(e, _)| e)
        .collect();
    let mut swaps = Vec::new();
    for leave in events.iter().filter(|e| !e.arrived) {
        let near = |arrived: bool| {
            events
                .iter()
                .filter(move |x| {
                    x.arrived == arrived
                        && x.ecosystem == leave.ecosystem
                        && (!arrived || x.name != leave.name)
                        && x.time.abs_diff(leave.time) <= window.unsigned_abs()
                })
                .collect::<Vec<_>>()
        };
        let arrivals = near(true);
        if arrivals.is_empty()
            || arrivals.len() > opts.max_swap_group
            || near(false).len() > opts.max_swap_group
        {
            continue;
        }
        for a in arrivals {
            swaps.push(DependencySwap {
                ecosystem: leave.ecosystem.clone(),
                removed: leave.name.clone(),
                added: a.name.clone(),
                removed_at: leave.time,
                added_at: a.time,
                manifest: leave.manifest.clone(),
            });
        }
    }
    swaps.sort_by(|a, b| {
        b.removed_at
            .max(b.added_at)
            .cmp(&a.removed_at.max(a.added_at))
            .then_with(|| a.removed.cmp(&b.removed))
            .then_with(|| a.added.cmp(&b.added))
    });
    (events, swaps)
}

/// The folder move a file move belongs to, `None` when the file name changed or the folder did
/// not. See the module documentation.
pub fn folder_move(from: &str, to: &str) -> Option<(String, String)> {
    let (fd, fname) = from.rsplit_once('/').unwrap_or(("", from));
    let (td, tname) = to.rsplit_once('/').unwrap_or(("", to));
    if fname != tname || fd == td {
        return None;
    }
    let mut f: Vec<&str> = fd.split('/').filter(|s| !s.is_empty()).collect();
    let mut t: Vec<&str> = td.split('/').filter(|s| !s.is_empty()).collect();
    let mut common: Option<&str> = None;
    while let (Some(a), Some(b)) = (f.last(), t.last()) {
        if a != b {
            break;
        }
        common = Some(a);
        f.pop();
        t.pop();
    }
    if (f.is_empty() || t.is_empty())
        && let Some(c) = common
    {
        f.push(c);
        t.push(c);
    }
    Some((f.join("/"), t.join("/")))
}

/// Folder moves of at least `min_move_files` files in one commit, newest first.
pub fn folder_moves(h: &History, opts: &MigrationOptions) -> Vec<FolderMove> {
    let mut groups: BTreeMap<(u32, String, String), (i64, BTreeSet<FileId>)> = BTreeMap::new();
    for r in h.renames() {
        if let Some((from, to)) = folder_move(&r.from, &r.to) {
            groups
                .entry((r.commit, from, to))
                .or_insert_with(|| (r.time, BTreeSet::new()))
                .1
                .insert(r.file);
        }
    }
    let mut out: Vec<FolderMove> = groups
        .into_iter()
        .filter(|(_, (_, files))| files.len() as u32 >= opts.min_move_files)
        .map(|((_, from, to), (time, files))| FolderMove {
            time,
            from,
            to,
            files: files.len() as u32,
        })
        .collect();
    out.sort_by(|a, b| {
        b.time
            .cmp(&a.time)
            .then(b.files.cmp(&a.files))
            .then_with(|| a.from.cmp(&b.from))
    });
    out
}

fn folder_name(f: &str) -> String {
    if f.is_empty() {
        "the repository root".to_string()
    } else {
        format!("`{f}/`")
    }
}

/// Findings of the migrations analysis: every active language migration (warning when it has
/// run for more than two years, else info), the five newest dependency swaps and the five
/// newest folder moves of the last `recent_days` (info). Scores: `1 − done` for migrations,
/// and recency (1 = now, 0 = `recent_days` ago) for swaps and moves.
pub fn findings(report: &MigrationsReport, now: i64) -> Vec<Finding> {
    let opts = &report.options;
    let recent = now.saturating_sub(opts.recent_days.saturating_mul(DAY));
    let recency = |t: i64| {
        let span = (now - recent).max(1) as f64;
        ((t - recent) as f64 / span).clamp(0.0, 1.0)
    };
    let mut out = Vec::new();
    let last = report.languages.last().map(|m| m.month.clone());
    for m in report
        .language_migrations
        .iter()
        .filter(|m| m.status == MigrationStatus::Active)
    {
        let years = last
            .as_deref()
            .map_or(0, |l| months_between_labels(&m.since, l))
            / 12;
        let mut numbers = BTreeMap::new();
        numbers.insert("done".to_string(), m.done);
        numbers.insert("trend_per_year".to_string(), m.trend);
        numbers.insert("from_lines".to_string(), m.from_lines as f64);
        numbers.insert("to_lines".to_string(), m.to_lines as f64);
        out.push(Finding {
            kind: FindingKind::LanguageMigration,
            severity: if years >= 2 {
                Severity::Warning
            } else {
                Severity::Info
            },
            score: 1.0 - m.done,
            title: format!("{} migration is {:.0} % done", m.name, m.done * 100.0),
            explanation: format!(
                "{} of the lines in these languages are in the new one ({} against {} lines), {:+.0} points over the last 12 months; both have coexisted since {}.",
                pct(m.done),
                m.to_lines,
                m.from_lines,
                m.trend * 100.0,
                m.since
            ),
            evidence: Evidence {
                numbers,
                files: Vec::new(),
                people: Vec::new(),
            },
            action: "Agree on an end date and convert the most-changed files first; a codebase in two languages costs twice in tooling and reviews.".into(),
        });
    }
    for s in report
        .dependency_swaps
        .iter()
        .filter(|s| s.removed_at.max(s.added_at) >= recent)
        .take(5)
    {
        let mut numbers = BTreeMap::new();
        numbers.insert("removed_at".to_string(), s.removed_at as f64);
        numbers.insert("added_at".to_string(), s.added_at as f64);
        out.push(Finding {
            kind: FindingKind::DependencySwap,
            severity: Severity::Info,
            score: recency(s.removed_at.max(s.added_at)),
            title: format!("`{}` replaced by `{}` ({})", s.removed, s.added, s.ecosystem),
            explanation: format!(
                "`{}` left the {} dependencies within {} days of `{}` arriving (last listed in `{}`).",
                s.removed,
                s.ecosystem,
                s.removed_at.abs_diff(s.added_at) / DAY as u64,
                s.added,
                s.manifest
            ),
            evidence: Evidence {
                numbers,
                files: vec![s.manifest.clone()],
                people: Vec::new(),
            },
            action: "Check that no code, configuration or documentation still refers to the old dependency.".into(),
        });
    }
    for m in report
        .folder_moves
        .iter()
        .filter(|m| m.time >= recent)
        .take(5)
    {
        let mut numbers = BTreeMap::new();
        numbers.insert("files".to_string(), f64::from(m.files));
        out.push(Finding {
            kind: FindingKind::FolderMove,
            severity: Severity::Info,
            score: recency(m.time),
            title: format!("{} files moved from {} to {}", m.files, folder_name(&m.from), folder_name(&m.to)),
            explanation: format!(
                "One commit moved {} files from {} to {} unchanged; their history continues under the new names.",
                m.files,
                folder_name(&m.from),
                folder_name(&m.to)
            ),
            evidence: Evidence {
                numbers,
                files: vec![m.from.clone(), m.to.clone()],
                people: Vec::new(),
            },
            action: "Update links, scripts, CODEOWNERS and bookmarks that name the old folder.".into(),
        });
    }
    out
}

fn pct(x: f64) -> String {
    format!("{:.0} %", x * 100.0)
}

/// Months from one `YYYY-MM` label to another (0 when unparsable).
fn months_between_labels(a: &str, b: &str) -> i64 {
    let parse = |s: &str| -> Option<i64> {
        let (y, m) = s.split_once('-')?;
        Some(y.parse::<i64>().ok()? * 12 + m.parse::<i64>().ok()? - 1)
    };
    match (parse(a), parse(b)) {
        (Some(x), Some(y)) => (y - x).max(0),
        _ => 0,
    }
}
