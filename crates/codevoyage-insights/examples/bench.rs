//! Times every analytic on a synthetic history generated in memory.
//!
//! `cargo run -p codevoyage-insights --example bench --release -- [COMMITS] [PATHS]`
//! (defaults: 1,000,000 commits over 20,000 paths, ~3 changes each). Wrap it in
//! `/usr/bin/time -v` for the peak memory. Commits are streamed into a `HistoryBuilder` newest
//! first, as the history engine emits them, so the `Commit` values are never all held at once.
//!
//! The generator is deterministic (xorshift, fixed seed): paths are picked with a skew (a few
//! hot files), each commit touches 1–5 files of one folder, usually including the base file's pair partner
//! (so coupling exists), one commit in
//! 2,000 is a bulk change of 40–200 files (skipped by coupling), one change in 1,000 is a rename,
//! and 300 people commit, half of whom stopped a year before the end.

use codevoyage_insights::*;
use codevoyage_model::{ChangeKind, Commit, FileChange, Identity, Signature};
use std::time::Instant;

struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
    fn below(&mut self, n: u64) -> u64 {
        self.next() % n.max(1)
    }
    fn unit(&mut self) -> f64 {
        (self.next() >> 11) as f64 / (1u64 << 53) as f64
    }
}

fn path(i: u64) -> String {
    format!("mod{}/sub{}/file{}.rs", i / 400, (i / 40) % 10, i)
}

fn main() {
    let mut args = std::env::args().skip(1);
    let commits: u64 = args
        .next()
        .and_then(|a| a.parse().ok())
        .unwrap_or(1_000_000);
    let paths: u64 = args.next().and_then(|a| a.parse().ok()).unwrap_or(20_000);
    let people: Vec<Identity> = (0..300)
        .map(|i| Identity {
            name: format!("Person {i}"),
            email: format!("p{i}@example.com"),
        })
        .collect();
    let end: i64 = 1_764_000_000;
    let mut rng = Rng(0x9E37_79B9_7F4A_7C15);

    let t = Instant::now();
    let mut b = HistoryBuilder::new(HistoryOptions::default());
    let mut changes_total = 0u64;
    // Newest first: commit k is k × 60 s before the end.
    for k in 0..commits {
        let time = end - (k as i64) * 60;
        // The first 150 people left a year before the end.
        let who = if k < commits / 3 {
            150 + rng.below(150)
        } else {
            rng.below(300)
        } as usize;
        let n = if rng.below(2000) == 0 {
            40 + rng.below(160)
        } else {
            1 + rng.below(5)
        };
        // Skewed pick of a base file, the others from the same 40-file folder.
        let base = ((rng.unit().powi(2)) * paths as f64) as u64 % paths;
        let folder = base / 40 * 40;
        let mut changes = Vec::with_capacity(n as usize);
        let mut chosen = Vec::with_capacity(n as usize);
        for j in 0..n {
            let p = if j == 0 {
                base
            } else if j == 1 && n <= 5 && rng.below(10) < 8 {
                // Files come in pairs (2k, 2k + 1) that usually change together.
                (base ^ 1).min(paths - 1)
            } else if n > 5 {
                rng.below(paths)
            } else {
                (folder + rng.below(40)).min(paths - 1)
            };
            if chosen.contains(&p) {
                continue;
            }
            chosen.push(p);
            let rename = rng.below(1000) == 0;
            changes.push(FileChange {
                path: if rename {
                    format!("moved/{}", path(p)).into()
                } else {
                    path(p).into()
                },
                old_path: rename.then(|| path(p).into()),
                kind: if rename {
                    ChangeKind::Renamed
                } else {
                    ChangeKind::Modified
                },
                added: rng.below(40) as u32,
                removed: rng.below(20) as u32,
                binary: false,
            });
        }
        changes_total += changes.len() as u64;
        let sig = Signature {
            identity: people[who].clone(),
            time,
            offset_minutes: 0,
        };
        b.push(&Commit {
            id: format!("{k:040x}"),
            parents: Vec::new(),
            author: sig.clone(),
            committer: sig,
            summary: String::new(),
            co_authors: Vec::new(),
            changes,
        });
    }
    let h = b.finish(end + 86_400);
    let report = |name: &str, t: Instant, what: String| {
        println!("{name:<14} {:>9.3} s  {what}", t.elapsed().as_secs_f64());
    };
    report(
        "build",
        t,
        format!(
            "{commits} commits, {changes_total} changes, {} files, {} people",
            h.files().len(),
            h.people().len()
        ),
    );

    let t = Instant::now();
    let files = file_churn(&h, Window::ALL);
    report("file_churn", t, format!("{} files", files.len()));
    let t = Instant::now();
    let folders = folder_churn(&h, Window::ALL);
    report("folder_churn", t, format!("{} folders", folders.len()));
    let t = Instant::now();
    let activity: Vec<FileActivity<'_>> = files
        .iter()
        .map(|f| FileActivity {
            path: &f.path,
            revisions: f.revisions,
            cyclomatic: f.path.len() as u64,
        })
        .collect();
    let ranked = hotspots(&activity, usize::MAX);
    let rolled = folder_hotspots(&ranked);
    report(
        "hotspots",
        t,
        format!("{} ranked, {} folders", ranked.len(), rolled.len()),
    );
    let t = Instant::now();
    let c = coupling(&h, &CouplingOptions::default());
    report(
        "coupling",
        t,
        format!(
            "{} pairs, {} change sets, {} skipped",
            c.pairs.len(),
            c.change_sets,
            c.skipped_change_sets
        ),
    );
    let t = Instant::now();
    let grouped = coupling(
        &h,
        &CouplingOptions {
            group_by_author_within: Some(3600),
            ..CouplingOptions::default()
        },
    );
    report(
        "coupling/group",
        t,
        format!(
            "{} pairs, {} change sets",
            grouped.pairs.len(),
            grouped.change_sets
        ),
    );
    let t = Instant::now();
    let own = ownership(&h, Window::ALL);
    report("ownership", t, format!("{} files", own.files.len()));
    let t = Instant::now();
    let bus = bus_factor(&h, &KnowledgeOptions::default());
    report(
        "bus_factor",
        t,
        format!(
            "truck factor {}, {} islands, {} loss",
            bus.repository.truck_factor,
            bus.islands.len(),
            bus.loss.len()
        ),
    );
    let t = Instant::now();
    let off = offboard(&h, &["p150@example.com", "p151@example.com"]);
    report(
        "offboard",
        t,
        format!(
            "{} files lose their last expert",
            off.files_losing_last_expert.len()
        ),
    );
    let t = Instant::now();
    let age = code_age(&h);
    report("code_age", t, format!("{} files", age.len()));
    let t = Instant::now();
    let tm = team(&h, &TeamOptions::default());
    report(
        "team",
        t,
        format!(
            "{} pairs, {} months, {} people",
            tm.collaboration.len(),
            tm.months.len(),
            tm.people.len()
        ),
    );
    let t = Instant::now();
    let mig = migrations(&h, &[], &MigrationOptions::default());
    report(
        "migrations",
        t,
        format!(
            "{} months, {} folder moves",
            mig.languages.len(),
            mig.folder_moves.len()
        ),
    );
    let t = Instant::now();
    let a = analyze(&h, &|p| Some(p.len() as u64), &AnalysisOptions::default());
    report("analyze (all)", t, format!("{} findings", a.findings.len()));
}
