//! End to end through real git: the `insights-team` fixture script, walked by the history
//! engine, analysed here. Expected values are worked out by hand in the script's comments and
//! below.

use codevoyage_insights::*;
use codevoyage_model::{Commit, NoProgress};
use std::ops::ControlFlow;
use std::sync::atomic::AtomicBool;

#[test]
fn team_fixture_gives_the_answers_known_by_construction() {
    let fixture = codevoyage_testkit::fixture("insights-team");
    let repo = codevoyage_history::open(fixture.path()).expect("open fixture");
    let mut commits: Vec<Commit> = Vec::new();
    repo.walk(
        &Default::default(),
        &NoProgress,
        &AtomicBool::new(false),
        &mut |c| {
            commits.push(c);
            ControlFlow::Continue(())
        },
    )
    .expect("walk");
    assert_eq!(commits.len(), 15);
    let now = commits[0].author.time; // 2023-06-30T12:00Z, the newest commit
    let h = History::from_commits(&commits, now, HistoryOptions::default());
    // Alice's two spellings of her e-mail are one person.
    assert_eq!(h.people().len(), 3);

    let churn = file_churn(&h, Window::ALL);
    let paths: Vec<&str> = churn.iter().map(|f| f.path.as_str()).collect();
    assert_eq!(
        paths,
        [
            "api/routes.py",
            "legacy/billing.py",
            "lib/util.py",
            "web/client.js"
        ]
    );
    let billing = &churn[1];
    // 4 commits; 10 + 3 × 2 lines added.
    assert_eq!(
        (billing.revisions, billing.added, billing.authors),
        (4, 16, 1)
    );
    let util = &churn[2];
    // Bob ×2, Carol's rename, Carol's edit: 4 commits across the rename; 2 + 2 + 0 + 2 lines.
    assert_eq!((util.revisions, util.added, util.authors), (4, 6, 2));

    // Coupling: routes.py and client.js share 6 commits; routes.py has 7 revisions, client.js 6:
    // degree = 6 / ((7 + 6) / 2) = 0.923…, routes → client = 6/7, client → routes = 1.
    let c = coupling(&h, &CouplingOptions::default());
    assert_eq!(c.pairs.len(), 1);
    let p = &c.pairs[0];
    assert_eq!(
        (p.a.as_str(), p.b.as_str(), p.shared),
        ("api/routes.py", "web/client.js", 6)
    );
    assert!((p.degree - 12.0 / 13.0).abs() < 1e-9);
    assert!((p.confidence_a_to_b - 6.0 / 7.0).abs() < 1e-9);
    assert!((p.confidence_b_to_a - 1.0).abs() < 1e-9);

    // Knowledge loss: Alice's last commit is 2022-01-10T12:00Z, 536 days before now.
    let bus = bus_factor(&h, &KnowledgeOptions::default());
    assert_eq!(bus.loss.len(), 1);
    assert_eq!(bus.loss[0].path, "legacy/billing.py");
    assert_eq!(bus.loss[0].main_author.email, "alice@example.com");
    assert_eq!(bus.loss[0].days_inactive, 536);
    // Lines added to live files: routes 7, client 6, billing 16, util 6 = 35; lost: 16.
    let root = &bus.folder_loss[0];
    assert_eq!(root.path, "");
    assert_eq!(
        (root.files, root.files_lost, root.lines, root.lines_lost),
        (4, 1, 35, 16)
    );
    let legacy = &bus.folder_loss[1];
    assert_eq!((legacy.path.as_str(), legacy.share_lost), ("legacy", 1.0));
    // Truck factor: 4 files; authors: Bob (routes, client), Alice (billing), and lib/util.py
    // has Bob (FA, DL 2, AC 2: 3.293 + 1.098 + 0.328 − 0.321·ln 3 = 4.366) and Carol
    // (DL 2, AC 2: 3.621 − 0.353 = 3.268 < 3.293: not an author).
    // Remove Bob (3 files): 3 of 4 orphaned > 50 % → TF = 1.
    assert_eq!(bus.repository.truck_factor, 1);
    assert_eq!(bus.repository.top_authors[0].name, "Bob Builder");

    // Leaving Bob orphans routes, client and util; `api`, `web` and `lib` lose their last expert.
    let off = offboard(&h, &["bob@example.com"]);
    assert_eq!(
        off.files_losing_last_expert,
        ["api/routes.py", "lib/util.py", "web/client.js"]
    );
    assert_eq!(off.folders_losing_last_expert, ["api", "lib", "web"]);

    let a = analyze(
        &h,
        &|p| p.ends_with(".py").then_some(3),
        &AnalysisOptions::default(),
    );
    let kinds: Vec<FindingKind> = a.findings.iter().map(|f| f.kind).collect();
    assert!(kinds.contains(&FindingKind::KnowledgeLoss));
    assert!(kinds.contains(&FindingKind::CrossFolderCoupling));
    assert_eq!(a.findings[0].severity, Severity::Critical);
    println!("{}", summary_text(&a.findings));
}
