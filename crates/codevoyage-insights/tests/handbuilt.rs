//! Hand-built histories whose answers are known by construction; every expected number is
//! worked out in the comments from the formulas in the module docs.

mod common;

use codevoyage_insights::busfactor::doa;
use codevoyage_insights::ownership::fragmentation;
use codevoyage_insights::*;
use common::*;

fn close(a: f64, b: f64) -> bool {
    (a - b).abs() < 1e-9
}

/// Alice wrote `legacy.py` alone in January 2024 and left; Bob works on `app.py` until now
/// (day 400).
fn departed() -> History {
    let now = T0 + 400 * DAY;
    history(
        vec![
            commit("Alice", T0, vec![add("legacy.py", 100)]),
            commit("Alice", T0 + 5 * DAY, vec![modify("legacy.py", 20, 5)]),
            commit("Alice", T0 + 10 * DAY, vec![modify("legacy.py", 10, 2)]),
            commit("Bob", T0 + 300 * DAY, vec![add("app.py", 50)]),
            commit("Bob", T0 + 399 * DAY, vec![modify("app.py", 5, 1)]),
        ],
        now,
    )
}

#[test]
fn a_file_edited_only_by_a_departed_author_is_knowledge_loss() {
    let h = departed();
    let bus = bus_factor(&h, &KnowledgeOptions::default());
    // Alice's last commit is day 10, now is day 400: inactive 390 days > 90.
    assert_eq!(bus.loss.len(), 1);
    let l = &bus.loss[0];
    assert_eq!(l.path, "legacy.py");
    assert_eq!(l.main_author.email, "alice@example.com");
    assert_eq!(l.lines_added, 130); // 100 + 20 + 10
    assert!(close(l.share, 1.0));
    assert_eq!(l.days_inactive, 390);
    assert_eq!(h.is_inactive("ALICE@example.com", 90), Some(true));
    assert_eq!(h.is_inactive("bob@example.com", 90), Some(false));
    assert_eq!(h.is_inactive("zed@example.com", 90), None);
    // Bob is active (day 399) and wrote all 55 lines of app.py: an island, not a loss.
    assert_eq!(bus.islands.len(), 1);
    assert_eq!(bus.islands[0].path, "app.py");
    assert_eq!(bus.islands[0].owner.name, "Bob");
    // With a 400-day threshold nobody is inactive, so legacy.py becomes Alice's island.
    let lenient = bus_factor(
        &h,
        &KnowledgeOptions {
            inactive_after_days: 400,
            ..KnowledgeOptions::default()
        },
    );
    assert!(lenient.loss.is_empty());
    assert_eq!(lenient.islands.len(), 2);

    // Off-boarding Bob: app.py loses its only expert, legacy.py (Alice's) does not; the root
    // keeps Alice, so no folder loses its last expert.
    let off = offboard(&h, &["BOB@example.com", "nobody@example.com"]);
    assert_eq!(off.files_losing_last_expert, ["app.py"]);
    assert_eq!(off.unknown, ["nobody@example.com"]);
    assert!(off.folders_losing_last_expert.is_empty());
    assert_eq!(off.folders[0].files_orphaned, 1);
    let both = offboard(&h, &["bob@example.com", "alice@example.com"]);
    assert_eq!(both.folders_losing_last_expert, [""]);

    // Findings: with legacy.py complex, it is the top hotspot and its author is gone.
    let a = analyze(
        &h,
        &|p| (p == "legacy.py").then_some(30).or(Some(2)),
        &AnalysisOptions::default(),
    );
    // legacy.py: 3 revisions × 30 = 90; app.py: 2 × 2 = 4.
    assert_eq!(a.hotspots[0].path, "legacy.py");
    assert_eq!(a.hotspots[0].score, 90);
    let first = &a.findings[0];
    assert_eq!(first.severity, Severity::Critical);
    let kinds: Vec<FindingKind> = a
        .findings
        .iter()
        .filter(|f| f.severity == Severity::Critical)
        .map(|f| f.kind)
        .collect();
    assert!(kinds.contains(&FindingKind::Hotspot), "{kinds:?}");
    assert!(kinds.contains(&FindingKind::KnowledgeLoss), "{kinds:?}");
    let hot = a
        .findings
        .iter()
        .find(|f| f.kind == FindingKind::Hotspot && f.evidence.files == ["legacy.py"])
        .expect("legacy.py hotspot finding");
    assert!(hot.explanation.contains("390 days"), "{}", hot.explanation);
    assert!(hot.explanation.contains("100 %"), "{}", hot.explanation);
    let text = summary_text(&a.findings);
    assert!(
        text.contains("[critical] `legacy.py` is hotspot #1"),
        "{text}"
    );
    // Evidence is JSON-serialisable and carries the people.
    let json = serde_json::to_value(&a.findings).expect("findings serialise");
    assert_eq!(json[0]["severity"], "critical");
}

