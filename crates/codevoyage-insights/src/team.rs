//! Team dynamics: who works with whom, how many people are active, who arrives and who leaves,
//! and when people work.
//!
//! All measures read the commits in [`TeamOptions::window`]; people are those the
//! [`History`](crate::History) credits (bots are not people; `Co-authored-by:` people share the
//! commit).
//!
//! **Collaboration (who works with whom).** For a file `f` and a person `i`, let
//! `share_i(f) = commits_i(f) / Σ_j commits_j(f)` be the person's share of the commits that
//! changed it (the same counts [`ownership`](mod@crate::ownership) uses). The strength of the tie
//! between two people is
//!
//! `strength(a, b) = Σ_f min(share_a(f), share_b(f))`
//!
//! over the files both changed: the amount of *overlapping* work, in "files' worth". Two people
//! who split ten files half and half score 5.0; a person who fixed a typo once in a file
//! someone else wrote score about the typo's share. It is symmetric, never above the number of
//! shared files, and is the weighted-overlap form of the developer networks of Meneely &
//! Williams ("Socio-technical developer networks", ICSE 2011) and Joblin et al. ("From
//! developer networks to verified communities", ICSE 2015), who link people that edit the same
//! files. To keep huge histories tractable, only the `max_people_per_file` people with the most
//! commits on a file (ties by e-mail) form pairs on it, which bounds the pairs per file to
//! `k (k − 1) / 2`; a file with more people still counts for its top `k`.
//!
//! **Active contributors per month.** For every calendar month (UTC) from the first to the last
//! commit in the window, months without commits included: `commits`, `active` = distinct
//! people credited with a commit that month, `arrivals` = people whose first commit (in the
//! whole history) falls in that month, `departures` = people whose last commit falls in that
//! month and who are *departed*.
//!
//! **Arrivals and departures.** Per person: first and last commit (author time), commits
//! credited, and `departed` = `last_commit < now − departure_after_days` (90 days by default,
//! like knowledge loss). Listed by first commit; on huge histories only the
//! `max_people` (2,000) with the most commits are listed, `people_total` counts everyone.
//!
//! **Weekday × hour.** Commits with a person as author, bucketed by the author's local time
//! (`time + offset`, the offset recorded in the commit): `matrix[weekday][hour]`, Monday = 0,
//! hour 0–23.
//!
//! **Findings.** [`findings`] turns the team's history into findings: recent departures of
//! major contributors, a shrinking active team and collaboration islands (rules in its
//! documentation).

use crate::findings::{Evidence, Finding, FindingKind, Severity};
use crate::history::{DAY, History, PersonId, Window};
use crate::ownership::{OwnershipReport, PersonRef, contributions};
use codevoyage_model::time::civil_from_days;
use serde::Serialize;
use std::collections::{BTreeMap, HashMap};
use std::fmt::Write as _;

/// Options of [`team`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct TeamOptions {
    pub window: Window,
    /// A person whose last commit is older than this many days before `now` has departed.
    /// Default 90.
    pub departure_after_days: i64,
    /// Only this many people per file (most commits first) form collaboration pairs on it.
    /// Default 10.
    pub max_people_per_file: usize,
    /// Pairs sharing fewer files are not reported. Default 1.
    pub min_shared_files: u32,
    /// At most this many pairs are reported, strongest first. Default 200.
    pub max_pairs: usize,
    /// At most this many people are listed in `people` (those with the most commits, ties by
    /// e-mail); the months still count everyone. Default 2,000.
    pub max_people: usize,
}

impl Default for TeamOptions {
    fn default() -> Self {
        Self {
            window: Window::ALL,
            departure_after_days: 90,
            max_people_per_file: 10,
            min_shared_files: 1,
            max_pairs: 200,
            max_people: 2_000,
        }
    }
}

/// Two people who work on the same files; `a < b` by e-mail.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Collaboration {
    pub a: PersonRef,
    pub b: PersonRef,
    /// Files both changed (among the top people of each file).
    pub shared_files: u32,
    /// `Σ_f min(share_a(f), share_b(f))`.
    pub strength: f64,
}

