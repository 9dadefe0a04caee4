//! Terminal progress bars drawn from the pipeline's events.

use codevoyage_jobs::{Event, EventKind, Stage};
use indicatif::{MultiProgress, ProgressBar, ProgressDrawTarget, ProgressStyle};
use std::collections::HashMap;
use std::time::Duration;
use tokio::sync::broadcast;

fn label(stage: Stage) -> &'static str {
    match stage {
        Stage::Fetch => "fetch   ",
        Stage::History => "history ",
        Stage::Metrics => "metrics ",
        Stage::Insights => "insights",
        Stage::Compile => "compile ",
    }
}

fn unit(stage: Stage) -> &'static str {
    match stage {
        Stage::History | Stage::Insights => "commits",
        Stage::Metrics => "files",
        _ => "steps",
    }
}

/// Draws one bar per stage until the analysis finishes or the channel closes.
/// Only events of analysis `only` are drawn when it is given (a relay carries everyone's).
pub async fn draw(mut events: broadcast::Receiver<Event>, visible: bool, only: Option<i64>) {
    let multi = MultiProgress::with_draw_target(if visible {
        ProgressDrawTarget::stderr()
    } else {
        ProgressDrawTarget::hidden()
    });
    let counted = ProgressStyle::with_template(
        "{prefix:.bold} [{bar:32.cyan/blue}] {human_pos}/{human_len} {msg} ({per_sec}, eta {eta})",
    )
    .unwrap_or_else(|_| ProgressStyle::default_bar())
    .progress_chars("=> ");
    let spinner =
        ProgressStyle::with_template("{prefix:.bold} {spinner} {human_pos} {msg} ({per_sec})")
            .unwrap_or_else(|_| ProgressStyle::default_spinner());
    let mut bars: HashMap<&'static str, ProgressBar> = HashMap::new();
    loop {
        let event = match events.recv().await {
            Ok(e) => e,
            Err(broadcast::error::RecvError::Lagged(_)) => continue,
            Err(broadcast::error::RecvError::Closed) => break,
        };
        if only.is_some_and(|id| id != event.analysis_id) {
            continue;
        }
        match event.kind {
            EventKind::Queued => {}
            EventKind::StageStarted { stage } => {
                let bar = multi.add(ProgressBar::new(0));
                bar.set_style(spinner.clone());
                bar.set_prefix(label(stage));
                bar.set_message(unit(stage));
                bar.enable_steady_tick(Duration::from_millis(120));
                bars.insert(stage.as_str(), bar);
            }
            EventKind::Progress {
                stage, done, total, ..
            } => {
                if let Some(bar) = bars.get(stage.as_str()) {
                    if total > 0 && bar.length() != Some(total) {
                        bar.set_style(counted.clone());
                        bar.set_length(total);
                    }
                    bar.set_position(done);
                }
            }
            EventKind::StageFinished {
                stage,
                done,
                elapsed_ms,
            } => {
                if let Some(bar) = bars.get(stage.as_str()) {
                    bar.set_style(
                        ProgressStyle::with_template("{prefix:.bold} {msg}")
                            .unwrap_or_else(|_| ProgressStyle::default_bar()),
                    );
                    bar.finish_with_message(format!(
                        "{done} {} in {:.1}s",
                        unit(stage),
                        elapsed_ms as f64 / 1000.0
                    ));
                }
            }
            EventKind::Finished | EventKind::Failed { .. } | EventKind::Cancelled => {
                for bar in bars.values().filter(|b| !b.is_finished()) {
                    bar.abandon();
                }
                break;
            }
        }
    }
}
