//! Progress events cross processes through Redis pub/sub (needs `CODEVOYAGE_TEST_REDIS_URL`).

use codevoyage_jobs::{Event, EventBus, EventKind, Stage};
use std::time::Duration;

#[tokio::test]
async fn events_published_by_one_bus_arrive_on_a_bus_relaying_redis() {
    let Ok(url) = std::env::var("CODEVOYAGE_TEST_REDIS_URL") else {
        eprintln!(
            "skipping: set CODEVOYAGE_TEST_REDIS_URL=redis://127.0.0.1:6379 to run the Redis event relay test"
        );
        return;
    };
    let channel = format!("cvtest:events:{}", std::process::id());
    let worker_bus = EventBus::with_redis(&url, &channel)
        .await
        .unwrap_or_else(|e| panic!("Redis at {url}: {e}"));
    let api_bus = EventBus::default();
    let relay = api_bus
        .relay_from_redis(&url, &channel)
        .await
        .expect("subscribe");
    let mut received = api_bus.subscribe();

    let sent = vec![
        Event {
            analysis_id: 7,
            repository_id: 3,
            kind: EventKind::StageStarted {
                stage: Stage::History,
            },
        },
        Event {
            analysis_id: 7,
            repository_id: 3,
            kind: EventKind::Progress {
                stage: Stage::History,
                done: 50,
                total: 100,
                rate_per_sec: 25.0,
                eta_secs: Some(2.0),
            },
        },
        Event {
            analysis_id: 7,
            repository_id: 3,
            kind: EventKind::Finished,
        },
    ];
    for e in &sent {
        worker_bus.publish(e.clone());
    }
    for expected in &sent {
        let got = tokio::time::timeout(Duration::from_secs(5), received.recv())
            .await
            .expect("event within 5 s")
            .expect("open channel");
        assert_eq!(&got, expected);
    }
    relay.abort();
}