/// One calendar month of activity.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct TeamMonth {
    /// `YYYY-MM` (UTC).
    pub month: String,
    pub commits: u64,
    pub active: u32,
    pub arrivals: u32,
    pub departures: u32,
}

/// One person's span of activity.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Tenure {
    pub person: PersonRef,
    pub first_commit: i64,
    pub last_commit: i64,
    pub commits: u64,
    pub departed: bool,
}

/// What [`team`] computes.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct TeamReport {
    /// Strongest first (strength, then shared files, then e-mails).
    pub collaboration: Vec<Collaboration>,
    pub months: Vec<TeamMonth>,
    /// By first commit, then e-mail; at most `max_people` (see `people_total`).
    pub people: Vec<Tenure>,
    /// People with a commit in the window, listed or not.
    pub people_total: u64,
    /// `weekday_hour[d][h]`: commits authored on weekday `d` (Monday = 0) at local hour `h`.
    pub weekday_hour: [[u64; 24]; 7],
    pub options: TeamOptions,
}

/// `(year, month)` of a Unix time, UTC.
pub(crate) fn year_month(time: i64) -> (i64, u32) {
    let (y, m, _) = civil_from_days(time.div_euclid(DAY));
    (y, m)
}

/// A month as a single counter: `year × 12 + month − 1`.
pub(crate) fn month_index(time: i64) -> i64 {
    let (y, m) = year_month(time);
    y * 12 + i64::from(m) - 1
}

/// `YYYY-MM` of a month counter.
pub(crate) fn month_label(index: i64) -> String {
    format!(
        "{:04}-{:02}",
        index.div_euclid(12),
        index.rem_euclid(12) + 1
    )
}

/// Weekday (Monday = 0) and hour of a local time.
pub fn weekday_hour(time: i64, offset_minutes: i32) -> (usize, usize) {
    let local = time + i64::from(offset_minutes) * 60;
    let days = local.div_euclid(DAY);
    // 1970-01-01 was a Thursday (3 with Monday = 0).
    let weekday = (days + 3).rem_euclid(7) as usize;
    let hour = (local.rem_euclid(DAY) / 3600) as usize;
    (weekday, hour)
}

/// Runs the team analysis. See the module documentation for the measures.
pub fn team(h: &History, opts: &TeamOptions) -> TeamReport {
    let people = tenures(h, opts);
    TeamReport {
        collaboration: collaboration(h, opts),
        months: months(h, opts),
        people_total: people.len() as u64,
        people: {
            let mut people = people;
            if people.len() > opts.max_people {
                people.sort_by(|a, b| {
                    b.commits
                        .cmp(&a.commits)
                        .then_with(|| a.person.email.cmp(&b.person.email))
                });
                people.truncate(opts.max_people);
                people.sort_by(|a, b| {
                    a.first_commit
                        .cmp(&b.first_commit)
                        .then_with(|| a.person.email.cmp(&b.person.email))
                });
            }
            people
        },
        weekday_hour: activity_matrix(h, opts.window),
        options: *opts,
    }
}

fn departed(h: &History, id: PersonId, opts: &TeamOptions) -> bool {
    let cutoff = h
        .now()
        .saturating_sub(opts.departure_after_days.saturating_mul(DAY));
    h.person(id).last_active < cutoff
}

