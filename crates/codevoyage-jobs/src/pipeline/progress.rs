//! A stage's progress written into its analysis row (`stage`, `done`, `total`), so that
//! `GET /api/v1/analyses/{id}` shows it from the database whichever worker runs the stage.
//!
//! The events on the bus carry every progress step (every 100 ms); the row is written at most
//! once per [`WRITE_EVERY`] and only when the figures changed, then once more with the final
//! figures when the stage ends ([`ProgressWriter::finish`], awaited before the next stage
//! writes its own). Writes never fail a stage: the row is a view of progress, not its truth.

use crate::events::BusProgress;
use codevoyage_store::{AnalysisUpdate, Store};
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::watch;

/// Longest interval between two writes of a running stage's figures.
pub(crate) const WRITE_EVERY: Duration = Duration::from_secs(1);

/// The task writing one stage's progress.
pub(super) struct ProgressWriter {
    stop: watch::Sender<bool>,
    task: tokio::task::JoinHandle<()>,
}

impl ProgressWriter {
    pub(super) fn start(store: Store, analysis_id: i64, progress: Arc<BusProgress>) -> Self {
        let (stop, mut stopped) = watch::channel(false);
        let task = tokio::spawn(async move {
            let stage = progress.stage().as_str().to_string();
            let mut written = (0, 0);
            loop {
                let last = tokio::select! {
                    _ = tokio::time::sleep(WRITE_EVERY) => false,
                    // A stop, or the writer dropped without one (the stage failed).
                    _ = stopped.changed() => true,
                };
                let now = (progress.done(), progress.total());
                if now != written {
                    let update = AnalysisUpdate {
                        stage: Some(stage.clone()),
                        done: Some(i64::try_from(now.0).unwrap_or(i64::MAX)),
                        total: Some(i64::try_from(now.1).unwrap_or(i64::MAX)),
                        ..Default::default()
                    };
                    match store.update_analysis(analysis_id, &update).await {
                        Ok(()) => written = now,
                        Err(e) => {
                            tracing::debug!(analysis_id, error = %e, "could not write the stage's progress")
                        }
                    }
                }
                if last {
                    break;
                }
            }
        });
        Self { stop, task }
    }

    /// Writes the final figures and stops.
    pub(super) async fn finish(self) {
        let _ = self.stop.send(true);
        if let Err(e) = self.task.await {
            tracing::debug!(error = %e, "the progress writer ended abnormally");
        }
    }
}
