//! `codevoyage analyze PATH`: the whole pipeline in the terminal.

use crate::config::{Config, open_store};
use codevoyage_jobs::{AnalysisSummary, AnalyzeRequest, EventBus};
use codevoyage_llm::{ExecutiveSummary, SummarySource};
use std::io::IsTerminal;
use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

#[derive(clap::Args, Debug)]
#[command(
    after_help = "Examples:\n  codevoyage analyze .\n  codevoyage analyze ~/src/flask --rev v2.0.0\n  codevoyage analyze ../project --json | jq .hotspots"
)]
pub struct AnalyzeArgs {
    /// A local git repository (its work tree or a bare repository).
    pub path: PathBuf,
    /// Name shown in the UI [default: the folder name].
    #[arg(long)]
    pub name: Option<String>,
    /// Revision to analyse (branch, tag or commit) [default: HEAD].
    #[arg(long)]
    pub rev: Option<String>,
    /// Print the summary as JSON on stdout instead of text (no progress bars).
    #[arg(long)]
    pub json: bool,
    /// Analysis threads [default: all cores].
    #[arg(long, default_value_t = 0)]
    pub threads: usize,
    /// Scaled mode: put the analysis on the distributed queue for `codevoyage worker`s
    /// instead of running it here (needs --redis-url). Prints the analysis id.
    #[arg(long)]
    pub enqueue: bool,
    /// With --enqueue: wait until a worker has finished the analysis, and report its outcome.
    #[arg(long, requires = "enqueue")]
    pub wait: bool,
}

pub fn run(config: &Config, args: &AnalyzeArgs) -> anyhow::Result<ExitCode> {
    if !args.path.exists() {
        return Err(crate::exit::InputError(format!(
            "{} does not exist: check the path and try again",
            args.path.display()
        ))
        .into());
    }
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()?;
    if args.enqueue {
        return runtime.block_on(enqueue(config, args));
    }
    runtime.block_on(async {
        let store = open_store(config).await?;
        let bus = EventBus::default();
        let cancel = Arc::new(AtomicBool::new(false));
        let ctrl_c = cancel.clone();
        tokio::spawn(async move {
            if tokio::signal::ctrl_c().await.is_ok() {
                eprintln!("\ncancelling…");
                ctrl_c.store(true, Ordering::Relaxed);
            }
        });
        let bars = tokio::spawn(crate::progress::draw(
            bus.subscribe(),
            !args.json && std::io::stderr().is_terminal(),
            None,
        ));
        let request = AnalyzeRequest {
            source: args.path.clone(),
            name: args.name.clone(),
            rev: args.rev.clone(),
            threads: if args.threads > 0 {
                args.threads
            } else {
                config.workers
            },
        };
        // The insights stage writes and stores the model's summary (or the deterministic one
        // saying why the model's is missing), exactly as in workers.
        let summarizer = crate::config::summarizer(config).await?;
        let result = codevoyage_jobs::analyze_with_summarizer(
            &store,
            &bus,
            request,
            cancel,
            summarizer.as_deref(),
        )
        .await;
        drop(bus);
        let _ = bars.await;
        let summary = result?;
        let executive = summary.executive_summary.clone();
        if args.json {
            let mut value = serde_json::to_value(&summary)?;
            let executive = executive.unwrap_or_else(|| ExecutiveSummary {
                source: SummarySource::Deterministic { reason: None },
                text: codevoyage_insights::summary_text(&summary.findings),
            });
            value["executive_summary"] = serde_json::to_value(&executive)?;
            value["executive_summary"]["label"] = executive.label().into();
            println!("{}", serde_json::to_string_pretty(&value)?);
        } else {
            print_summary(&summary, config, executive.as_ref());
        }
        Ok(ExitCode::SUCCESS)
    })
}