fn collaboration(h: &History, opts: &TeamOptions) -> Vec<Collaboration> {
    let per_file = contributions(h, opts.window);
    let mut acc: HashMap<(PersonId, PersonId), (u32, f64)> = HashMap::new();
    let mut top: Vec<(u64, PersonId)> = Vec::new();
    for cs in &per_file {
        if cs.len() < 2 {
            continue;
        }
        let total: u64 = cs.iter().map(|c| c.commits).sum();
        if total == 0 {
            continue;
        }
        top.clear();
        top.extend(cs.iter().map(|c| (c.commits, c.person)));
        // Most commits first, ties by e-mail, so the cut is deterministic.
        top.sort_by(|x, y| {
            y.0.cmp(&x.0)
                .then_with(|| h.person(x.1).key.cmp(&h.person(y.1).key))
        });
        top.truncate(opts.max_people_per_file);
        let t = total as f64;
        for (i, &(ca, pa)) in top.iter().enumerate() {
            for &(cb, pb) in &top[i + 1..] {
                let key = if h.person(pa).key <= h.person(pb).key {
                    (pa, pb)
                } else {
                    (pb, pa)
                };
                let e = acc.entry(key).or_insert((0, 0.0));
                e.0 += 1;
                e.1 += ca.min(cb) as f64 / t;
            }
        }
    }
    let mut out: Vec<Collaboration> = acc
        .into_iter()
        .filter(|(_, (shared, _))| *shared >= opts.min_shared_files)
        .map(|((a, b), (shared_files, strength))| Collaboration {
            a: PersonRef::of(h, a),
            b: PersonRef::of(h, b),
            shared_files,
            strength,
        })
        .collect();
    out.sort_by(|x, y| {
        y.strength
            .total_cmp(&x.strength)
            .then(y.shared_files.cmp(&x.shared_files))
            .then_with(|| x.a.email.cmp(&y.a.email))
            .then_with(|| x.b.email.cmp(&y.b.email))
    });
    out.truncate(opts.max_pairs);
    out
}

fn months(h: &History, opts: &TeamOptions) -> Vec<TeamMonth> {
    let mut buckets: BTreeMap<i64, (u64, Vec<PersonId>)> = BTreeMap::new();
    for c in h.commits().filter(|c| opts.window.contains(c.time)) {
        let b = buckets.entry(month_index(c.time)).or_default();
        b.0 += 1;
        b.1.extend_from_slice(c.credits);
    }
    let (Some(&first), Some(&last)) = (buckets.keys().next(), buckets.keys().next_back()) else {
        return Vec::new();
    };
    let mut arrivals: HashMap<i64, u32> = HashMap::new();
    let mut departures: HashMap<i64, u32> = HashMap::new();
    for (id, p) in h.people().iter().enumerate() {
        if p.is_bot {
            continue;
        }
        *arrivals.entry(month_index(p.first_active)).or_default() += 1;
        if departed(h, id as PersonId, opts) {
            *departures.entry(month_index(p.last_active)).or_default() += 1;
        }
    }
    (first..=last)
        .map(|m| {
            let (commits, active) = buckets.get_mut(&m).map_or((0, 0), |(n, people)| {
                people.sort_unstable();
                people.dedup();
                (*n, people.len() as u32)
            });
            TeamMonth {
                month: month_label(m),
                commits,
                active,
                arrivals: arrivals.get(&m).copied().unwrap_or(0),
                departures: departures.get(&m).copied().unwrap_or(0),
            }
        })
        .collect()
}

fn tenures(h: &History, opts: &TeamOptions) -> Vec<Tenure> {
    let mut commits = vec![0u64; h.people().len()];
    for c in h.commits().filter(|c| opts.window.contains(c.time)) {
        for &p in c.credits {
            commits[p as usize] += 1;
        }
    }
    let mut out: Vec<Tenure> = h
        .people()
        .iter()
        .enumerate()
        .filter(|(i, p)| !p.is_bot && commits[*i] > 0)
        .map(|(i, p)| Tenure {
            person: PersonRef::of(h, i as PersonId),
            first_commit: p.first_active,
            last_commit: p.last_active,
            commits: commits[i],
            departed: departed(h, i as PersonId, opts),
        })
        .collect();
    out.sort_by(|a, b| {
        a.first_commit
            .cmp(&b.first_commit)
            .then_with(|| a.person.email.cmp(&b.person.email))
    });
    out
}

fn activity_matrix(h: &History, window: Window) -> [[u64; 24]; 7] {
    let mut m = [[0u64; 24]; 7];
    for c in h.commits().filter(|c| window.contains(c.time)) {
        if c.author.is_none() {
            continue;
        }
        let (d, hour) = weekday_hour(c.time, i32::from(c.offset_minutes));
        m[d][hour] += 1;
    }
    m
}

