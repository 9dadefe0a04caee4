//! The team findings (`contributor_departure`, `shrinking_team`, `collaboration_island`) on
//! hand-built histories; every expected number is worked out in the comments from the rules in
//! `team::findings`'s documentation.

mod common;

use codevoyage_insights::*;
use common::*;

const HOUR: i64 = 3_600;

fn close(a: f64, b: f64) -> bool {
    (a - b).abs() < 1e-9
}

fn team_findings(h: &History) -> Vec<Finding> {
    team::findings(h, &ownership(h, Window::ALL), &TeamOptions::default())
}

fn of_kind(found: &[Finding], kind: FindingKind) -> Vec<&Finding> {
    found.iter().filter(|f| f.kind == kind).collect()
}

fn num(f: &Finding, key: &str) -> f64 {
    *f.evidence
        .numbers
        .get(key)
        .unwrap_or_else(|| panic!("no {key} in {:?}", f.evidence.numbers))
}

/// `who` commits once a day on days `days` (at `hour` o'clock UTC), changing `path` (the first
/// commit adds it with `first_lines`, the others add one line).
fn daily(
    who: &str,
    hour: i64,
    days: std::ops::RangeInclusive<i64>,
    path: &str,
    first_lines: u32,
) -> Vec<codevoyage_model::Commit> {
    let start = *days.start();
    days.map(|d| {
        let change = if d == start {
            add(path, first_lines)
        } else {
            modify(path, 1, 0)
        };
        commit(who, T0 + d * DAY + hour * HOUR, vec![change])
    })
    .collect()
}

fn sorted(mut commits: Vec<codevoyage_model::Commit>) -> Vec<codevoyage_model::Commit> {
    commits.sort_by_key(|c| c.author.time);
    commits
}

/// Dan: 12 commits on days 0–11 (dan.py). Bob: bob.py from day `bob_from` to 269, and again on
/// days 450–469. Ann: core.py, 100 lines on day 300, then one line a day to day 319 (20
/// commits). Cid: one line of core.py a day on days 310–314 (5). Now is day 500.
fn departure_history(bob_from: i64) -> History {
    let mut commits = daily("Dan", 12, 0..=11, "dan.py", 10);
    commits.extend(daily("Bob", 10, bob_from..=269, "bob.py", 50));
    commits.extend((450..=469).map(|d| {
        commit(
            "Bob",
            T0 + d * DAY + 10 * HOUR,
            vec![modify("bob.py", 1, 0)],
        )
    }));
    commits.extend(daily("Ann", 9, 300..=319, "core.py", 100));
    commits.extend((310..=314).map(|d| {
        commit(
            "Cid",
            T0 + d * DAY + 11 * HOUR,
            vec![modify("core.py", 1, 0)],
        )
    }));
    history(sorted(commits), T0 + 500 * DAY)
}

#[test]
fn a_recently_departed_major_contributor_is_a_finding() {
    let found = team_findings(&departure_history(200));
    let departures = of_kind(&found, FindingKind::ContributorDeparture);
    // Departed = last commit before day 500 − 90 = 410: Dan (day 11), Ann (319), Cid (314).
    // Recently = last commit on or after day 500 − 365 = 135: Ann and Cid, not Dan.
    // Cid has 5 commits, under the minimum of 10. Ann's year up to her last commit (day 319
    // 09:00) holds every commit before it: Dan 12 + Bob 70 (days 200–269) + Ann 20 + Cid 5 =
    // 107, Ann's share 20 / 107 = 18.7 % ≥ 10 %: a warning (under 25 %).
    assert_eq!(departures.len(), 1, "{departures:#?}");
    let f = departures[0];
    assert_eq!(f.evidence.people[0].name, "Ann");
    assert_eq!(f.severity, Severity::Warning);
    assert!(close(num(f, "share"), 20.0 / 107.0));
    assert!(close(f.score, 20.0 / 107.0));
    assert_eq!(num(f, "commits_last_year"), 20.0);
    assert_eq!(num(f, "team_commits_last_year"), 107.0);
    // Day 500 00:00 − day 319 09:00 = 180 days 15 hours.
    assert_eq!(num(f, "days_inactive"), 180.0);
    // core.py: Ann added 100 + 19 lines, Cid 5: Ann is its main author.
    assert_eq!(num(f, "files_main_author"), 1.0);
    assert_eq!(f.evidence.files, vec!["core.py".to_string()]);
    assert_eq!(
        f.title,
        "Ann (19 % of the commits in their last year) left 180 days ago"
    );
    assert!(
        f.explanation.contains("20 of the 107 commits")
            && f.explanation.contains("2024-11-15")
            && f.explanation
                .contains("main author of 1 live file (for example `core.py`)"),
        "{}",
        f.explanation
    );
}

