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

use crate::history::{DAY, History, PersonId, Window};
use crate::ownership::{PersonRef, contributions};
use codevoyage_model::time::civil_from_days;
use serde::Serialize;
use std::collections::{BTreeMap, HashMap};

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