/// A person whose last commit is older than `departure_after_days` but newer than this many
/// days has *recently* departed.
pub const RECENT_DEPARTURE_DAYS: i64 = 365;
/// A departed person is a major contributor when they made at least this share of the
/// people's commits in the year before their last commit…
pub const MAJOR_CONTRIBUTOR_SHARE: f64 = 0.10;
/// …and at least this many of them.
pub const MAJOR_CONTRIBUTOR_MIN_COMMITS: u64 = 10;
/// The span of "this quarter" in the shrinking-team rule, in days.
pub const QUARTER_DAYS: i64 = 91;
/// The shrinking-team rule needs at least this many active people a year ago.
pub const SHRINKING_TEAM_MIN_BEFORE: usize = 4;
/// A collaboration island needs at least this many live files…
pub const ISLAND_MIN_LIVE_FILES: usize = 5;
/// …and at least this many commits.
pub const ISLAND_MIN_COMMITS: u64 = 10;

/// The team findings: recent departures of major contributors, a shrinking active team and
/// collaboration islands. The rules (constants above; `departure_after_days` and the window
/// from `opts`; bots are never people):
///
/// - **`contributor_departure`**: a person who has departed (last commit before
///   `now − departure_after_days`) within the last [`RECENT_DEPARTURE_DAYS`], and who made at
///   least [`MAJOR_CONTRIBUTOR_SHARE`] (and [`MAJOR_CONTRIBUTOR_MIN_COMMITS`]) of the commits
///   credited to people in the 365 days up to and including their last commit. Critical at a
///   share of 25 % or more, else warning; score = share; the 5 largest shares. Evidence: the
///   share, their commits and the team's in that year, days since their last commit and the
///   live files whose main author by lines they are.
/// - **`shrinking_team`**: `recent` = people credited with a commit in the last
///   [`QUARTER_DAYS`] days (`(now − 91 d, now]`), `before` = the same span a year earlier
///   (`(now − 456 d, now − 365 d]`). When `before ≥` [`SHRINKING_TEAM_MIN_BEFORE`] and
///   `recent ≤ before / 2` (the team at least halved). Critical when `recent ≤ 1`, else
///   warning; score = `1 − recent / before`. Evidence: both counts, both spans' commits and
///   the people active then but not now.
/// - **`collaboration_island`**: people are linked when they changed a common file (any file
///   in the window, deleted ones included); the connected group with the most commits is the
///   team. Every other group with at least one person who has not departed, at least
///   [`ISLAND_MIN_LIVE_FILES`] live files and [`ISLAND_MIN_COMMITS`] commits is an island: a
///   person or group whose files nobody else ever changed, and who never changed anyone
///   else's. Warning when its live files are 10 % or more of all live files, else info;
///   score = that fraction; the 5 largest.
pub fn findings(h: &History, ownership: &OwnershipReport, opts: &TeamOptions) -> Vec<Finding> {
    let mut out = departures(h, ownership, opts);
    out.extend(shrinking_team(h, opts));
    out.extend(islands(h, opts));
    out
}

fn pct(x: f64) -> String {
    format!("{:.0} %", x * 100.0)
}

fn names(people: &[PersonRef]) -> String {
    let v: Vec<&str> = people.iter().map(|p| p.name.as_str()).collect();
    match v.len() {
        0 => "nobody".to_string(),
        1 => v[0].to_string(),
        n => format!("{} and {}", v[..n - 1].join(", "), v[n - 1]),
    }
}

fn numbers<const N: usize>(pairs: [(&str, f64); N]) -> BTreeMap<String, f64> {
    pairs.into_iter().map(|(k, v)| (k.to_string(), v)).collect()
}

/// `YYYY-MM-DD` (UTC) of a Unix time.
fn date(time: i64) -> String {
    let (y, m, d) = civil_from_days(time.div_euclid(DAY));
    format!("{y:04}-{m:02}-{d:02}")
}