#[test]
fn two_files_always_changed_together_have_degree_one() {
    let mut commits = Vec::new();
    for i in 0..5 {
        commits.push(commit(
            "Ann",
            T0 + i * DAY,
            vec![modify("src/a.rs", 1, 0), modify("web/b.ts", 1, 0)],
        ));
        commits.push(commit(
            "Ann",
            T0 + i * DAY + 3600,
            vec![modify("c.rs", 1, 0)],
        ));
    }
    let h = history(commits, T0 + 10 * DAY);
    let c = coupling(&h, &CouplingOptions::default());
    // revisions a = b = 5, shared 5: degree 5 / avg(5, 5) = 1, confidences 5/5 = 1.
    assert_eq!(c.pairs.len(), 1);
    let p = &c.pairs[0];
    assert_eq!((p.a.as_str(), p.b.as_str()), ("src/a.rs", "web/b.ts"));
    assert_eq!((p.shared, p.revisions_a, p.revisions_b), (5, 5, 5));
    assert!(close(p.degree, 1.0) && close(p.confidence_a_to_b, 1.0));
    // Sum of coupling: each of a's 5 change sets has 2 files → 5 × (2 − 1) = 5; c.rs is never
    // in a multi-file change set.
    assert_eq!(c.files.len(), 2);
    assert_eq!(c.files[0].sum_of_coupling, 5);
    assert_eq!(c.change_sets, 10);
    // Different folders, degree 1 ≥ 0.8: a cross-folder warning finding.
    let a = analyze(&h, &|_| None, &AnalysisOptions::default());
    let f = a
        .findings
        .iter()
        .find(|f| f.kind == FindingKind::CrossFolderCoupling)
        .expect("cross-folder finding");
    assert_eq!(f.severity, Severity::Warning);
    assert_eq!(f.evidence.numbers["shared"], 5.0);
}

#[test]
fn degree_and_directed_confidence_differ_when_revisions_differ() {
    let mut commits = Vec::new();
    // 6 commits change a and b, 4 more change a alone.
    for i in 0..10 {
        let mut ch = vec![modify("a", 1, 0)];
        if i < 6 {
            ch.push(modify("b", 1, 0));
        }
        commits.push(commit("Ann", T0 + i * DAY, ch));
    }
    let h = history(commits, T0 + 20 * DAY);
    let c = coupling(&h, &CouplingOptions::default());
    let p = &c.pairs[0];
    // degree = 6 / ((10 + 6) / 2) = 0.75; a→b = 6/10 = 0.6; b→a = 6/6 = 1.
    assert!(close(p.degree, 0.75), "{}", p.degree);
    assert!(close(p.confidence_a_to_b, 0.6));
    assert!(close(p.confidence_b_to_a, 1.0));
    // Raising min_degree above 0.75 removes it; min_shared 7 too.
    let strict = CouplingOptions {
        min_degree: 0.76,
        ..CouplingOptions::default()
    };
    assert!(coupling(&h, &strict).pairs.is_empty());
    let strict = CouplingOptions {
        min_shared: 7,
        ..CouplingOptions::default()
    };
    assert!(coupling(&h, &strict).pairs.is_empty());
}

