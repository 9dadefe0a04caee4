//! `codevoyage export REPOSITORY --output city.html`: one self-contained HTML file with the
//! interactive city of an analysed repository, for sharing where no server runs (a chat, a pull
//! request, an e-mail).
//!
//! The page is the export bundle of the web UI (`web/dist-export`, built by
//! `npm run build:export`, embedded like the main UI) inlined into a template, with the data
//! the city needs as JSON in `<script type="application/json" id="codevoyage-data">`: the
//! repository's totals, the file tree with its metrics, the coupled pairs (arcs and the
//! details panel) and the findings. Nothing is fetched: a Content-Security-Policy in the page
//! forbids every connection, so the file behaves the same offline.

use crate::config::{Config, open_store};
use crate::exit::InputError;
use codevoyage_model::TreeNode;
use codevoyage_store::{RepositoryRow, Store};
use serde::Serialize;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

/// The version of the embedded data the export page reads (`web/src/export/data.ts`).
pub const EXPORT_FORMAT: u32 = 1;
/// Most coupled pairs carried in the file (the city page asks the API for as many).
const COUPLING_PAIRS: u32 = 2000;

#[derive(rust_embed::RustEmbed)]
#[folder = "../../web/dist-export"]
#[allow_missing = true]
struct Bundle;

#[derive(clap::Args, Debug)]
#[command(
    after_help = "REPOSITORY is the id or name `serve` lists, or the path that was analysed.\n\n\
                  Examples:\n  codevoyage export flask --output flask.html\n  \
                  codevoyage export ~/src/flask -o city.html\n  codevoyage export 3 -o -   # to stdout"
)]
pub struct ExportArgs {
    /// The repository: its id, its name, or the path (or URL) it was analysed from.
    pub repository: String,
    /// Where to write the HTML file (`-` writes to standard output).
    #[arg(long, short = 'o')]
    pub output: PathBuf,
}

/// A repository as the page shows it (the fields of the API's repository view the city uses).
#[derive(Serialize)]
struct RepositoryData {
    id: i64,
    name: String,
    /// A URL as analysed; a local path is reduced to its folder name, so that a shared file
    /// does not disclose the layout of the machine it was written on.
    source: String,
    head: Option<String>,
    total_commits: u64,
    total_contributors: u64,
    total_files: u64,
    languages: Vec<codevoyage_store::LanguageShare>,
    last_analyzed_at: Option<String>,
}

#[derive(Serialize)]
struct TreeData {
    repository_id: i64,
    revision: String,
    root: TreeNode,
}

#[derive(Serialize)]
struct ExportData {
    format: u32,
    generated_at: String,
    generator: String,
    repository: RepositoryData,
    tree: TreeData,
    coupling: Vec<codevoyage_store::CouplingRecord>,
    insights: Vec<codevoyage_store::InsightRecord>,
}

pub fn run(config: &Config, args: &ExportArgs) -> anyhow::Result<ExitCode> {
    let to_stdout = args.output.as_os_str() == "-";
    if !to_stdout {
        check_writable(&args.output)?;
    }
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()?;
    let data = runtime.block_on(async {
        let store = open_store(config).await?;
        let data = collect(&store, &args.repository).await;
        store.close().await;
        data
    })?;
    let Some((script, style)) = bundle() else {
        eprintln!(
            "error: this codevoyage binary was built without the export page (web/dist-export is missing). \
             Build it with `make web` (or `npm ci --prefix web && npm run build:export --prefix web`), \
             then rebuild codevoyage (`cargo build -p codevoyage`)."
        );
        return Ok(ExitCode::from(crate::exit::UNAVAILABLE));
    };
    let html = render(&data, &script, &style)?;
    if to_stdout {
        std::io::stdout().lock().write_all(html.as_bytes())?;
    } else {
        write_file(&args.output, html.as_bytes())?;
        eprintln!(
            "wrote {} ({}, {} files): open it in a browser, no server needed",
            args.output.display(),
            human_size(html.len()),
            count_files(&data.tree.root)
        );
    }
    Ok(ExitCode::SUCCESS)
}

/// The export page's script and stylesheet, when the binary carries them.
fn bundle() -> Option<(String, String)> {
    let script = Bundle::get("export.js")?;
    let style = Bundle::get("export.css")?;
    Some((
        String::from_utf8_lossy(&script.data).into_owned(),
        String::from_utf8_lossy(&style.data).into_owned(),
    ))
}

