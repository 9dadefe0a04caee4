//! Team dynamics and migrations on hand-built histories; every expected number is worked out in
//! the comments from the formulas in the `team` and `migrations` module docs.

mod common;

use codevoyage_insights::migrations::{
    MigrationStatus, dependency_changes, folder_move, language_of, language_share,
};
use codevoyage_insights::team::weekday_hour;
use codevoyage_insights::*;
use codevoyage_model::{Commit, FileChange, Identity, Signature};
use common::*;
use proptest::prelude::*;

const HOUR: i64 = 3_600;

/// A commit by `who` at `time` with the author's UTC offset in minutes.
fn at(who: &str, time: i64, offset_minutes: i32, changes: Vec<FileChange>) -> Commit {
    let sig = Signature {
        identity: Identity {
            name: who.to_string(),
            email: format!("{}@example.com", who.to_lowercase()),
        },
        time,
        offset_minutes,
    };
    Commit {
        id: format!("{time:040x}"),
        parents: Vec::new(),
        author: sig.clone(),
        committer: sig,
        summary: String::new(),
        co_authors: Vec::new(),
        changes,
    }
}

fn close(a: f64, b: f64) -> bool {
    (a - b).abs() < 1e-9
}

/// T0 is Monday 2024-01-01 00:00 UTC. Ann writes a.py and b.py, Bob edits both once in
/// February, Cid writes c.py in March, Ann edits c.py in July; now is day 210.
fn team_history() -> History {
    history(
        vec![
            // Mon 09:00 UTC, +02:00 → local Mon 11:00.
            at(
                "Ann",
                T0 + 9 * HOUR,
                120,
                vec![add("a.py", 10), add("b.py", 10)],
            ),
            // Tue 10:00.
            at("Ann", T0 + DAY + 10 * HOUR, 0, vec![modify("a.py", 1, 0)]),
            // Day 31 = Thu 2024-02-01 23:30 UTC, −05:00 → local Thu 18:30.
            at(
                "Bob",
                T0 + 31 * DAY + 23 * HOUR + 1_800,
                -300,
                vec![modify("a.py", 1, 0), modify("b.py", 1, 0)],
            ),
            // Day 32 = Fri 2024-02-02 12:00.
            at(
                "Ann",
                T0 + 32 * DAY + 12 * HOUR,
                0,
                vec![modify("a.py", 1, 0)],
            ),
            // Day 60 = Fri 2024-03-01 12:00.
            at("Cid", T0 + 60 * DAY + 12 * HOUR, 0, vec![add("c.py", 5)]),
            // Day 200 = Fri 2024-07-19 08:00.
            at(
                "Ann",
                T0 + 200 * DAY + 8 * HOUR,
                0,
                vec![modify("c.py", 1, 0)],
            ),
        ],
        T0 + 210 * DAY,
    )
}

#[test]
fn collaboration_strength_is_the_overlap_of_commit_shares() {
    let t = team(&team_history(), &TeamOptions::default());
    // a.py: Ann 3 commits, Bob 1 → shares 0.75 / 0.25; b.py: Ann 1, Bob 1 → 0.5 / 0.5;
    // c.py: Cid 1, Ann 1 → 0.5 / 0.5.
    // Ann–Bob = min(0.75, 0.25) + min(0.5, 0.5) = 0.75 over 2 files; Ann–Cid = 0.5 over 1.
    assert_eq!(t.collaboration.len(), 2);
    let ab = &t.collaboration[0];
    assert_eq!((ab.a.name.as_str(), ab.b.name.as_str()), ("Ann", "Bob"));
    assert_eq!(ab.shared_files, 2);
    assert!(close(ab.strength, 0.75), "{ab:?}");
    let ac = &t.collaboration[1];
    assert_eq!((ac.a.name.as_str(), ac.b.name.as_str()), ("Ann", "Cid"));
    assert_eq!(ac.shared_files, 1);
    assert!(close(ac.strength, 0.5));
    // With one person per file nobody pairs; with min 2 shared files only Ann–Bob remains.
    let solo = team(
        &team_history(),
        &TeamOptions {
            max_people_per_file: 1,
            ..TeamOptions::default()
        },
    );
    assert!(solo.collaboration.is_empty());
    let strict = team(
        &team_history(),
        &TeamOptions {
            min_shared_files: 2,
            ..TeamOptions::default()
        },
    );
    assert_eq!(strict.collaboration.len(), 1);
}