#[test]
fn a_big_change_set_is_ignored() {
    let mut commits = Vec::new();
    for i in 0..5 {
        commits.push(commit(
            "Ann",
            T0 + i * DAY,
            vec![modify("a", 1, 0), modify("b", 1, 0)],
        ));
    }
    // One reformatting commit over 31 files, a and b among them.
    let mut big = vec![modify("a", 1, 1), modify("b", 1, 1)];
    big.extend((0..29).map(|i| modify(&format!("gen/{i}.c"), 1, 1)));
    commits.push(commit("Bot", T0 + 9 * DAY, big));
    let h = history(commits, T0 + 10 * DAY);
    let c = coupling(&h, &CouplingOptions::default());
    // 31 > 30: skipped before pairing, so a and b keep 5 revisions and 5 shared.
    assert_eq!(c.skipped_change_sets, 1);
    assert_eq!(c.change_sets, 5);
    assert_eq!((c.pairs[0].revisions_a, c.pairs[0].shared), (5, 5));
    assert!(c.files.iter().all(|f| !f.path.starts_with("gen/")));
    // Allowing 31 files: a and b have 6 revisions and 6 shared; gen files have 1 revision each,
    // avg(6, 1) = 3.5 < 5 and avg(1, 1) = 1 < 5, so they pair with nothing.
    let loose = CouplingOptions {
        max_changeset_size: 31,
        ..CouplingOptions::default()
    };
    let c = coupling(&h, &loose);
    assert_eq!(c.skipped_change_sets, 0);
    assert_eq!(c.pairs.len(), 1);
    assert_eq!((c.pairs[0].revisions_a, c.pairs[0].shared), (6, 6));
}

#[test]
fn commits_by_one_author_within_the_window_group_into_one_change() {
    let mut commits = Vec::new();
    for i in 0..5 {
        commits.push(commit("Ann", T0 + i * DAY, vec![modify("a", 1, 0)]));
        commits.push(commit("Ann", T0 + i * DAY + 60, vec![modify("b", 1, 0)]));
        // Bob touching a in between does not join Ann's group.
        commits.push(commit("Bob", T0 + i * DAY + 30, vec![modify("c", 1, 0)]));
    }
    let h = history(commits, T0 + 10 * DAY);
    assert!(coupling(&h, &CouplingOptions::default()).pairs.is_empty());
    let grouped = coupling(
        &h,
        &CouplingOptions {
            group_by_author_within: Some(3600),
            ..CouplingOptions::default()
        },
    );
    assert_eq!(grouped.change_sets, 10); // 5 of Ann's pairs + Bob's 5 commits
    assert_eq!(grouped.pairs.len(), 1);
    let p = &grouped.pairs[0];
    assert_eq!((p.a.as_str(), p.b.as_str(), p.shared), ("a", "b", 5));
    assert!(close(p.degree, 1.0));
    // A window of 59 s is too short for the 60 s gap.
    let tight = coupling(
        &h,
        &CouplingOptions {
            group_by_author_within: Some(59),
            ..CouplingOptions::default()
        },
    );
    assert!(tight.pairs.is_empty());
}

#[test]
fn renames_continue_a_files_history() {
    let now = T0 + 100 * DAY;
    let h = history(
        vec![
            commit("Alice", T0, vec![add("src/old.py", 10), add("tmp.txt", 1)]),
            commit("Bob", T0 + DAY, vec![modify("src/old.py", 5, 2)]),
            commit(
                "Carol",
                T0 + 2 * DAY,
                vec![
                    rename("src/old.py", "lib/new.py", 1, 1),
                    delete("tmp.txt", 1),
                ],
            ),
            commit("Alice", T0 + 3 * DAY, vec![modify("lib/new.py", 3, 0)]),
        ],
        now,
    );
    let churn = file_churn(&h, Window::ALL);
    let paths: Vec<&str> = churn.iter().map(|f| f.path.as_str()).collect();
    assert_eq!(paths, ["lib/new.py", "tmp.txt"]);
    let f = &churn[0];
    // 4 commits: added 10 + 5 + 1 + 3 = 19, removed 2 + 1 = 3, three people.
    assert_eq!((f.revisions, f.added, f.removed, f.churn), (4, 19, 3, 22));
    assert_eq!(f.authors, 3);
    assert!(f.alive && !churn[1].alive);
    // The folder roll-up follows the latest name: `lib` has the 4 commits, `src` nothing.
    let folders = folder_churn(&h, Window::ALL);
    let lib = folders.iter().find(|d| d.path == "lib").expect("lib");
    assert_eq!((lib.revisions, lib.files), (4, 1));
    assert!(folders.iter().all(|d| d.path != "src"));
    let root = folders.iter().find(|d| d.path.is_empty()).expect("root");
    assert_eq!((root.revisions, root.files), (4, 2));
    // A window from day 2 keeps the rename and the last change only.
    let recent = file_churn(&h, Window::since(T0 + 2 * DAY));
    assert_eq!(recent[0].revisions, 2);
    assert_eq!(recent[0].added, 4);
    // Age: created on day 0 (under its old name), last changed on day 3; the deleted file
    // has no age.
    let age = code_age(&h);
    assert_eq!(age.len(), 1);
    assert_eq!(age[0].created, T0);
    assert!(close(age[0].months_since_creation, 100.0 / 30.436875));
    assert!(close(age[0].months_since_change, 97.0 / 30.436875));
    // Ownership: Alice added 13 of 19 lines; commits 2 of 4, Bob 1, Carol 1.
    let own = ownership(&h, Window::ALL);
    let o = own
        .files
        .iter()
        .find(|o| o.path == "lib/new.py")
        .expect("file");
    assert_eq!(
        o.main_by_lines.as_ref().map(|p| p.name.as_str()),
        Some("Alice")
    );
    assert!(close(o.lines_share, 13.0 / 19.0));
    assert!(close(o.commits_share, 0.5));
    // fragmentation = 1 − (0.5² + 0.25² + 0.25²) = 0.625
    assert!(close(o.fragmentation, 0.625));
}