fn departures(h: &History, ownership: &OwnershipReport, opts: &TeamOptions) -> Vec<Finding> {
    let now = h.now();
    let recent_cutoff = now.saturating_sub(RECENT_DEPARTURE_DAYS.saturating_mul(DAY));
    let candidates: Vec<PersonId> = (0..h.people().len() as PersonId)
        .filter(|&id| {
            let p = h.person(id);
            !p.is_bot && departed(h, id, opts) && p.last_active >= recent_cutoff
        })
        .collect();
    if candidates.is_empty() {
        return Vec::new();
    }
    // Times of commits credited to people (for the team's count in any span), and each
    // candidate's own commit times.
    let mut team_times: Vec<i64> = Vec::new();
    let mut own: HashMap<PersonId, Vec<i64>> =
        candidates.iter().map(|&c| (c, Vec::new())).collect();
    for c in h.commits().filter(|c| opts.window.contains(c.time)) {
        if c.credits.is_empty() {
            continue;
        }
        team_times.push(c.time);
        for p in c.credits {
            if let Some(v) = own.get_mut(p) {
                v.push(c.time);
            }
        }
    }
    team_times.sort_unstable();
    let in_span = |times: &[i64], from_excl: i64, to_incl: i64| -> u64 {
        // `times` sorted.
        (times.partition_point(|&t| t <= to_incl) - times.partition_point(|&t| t <= from_excl))
            as u64
    };
    let live: std::collections::HashSet<&str> = h
        .files()
        .iter()
        .filter(|f| f.alive)
        .map(|f| f.path.as_str())
        .collect();
    let mut found: Vec<(f64, PersonId, u64, u64)> = Vec::new();
    for (&id, times) in &mut own {
        times.sort_unstable();
        let last = h.person(id).last_active;
        let from = last.saturating_sub(365 * DAY);
        let mine = in_span(times, from, last);
        let team = in_span(&team_times, from, last);
        if team == 0 || mine < MAJOR_CONTRIBUTOR_MIN_COMMITS {
            continue;
        }
        let share = mine as f64 / team as f64;
        if share >= MAJOR_CONTRIBUTOR_SHARE {
            found.push((share, id, mine, team));
        }
    }
    found.sort_by(|a, b| {
        b.0.total_cmp(&a.0)
            .then_with(|| h.person(a.1).key.cmp(&h.person(b.1).key))
    });
    found
        .into_iter()
        .take(5)
        .map(|(share, id, mine, team)| {
            let person = PersonRef::of(h, id);
            let last = h.person(id).last_active;
            let days = (now - last).div_euclid(DAY);
            let owned: Vec<String> = ownership
                .files
                .iter()
                .filter(|o| {
                    live.contains(o.path.as_str())
                        && o.main_by_lines.as_ref().is_some_and(|m| m.email == person.email)
                })
                .map(|o| o.path.clone())
                .collect();
            let mut explanation = format!(
                "{} made {} of the {} commits ({}) in the year up to their last commit on {}, and has not committed for {} days.",
                person.name,
                mine,
                team,
                pct(share),
                date(last),
                days
            );
            match owned.first() {
                Some(first) => {
                    let _ = write!(
                        explanation,
                        " They are still the main author of {} live {} (for example `{first}`).",
                        owned.len(),
                        if owned.len() == 1 { "file" } else { "files" }
                    );
                }
                None => explanation.push_str(" None of the live files is mainly theirs any more."),
            }
            Finding {
                kind: FindingKind::ContributorDeparture,
                severity: if share >= 0.25 {
                    Severity::Critical
                } else {
                    Severity::Warning
                },
                score: share.min(1.0),
                title: format!(
                    "{} ({} of the commits in their last year) left {} days ago",
                    person.name,
                    pct(share),
                    days
                ),
                explanation,
                evidence: Evidence {
                    numbers: numbers([
                        ("share", share),
                        ("commits_last_year", mine as f64),
                        ("team_commits_last_year", team as f64),
                        ("days_inactive", days as f64),
                        ("files_main_author", owned.len() as f64),
                    ]),
                    files: owned.into_iter().take(20).collect(),
                    people: vec![person],
                },
                action: "Confirm whether they have left for good; if so, name a new owner for each of their areas, collect what they knew while they can still be asked, and look for work they left unfinished.".into(),
            }
        })
        .collect()
}

