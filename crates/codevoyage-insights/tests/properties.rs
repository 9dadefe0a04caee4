//! Property tests over random histories: the bounds every formula promises.

mod common;

use codevoyage_insights::coupling::{confidence, degree};
use codevoyage_insights::ownership::fragmentation;
use codevoyage_insights::*;
use common::*;
use proptest::prelude::*;

const PEOPLE: [&str; 5] = ["Ann", "Bob", "Cid", "Dee", "Eve"];
const PATHS: [&str; 8] = ["a", "b", "src/c", "src/d", "src/e/f", "web/g", "web/h", "i"];

/// A random history: per commit an author, a gap in hours and a set of (path, kind, lines).
fn histories() -> impl Strategy<Value = History> {
    let change = (0..PATHS.len(), 0..4u8, 0..50u32, 0..50u32);
    let commit_s = (
        0..PEOPLE.len(),
        1..200i64,
        prop::collection::vec(change, 1..6),
    );
    (prop::collection::vec(commit_s, 0..60), 0..400i64).prop_map(|(commits, extra_days)| {
        let mut t = T0;
        let mut out = Vec::new();
        for (who, gap, changes) in commits {
            t += gap * 3600;
            let mut seen = Vec::new();
            let changes = changes
                .into_iter()
                .filter(|(p, ..)| {
                    let fresh = !seen.contains(p);
                    seen.push(*p);
                    fresh
                })
                .map(|(p, kind, a, r)| match kind {
                    0 => add(PATHS[p], a),
                    1 => delete(PATHS[p], r),
                    // Renames to a path outside the pool, so a later change may revive the old one.
                    2 => rename(PATHS[p], &format!("{}.moved", PATHS[p]), a, r),
                    _ => modify(PATHS[p], a, r),
                })
                .collect();
            out.push(commit(PEOPLE[who], t, changes));
        }
        history(out, t + extra_days * DAY)
    })
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 200, ..ProptestConfig::default() })]

    #[test]
    fn degree_is_symmetric_and_bounded(shared in 0u32..100, ra in 0u32..100, rb in 0u32..100) {
        let d = degree(shared.min(ra).min(rb), ra, rb);
        prop_assert_eq!(d, degree(shared.min(ra).min(rb), rb, ra));
        prop_assert!((0.0..=1.0).contains(&d));
        prop_assert!((0.0..=1.0).contains(&confidence(shared.min(ra), ra)));
    }

    #[test]
    fn coupling_pairs_obey_bounds_and_thresholds(h in histories(), min_shared in 1u32..4) {
        let opts = CouplingOptions {
            min_revisions: 1,
            min_shared,
            min_degree: 0.0,
            max_changeset_size: 4,
            ..CouplingOptions::default()
        };
        let c = coupling(&h, &opts);
        for p in &c.pairs {
            prop_assert!(p.a < p.b);
            prop_assert!(p.shared >= min_shared);
            prop_assert!(p.shared <= p.revisions_a.min(p.revisions_b));
            prop_assert!((0.0..=1.0).contains(&p.degree));
            prop_assert!((0.0..=1.0).contains(&p.confidence_a_to_b));
            prop_assert!((0.0..=1.0).contains(&p.confidence_b_to_a));
            prop_assert_eq!(p.degree, degree(p.shared, p.revisions_b, p.revisions_a));
        }
        // Grouping commits into logical changes can only merge change sets, never add some.
        let grouped = coupling(&h, &CouplingOptions { group_by_author_within: Some(86_400), ..opts });
        prop_assert!(grouped.change_sets + grouped.skipped_change_sets
            <= c.change_sets + c.skipped_change_sets);
    }

    #[test]
    fn truck_factor_never_exceeds_the_authors(h in histories()) {
        let bus = bus_factor(&h, &KnowledgeOptions::default());
        let people = h.people().len() as u32;
        for t in &bus.folders {
            prop_assert!(t.truck_factor <= t.authors);
            prop_assert!(t.authors <= people);
            prop_assert_eq!(t.top_authors.len() as u32, t.truck_factor);
            // Folders are listed only when they hold live files with history.
            prop_assert!(t.files > 0);
        }
        prop_assert!(bus.repository.truck_factor <= people);
    }

    #[test]
    fn fragmentation_is_within_zero_and_one(counts in prop::collection::vec(0u64..1000, 0..20), h in histories()) {
        let f = fragmentation(&counts);
        prop_assert!((0.0..1.0).contains(&f));
        let own = ownership(&h, Window::ALL);
        for o in own.files.iter().chain(&own.folders) {
            prop_assert!((0.0..1.0).contains(&o.fragmentation));
            prop_assert!((0.0..=1.0).contains(&o.lines_share));
            prop_assert!((0.0..=1.0).contains(&o.commits_share));
        }
    }

    #[test]
    fn churn_folders_agree_with_files(h in histories()) {
        let files = file_churn(&h, Window::ALL);
        let folders = folder_churn(&h, Window::ALL);
        if let Some(root) = folders.iter().find(|d| d.path.is_empty()) {
            prop_assert_eq!(root.added, files.iter().map(|f| f.added).sum::<u64>());
            prop_assert_eq!(root.files, files.len() as u64);
            prop_assert!(root.revisions <= h.commit_count() as u64);
        } else {
            prop_assert!(files.is_empty());
        }
        // Ages are never negative and creation is never after the last change.
        for a in code_age(&h) {
            prop_assert!(a.months_since_creation >= a.months_since_change);
            prop_assert!(a.months_since_change >= 0.0);
        }
        // Findings are deterministic.
        let once = analyze(&h, &|p| Some(p.len() as u64), &AnalysisOptions::default());
        let twice = analyze(&h, &|p| Some(p.len() as u64), &AnalysisOptions::default());
        prop_assert_eq!(once, twice);
    }
}