#[test]
fn a_rename_chain_and_a_swap_keep_lineages_apart() {
    let h = history(
        vec![
            commit("Ann", T0, vec![add("a", 1), add("b", 2)]),
            // a → c, then b → a: the new `a` is b's lineage.
            commit("Ann", T0 + 1, vec![rename("a", "c", 0, 0)]),
            commit("Ann", T0 + 2, vec![rename("b", "a", 0, 0)]),
            commit("Ann", T0 + 3, vec![modify("a", 5, 0)]),
        ],
        T0 + 10,
    );
    let churn = file_churn(&h, Window::ALL);
    let by: Vec<(&str, u64, u64)> = churn
        .iter()
        .map(|f| (f.path.as_str(), f.revisions, f.added))
        .collect();
    assert_eq!(by, [("a", 3, 7), ("c", 2, 1)]);
}

#[test]
fn fragmentation_values() {
    assert!(close(fragmentation(&[7]), 0.0));
    assert!(close(fragmentation(&[3, 3]), 0.5));
    // 1 − (0.5² + 0.25² + 0.25²) = 0.625
    assert!(close(fragmentation(&[2, 1, 1]), 0.625));
    // four equal authors: 1 − 4 × 1/16 = 0.75
    assert!(close(fragmentation(&[1, 1, 1, 1]), 0.75));
    assert!(close(fragmentation(&[]), 0.0));
}

#[test]
fn degree_of_authorship_matches_the_paper_formula() {
    // Creator with 10 commits, another person with 1:
    // DOA_A = 3.293 + 1.098 + 0.164·10 − 0.321·ln 2 = 5.80850…
    // DOA_B = 3.293 + 0.164 − 0.321·ln 11 = 2.68728… (< 3.293 and normalised 0.46: not an author)
    assert!(close(doa(true, 10, 1), 6.031 - 0.321 * 2f64.ln()));
    let mut commits = vec![commit("Ann", T0, vec![add("f", 10)])];
    for i in 1..10 {
        commits.push(commit("Ann", T0 + i, vec![modify("f", 1, 0)]));
    }
    commits.push(commit("Bob", T0 + 20, vec![modify("f", 1, 0)]));
    // A second file: Ann creates it once, Bob changes it 3 times.
    // DOA_Ann = 3.293 + 1.098 + 0.164 − 0.321·ln 4 = 4.11000…
    // DOA_Bob = 3.293 + 0.492 − 0.321·ln 2 = 3.56250…, normalised 0.8668 > 0.75: both authors.
    commits.push(commit("Ann", T0 + 30, vec![add("g", 1)]));
    for i in 0..3 {
        commits.push(commit("Bob", T0 + 31 + i, vec![modify("g", 1, 0)]));
    }
    let h = history(commits, T0 + DAY);
    let a = authorship(&h);
    let f = a.iter().find(|x| x.path == "f").expect("f");
    assert_eq!(f.authors.len(), 1);
    assert_eq!(f.authors[0].person.name, "Ann");
    let g = a.iter().find(|x| x.path == "g").expect("g");
    let names: Vec<&str> = g.authors.iter().map(|x| x.person.name.as_str()).collect();
    assert_eq!(names, ["Ann", "Bob"]);
    assert!(close(
        g.authors[1].normalised,
        g.authors[1].doa / g.authors[0].doa
    ));
    assert!((g.authors[1].normalised - 0.8668).abs() < 1e-3);
}