fn shrinking_team(h: &History, opts: &TeamOptions) -> Option<Finding> {
    let now = h.now();
    let quarter = QUARTER_DAYS * DAY;
    let year = 365 * DAY;
    let (recent_from, before_to) = (now - quarter, now - year);
    let before_from = before_to - quarter;
    let mut recent: HashMap<PersonId, u64> = HashMap::new();
    let mut before: HashMap<PersonId, u64> = HashMap::new();
    let (mut recent_commits, mut before_commits) = (0u64, 0u64);
    for c in h.commits().filter(|c| opts.window.contains(c.time)) {
        if c.credits.is_empty() {
            continue;
        }
        let bucket = if c.time > recent_from && c.time <= now {
            recent_commits += 1;
            &mut recent
        } else if c.time > before_from && c.time <= before_to {
            before_commits += 1;
            &mut before
        } else {
            continue;
        };
        for &p in c.credits {
            *bucket.entry(p).or_default() += 1;
        }
    }
    let (r, b) = (recent.len(), before.len());
    if b < SHRINKING_TEAM_MIN_BEFORE || 2 * r > b {
        return None;
    }
    let mut gone: Vec<(u64, PersonRef)> = before
        .iter()
        .filter(|(p, _)| !recent.contains_key(p))
        .map(|(&p, &n)| (n, PersonRef::of(h, p)))
        .collect();
    gone.sort_by(|x, y| y.0.cmp(&x.0).then_with(|| x.1.email.cmp(&y.1.email)));
    let gone_count = gone.len();
    let shown: Vec<PersonRef> = gone.into_iter().take(20).map(|(_, p)| p).collect();
    let change = r as f64 / b as f64 - 1.0;
    let listed = if shown.len() <= 5 {
        names(&shown)
    } else {
        let first: Vec<&str> = shown[..5].iter().map(|p| p.name.as_str()).collect();
        format!("{} and {} more", first.join(", "), gone_count - 5)
    };
    Some(Finding {
        kind: FindingKind::ShrinkingTeam,
        severity: if r <= 1 {
            Severity::Critical
        } else {
            Severity::Warning
        },
        score: -change,
        title: format!(
            "Active contributors fell from {b} to {r} in a year ({:+.0} %)",
            change * 100.0
        ),
        explanation: format!(
            "{r} {} committed in the last {QUARTER_DAYS} days (to {}), against {b} in the same {QUARTER_DAYS} days a year earlier ({} commits then, {} now). {gone_count} of those then active have not committed since: {listed}. The same code is now carried by fewer people.",
            if r == 1 { "person" } else { "people" },
            date(now),
            before_commits,
            recent_commits,
        ),
        evidence: Evidence {
            numbers: numbers([
                ("active_last_quarter", r as f64),
                ("active_year_before", b as f64),
                ("commits_last_quarter", recent_commits as f64),
                ("commits_year_before", before_commits as f64),
                ("change", change),
            ]),
            files: Vec::new(),
            people: shown,
        },
        action: "Find out whether the work moved elsewhere or people left; if this code is still needed, decide who maintains it and bring new contributors in while the remaining ones can mentor them.".into(),
    })
}

/// Union-find root with path halving.
fn root(parent: &mut [usize], mut i: usize) -> usize {
    while parent[i] != i {
        parent[i] = parent[parent[i]];
        i = parent[i];
    }
    i
}