#[test]
fn months_arrivals_and_departures() {
    let t = team(&team_history(), &TeamOptions::default());
    // Departed = last commit before now − 90 days = day 120: Bob (day 31) and Cid (day 60).
    let rows: Vec<(&str, u64, u32, u32, u32)> = t
        .months
        .iter()
        .map(|m| {
            (
                m.month.as_str(),
                m.commits,
                m.active,
                m.arrivals,
                m.departures,
            )
        })
        .collect();
    assert_eq!(
        rows,
        vec![
            ("2024-01", 2, 1, 1, 0),
            ("2024-02", 2, 2, 1, 1),
            ("2024-03", 1, 1, 1, 1),
            ("2024-04", 0, 0, 0, 0),
            ("2024-05", 0, 0, 0, 0),
            ("2024-06", 0, 0, 0, 0),
            ("2024-07", 1, 1, 0, 0),
        ]
    );
    let people: Vec<(&str, u64, bool)> = t
        .people
        .iter()
        .map(|p| (p.person.name.as_str(), p.commits, p.departed))
        .collect();
    assert_eq!(
        people,
        [("Ann", 4, false), ("Bob", 1, true), ("Cid", 1, true)]
    );
    assert_eq!(t.people[0].first_commit, T0 + 9 * HOUR);
    assert_eq!(t.people[0].last_commit, T0 + 200 * DAY + 8 * HOUR);
    // A 200-day threshold keeps Cid (day 60 ≥ 210 − 200 = day 10) and Bob.
    let lenient = team(
        &team_history(),
        &TeamOptions {
            departure_after_days: 200,
            ..TeamOptions::default()
        },
    );
    assert!(lenient.people.iter().all(|p| !p.departed));
    // Listing at most 2 people keeps the two with the most commits (Ann 4; Bob and Cid 1 each,
    // Bob's e-mail first), still by first commit; the count and the months keep everyone.
    let capped = team(
        &team_history(),
        &TeamOptions {
            max_people: 2,
            ..TeamOptions::default()
        },
    );
    let names: Vec<&str> = capped
        .people
        .iter()
        .map(|p| p.person.name.as_str())
        .collect();
    assert_eq!(names, ["Ann", "Bob"]);
    assert_eq!(capped.people_total, 3);
    assert_eq!(t.people_total, 3);
    assert_eq!(capped.months, t.months);
}

#[test]
fn weekday_hour_uses_the_authors_local_time() {
    let t = team(&team_history(), &TeamOptions::default());
    let m = &t.weekday_hour;
    assert_eq!(m[0][11], 1, "Ann's Monday 09:00 UTC at +02:00");
    assert_eq!(m[1][10], 1);
    assert_eq!(m[3][18], 1, "Bob's Thursday 23:30 UTC at -05:00");
    assert_eq!(m[4][12], 2, "two Fridays at noon");
    assert_eq!(m[4][8], 1);
    assert_eq!(m.iter().flatten().sum::<u64>(), 6);
    // Sunday 23:00 UTC at +01:00 is Monday 00:00; Monday 00:30 UTC at −01:00 is Sunday 23:30.
    assert_eq!(weekday_hour(T0 - HOUR, 60), (0, 0));
    assert_eq!(weekday_hour(T0 + 1_800, -60), (6, 23));
}

