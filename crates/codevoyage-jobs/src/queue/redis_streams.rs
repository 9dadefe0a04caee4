//! The distributed queue engine: Redis Streams with one consumer group.
//!
//! Keys (under a configurable prefix): `<p>:stream` holds ready and taken entries,
//! the group `workers` tracks which consumer holds which entry (the pending entries list),
//! `<p>:delayed` is a sorted set of retries by due time, `<p>:dead` a list of dead letters.
//! Settled entries are deleted from the stream, so `XLEN − pending` is the ready count.

use super::{
    DeadLetter, Delivery, Job, QueueDepth, QueueError, QueueOptions, RetryOutcome, next_step,
    now_ms,
};
use redis::aio::{ConnectionManager, MultiplexedConnection};
use redis::streams::{
    StreamAutoClaimOptions, StreamAutoClaimReply, StreamId, StreamReadOptions, StreamReadReply,
};
use redis::{AsyncCommands, AsyncConnectionConfig, Script};
use std::time::Duration;
use tokio::sync::Mutex;

const GROUP: &str = "workers";

/// Moves due retries from the delayed set into the stream, atomically.
const PROMOTE: &str = r"
local due = redis.call('ZRANGEBYSCORE', KEYS[1], '-inf', ARGV[1], 'LIMIT', 0, 100)
for _, m in ipairs(due) do
  redis.call('XADD', KEYS[2], '*', 'job', m)
  redis.call('ZREM', KEYS[1], m)
end
return #due
";

/// Settles a delivery atomically: acknowledges and deletes its entry, then schedules the
/// retry (`retry`) or records the dead letter (`dead`). The acknowledgement is allowed to
/// fail: after Redis restarted without persistence the group (and the entry) are gone, and
/// settling must still record the retry or the dead letter.
const SETTLE: &str = r"
redis.pcall('XACK', KEYS[1], ARGV[1], ARGV[2])
redis.call('XDEL', KEYS[1], ARGV[2])
if ARGV[3] == 'retry' then
  redis.call('ZADD', KEYS[2], ARGV[5], ARGV[4])
elseif ARGV[3] == 'dead' then
  redis.call('LPUSH', KEYS[3], ARGV[4])
end
return 1
";

/// Every job in the stream (waiting or taken) and in the delayed set, in one atomic read.
const SNAPSHOT: &str = r"
local out = {}
for _, e in ipairs(redis.call('XRANGE', KEYS[1], '-', '+')) do
  local f = e[2]
  for i = 1, #f, 2 do
    if f[i] == 'job' then table.insert(out, f[i + 1]) end
  end
end
for _, m in ipairs(redis.call('ZRANGE', KEYS[2], 0, -1)) do table.insert(out, m) end
return out
";

/// True when Redis says the consumer group does not exist: the server restarted without
/// persistence (or the stream was deleted), and the group must be created again.
fn is_no_group(e: &redis::RedisError) -> bool {
    e.code() == Some("NOGROUP") || e.to_string().contains("NOGROUP")
}

pub struct RedisQueue {
    options: QueueOptions,
    client: redis::Client,
    conn: ConnectionManager,
    /// Blocking reads (`XREADGROUP … BLOCK`) would stall every other command sharing a
    /// multiplexed connection, so they get a connection of their own.
    blocking: Mutex<Option<MultiplexedConnection>>,
    stream: String,
    delayed: String,
    dead: String,
    promote: Script,
    settle: Script,
    snapshot: Script,
}

impl std::fmt::Debug for RedisQueue {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("RedisQueue")
            .field("stream", &self.stream)
            .finish()
    }
}

fn parse_entry(entry: &StreamId) -> Result<Job, QueueError> {
    let raw: String = entry.get("job").ok_or_else(|| {
        QueueError::Corrupt(format!("stream entry {} has no job field", entry.id))
    })?;
    serde_json::from_str(&raw)
        .map_err(|e| QueueError::Corrupt(format!("stream entry {}: {e}", entry.id)))
}

