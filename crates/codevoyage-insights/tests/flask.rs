//! The insights engine on a real project: flask's history from the shared bundle.
//!
//! Skips (with a message) when `../shared/data` is absent. Complexity comes from a crude proxy
//! (decision keywords in Python files at HEAD), since the metrics engine is not a dependency of
//! this crate; the point here is the history side on real data.

use codevoyage_insights::*;
use codevoyage_model::{Commit, NoProgress};
use std::collections::HashMap;
use std::ops::ControlFlow;
use std::sync::atomic::AtomicBool;

fn decision_points(src: &[u8]) -> u64 {
    let text = String::from_utf8_lossy(src);
    text.lines()
        .map(str::trim_start)
        .filter(|l| {
            ["if ", "elif ", "for ", "while ", "except", "with "]
                .iter()
                .any(|k| l.starts_with(k))
        })
        .count() as u64
}

#[test]
fn flask_history_gives_sane_insights() {
    let Some(fixture) = codevoyage_testkit::shared_bundle("flask") else {
        return;
    };
    let repo = codevoyage_history::open(fixture.path()).expect("open flask");
    let stop = AtomicBool::new(false);
    let mut commits: Vec<Commit> = Vec::new();
    repo.walk(&Default::default(), &NoProgress, &stop, &mut |c| {
        commits.push(c);
        ControlFlow::Continue(())
    })
    .expect("walk flask");
    assert!(commits.len() > 1000, "flask has thousands of commits");
    let head = repo.resolve(None).expect("resolve").expect("HEAD");
    let mut complexity = HashMap::new();
    let mut tree = std::collections::HashSet::new();
    repo.files_at(&head, &stop, &mut |f| {
        tree.insert(f.path.to_string_lossy());
        if f.path.as_bytes().ends_with(b".py") {
            complexity.insert(f.path.to_string_lossy(), decision_points(f.data));
        }
        ControlFlow::Continue(())
    })
    .expect("files at HEAD");
    // Analyse as of the newest commit, so "inactive" is relative to the project's own clock.
    let now = commits
        .iter()
        .map(|c| c.author.time)
        .max()
        .expect("commits");
    let mut h = History::from_commits(&commits, now, HistoryOptions::default());
    let replayed_alive: Vec<bool> = h.files().iter().map(|f| f.alive).collect();
    h.mark_live(|p| tree.contains(p));
    let disagree = h
        .files()
        .iter()
        .zip(&replayed_alive)
        .filter(|(f, a)| f.alive != **a)
        .count();
    println!(
        "replay and HEAD tree disagree on {disagree} of {} files",
        h.files().len()
    );
    let opts = AnalysisOptions::default();
    let started = std::time::Instant::now();
    let a = analyze(&h, &|p| complexity.get(p).copied(), &opts);
    // Printed for information only; timings are never asserted.
    println!("analyze took {:?} (debug build)", started.elapsed());

    // Every live Python file at HEAD with history has its current name in the churn list.
    let live: Vec<&str> = a
        .files
        .iter()
        .filter(|f| f.alive)
        .map(|f| f.path.as_str())
        .collect();
    let missing: Vec<&String> = complexity
        .keys()
        .filter(|p| !live.contains(&p.as_str()))
        .collect();
    assert!(
        missing.is_empty(),
        "Python files at HEAD without history: {missing:?}"
    );
    // flask/app.py moved to src/flask/app.py in 2019 (ca278a86) and to src/flask/sansio/app.py
    // in 2023 (a64588f8), both pure moves; a new src/flask/app.py was written the next day.
    // The long history follows the moves; the new file starts fresh.
    let find = |p: &str| a.files.iter().find(|f| f.path == p).expect(p);
    let sansio = find("src/flask/sansio/app.py");
    assert!(sansio.alive && sansio.revisions > 400, "{sansio:?}");
    assert!(
        sansio.first_change < 1_280_000_000,
        "created in 2010: {sansio:?}"
    );
    let new_app = find("src/flask/app.py");
    assert!(
        new_app.first_change > 1_686_000_000,
        "created in 2023: {new_app:?}"
    );
    assert!(a.files.iter().all(|f| f.path != "flask/app.py"));

    assert!(!a.hotspots.is_empty());
    assert!(a.hotspots.windows(2).all(|w| w[0].score >= w[1].score));
    let tf = &a.bus_factor.repository;
    assert!(
        tf.truck_factor >= 1 && tf.truck_factor <= tf.authors,
        "{tf:?}"
    );
    let o = &opts.coupling;
    for p in &a.coupling.pairs {
        assert!(p.shared >= o.min_shared);
        assert!(f64::from(p.revisions_a + p.revisions_b) / 2.0 >= f64::from(o.min_revisions));
        assert!(p.degree >= o.min_degree && p.degree <= 1.0);
    }
    assert!(
        a.coupling.skipped_change_sets > 0,
        "flask has bulk commits over 30 files"
    );
    assert!(!a.findings.is_empty());
    assert!(
        a.findings
            .windows(2)
            .all(|w| w[0].severity >= w[1].severity)
    );

    println!(
        "flask: {} commits, {} people, {} files; truck factor {} ({}); {} coupling pairs",
        h.commit_count(),
        h.people().len(),
        h.files().len(),
        tf.truck_factor,
        tf.top_authors
            .iter()
            .map(|p| p.name.as_str())
            .collect::<Vec<_>>()
            .join(", "),
        a.coupling.pairs.len()
    );
    let top: Vec<Finding> = a.findings.iter().take(8).cloned().collect();
    println!("{}", summary_text(&top));
}
