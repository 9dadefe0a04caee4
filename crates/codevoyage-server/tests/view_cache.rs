//! The view cache follows the analyses: when one succeeds, the cached views of its repository
//! (of the analyses it supersedes) leave both layers, the snapshots on disk included, and
//! other repositories keep theirs. The bus is dropped to end the watcher, so the test waits
//! on its completion rather than on time.

use codevoyage_jobs::{Event, EventBus, EventKind};
use codevoyage_store::cache::{Cache, SnapshotOptions, Snapshots};
use std::time::Duration;

#[tokio::test]
async fn a_finished_analysis_drops_its_repositorys_views_from_every_layer() {
    let folder = tempfile::tempdir().expect("tempdir");
    let cache = Cache::memory().with_snapshots(
        Snapshots::open(folder.path(), SnapshotOptions::default()).expect("snapshots"),
    );
    let ttl = Duration::from_secs(60);
    for key in [
        "timeline:5:41",
        "ownership:5:41",
        "activity:5:41",
        "tree:5:abc",
        "timeline:50:41",
        "tree:6:def",
    ] {
        cache.set(key, key.as_bytes(), ttl).await;
    }
    let bus = EventBus::default();
    let watcher = tokio::spawn(codevoyage_server::drop_superseded_views(
        bus.subscribe(),
        cache.clone(),
    ));
    for kind in [EventKind::Queued, EventKind::Cancelled, EventKind::Finished] {
        bus.publish(Event {
            analysis_id: 42,
            repository_id: 5,
            kind,
        });
    }
    drop(bus);
    watcher.await.expect("the watcher ends when the bus closes");

    for key in [
        "timeline:5:41",
        "ownership:5:41",
        "activity:5:41",
        "tree:5:abc",
    ] {
        assert_eq!(cache.get(key).await, None, "{key} is dropped");
    }
    for key in ["timeline:50:41", "tree:6:def"] {
        assert_eq!(
            cache.get(key).await.as_deref(),
            Some(key.as_bytes()),
            "{key} stays"
        );
    }
    // Not in memory only: a fresh cache over the same folder finds the same.
    let fresh = Cache::memory().with_snapshots(
        Snapshots::open(folder.path(), SnapshotOptions::default()).expect("snapshots"),
    );
    assert_eq!(fresh.get("tree:5:abc").await, None);
    assert_eq!(
        fresh.get("tree:6:def").await.as_deref(),
        Some(&b"tree:6:def"[..])
    );
}
