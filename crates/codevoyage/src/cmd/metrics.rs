//! `codevoyage metrics PATH`: lines and per-function complexity of every file under PATH
//! (or in a git repository at `--rev`), as a table or as JSON lines. The measuring, the
//! directory walk and the parallelism live in `codevoyage-metrics`; this file only parses
//! arguments and formats output.

use anyhow::Context;
use codevoyage_metrics::fs::{MeasuredFile, exclude_set, measure_blobs, measure_dir};
use codevoyage_metrics::{
    CognitiveProfile, CyclomaticProfile, Language, Options, parse_language_override,
};
use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;

#[derive(clap::ValueEnum, Clone, Copy, Debug, PartialEq, Eq)]
pub enum MetricsFormat {
    /// One row per file and a total.
    Table,
    /// One JSON object per file.
    Jsonl,
}

#[derive(clap::ValueEnum, Clone, Copy, Debug, PartialEq, Eq)]
pub enum CyclomaticArg {
    /// lizard's counting rules (the default; comparable with lizard's CCN).
    Lizard,
    /// Strict McCabe decision points.
    Mccabe,
}

#[derive(clap::ValueEnum, Clone, Copy, Debug, PartialEq, Eq)]
pub enum CognitiveArg {
    /// G. Ann Campbell's specification in every language (the default).
    Campbell,
    /// As lizard -Ecognitive counts: Ruby and Lua flat (no nesting penalty, no ternary);
    /// lambdas and closures add no nesting level except in C++, Java, C# and Python.
    Lizard,
}

#[derive(clap::Args, Debug)]
pub struct MetricsArgs {
    /// A directory, a file, or (with --rev) a git repository.
    pub path: PathBuf,
    /// Measure the files of this revision of the repository at PATH instead of the work tree.
    #[arg(long)]
    pub rev: Option<String>,
    #[arg(long, value_enum, default_value = "table")]
    pub format: MetricsFormat,
    /// Skip files whose relative path matches this glob (repeatable), e.g. 'vendor/**'.
    #[arg(long)]
    pub exclude: Vec<String>,
    /// Cyclomatic complexity rules.
    #[arg(long, value_enum, default_value = "lizard")]
    pub cyclomatic: CyclomaticArg,
    /// Cognitive complexity rules.
    #[arg(long, value_enum, default_value = "campbell")]
    pub cognitive: CognitiveArg,
    /// Measure files with this extension as this language (repeatable), e.g. 'inc=PHP'.
    #[arg(long = "language", value_name = "EXT=LANGUAGE", value_parser = parse_language_override)]
    pub language: Vec<(String, Language)>,
    /// Count lines only (code, comment, blank, as tokei does): no parsing, no functions.
    #[arg(long)]
    pub lines_only: bool,
    /// Files larger than this many bytes get line counts only.
    #[arg(long, default_value_t = 2 * 1024 * 1024)]
    pub max_bytes: u64,
}

pub fn run(args: &MetricsArgs) -> anyhow::Result<ExitCode> {
    let opts = Options {
        max_bytes: args.max_bytes,
        cyclomatic: match args.cyclomatic {
            CyclomaticArg::Lizard => CyclomaticProfile::Lizard,
            CyclomaticArg::Mccabe => CyclomaticProfile::McCabe,
        },
        cognitive: match args.cognitive {
            CognitiveArg::Campbell => CognitiveProfile::Campbell,
            CognitiveArg::Lizard => CognitiveProfile::Lizard,
        },
        language_overrides: args.language.clone(),
        lines_only: args.lines_only,
        ..Options::default()
    };
    let exclude = exclude_set(&args.exclude)?;
    if !args.path.exists() {
        anyhow::bail!(
            "{} does not exist: give a directory, a file or a repository",
            args.path.display()
        );
    }
    let files = match &args.rev {
        None => measure_dir(&args.path, &exclude, &opts)?,
        Some(rev) => {
            let repo = codevoyage_history::open(&args.path).with_context(|| {
                format!("opening the git repository at {}", args.path.display())
            })?;
            let commit = repo.resolve(Some(rev))?.with_context(|| {
                format!("the repository at {} has no commits", args.path.display())
            })?;
            let interrupt = std::sync::atomic::AtomicBool::new(false);
            let mut blobs = Vec::new();
            repo.files_at(&commit, &interrupt, &mut |file| {
                let path = String::from_utf8_lossy(file.path.as_bytes()).into_owned();
                blobs.push((path, file.blob_id, file.data.to_vec()));
                std::ops::ControlFlow::Continue(())
            })?;
            measure_blobs(blobs, &exclude, &opts)
        }
    };
    let stdout = std::io::stdout();
    let mut out = std::io::BufWriter::new(stdout.lock());
    match args.format {
        MetricsFormat::Jsonl => {
            for f in &files {
                writeln!(out, "{}", serde_json::to_string(&json_line(f))?)?;
            }
        }
        MetricsFormat::Table => write_table(&mut out, &files)?,
    }
    out.flush()?;
    Ok(ExitCode::SUCCESS)
}

fn json_line(f: &MeasuredFile) -> serde_json::Value {
    let m = &f.metrics;
    serde_json::json!({
        "path": f.path,
        "language": m.language,
        "bytes": m.bytes,
        "binary": m.binary,
        "generated": f.generated,
        "lines": { "code": m.lines.code, "comment": m.lines.comment, "blank": m.lines.blank },
        "functions": m.functions,
        "cyclomatic": m.cyclomatic,
        "cognitive": m.cognitive,
        "maintainability_index": m.maintainability_index.map(|v| (v * 100.0).round() / 100.0),
        "diagnostics": m.diagnostics,
    })
}

fn write_table(out: &mut impl Write, files: &[MeasuredFile]) -> std::io::Result<()> {
    writeln!(
        out,
        "{:<48} {:<12} {:>7} {:>7} {:>6} {:>5} {:>6} {:>6} {:>6}",
        "path", "language", "code", "comment", "blank", "fns", "cyclo", "cognit", "MI"
    )?;
    let (mut code, mut comment, mut blank, mut fns, mut cc, mut cog) = (0, 0, 0, 0, 0, 0);
    for f in files {
        let m = &f.metrics;
        let mut path = f.path.clone();
        if let Some(reason) = f.generated {
            path.push_str(&format!(" [{reason}]"));
        }
        if m.binary {
            path.push_str(" [binary]");
        }
        let mi = m
            .maintainability_index
            .map_or("-".to_string(), |v| format!("{v:.1}"));
        writeln!(
            out,
            "{:<48} {:<12} {:>7} {:>7} {:>6} {:>5} {:>6} {:>6} {:>6}",
            path,
            m.language.as_deref().unwrap_or("-"),
            m.lines.code,
            m.lines.comment,
            m.lines.blank,
            m.functions.len(),
            m.cyclomatic,
            m.cognitive,
            mi
        )?;
        for d in &m.diagnostics {
            writeln!(out, "    note: {d}")?;
        }
        code += m.lines.code;
        comment += m.lines.comment;
        blank += m.lines.blank;
        fns += m.functions.len();
        cc += u64::from(m.cyclomatic);
        cog += u64::from(m.cognitive);
    }
    writeln!(
        out,
        "{:<48} {:<12} {:>7} {:>7} {:>6} {:>5} {:>6} {:>6}",
        format!("total ({} files)", files.len()),
        "",
        code,
        comment,
        blank,
        fns,
        cc,
        cog
    )
}