/// Fails early, before reading the store, when the output cannot be created.
fn check_writable(output: &Path) -> anyhow::Result<()> {
    if output.is_dir() {
        return Err(InputError(format!(
            "{} is a folder: give a file name, e.g. --output {}",
            output.display(),
            output.join("city.html").display()
        ))
        .into());
    }
    let parent = match output.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => PathBuf::from("."),
    };
    if !parent.is_dir() {
        return Err(InputError(format!(
            "cannot write {}: the folder {} does not exist",
            output.display(),
            parent.display()
        ))
        .into());
    }
    Ok(())
}

/// Writes through a temporary file beside the output, so a failed write leaves no half file.
fn write_file(output: &Path, bytes: &[u8]) -> anyhow::Result<()> {
    let not_writable = |e: std::io::Error| {
        InputError(format!(
            "cannot write {}: {e}; choose another --output",
            output.display()
        ))
    };
    let name = output
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| "export.html".to_string());
    let temp = output.with_file_name(format!(".{name}.{}.tmp", std::process::id()));
    let written = std::fs::write(&temp, bytes).and_then(|()| std::fs::rename(&temp, output));
    if let Err(e) = written {
        let _ = std::fs::remove_file(&temp);
        return Err(not_writable(e).into());
    }
    Ok(())
}

/// Finds the repository the user named: by id, by the path it was analysed from, by its
/// source as stored (a URL), or by name.
async fn find_repository(store: &Store, wanted: &str) -> anyhow::Result<RepositoryRow> {
    let all = store.list_repositories().await?;
    if let Ok(id) = wanted.parse::<i64>()
        && let Some(s) = all.iter().find(|s| s.repository.id == id)
    {
        return Ok(s.repository.clone());
    }
    let canonical = std::fs::canonicalize(wanted)
        .ok()
        .map(|p| p.to_string_lossy().into_owned());
    if let Some(s) = all.iter().find(|s| {
        canonical.as_deref() == Some(s.repository.source.as_str()) || s.repository.source == wanted
    }) {
        return Ok(s.repository.clone());
    }
    let named: Vec<&RepositoryRow> = all
        .iter()
        .map(|s| &s.repository)
        .filter(|r| r.name == wanted)
        .collect();
    match named.as_slice() {
        [one] => Ok((*one).clone()),
        [] => {
            let known = if all.is_empty() {
                "no repository has been analysed in this data directory yet (run `codevoyage analyze PATH`, \
                 or pass the --data-dir the analysis used)"
                    .to_string()
            } else {
                let list: Vec<String> = all
                    .iter()
                    .map(|s| format!("{} (id {})", s.repository.name, s.repository.id))
                    .collect();
                format!("known repositories: {}", list.join(", "))
            };
            Err(InputError(format!(
                "no repository {wanted:?}: give an id, a name or the analysed path; {known}"
            ))
            .into())
        }
        several => {
            let ids: Vec<String> = several
                .iter()
                .map(|r| format!("{} ({})", r.id, r.source))
                .collect();
            Err(InputError(format!(
                "several repositories are named {wanted:?}: give one of their ids instead: {}",
                ids.join(", ")
            ))
            .into())
        }
    }
}

async fn collect(store: &Store, wanted: &str) -> anyhow::Result<ExportData> {
    let repository = find_repository(store, wanted).await?;
    let id = repository.id;
    let not_analysed = || {
        InputError(format!(
            "repository {} (id {id}) has no finished analysis yet: run `codevoyage analyze {}` first",
            repository.name, repository.source
        ))
    };
    let analysis = store
        .latest_succeeded_analysis(id)
        .await?
        .ok_or_else(not_analysed)?;
    let (revision, files) = store.latest_tree(id).await?.ok_or_else(not_analysed)?;
    let summary = store
        .repository_summary(id)
        .await?
        .ok_or_else(not_analysed)?;
    let coupling = store.coupling(analysis.id, COUPLING_PAIRS).await?;
    let mut insights = store.insights(analysis.id).await?;
    // Ranks below 1 hold the team and migrations reports, not findings (as in the API).
    insights.retain(|i| i.rank >= 1);
    let source = if repository.source.contains("://") {
        repository.source.clone()
    } else {
        Path::new(&repository.source)
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_else(|| repository.name.clone())
    };
    Ok(ExportData {
        format: EXPORT_FORMAT,
        generated_at: rfc3339(now()),
        generator: format!("CodeVoyage {}", env!("CARGO_PKG_VERSION")),
        repository: RepositoryData {
            id,
            name: repository.name.clone(),
            source,
            head: repository.head.clone(),
            total_commits: summary.total_commits,
            total_contributors: summary.total_contributors,
            total_files: summary.total_files,
            languages: summary.languages,
            last_analyzed_at: repository.last_analyzed_at.map(rfc3339),
        },
        tree: TreeData {
            repository_id: id,
            revision,
            root: TreeNode::from_files(files),
        },
        coupling,
        insights,
    })
}