impl RedisQueue {
    pub(crate) async fn connect(
        url: &str,
        prefix: &str,
        options: QueueOptions,
    ) -> Result<Self, QueueError> {
        let client = redis::Client::open(url)?;
        let config = redis::aio::ConnectionManagerConfig::new()
            .set_connection_timeout(Some(Duration::from_secs(2)))
            .set_response_timeout(Some(Duration::from_secs(5)))
            .set_number_of_retries(2);
        let conn = ConnectionManager::new_with_config(client.clone(), config).await?;
        let queue = Self {
            options,
            client,
            conn,
            blocking: Mutex::new(None),
            delayed: format!("{prefix}:delayed"),
            dead: format!("{prefix}:dead"),
            stream: format!("{prefix}:stream"),
            promote: Script::new(PROMOTE),
            settle: Script::new(SETTLE),
            snapshot: Script::new(SNAPSHOT),
        };
        queue.ensure_group().await?;
        Ok(queue)
    }

    /// Creates the stream and its consumer group unless they exist. The group starts at the
    /// stream's beginning, so entries added before it (by a producer after a Redis restart)
    /// are delivered too.
    async fn ensure_group(&self) -> Result<(), QueueError> {
        let mut conn = self.conn.clone();
        let created: Result<(), redis::RedisError> = redis::cmd("XGROUP")
            .arg("CREATE")
            .arg(&self.stream)
            .arg(GROUP)
            .arg("0")
            .arg("MKSTREAM")
            .query_async(&mut conn)
            .await;
        match created {
            Err(e) if !e.to_string().contains("BUSYGROUP") => Err(e.into()),
            _ => Ok(()),
        }
    }

    /// Runs `step`; when Redis answers that the group is missing, creates it and runs `step`
    /// once more.
    async fn with_group<T, F, Fut>(&self, step: F) -> Result<T, QueueError>
    where
        F: Fn() -> Fut,
        Fut: std::future::Future<Output = Result<T, QueueError>>,
    {
        match step().await {
            Err(QueueError::Redis(e)) if is_no_group(&e) => {
                tracing::warn!(stream = %self.stream, "the queue's consumer group is gone (Redis restarted without persistence?); creating it again");
                self.ensure_group().await?;
                step().await
            }
            other => other,
        }
    }

    /// The analyses named by the jobs in the stream and the delayed set.
    pub(crate) async fn pending_analyses(&self) -> Result<Vec<i64>, QueueError> {
        let mut conn = self.conn.clone();
        let jobs: Vec<String> = self
            .snapshot
            .key(&self.stream)
            .key(&self.delayed)
            .invoke_async(&mut conn)
            .await?;
        Ok(jobs
            .iter()
            .filter_map(|raw| serde_json::from_str::<Job>(raw).ok())
            .filter_map(|job| super::persisted::analysis_id_of(&job.payload))
            .collect())
    }

    pub(crate) fn options(&self) -> &QueueOptions {
        &self.options
    }

    pub(crate) async fn push(&self, job: &Job) -> Result<(), QueueError> {
        let json = serde_json::to_string(job).map_err(|e| QueueError::Corrupt(e.to_string()))?;
        let mut conn = self.conn.clone();
        let _: String = conn.xadd(&self.stream, "*", &[("job", json)]).await?;
        Ok(())
    }

    async fn deliveries(&self, entry_id: &str) -> Result<u32, QueueError> {
        let mut conn = self.conn.clone();
        let rows: Vec<(String, String, u64, u64)> = redis::cmd("XPENDING")
            .arg(&self.stream)
            .arg(GROUP)
            .arg(entry_id)
            .arg(entry_id)
            .arg(1)
            .query_async(&mut conn)
            .await?;
        Ok(rows
            .first()
            .map(|r| u32::try_from(r.3).unwrap_or(u32::MAX))
            .unwrap_or(1))
    }