/// JavaScript → TypeScript half done, a dependency swap and a folder move.
fn migration_history() -> History {
    let jan = T0;
    let mar = T0 + 70 * DAY; // 2024-03-11
    let may = T0 + 125 * DAY; // 2024-05-05
    let mut first = vec![
        add("a.js", 100),
        add("b.js", 100),
        add("c.js", 100),
        add("d.js", 100),
        add("README.md", 30),
    ];
    let mut moves = Vec::new();
    for i in 0..5 {
        first.push(add(&format!("lib/x{i}.py"), 10));
        moves.push(delete(&format!("lib/x{i}.py"), 10));
        moves.push(add(&format!("src/lib/x{i}.py"), 10));
    }
    history(
        vec![
            commit("Ann", jan, first),
            // a.js renamed (and edited: +10 −5) to a.ts: 105 TypeScript lines; e.ts is new.
            commit(
                "Ann",
                mar,
                vec![rename("a.js", "a.ts", 10, 5), add("e.ts", 95)],
            ),
            // d.js rewritten as d.ts: an edited move, a deletion plus an addition.
            commit("Bob", may, vec![delete("d.js", 100), add("d.ts", 100)]),
            // Five pure moves lib/ → src/lib/.
            commit("Bob", may + DAY, moves),
        ],
        may + 15 * DAY,
    )
}

#[test]
fn language_share_follows_renames_and_line_deltas() {
    let h = migration_history();
    let months = language_share(&h);
    let get = |i: usize, lang: &str| {
        (
            months[i].lines.get(lang).copied().unwrap_or(0),
            months[i].files.get(lang).copied().unwrap_or(0),
        )
    };
    assert_eq!(
        months.iter().map(|m| m.month.as_str()).collect::<Vec<_>>(),
        ["2024-01", "2024-02", "2024-03", "2024-04", "2024-05"]
    );
    // January: 4 × 100 JavaScript lines, 5 × 10 Python; README.md is not a language.
    assert_eq!(get(0, "JavaScript"), (400, 4));
    assert_eq!(get(0, "Python"), (50, 5));
    assert_eq!(months[0].lines.len(), 2);
    assert_eq!(
        (&months[1].lines, &months[1].files),
        (&months[0].lines, &months[0].files),
        "February had no commits"
    );
    // March: a.js (100) moved to a.ts and edited (+10 −5 = 105); e.ts 95. JS 300 in 3 files.
    assert_eq!(get(2, "JavaScript"), (300, 3));
    assert_eq!(get(2, "TypeScript"), (200, 2));
    // May: d.js deleted (−100), d.ts added (+100); the moved Python files keep their lines.
    assert_eq!(get(4, "JavaScript"), (200, 2));
    assert_eq!(get(4, "TypeScript"), (300, 3));
    assert_eq!(get(4, "Python"), (50, 5));
}

#[test]
fn a_half_done_javascript_to_typescript_migration_is_active() {
    let h = migration_history();
    let r = migrations(&h, &[], &MigrationOptions::default());
    assert_eq!(r.language_migrations.len(), 1);
    let m = &r.language_migrations[0];
    assert_eq!(m.name, "JavaScript → TypeScript");
    // done = 300 / (200 + 300) = 0.6; the history is 5 months long, so a year earlier is 0.
    assert_eq!((m.from_lines, m.to_lines), (200, 300));
    assert!(close(m.done, 0.6));
    assert!(close(m.done_year_before, 0.0));
    assert!(close(m.trend, 0.6));
    assert_eq!(m.since, "2024-03");
    assert_eq!(m.status, MigrationStatus::Active);
    // With a 400-line minimum the 300 TypeScript lines are too few to call it a migration.
    let strict = migrations(
        &h,
        &[],
        &MigrationOptions {
            min_lines: 400,
            ..MigrationOptions::default()
        },
    );
    assert!(strict.language_migrations.is_empty());

    // Five files moved lib/ → src/lib/ in one commit; that is the only folder move.
    assert_eq!(r.folder_moves.len(), 1);
    let mv = &r.folder_moves[0];
    assert_eq!(
        (mv.from.as_str(), mv.to.as_str(), mv.files),
        ("lib", "src/lib", 5)
    );
    assert_eq!(mv.time, T0 + 126 * DAY);

    // Findings: the migration (info, under two years old) and the move.
    let a = analyze(&h, &|_| Some(1), &AnalysisOptions::default());
    let titles: Vec<&str> = a
        .findings
        .iter()
        .filter(|f| {
            matches!(
                f.kind,
                FindingKind::LanguageMigration | FindingKind::FolderMove
            )
        })
        .map(|f| f.title.as_str())
        .collect();
    assert_eq!(
        titles,
        [
            "5 files moved from `lib/` to `src/lib/`",
            "JavaScript → TypeScript migration is 60 % done"
        ]
    );
    assert_eq!(a.migrations, r);
}