fn islands(h: &History, opts: &TeamOptions) -> Vec<Finding> {
    let n = h.people().len();
    let mut parent: Vec<usize> = (0..n).collect();
    let per_file = contributions(h, opts.window);
    for cs in &per_file {
        if let Some(first) = cs.first() {
            for c in &cs[1..] {
                let (a, b) = (
                    root(&mut parent, first.person as usize),
                    root(&mut parent, c.person as usize),
                );
                if a != b {
                    parent[a.max(b)] = a.min(b);
                }
            }
        }
    }
    // Per group (by root): commits, members, live files with their commits.
    #[derive(Default)]
    struct Group {
        commits: u64,
        members: Vec<PersonId>,
        live_files: BTreeMap<String, u64>,
    }
    let mut groups: BTreeMap<usize, Group> = BTreeMap::new();
    for c in h.commits().filter(|c| opts.window.contains(c.time)) {
        // Co-authors of a commit that changes a file are linked through it; a commit without
        // changes counts for its author's group.
        if let Some(&p) = c.credits.first() {
            groups
                .entry(root(&mut parent, p as usize))
                .or_default()
                .commits += 1;
        }
    }
    for (id, p) in h.people().iter().enumerate() {
        if p.is_bot {
            continue;
        }
        let r = root(&mut parent, id);
        if let Some(g) = groups.get_mut(&r) {
            g.members.push(id as PersonId);
        }
    }
    for (fid, cs) in per_file.iter().enumerate() {
        let file = &h.files()[fid];
        if let (true, Some(first)) = (file.alive, cs.first()) {
            let r = root(&mut parent, first.person as usize);
            if let Some(g) = groups.get_mut(&r) {
                g.live_files
                    .insert(file.path.clone(), cs.iter().map(|c| c.commits).sum());
            }
        }
    }
    if groups.len() < 2 {
        return Vec::new();
    }
    let key_of = |g: &Group| {
        g.members
            .iter()
            .map(|&p| h.person(p).key.as_str())
            .min()
            .unwrap_or("")
            .to_string()
    };
    let main = groups
        .iter()
        .max_by(|(_, a), (_, b)| {
            a.commits
                .cmp(&b.commits)
                .then(a.members.len().cmp(&b.members.len()))
                .then_with(|| key_of(b).cmp(&key_of(a)))
        })
        .map(|(&r, _)| r);
    let total_live = h.files().iter().filter(|f| f.alive).count().max(1);
    let team_size = groups
        .get(&main.unwrap_or(usize::MAX))
        .map_or(0, |g| g.members.len());
    let mut found: Vec<(f64, &Group)> = groups
        .iter()
        .filter(|(r, g)| {
            Some(**r) != main
                && g.commits >= ISLAND_MIN_COMMITS
                && g.live_files.len() >= ISLAND_MIN_LIVE_FILES
                && g.members.iter().any(|&p| !departed(h, p, opts))
        })
        .map(|(_, g)| (g.live_files.len() as f64 / total_live as f64, g))
        .collect();
    found.sort_by(|a, b| {
        b.0.total_cmp(&a.0)
            .then_with(|| key_of(a.1).cmp(&key_of(b.1)))
    });
    found
        .into_iter()
        .take(5)
        .map(|(share, g)| {
            let mut people: Vec<PersonRef> = g.members.iter().map(|&p| PersonRef::of(h, p)).collect();
            people.sort();
            let mut files: Vec<(&String, &u64)> = g.live_files.iter().collect();
            files.sort_by(|a, b| b.1.cmp(a.1).then_with(|| a.0.cmp(b.0)));
            let who = names(&people);
            let verb = if people.len() == 1 { "works" } else { "work" };
            Finding {
                kind: FindingKind::CollaborationIsland,
                severity: if share >= 0.10 {
                    Severity::Warning
                } else {
                    Severity::Info
                },
                score: share.min(1.0),
                title: format!(
                    "{who} {verb} apart: nobody else changed their {} files",
                    g.live_files.len()
                ),
                explanation: format!(
                    "{who} made {} commits to {} live files (for example `{}`) that nobody outside {} ever changed, and never changed a file that the rest of the team ({} people) works on. Their code gets no second pair of hands, and they learn nothing of the rest.",
                    g.commits,
                    g.live_files.len(),
                    files[0].0,
                    if people.len() == 1 { "them" } else { "this group" },
                    team_size
                ),
                evidence: Evidence {
                    numbers: numbers([
                        ("people", people.len() as f64),
                        ("commits", g.commits as f64),
                        ("live_files", g.live_files.len() as f64),
                        ("share_of_live_files", share),
                        ("team_people", team_size as f64),
                    ]),
                    files: files.into_iter().take(20).map(|(p, _)| p.clone()).collect(),
                    people,
                },
                action: "Have someone from the rest of the team review and make the next changes in these files, and invite them to review elsewhere.".into(),
            }
        })
        .collect()
}