    pub(crate) async fn take(
        &self,
        consumer: &str,
        wait: Duration,
    ) -> Result<Option<Delivery>, QueueError> {
        // A blocked XREADGROUP does not wake for retries coming due or for entries whose
        // consumer went silent, so block in short slices and look for those in between.
        let deadline = tokio::time::Instant::now() + wait;
        let slice = (self.options.visibility_timeout / 2)
            .clamp(Duration::from_millis(50), Duration::from_millis(500));
        loop {
            if let Some(d) = self.with_group(|| self.reclaim(consumer)).await? {
                return Ok(Some(d));
            }
            let remaining = deadline.saturating_duration_since(tokio::time::Instant::now());
            let block = remaining.min(slice);
            if let Some(d) = self.with_group(|| self.read_new(consumer, block)).await? {
                return Ok(Some(d));
            }
            if tokio::time::Instant::now() >= deadline {
                return Ok(None);
            }
        }
    }

    /// Promotes due retries, then claims one entry whose consumer has been silent for longer
    /// than the visibility timeout.
    async fn reclaim(&self, consumer: &str) -> Result<Option<Delivery>, QueueError> {
        let mut conn = self.conn.clone();
        let _: i64 = self
            .promote
            .key(&self.delayed)
            .key(&self.stream)
            .arg(now_ms())
            .invoke_async(&mut conn)
            .await?;
        let idle_ms =
            u64::try_from(self.options.visibility_timeout.as_millis()).unwrap_or(u64::MAX);
        let claimed: StreamAutoClaimReply = conn
            .xautoclaim_options(
                &self.stream,
                GROUP,
                consumer,
                idle_ms,
                "0-0",
                StreamAutoClaimOptions::default().count(1),
            )
            .await?;
        let Some(entry) = claimed.claimed.first() else {
            return Ok(None);
        };
        let job = parse_entry(entry)?;
        let deliveries = self.deliveries(&entry.id).await?;
        tracing::info!(job = %job.id, deliveries, consumer, "reclaimed a job from a silent consumer");
        Ok(Some(Delivery {
            job,
            deliveries,
            token: entry.id.clone(),
        }))
    }

    /// Reads one new entry, blocking up to `block` on the dedicated connection.
    async fn read_new(
        &self,
        consumer: &str,
        block: Duration,
    ) -> Result<Option<Delivery>, QueueError> {
        let block_ms = usize::try_from(block.as_millis()).unwrap_or(usize::MAX);
        let mut options = StreamReadOptions::default().group(GROUP, consumer).count(1);
        // BLOCK 0 would mean "forever"; without BLOCK the read returns at once.
        if block_ms > 0 {
            options = options.block(block_ms);
        }
        let mut guard = self.blocking.lock().await;
        if guard.is_none() {
            let config = AsyncConnectionConfig::new()
                .set_connection_timeout(Some(Duration::from_secs(2)))
                .set_response_timeout(Some(Duration::from_secs(5)));
            *guard = Some(
                self.client
                    .get_multiplexed_async_connection_with_config(&config)
                    .await?,
            );
        }
        let Some(blocking) = guard.as_mut() else {
            return Ok(None);
        };
        let reply: Result<Option<StreamReadReply>, redis::RedisError> = blocking
            .xread_options(&[&self.stream], &[">"], &options)
            .await;
        let reply = match reply {
            Ok(r) => r,
            Err(e) => {
                // Drop a broken connection so the next call reconnects.
                *guard = None;
                return Err(e.into());
            }
        };
        drop(guard);
        let Some(entry) = reply
            .and_then(|r| r.keys.into_iter().next())
            .and_then(|k| k.ids.into_iter().next())
        else {
            return Ok(None);
        };
        let job = parse_entry(&entry)?;
        Ok(Some(Delivery {
            job,
            deliveries: 1,
            token: entry.id,
        }))
    }