fn version(day: i64, path: &str, deps: &[&str]) -> ManifestVersion {
    ManifestVersion {
        time: T0 + day * DAY,
        path: path.to_string(),
        dependencies: deps.iter().map(|d| d.to_string()).collect(),
    }
}

#[test]
fn a_dependency_leaving_as_another_arrives_is_a_swap() {
    let versions = vec![
        version(0, "package.json", &["moment", "react"]),
        version(0, "requirements.txt", &["flask", "requests"]),
        // moment leaves as dayjs arrives: the swap.
        version(70, "package.json", &["dayjs", "react"]),
        // httpx arrives alone: an arrival, no swap.
        version(100, "requirements.txt", &["flask", "httpx", "requests"]),
        // package.json moves to web/ over two days: nothing leaves or arrives.
        version(120, "package.json", &[]),
        version(122, "web/package.json", &["dayjs", "react"]),
    ];
    let (events, swaps) = dependency_changes(&versions, &MigrationOptions::default());
    let ev: Vec<(&str, &str, bool)> = events
        .iter()
        .map(|e| (e.ecosystem.as_str(), e.name.as_str(), e.arrived))
        .collect();
    assert_eq!(
        ev,
        [
            ("npm", "moment", true),
            ("npm", "react", true),
            ("pypi", "flask", true),
            ("pypi", "requests", true),
            ("npm", "moment", false),
            ("npm", "dayjs", true),
            ("pypi", "httpx", true),
        ]
    );
    assert_eq!(swaps.len(), 1);
    let s = &swaps[0];
    assert_eq!(
        (s.ecosystem.as_str(), s.removed.as_str(), s.added.as_str()),
        ("npm", "moment", "dayjs")
    );
    assert_eq!(s.manifest, "package.json");
    // A leave whose window holds more arrivals than max_swap_group pairs with nothing.
    let (_, none) = dependency_changes(
        &versions,
        &MigrationOptions {
            max_swap_group: 0,
            ..MigrationOptions::default()
        },
    );
    assert!(none.is_empty());

    // Through analyze: the swap is a finding when it is within the last year.
    let h = history(
        vec![commit("Ann", T0, vec![add("a.py", 1)])],
        T0 + 200 * DAY,
    );
    let a = analyze_with_manifests(&h, &|_| None, &versions, &AnalysisOptions::default());
    assert_eq!(a.migrations.dependency_swaps, swaps);
    assert_eq!(a.migrations.manifest_versions, 6);
    assert!(
        a.findings
            .iter()
            .any(|f| f.kind == FindingKind::DependencySwap
                && f.title == "`moment` replaced by `dayjs` (npm)")
    );
}