#[test]
fn truck_factor_follows_the_greedy_procedure() {
    // Four files with one author each: Ann authors 2, Bob 1, Cid 1.
    // Remove Ann (most files): 2 of 4 orphaned = 50 %, not more than half: continue.
    // Remove Bob (tie with Cid, smaller e-mail): 3 of 4 orphaned > 50 %: stop. TF = 2.
    let h = history(
        vec![
            commit("Ann", T0, vec![add("core/f1", 10), add("core/f2", 10)]),
            commit("Bob", T0 + 1, vec![add("web/f3", 10)]),
            commit("Cid", T0 + 2, vec![add("web/f4", 10)]),
        ],
        T0 + DAY,
    );
    let bus = bus_factor(&h, &KnowledgeOptions::default());
    assert_eq!(bus.repository.truck_factor, 2);
    assert_eq!(bus.repository.files, 4);
    assert_eq!(bus.repository.authors, 3);
    let removed: Vec<&str> = bus
        .repository
        .top_authors
        .iter()
        .map(|p| p.name.as_str())
        .collect();
    assert_eq!(removed, ["Ann", "Bob"]);
    // Per folder: core/ has one author (TF 1); web/ has two files with one author each:
    // removing Bob orphans 1 of 2 (50 %), removing Cid too → TF 2.
    let core = bus.folders.iter().find(|t| t.path == "core").expect("core");
    assert_eq!(core.truck_factor, 1);
    let web = bus.folders.iter().find(|t| t.path == "web").expect("web");
    assert_eq!(web.truck_factor, 2);
}

#[test]
fn bots_are_not_people_and_co_authors_are_credited() {
    let mut bot = commit("Ann", T0, vec![add("deps.lock", 500)]);
    bot.author.identity = codevoyage_model::Identity {
        name: "dependabot[bot]".into(),
        email: "49699333+dependabot[bot]@users.noreply.github.com".into(),
    };
    let mut paired = commit("Ann", T0 + 1, vec![add("x.rs", 10)]);
    paired.co_authors.push(codevoyage_model::Identity {
        name: "Bob".into(),
        email: "Bob@Example.com".into(),
    });
    let h = history(vec![bot, paired], T0 + DAY);
    assert_eq!(h.people().len(), 2, "{:?}", h.people());
    let churn = file_churn(&h, Window::ALL);
    let lock = churn.iter().find(|f| f.path == "deps.lock").expect("lock");
    assert_eq!((lock.revisions, lock.authors), (1, 0));
    let x = churn.iter().find(|f| f.path == "x.rs").expect("x");
    assert_eq!(x.authors, 2);
    let own = ownership(&h, Window::ALL);
    let o = own.files.iter().find(|o| o.path == "x.rs").expect("x");
    // Lines go to the author alone; the commit is credited to both.
    assert!(close(o.lines_share, 1.0));
    assert!(close(o.fragmentation, 0.5));
}

#[test]
fn folder_hotspots_roll_up_scores() {
    let files = [
        FileActivity {
            path: "src/a.py",
            revisions: 10,
            cyclomatic: 5,
        },
        FileActivity {
            path: "src/b.py",
            revisions: 2,
            cyclomatic: 40,
        },
        FileActivity {
            path: "docs/x.md",
            revisions: 50,
            cyclomatic: 0,
        },
    ];
    let ranked = hotspots(&files, usize::MAX);
    let folders = folder_hotspots(&ranked);
    let paths: Vec<(&str, u64, &str)> = folders
        .iter()
        .map(|f| (f.path.as_str(), f.score, f.top_file.as_str()))
        .collect();
    assert_eq!(paths, [("", 130, "src/b.py"), ("src", 130, "src/b.py")]);
}

#[test]
fn empty_history_gives_empty_results_without_panicking() {
    let h = history(Vec::new(), T0);
    let a = analyze(&h, &|_| Some(1), &AnalysisOptions::default());
    assert!(a.files.is_empty() && a.hotspots.is_empty() && a.coupling.pairs.is_empty());
    assert_eq!(a.bus_factor.repository.truck_factor, 0);
    assert!(a.findings.is_empty());
    assert!(summary_text(&a.findings).starts_with("No findings"));
}