    /// Runs the settle script for `delivery` (`mode`: ack, retry or dead).
    async fn settle(
        &self,
        delivery: &Delivery,
        mode: &str,
        member: &str,
        score: i64,
    ) -> Result<(), QueueError> {
        let mut conn = self.conn.clone();
        let _: i64 = self
            .settle
            .key(&self.stream)
            .key(&self.delayed)
            .key(&self.dead)
            .arg(GROUP)
            .arg(&delivery.token)
            .arg(mode)
            .arg(member)
            .arg(score)
            .invoke_async(&mut conn)
            .await?;
        Ok(())
    }

    pub(crate) async fn ack(&self, delivery: &Delivery) -> Result<(), QueueError> {
        self.settle(delivery, "ack", "", 0).await
    }

    pub(crate) async fn heartbeat(
        &self,
        consumer: &str,
        delivery: &Delivery,
    ) -> Result<(), QueueError> {
        let mut conn = self.conn.clone();
        // Claiming an entry we already hold resets its idle time.
        let _: redis::Value = redis::cmd("XCLAIM")
            .arg(&self.stream)
            .arg(GROUP)
            .arg(consumer)
            .arg(0)
            .arg(&delivery.token)
            .arg("JUSTID")
            .query_async(&mut conn)
            .await?;
        Ok(())
    }

    pub(crate) async fn fail(
        &self,
        delivery: &Delivery,
        error: &str,
    ) -> Result<RetryOutcome, QueueError> {
        let outcome = match next_step(&self.options, delivery, error) {
            Ok(job) => {
                let delay = self.options.backoff(&job.id, job.attempt);
                let due =
                    now_ms().saturating_add(i64::try_from(delay.as_millis()).unwrap_or(i64::MAX));
                let json =
                    serde_json::to_string(&job).map_err(|e| QueueError::Corrupt(e.to_string()))?;
                self.settle(delivery, "retry", &json, due).await?;
                RetryOutcome::Retried {
                    attempt: job.attempt,
                    delay,
                }
            }
            Err(dead) => {
                tracing::warn!(job = %dead.job.id, error = %dead.error, "job dead-lettered after its last attempt");
                let json =
                    serde_json::to_string(&dead).map_err(|e| QueueError::Corrupt(e.to_string()))?;
                self.settle(delivery, "dead", &json, 0).await?;
                RetryOutcome::DeadLettered
            }
        };
        Ok(outcome)
    }

    pub(crate) async fn depth(&self) -> Result<QueueDepth, QueueError> {
        self.with_group(|| self.depth_now()).await
    }

    async fn depth_now(&self) -> Result<QueueDepth, QueueError> {
        let mut conn = self.conn.clone();
        let _: i64 = self
            .promote
            .key(&self.delayed)
            .key(&self.stream)
            .arg(now_ms())
            .invoke_async(&mut conn)
            .await?;
        let (len, pending, delayed, dead): (u64, redis::Value, u64, u64) = redis::pipe()
            .xlen(&self.stream)
            .cmd("XPENDING")
            .arg(&self.stream)
            .arg(GROUP)
            .zcard(&self.delayed)
            .llen(&self.dead)
            .query_async(&mut conn)
            .await?;
        // The summary form of XPENDING starts with the number of pending entries.
        let in_flight = match pending {
            redis::Value::Array(items) => match items.first() {
                Some(redis::Value::Int(n)) => u64::try_from(*n).unwrap_or(0),
                _ => 0,
            },
            _ => 0,
        };
        Ok(QueueDepth {
            ready: len.saturating_sub(in_flight),
            delayed,
            in_flight,
            dead,
        })
    }

    pub(crate) async fn dead_letters(&self, limit: usize) -> Result<Vec<DeadLetter>, QueueError> {
        if limit == 0 {
            return Ok(Vec::new());
        }
        let mut conn = self.conn.clone();
        let raw: Vec<String> = conn
            .lrange(
                &self.dead,
                0,
                isize::try_from(limit).unwrap_or(isize::MAX) - 1,
            )
            .await?;
        raw.iter()
            .map(|r| {
                serde_json::from_str(r)
                    .map_err(|e| QueueError::Corrupt(format!("dead letter: {e}")))
            })
            .collect()
    }
}