#[test]
fn manifests_parse_into_dependency_names() {
    let pkg = br#"{"name":"x","dependencies":{"react":"^18"},"devDependencies":{"vite":"8"}}"#;
    assert_eq!(
        parse_manifest("web/package.json", pkg).expect("a valid manifest"),
        ["react", "vite"]
    );
    let cargo = b"[package]\nname='x'\n[dependencies]\nserde = '1'\n[dev-dependencies.proptest]\nversion = '1'\n[target.'cfg(unix)'.dependencies]\nlibc = '0.2'\n[workspace.dependencies]\ngix = '0.90'\n";
    assert_eq!(
        parse_manifest("Cargo.toml", cargo).expect("a valid manifest"),
        ["gix", "libc", "proptest", "serde"]
    );
    let py = b"[project]\ndependencies = ['Flask>=2', 'Werkzeug_Utils[x]; python_version>\"3\"']\n[project.optional-dependencies]\ndev = ['pytest']\n[tool.poetry.dependencies]\npython = '^3.9'\nRequests = '*'\n";
    assert_eq!(
        parse_manifest("pyproject.toml", py).expect("a valid manifest"),
        ["flask", "pytest", "requests", "werkzeug-utils"]
    );
    let req =
        b"# pinned\nFlask==2.0\n-r base.txt\nclick>=8 # cli\ngit+https://example.com/x.git\n\n";
    assert_eq!(
        parse_manifest("requirements-dev.txt", req).expect("a valid manifest"),
        ["click", "flask"]
    );
    let gomod = b"module x\n\ngo 1.22\n\nrequire github.com/a/b v1.0.0\nrequire (\n\tgithub.com/c/d v0.1.0 // indirect\n\tgolang.org/x/e v0.2.0\n)\n";
    assert_eq!(
        parse_manifest("go.mod", gomod).expect("a valid manifest"),
        ["github.com/a/b", "github.com/c/d", "golang.org/x/e"]
    );
    let pom = b"<project><dependencies><dependency><groupId>junit</groupId><artifactId>junit</artifactId></dependency><dependency>\n<groupId>org.slf4j</groupId>\n<artifactId>slf4j-api</artifactId></dependency></dependencies></project>";
    assert_eq!(
        parse_manifest("pom.xml", pom).expect("a valid manifest"),
        ["junit:junit", "org.slf4j:slf4j-api"]
    );
    let err = parse_manifest("package.json", b"{not json").expect_err("broken JSON");
    assert!(err.contains("package.json is not valid JSON"), "{err}");
    assert!(parse_manifest("README.md", b"").is_err());
    assert!(is_manifest("a/requirements.txt") && !is_manifest("requirements.md"));
    assert!(
        !is_manifest("web/node_modules/react/package.json"),
        "vendored"
    );
    assert!(!is_manifest("vendor/github.com/x/go.mod"), "vendored");
    assert!(
        is_manifest("vendors/package.json"),
        "only whole folder names count"
    );
}

#[test]
fn folder_moves_keep_the_moved_folder_name() {
    assert_eq!(
        folder_move("flask/json/tag.py", "src/flask/json/tag.py"),
        Some(("flask".into(), "src/flask".into()))
    );
    assert_eq!(
        folder_move("lib/foo/x.py", "lib/bar/x.py"),
        Some(("lib/foo".into(), "lib/bar".into()))
    );
    assert_eq!(
        folder_move("setup.py", "src/setup.py"),
        Some(("".into(), "src".into()))
    );
    assert_eq!(folder_move("a/x.js", "a/x.ts"), None, "a file rename");
    assert_eq!(folder_move("a/x.py", "b/y.py"), None, "name changed");
    assert_eq!(language_of("src/App.TSX"), Some("TSX"));
    assert_eq!(language_of("Makefile"), None);
}

