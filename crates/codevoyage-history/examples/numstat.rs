//! `codevoyage log REPO [RANGE] --format numstat` without the rest of the binary, so the history
//! engine can be built in release and profiled on its own (the real binary also links the
//! server and the metrics grammars; like it, this uses mimalloc). Accepts the same arguments as
//! the real command, so `CODEVOYAGE=target/release/examples/numstat bench/history/vs-git.sh
//! REPO` works.
//!
//! ```text
//! cargo build --release -p codevoyage-history --example numstat
//! target/release/examples/numstat log REPO [RANGE] [--format numstat] [--threads N] [--renames]
//! ```

use codevoyage_history::{WalkOptions, format};
use std::io::Write;
use std::ops::ControlFlow;
use std::path::PathBuf;
use std::sync::atomic::AtomicBool;

#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut args = std::env::args().skip(1).peekable();
    if args.peek().map(String::as_str) == Some("log") {
        args.next();
    }
    let mut positional = Vec::new();
    let mut opts = WalkOptions {
        renames: false,
        ..WalkOptions::default()
    };
    while let Some(a) = args.next() {
        match a.as_str() {
            "--format" => {
                if args.next().as_deref() != Some("numstat") {
                    return Err("only --format numstat is supported here".into());
                }
            }
            "--threads" => opts.threads = args.next().ok_or("--threads needs a number")?.parse()?,
            "--renames" => opts.renames = true,
            "--no-line-counts" => opts.line_counts = false,
            _ => positional.push(a),
        }
    }
    let repo_path = positional
        .first()
        .ok_or("usage: numstat log REPO [RANGE]")?;
    opts.range = positional.get(1).cloned();
    let repo = codevoyage_history::open(&PathBuf::from(repo_path))?;
    let quote = repo.quote_path();
    let stdout = std::io::stdout();
    let mut out = std::io::BufWriter::with_capacity(1 << 16, stdout.lock());
    let mut error = None;
    repo.walk(
        &opts,
        &codevoyage_model::NoProgress,
        &AtomicBool::new(false),
        &mut |c| match format::numstat_with(&mut out, &c, quote) {
            Ok(()) => ControlFlow::Continue(()),
            Err(e) => {
                error = Some(e);
                ControlFlow::Break(())
            }
        },
    )?;
    if let Some(e) = error {
        return Err(e.into());
    }
    out.flush()?;
    Ok(())
}