#[test]
fn a_departure_of_a_quarter_of_the_work_is_critical() {
    // Bob from day 240: 30 commits in Ann's year; 20 / (12 + 30 + 20 + 5) = 20 / 67 = 29.9 %.
    let found = team_findings(&departure_history(240));
    let departures = of_kind(&found, FindingKind::ContributorDeparture);
    assert_eq!(departures.len(), 1);
    assert_eq!(departures[0].severity, Severity::Critical);
    assert!(close(departures[0].score, 20.0 / 67.0));
}

/// Now is day 400. A year earlier, the 91 days to day 35: `before` people commit to app.py on
/// day 10 (Ann once more on day 20). In the last 91 days (after day 309): `recent` people
/// commit on days 390 and up.
fn shrinking_history(before: &[&str], recent: &[&str]) -> History {
    let mut commits = vec![commit("Ann", T0, vec![add("app.py", 10)])];
    for (i, who) in before.iter().enumerate() {
        commits.push(commit(
            who,
            T0 + 10 * DAY + (i as i64 + 1) * HOUR,
            vec![modify("app.py", 1, 0)],
        ));
    }
    commits.push(commit("Ann", T0 + 20 * DAY, vec![modify("app.py", 1, 0)]));
    for (i, who) in recent.iter().enumerate() {
        commits.push(commit(
            who,
            T0 + (390 + i as i64) * DAY,
            vec![modify("app.py", 1, 0)],
        ));
    }
    history(commits, T0 + 400 * DAY)
}

#[test]
fn a_team_halved_in_a_year_is_a_finding() {
    // Before (days −56 to 35, exclusive–inclusive): Ann (days 0, 10, 20), Bob, Cid, Dan, Eve:
    // 5 people, 7 commits. Recent: Ann, Bob: 2 people, 2 commits. 2 ≤ 5 / 2: a warning,
    // change 2 / 5 − 1 = −60 %, score 0.6; Cid, Dan and Eve have not committed since.
    let h = shrinking_history(&["Ann", "Bob", "Cid", "Dan", "Eve"], &["Ann", "Bob"]);
    let found = team_findings(&h);
    let shrink = of_kind(&found, FindingKind::ShrinkingTeam);
    assert_eq!(shrink.len(), 1, "{found:#?}");
    let f = shrink[0];
    assert_eq!(f.severity, Severity::Warning);
    assert!(close(f.score, 0.6));
    assert_eq!(num(f, "active_year_before"), 5.0);
    assert_eq!(num(f, "active_last_quarter"), 2.0);
    assert_eq!(num(f, "commits_year_before"), 7.0);
    assert_eq!(num(f, "commits_last_quarter"), 2.0);
    assert!(close(num(f, "change"), -0.6));
    let gone: Vec<&str> = f.evidence.people.iter().map(|p| p.name.as_str()).collect();
    assert_eq!(gone, ["Cid", "Dan", "Eve"]);
    assert_eq!(
        f.title,
        "Active contributors fell from 5 to 2 in a year (-60 %)"
    );
    assert!(
        f.explanation.contains("Cid, Dan and Eve"),
        "{}",
        f.explanation
    );

    // Three of five remain: 3 > 5 / 2, no finding.
    let h = shrinking_history(&["Ann", "Bob", "Cid", "Dan", "Eve"], &["Ann", "Bob", "Cid"]);
    assert!(of_kind(&team_findings(&h), FindingKind::ShrinkingTeam).is_empty());
    // One of five remains: critical.
    let h = shrinking_history(&["Ann", "Bob", "Cid", "Dan", "Eve"], &["Ann"]);
    let found = team_findings(&h);
    let shrink = of_kind(&found, FindingKind::ShrinkingTeam);
    assert_eq!(shrink.len(), 1);
    assert_eq!(shrink[0].severity, Severity::Critical);
    assert!(close(shrink[0].score, 0.8));
    // Three people a year ago are too few to speak of a trend.
    let h = shrinking_history(&["Ann", "Bob", "Cid"], &["Ann"]);
    assert!(of_kind(&team_findings(&h), FindingKind::ShrinkingTeam).is_empty());
}