/// Random histories, as in `properties.rs`, with random offsets.
fn histories() -> impl Strategy<Value = History> {
    const PEOPLE: [&str; 4] = ["Ann", "Bob", "Cid", "Dee"];
    const PATHS: [&str; 7] = [
        "a.js", "b.ts", "src/c.py", "src/d.py", "lib/c.py", "x.md", "e.js",
    ];
    let change = (0..PATHS.len(), 0..4u8, 0..50u32, 0..50u32);
    let commit_s = (
        0..PEOPLE.len(),
        1..400i64,
        -720..840i32,
        prop::collection::vec(change, 1..5),
    );
    (prop::collection::vec(commit_s, 0..50), 0..300i64).prop_map(|(commits, extra)| {
        let mut t = T0;
        let mut out = Vec::new();
        for (who, gap, offset, changes) in commits {
            t += gap * HOUR;
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
                    2 => rename(PATHS[p], &format!("moved/{}", PATHS[p]), a, r),
                    _ => modify(PATHS[p], a, r),
                })
                .collect();
            out.push(at(PEOPLE[who], t, offset, changes));
        }
        history(out, t + extra * DAY)
    })
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 200, ..ProptestConfig::default() })]

    #[test]
    fn team_measures_obey_their_bounds(h in histories()) {
        let t = team(&h, &TeamOptions::default());
        for c in &t.collaboration {
            prop_assert!(c.a.email < c.b.email);
            prop_assert!(c.strength > 0.0);
            // Σ of min(shares) over shared files ≤ half of each shared file.
            prop_assert!(c.strength <= f64::from(c.shared_files) / 2.0 + 1e-9);
        }
        let people = h.people().len() as u32;
        let commits: u64 = t.months.iter().map(|m| m.commits).sum();
        prop_assert_eq!(commits, h.commit_count() as u64);
        for m in &t.months {
            prop_assert!(m.active <= people);
        }
        let arrivals: u32 = t.months.iter().map(|m| m.arrivals).sum();
        prop_assert_eq!(arrivals, people);
        let departed = t.people.iter().filter(|p| p.departed).count() as u32;
        prop_assert_eq!(t.months.iter().map(|m| m.departures).sum::<u32>(), departed);
        prop_assert_eq!(t.weekday_hour.iter().flatten().sum::<u64>(), h.commit_count() as u64);
        prop_assert_eq!(team(&h, &TeamOptions::default()), t);
    }

    #[test]
    fn language_share_is_bounded_by_the_files(h in histories()) {
        let months = language_share(&h);
        let files = h.files().len() as u64;
        for m in &months {
            prop_assert!(m.files.values().sum::<u64>() <= files);
            for (lang, n) in &m.files {
                prop_assert!(m.lines.get(lang).copied().unwrap_or(0) >= *n);
            }
        }
        let r = migrations(&h, &[], &MigrationOptions { min_lines: 1, ..MigrationOptions::default() });
        for m in &r.language_migrations {
            prop_assert!((0.0..=1.0).contains(&m.done));
            prop_assert!((-1.0..=1.0).contains(&m.trend));
        }
    }
}

fn manifest_versions() -> impl Strategy<Value = Vec<ManifestVersion>> {
    const PATHS: [&str; 4] = [
        "package.json",
        "web/package.json",
        "requirements.txt",
        "go.mod",
    ];
    const DEPS: [&str; 6] = ["a", "b", "c", "d", "e", "f"];
    let version = (
        0..PATHS.len(),
        0..400i64,
        prop::collection::btree_set(0..DEPS.len(), 0..4),
    );
    prop::collection::vec(version, 0..30).prop_map(|vs| {
        vs.into_iter()
            .map(|(p, day, deps)| ManifestVersion {
                time: T0 + day * DAY,
                path: PATHS[p].to_string(),
                dependencies: deps.into_iter().map(|d| DEPS[d].to_string()).collect(),
            })
            .collect()
    })
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 300, ..ProptestConfig::default() })]

    #[test]
    fn dependency_events_alternate_and_swaps_pair_different_names(
        versions in manifest_versions(),
        window in 0i64..60,
        group in 0usize..4,
    ) {
        let opts = MigrationOptions {
            swap_window_days: window,
            max_swap_group: group,
            ..MigrationOptions::default()
        };
        let (events, swaps) = dependency_changes(&versions, &opts);
        // Per ecosystem and name: arrive, leave, arrive, ... in time order.
        let mut last: std::collections::HashMap<(&str, &str), bool> = Default::default();
        for w in events.windows(2) {
            prop_assert!(w[0].time <= w[1].time);
        }
        for e in &events {
            let prev = last.insert((e.ecosystem.as_str(), e.name.as_str()), e.arrived);
            prop_assert_eq!(prev.unwrap_or(false), !e.arrived, "{:?}", e);
        }
        for s in &swaps {
            prop_assert!(s.removed != s.added);
            prop_assert!(s.removed_at.abs_diff(s.added_at) <= (window * DAY) as u64);
        }
        // Order does not matter: the versions are sorted by time and path first.
        let mut reversed = versions.clone();
        reversed.reverse();
        let (events2, swaps2) = dependency_changes(&reversed, &opts);
        // Equal-time versions of one path may legitimately resolve either way; compare only
        // when every (time, path) is unique.
        let mut keys: Vec<(i64, &str)> = versions.iter().map(|v| (v.time, v.path.as_str())).collect();
        keys.sort_unstable();
        keys.dedup();
        if keys.len() == versions.len() {
            prop_assert_eq!(events, events2);
            prop_assert_eq!(swaps, swaps2);
        }
    }
}