#[test]
fn a_branch_changing_the_old_name_after_the_rename_stays_with_the_file() {
    // In date order: the rename lands on main, then a commit from a branch that forked before
    // it still modifies the old name (merges carry no changes, so git log shows it like this).
    let h = history(
        vec![
            commit("Ann", T0, vec![add("old.py", 10)]),
            commit("Ann", T0 + 1, vec![rename("old.py", "new.py", 0, 0)]),
            commit("Bob", T0 + 2, vec![modify("old.py", 4, 1)]),
            // A genuinely new file at the old name starts a new lineage.
            commit("Cid", T0 + 3, vec![add("old.py", 2)]),
        ],
        T0 + DAY,
    );
    let churn = file_churn(&h, Window::ALL);
    let by: Vec<(&str, u64, u64, bool)> = churn
        .iter()
        .map(|f| (f.path.as_str(), f.revisions, f.added, f.alive))
        .collect();
    assert_eq!(by, [("new.py", 3, 14, true), ("old.py", 1, 2, true)]);
    // The HEAD tree settles which files exist.
    let mut h = h;
    h.mark_live(|p| p == "new.py");
    assert!(!file_churn(&h, Window::ALL)[1].alive);
}

#[test]
fn a_truck_factor_of_zero_is_explained() {
    // One file created by Ann, then changed 80 times by 40 other people (2 each):
    // DOA_Ann = 3.293 + 1.098 + 0.164·1 − 0.321·ln(1 + 80) = 3.144 < 3.293;
    // DOA_Pi  = 3.293 + 0.164·2 − 0.321·ln(1 + 79) = 2.214 < 3.293.
    // Nobody is an author, so more than half the files are orphaned from the start: TF = 0.
    let mut commits = vec![commit("Ann", T0, vec![add("f", 10)])];
    for i in 0..80 {
        commits.push(commit(
            &format!("P{}", i % 40),
            T0 + 1 + i,
            vec![modify("f", 1, 0)],
        ));
    }
    let h = history(commits, T0 + DAY);
    let a = analyze(&h, &|_| None, &AnalysisOptions::default());
    assert_eq!(a.bus_factor.repository.truck_factor, 0);
    assert_eq!(a.bus_factor.repository.authors, 0);
    let f = a
        .findings
        .iter()
        .find(|f| f.kind == FindingKind::LowTruckFactor)
        .expect("truck factor finding");
    assert!(
        f.explanation.contains("no clear author"),
        "{}",
        f.explanation
    );
}

#[test]
fn only_unambiguous_pure_moves_are_inferred_as_renames() {
    let h = history(
        vec![
            commit(
                "Ann",
                T0,
                vec![
                    add("a/x.py", 5),
                    add("b/x.py", 5),
                    add("c/y.py", 7),
                    add("d/z.py", 3),
                ],
            ),
            commit(
                "Ann",
                T0 + 1,
                vec![
                    // Two deleted x.py of 5 lines and one added: ambiguous, not a move.
                    delete("a/x.py", 5),
                    delete("b/x.py", 5),
                    add("e/x.py", 5),
                    // y.py moved untouched: a move, carrying no lines.
                    delete("c/y.py", 7),
                    add("f/y.py", 7),
                    // z.py moved and edited (3 removed, 4 added): not a pure move.
                    delete("d/z.py", 3),
                    add("g/z.py", 4),
                ],
            ),
        ],
        T0 + DAY,
    );
    let churn = file_churn(&h, Window::ALL);
    let by: Vec<(&str, u64, u64, bool)> = churn
        .iter()
        .map(|f| (f.path.as_str(), f.revisions, f.added, f.alive))
        .collect();
    assert_eq!(
        by,
        [
            ("a/x.py", 2, 5, false),
            ("b/x.py", 2, 5, false),
            ("d/z.py", 2, 3, false),
            ("e/x.py", 1, 5, true),
            ("f/y.py", 2, 7, true),
            ("g/z.py", 1, 4, true),
        ]
    );
    // Turning inference off keeps the deletion and the addition.
    let commits = vec![
        commit("Ann", T0 + 1, vec![delete("c/y.py", 7), add("f/y.py", 7)]),
        commit("Ann", T0, vec![add("c/y.py", 7)]),
    ];
    let opts = HistoryOptions {
        infer_renames: false,
        ..HistoryOptions::default()
    };
    let h = History::from_commits(&commits, T0 + DAY, opts);
    assert_eq!(file_churn(&h, Window::ALL).len(), 2);
}