/// Now is day 200 (departed: last commit before day 110). Ann and Bob share app/a.py (days
/// 20–39, 10 commits each). Cid alone writes tools/t1.py … t6.py on days 150–161 (12 commits:
/// six adds, then six more to t1.py). Eve alone: 3 commits to docs/e.py. Dan alone, long gone:
/// 12 commits to old/d1.py … d5.py on days 0–11. With `bob_helps`, Bob also edits
/// tools/t1.py once on day 170.
fn island_history(bob_helps: bool) -> History {
    let mut commits = vec![commit("Ann", T0 + 20 * DAY, vec![add("app/a.py", 30)])];
    for d in 21..=29 {
        commits.push(commit("Ann", T0 + d * DAY, vec![modify("app/a.py", 1, 0)]));
    }
    for d in 30..=39 {
        commits.push(commit("Bob", T0 + d * DAY, vec![modify("app/a.py", 1, 0)]));
    }
    for i in 0..12i64 {
        let change = if i < 6 {
            add(&format!("tools/t{}.py", i + 1), 10)
        } else {
            modify("tools/t1.py", 1, 0)
        };
        commits.push(commit("Cid", T0 + (150 + i) * DAY, vec![change]));
    }
    for d in 60..=62 {
        let change = if d == 60 {
            add("docs/e.py", 5)
        } else {
            modify("docs/e.py", 1, 0)
        };
        commits.push(commit("Eve", T0 + d * DAY, vec![change]));
    }
    for i in 0..12i64 {
        let change = if i < 5 {
            add(&format!("old/d{}.py", i + 1), 10)
        } else {
            modify("old/d1.py", 1, 0)
        };
        commits.push(commit("Dan", T0 + i * DAY + HOUR, vec![change]));
    }
    if bob_helps {
        commits.push(commit(
            "Bob",
            T0 + 170 * DAY,
            vec![modify("tools/t1.py", 1, 0)],
        ));
    }
    history(sorted(commits), T0 + 200 * DAY)
}

#[test]
fn a_person_nobody_shares_files_with_is_a_collaboration_island() {
    let found = team_findings(&island_history(false));
    let islands = of_kind(&found, FindingKind::CollaborationIsland);
    // Groups: {Ann, Bob} 20 commits (the team), {Cid} 12, {Dan} 12, {Eve} 3. Eve has too few
    // commits (3 < 10) and files (1 < 5); Dan has departed (day 11 < 110). Cid: 6 live files
    // of 13 (a.py, t1–t6, e.py, d1–d5) = 46 % ≥ 10 %: a warning.
    assert_eq!(islands.len(), 1, "{islands:#?}");
    let f = islands[0];
    assert_eq!(f.severity, Severity::Warning);
    let names: Vec<&str> = f.evidence.people.iter().map(|p| p.name.as_str()).collect();
    assert_eq!(names, ["Cid"]);
    assert!(close(f.score, 6.0 / 13.0));
    assert_eq!(num(f, "commits"), 12.0);
    assert_eq!(num(f, "live_files"), 6.0);
    assert_eq!(num(f, "team_people"), 2.0);
    // t1.py has 7 commits, the others 1 each (then by path).
    assert_eq!(
        f.evidence.files,
        [
            "tools/t1.py",
            "tools/t2.py",
            "tools/t3.py",
            "tools/t4.py",
            "tools/t5.py",
            "tools/t6.py"
        ]
    );
    assert_eq!(
        f.title,
        "Cid works apart: nobody else changed their 6 files"
    );

    // One edit by Bob joins Cid to the team: no island.
    let found = team_findings(&island_history(true));
    assert!(of_kind(&found, FindingKind::CollaborationIsland).is_empty());
}

#[test]
fn team_findings_are_ranked_with_the_others() {
    let h = island_history(false);
    let a = analyze(&h, &|_| None, &AnalysisOptions::default());
    assert!(
        a.findings
            .iter()
            .any(|f| f.kind == FindingKind::CollaborationIsland),
        "{:#?}",
        a.findings
    );
    // Deterministic: the same history gives the same list.
    assert_eq!(
        a.findings,
        analyze(&h, &|_| None, &AnalysisOptions::default()).findings
    );
}