/// Registers the analysis and hands it to the workers through the queue.
async fn enqueue(config: &Config, args: &AnalyzeArgs) -> anyhow::Result<ExitCode> {
    let Some(queue) = crate::config::open_redis_queue(config).await? else {
        return Err(crate::exit::InputError(
            "--enqueue needs the distributed queue: set --redis-url or CODEVOYAGE_REDIS_URL".into(),
        )
        .into());
    };
    let store = open_store(config).await?;
    let request = AnalyzeRequest {
        source: args.path.clone(),
        name: args.name.clone(),
        rev: args.rev.clone(),
        threads: args.threads,
    };
    let (repository_id, analysis_id) = codevoyage_jobs::register(&store, &request).await?;
    // With --wait, listen to the workers' progress events before the job can start.
    let bars_visible = args.wait && !args.json && std::io::stderr().is_terminal();
    let mut bars = None;
    let mut relay = None;
    if bars_visible && let Some(url) = &config.redis_url {
        let bus = EventBus::default();
        match bus
            .relay_from_redis(url, &crate::config::events_channel(config))
            .await
        {
            Ok(handle) => {
                relay = Some(handle);
                bars = Some(tokio::spawn(crate::progress::draw(
                    bus.subscribe(),
                    true,
                    Some(analysis_id),
                )));
            }
            Err(e) => {
                tracing::warn!(error = %e, "no live progress: cannot subscribe to the workers' events")
            }
        }
    }
    let job = codevoyage_jobs::AnalysisJob {
        analysis_id,
        rev: args.rev.clone(),
        threads: args.threads,
    };
    let job_id = queue
        .enqueue(codevoyage_jobs::queue::NewJob {
            kind: codevoyage_jobs::ANALYZE_JOB.into(),
            payload: serde_json::to_string(&job)?,
            correlation_id: Some(format!("cli-{}", std::process::id())),
        })
        .await?;
    let queued = serde_json::json!({"repository_id": repository_id, "analysis_id": analysis_id, "job_id": job_id, "status": "queued"});
    if !args.wait {
        if args.json {
            println!("{queued}");
        } else {
            println!("queued analysis {analysis_id} of repository {repository_id} (job {job_id})");
        }
        return Ok(ExitCode::SUCCESS);
    }
    // Wait on the analysis row: it is the durable truth, whichever worker runs the job.
    let mut last = String::new();
    loop {
        let row = store
            .analysis(analysis_id)
            .await?
            .ok_or_else(|| anyhow::anyhow!("analysis {analysis_id} disappeared"))?;
        let line = format!("{} {}", row.status, row.stage.as_deref().unwrap_or(""));
        if line != last && !args.json && bars.is_none() {
            eprintln!("analysis {analysis_id}: {line}");
            last = line;
        }
        let terminal = matches!(row.status.as_str(), "succeeded" | "failed" | "cancelled");
        if terminal {
            // The bars end on the finished event; give it a moment, then stop listening.
            if let Some(b) = bars.take() {
                let _ = tokio::time::timeout(std::time::Duration::from_secs(2), b).await;
            }
            if let Some(r) = relay.take() {
                r.abort();
            }
        }
        match row.status.as_str() {
            "succeeded" => {
                if args.json {
                    println!(
                        "{}",
                        serde_json::json!({"repository_id": repository_id, "analysis_id": analysis_id, "status": row.status})
                    );
                }
                return Ok(ExitCode::SUCCESS);
            }
            "failed" | "cancelled" => {
                let why = row.error.unwrap_or_else(|| row.status.clone());
                return Err(anyhow::anyhow!(
                    "analysis {analysis_id} {}: {why}",
                    row.status
                ));
            }
            _ => tokio::time::sleep(std::time::Duration::from_millis(300)).await,
        }
    }
}

fn thousands(n: u64) -> String {
    let s = n.to_string();
    let mut out = String::with_capacity(s.len() + s.len() / 3);
    for (i, c) in s.chars().enumerate() {
        if i > 0 && (s.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

fn print_summary(s: &AnalysisSummary, config: &Config, executive: Option<&ExecutiveSummary>) {
    let short = &s.revision[..s.revision.len().min(10)];
    println!(
        "\n{}  ({})  at {short}{}",
        s.name,
        s.source,
        if s.shallow {
            "  [shallow clone: history is partial]"
        } else {
            ""
        }
    );
    println!(
        "  commits       {} ({} new)",
        thousands(s.commits_total),
        thousands(s.commits_new)
    );
    println!("  contributors  {}", thousands(s.contributors));
    println!("  files         {}", thousands(s.files));
    let total_code: u64 = s.languages.iter().map(|l| l.code).sum();
    if total_code > 0 {
        let langs: Vec<String> = s
            .languages
            .iter()
            .take(6)
            .map(|l| {
                format!(
                    "{} {:.0}%",
                    l.language,
                    l.code as f64 * 100.0 / total_code as f64
                )
            })
            .collect();
        println!(
            "  languages     {}  ({} lines of code)",
            langs.join(" · "),
            thousands(total_code)
        );
    }
    println!(
        "  truck factor  {}  (Avelino et al.: people whose departure orphans most files)",
        s.truck_factor
    );
    println!("  coupled pairs {}", thousands(s.coupled_pairs));
    if !s.hotspots.is_empty() {
        println!("  hotspots      (revisions × cyclomatic complexity)");
        for (i, h) in s.hotspots.iter().take(5).enumerate() {
            println!(
                "    {:>2}. {}  {} × {} = {}",
                i + 1,
                h.path,
                h.revisions,
                h.complexity,
                thousands(h.score)
            );
        }
    }
    if let Some(
        e @ ExecutiveSummary {
            source: SummarySource::Model { .. },
            ..
        },
    ) = executive
    {
        println!("\n{}:\n\n{}\n", e.label(), e.text.trim_end());
        println!(
            "{} findings (all of them with --json)",
            thousands(s.findings.len() as u64)
        );
    } else if !s.findings.is_empty() {
        println!();
        println!(
            "{}:",
            executive.map_or_else(
                || "Deterministic summary (no language model configured)".to_string(),
                ExecutiveSummary::label
            )
        );
        let shown = s.findings.len().min(5);
        print!(
            "{}",
            codevoyage_insights::summary_text(&s.findings[..shown])
        );
        if s.findings.len() > shown {
            println!(
                "… and {} more findings (all of them with --json)",
                s.findings.len() - shown
            );
        }
    }
    println!("  took          {:.1}s", s.elapsed_ms as f64 / 1000.0);
    let default_dir = dirs::data_dir().map(|d| d.join("codevoyage"));
    let data_dir =
        if config.uses_embedded_sqlite() && default_dir.as_ref() != Some(&config.data_dir) {
            format!(" --data-dir {}", config.data_dir.display())
        } else {
            String::new()
        };
    println!(
        "\nExplore the city: codevoyage serve{data_dir}  then open http://{}/repositories/{}",
        config.listen, s.repository_id
    );
}

#[cfg(test)]
mod tests {
    #[test]
    fn groups_thousands() {
        assert_eq!(super::thousands(0), "0");
        assert_eq!(super::thousands(999), "999");
        assert_eq!(super::thousands(1000), "1,000");
        assert_eq!(super::thousands(1234567), "1,234,567");
    }
}
