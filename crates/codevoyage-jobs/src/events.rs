//! Progress events of analyses, and the in-process bus that carries them.
//!
//! Events are small, serialisable and self-describing, so the same value can be drawn as a
//! terminal progress bar, sent over a WebSocket, or (in scaled mode) published on Redis.

use codevoyage_model::Progress;
use serde::{Deserialize, Serialize};
use std::sync::Mutex;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};
use tokio::sync::broadcast;

/// The stages of the pipeline, in order.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Stage {
    Fetch,
    History,
    Metrics,
    Insights,
    Compile,
}

impl Stage {
    pub fn as_str(self) -> &'static str {
        match self {
            Stage::Fetch => "fetch",
            Stage::History => "history",
            Stage::Metrics => "metrics",
            Stage::Insights => "insights",
            Stage::Compile => "compile",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum EventKind {
    /// The analysis was registered and waits for a worker.
    Queued,
    StageStarted {
        stage: Stage,
    },
    Progress {
        stage: Stage,
        done: u64,
        total: u64,
        rate_per_sec: f64,
        eta_secs: Option<f64>,
    },
    StageFinished {
        stage: Stage,
        done: u64,
        elapsed_ms: u64,
    },
    Finished,
    Failed {
        error: String,
    },
    Cancelled,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Event {
    pub analysis_id: i64,
    pub repository_id: i64,
    #[serde(flatten)]
    pub kind: EventKind,
}

/// A fan-out channel of events; slow receivers lose old events (and are told so by tokio's
/// `Lagged`), publishers never block.
///
/// In scaled mode the bus also forwards every event to a Redis pub/sub channel
/// ([`EventBus::with_redis`]), and a process that wants the events of other processes relays
/// that channel into its own bus ([`EventBus::relay_from_redis`]).
#[derive(Debug, Clone)]
pub struct EventBus {
    tx: broadcast::Sender<Event>,
    remote: Option<tokio::sync::mpsc::Sender<Event>>,
    /// False when this bus's own events come back through a relay from Redis
    /// ([`EventBus::shared_through_redis`]): delivering them locally too would show them twice.
    echo_locally: bool,
}

impl Default for EventBus {
    fn default() -> Self {
        Self::new(1024)
    }
}

impl EventBus {
    pub fn new(capacity: usize) -> Self {
        Self {
            tx: broadcast::channel(capacity).0,
            remote: None,
            echo_locally: true,
        }
    }

    /// A bus that also publishes every event on the Redis channel `channel`. Publishing stays
    /// non-blocking: events go through a bounded queue to one publisher task, and are dropped
    /// (with a warning) when Redis is slow or down, never holding up an analysis.
    pub async fn with_redis(url: &str, channel: &str) -> Result<Self, redis::RedisError> {
        let client = redis::Client::open(url)?;
        let config = redis::aio::ConnectionManagerConfig::new()
            .set_connection_timeout(Some(Duration::from_secs(2)))
            .set_response_timeout(Some(Duration::from_secs(2)));
        let mut conn = redis::aio::ConnectionManager::new_with_config(client, config).await?;
        let (remote, mut rx) = tokio::sync::mpsc::channel::<Event>(1024);
        let channel = channel.to_string();
        tokio::spawn(async move {
            while let Some(event) = rx.recv().await {
                let Ok(json) = serde_json::to_string(&event) else {
                    continue;
                };
                let sent: Result<i64, redis::RedisError> = redis::cmd("PUBLISH")
                    .arg(&channel)
                    .arg(json)
                    .query_async(&mut conn)
                    .await;
                if let Err(e) = sent {
                    tracing::warn!(error = %e, "could not publish a progress event to Redis");
                }
            }
        });
        Ok(Self {
            remote: Some(remote),
            ..Self::default()
        })
    }

    /// The bus of a process that both publishes on the Redis channel `channel` and shows the
    /// events of every process (a `serve` instance in scaled mode): its own events (an
    /// analysis queued or cancelled through this instance) go to Redis only and come back with
    /// everyone else's through the relay, so every instance's subscribers, this one's
    /// included, see each event once. When the Redis publisher is behind, an event is
    /// delivered here at least. Returns the bus and the relay task (abort it on shutdown).
    pub async fn shared_through_redis(
        url: &str,
        channel: &str,
    ) -> Result<(Self, tokio::task::JoinHandle<()>), redis::RedisError> {
        let mut bus = Self::with_redis(url, channel).await?;
        bus.echo_locally = false;
        let relay = bus.relay_from_redis(url, channel).await?;
        Ok((bus, relay))
    }

    /// Subscribes to the Redis channel `channel` and re-publishes every event it carries on
    /// this bus (locally only). Returns once subscribed; the relay task runs until aborted,
    /// resubscribing after a pause when Redis goes away.
    pub async fn relay_from_redis(
        &self,
        url: &str,
        channel: &str,
    ) -> Result<tokio::task::JoinHandle<()>, redis::RedisError> {
        use futures_util::StreamExt;
        let client = redis::Client::open(url)?;
        let mut pubsub = client.get_async_pubsub().await?;
        pubsub.subscribe(channel).await?;
        let tx = self.tx.clone();
        let channel = channel.to_string();
        Ok(tokio::spawn(async move {
            loop {
                {
                    let mut messages = pubsub.on_message();
                    while let Some(msg) = messages.next().await {
                        let Ok(payload) = msg.get_payload::<String>() else {
                            continue;
                        };
                        match serde_json::from_str::<Event>(&payload) {
                            Ok(event) => {
                                let _ = tx.send(event);
                            }
                            Err(e) => {
                                tracing::warn!(error = %e, "ignoring an unreadable event from Redis")
                            }
                        }
                    }
                }
                // The connection ended: resubscribe until Redis is back.
                loop {
                    tokio::time::sleep(Duration::from_secs(1)).await;
                    let Ok(mut fresh) = client.get_async_pubsub().await else {
                        continue;
                    };
                    if fresh.subscribe(&channel).await.is_ok() {
                        pubsub = fresh;
                        break;
                    }
                }
            }
        }))
    }

    pub fn publish(&self, event: Event) {
        if let Some(remote) = &self.remote {
            if remote.try_send(event.clone()).is_err() {
                tracing::warn!("dropping a progress event: the Redis publisher is behind");
            } else if !self.echo_locally {
                // It comes back through the relay.
                return;
            }
        }
        // No local subscriber is fine: nobody is watching here.
        let _ = self.tx.send(event);
    }

    pub fn subscribe(&self) -> broadcast::Receiver<Event> {
        self.tx.subscribe()
    }
}

/// Adapts the analysis crates' synchronous [`Progress`] to throttled events on the bus.
pub(crate) struct BusProgress {
    bus: EventBus,
    analysis_id: i64,
    repository_id: i64,
    stage: Stage,
    started: Instant,
    total: AtomicU64,
    done: AtomicU64,
    last_emit: Mutex<Instant>,
    /// The stage's span (a child of the job's), open from the stage's start to its
    /// [`BusProgress::finish`]: exported as an OpenTelemetry span when tracing is on.
    span: Mutex<Option<tracing::Span>>,
}

const EMIT_EVERY: Duration = Duration::from_millis(100);

impl BusProgress {
    pub(crate) fn new(bus: &EventBus, analysis_id: i64, repository_id: i64, stage: Stage) -> Self {
        let now = Instant::now();
        bus.publish(Event {
            analysis_id,
            repository_id,
            kind: EventKind::StageStarted { stage },
        });
        Self {
            bus: bus.clone(),
            analysis_id,
            repository_id,
            stage,
            started: now,
            total: AtomicU64::new(0),
            done: AtomicU64::new(0),
            last_emit: Mutex::new(now),
            span: Mutex::new(Some(tracing::info_span!(
                "stage",
                stage = stage.as_str(),
                analysis_id,
                done = tracing::field::Empty,
            ))),
        }
    }

    fn emit(&self) {
        let done = self.done.load(Ordering::Relaxed);
        let total = self.total.load(Ordering::Relaxed);
        let secs = self.started.elapsed().as_secs_f64();
        let rate = if secs > 0.0 { done as f64 / secs } else { 0.0 };
        let eta = (total > done && rate > 0.0).then(|| (total - done) as f64 / rate);
        self.bus.publish(Event {
            analysis_id: self.analysis_id,
            repository_id: self.repository_id,
            kind: EventKind::Progress {
                stage: self.stage,
                done,
                total,
                rate_per_sec: rate,
                eta_secs: eta,
            },
        });
    }

    pub(crate) fn done(&self) -> u64 {
        self.done.load(Ordering::Relaxed)
    }

    pub(crate) fn total(&self) -> u64 {
        self.total.load(Ordering::Relaxed)
    }

    pub(crate) fn stage(&self) -> Stage {
        self.stage
    }

    /// Emits the final progress and the stage's end.
    pub(crate) fn finish(&self) -> u64 {
        self.emit();
        let done = self.done();
        self.bus.publish(Event {
            analysis_id: self.analysis_id,
            repository_id: self.repository_id,
            kind: EventKind::StageFinished {
                stage: self.stage,
                done,
                elapsed_ms: u64::try_from(self.started.elapsed().as_millis()).unwrap_or(u64::MAX),
            },
        });
        if let Ok(mut span) = self.span.lock()
            && let Some(span) = span.take()
        {
            span.record("done", done);
        }
        done
    }
}

impl Progress for BusProgress {
    fn set_total(&self, total: u64) {
        self.total.store(total, Ordering::Relaxed);
    }

    fn inc(&self, n: u64) {
        self.done.fetch_add(n, Ordering::Relaxed);
        let now = Instant::now();
        // try_lock: when another thread is emitting, skipping this update is fine.
        if let Ok(mut last) = self.last_emit.try_lock()
            && now.duration_since(*last) >= EMIT_EVERY
        {
            *last = now;
            drop(last);
            self.emit();
        }
    }
}