/// The whole page. Every inlined part is escaped so that it cannot end its element early.
fn render(data: &ExportData, script: &str, style: &str) -> anyhow::Result<String> {
    let json = json_for_script(data)?;
    let script = script_for_html(script);
    let style = style.replace("</style", "<\\/style");
    let title = html_escape(&format!("{} · CodeVoyage", data.repository.name));
    let generator = html_escape(&data.generator);
    let mut html = String::with_capacity(json.len() + script.len() + style.len() + 1024);
    html.push_str(
        "<!doctype html>\n<html lang=\"en\" class=\"dark\">\n<head>\n<meta charset=\"utf-8\">\n",
    );
    html.push_str(
        "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n<meta name=\"color-scheme\" content=\"dark\">\n",
    );
    // No connection of any kind: the page works the same with and without a network.
    html.push_str(
        "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; script-src 'unsafe-inline'; \
         style-src 'unsafe-inline'; img-src data: blob:; font-src data:; worker-src blob:; connect-src 'none'; \
         form-action 'none'; base-uri 'none'\">\n",
    );
    html.push_str(&format!(
        "<meta name=\"generator\" content=\"{generator}\">\n<title>{title}</title>\n<link rel=\"icon\" href=\"data:,\">\n<style>\n"
    ));
    html.push_str(&style);
    html.push_str("\n</style>\n</head>\n<body class=\"bg-slate-950 text-slate-200\">\n<div id=\"root\"></div>\n");
    html.push_str("<script type=\"application/json\" id=\"codevoyage-data\">");
    html.push_str(&json);
    html.push_str("</script>\n<script type=\"module\">\n");
    html.push_str(&script);
    html.push_str("\n</script>\n</body>\n</html>\n");
    Ok(html)
}

/// JSON that can sit inside a `<script>` element: `<` (and `>`, `&`) only occur inside JSON
/// strings, where `\u003c` means the same character, so `</script>` and `<!--` cannot appear.
fn json_for_script(data: &impl Serialize) -> anyhow::Result<String> {
    let json = serde_json::to_string(data)?;
    Ok(json
        .replace('<', "\\u003c")
        .replace('>', "\\u003e")
        .replace('&', "\\u0026")
        .replace('\u{2028}', "\\u2028")
        .replace('\u{2029}', "\\u2029"))
}

/// A script that can sit inside a `<script>` element: the bundle never has `</script` or
/// `<!--` outside string literals, and inside them `<\/script` and `<\!--` mean the same text.
fn script_for_html(script: &str) -> String {
    script
        .replace("</script", "<\\/script")
        .replace("</SCRIPT", "<\\/SCRIPT")
        .replace("<!--", "<\\!--")
}

fn html_escape(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

fn count_files(node: &TreeNode) -> u64 {
    match node {
        TreeNode::Dir { children, .. } => children.iter().map(count_files).sum(),
        TreeNode::File(_) => 1,
    }
}

fn human_size(bytes: usize) -> String {
    if bytes >= 1 << 20 {
        format!("{:.1} MiB", bytes as f64 / f64::from(1u32 << 20))
    } else {
        format!("{} KiB", bytes.div_ceil(1024))
    }
}

fn now() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| i64::try_from(d.as_secs()).unwrap_or(i64::MAX))
}

fn rfc3339(secs: i64) -> String {
    let days = secs.div_euclid(86_400);
    let rem = secs.rem_euclid(86_400);
    let (y, m, d) = codevoyage_model::time::civil_from_days(days);
    format!(
        "{y:04}-{m:02}-{d:02}T{:02}:{:02}:{:02}Z",
        rem / 3600,
        (rem % 3600) / 60,
        rem % 60
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn json_cannot_close_its_script_element() {
        let value =
            serde_json::json!({ "path": "a</script><script>alert(1)</script>&<!--x-->\u{2028}" });
        let out = json_for_script(&value).expect("json");
        assert!(!out.contains("</"), "{out}");
        assert!(!out.contains("<!--"), "{out}");
        let back: serde_json::Value = serde_json::from_str(&out).expect("still JSON");
        assert_eq!(back, value);
    }

    #[test]
    fn scripts_and_titles_are_escaped() {
        assert_eq!(
            script_for_html("let s = \"</script>\", t = '<!--';"),
            "let s = \"<\\/script>\", t = '<\\!--';"
        );
        assert_eq!(html_escape("<a & \"b\">"), "&lt;a &amp; &quot;b&quot;&gt;");
    }

    #[test]
    fn times_are_rfc3339() {
        assert_eq!(rfc3339(0), "1970-01-01T00:00:00Z");
        assert_eq!(rfc3339(1_700_000_000), "2023-11-14T22:13:20Z");
    }
}
