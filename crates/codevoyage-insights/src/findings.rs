//! Findings: the analyses turned into a ranked list of risks in plain language.
//!
//! Each finding has a kind, a severity, a title, an explanation a newcomer can follow, the
//! evidence (numbers, files, people) that produced it and a suggested action. The rules:
//!
//! | kind | when | severity |
//! |------|------|----------|
//! | `hotspot` | the top `top_hotspots` files by revisions × complexity | critical when the main author is inactive, warning for the top 3, info after |
//! | `low_truck_factor` | always (the repository's truck factor) | critical at 1, warning at 2, info above |
//! | `folder_truck_factor` | folders of ≥ 10 live files with truck factor 1 (when the repository's is above 1), 5 largest | warning |
//! | `knowledge_loss` | per inactive main author, the 5 with most lines | critical when ≥ 10 % of all lines added or a listed hotspot is involved, else warning |
//! | `knowledge_island` | per active sole owner, the 5 with most lines | warning when ≥ 10 files or ≥ 10 % of lines, else info |
//! | `cross_folder_coupling` | pairs in different folders with degree ≥ 50 %, the 5 strongest | warning at ≥ 80 %, else info |
//! | `language_migration` | each active language migration ([`crate::migrations`]) | warning after two years, else info |
//! | `dependency_swap` | the 5 newest dependency swaps of the last year | info |
//! | `folder_move` | the 5 newest folder moves of the last year | info |
//! | `contributor_departure` | a person departed (inactive > 90 days) within the last year who made ≥ 10 % (and ≥ 10) of the people's commits in the year up to their last commit, the 5 largest shares ([`crate::team::findings`]) | critical at ≥ 25 %, else warning |
//! | `shrinking_team` | people active in the last 91 days ≤ half of those active in the same 91 days a year earlier, when those were ≥ 4 | critical when ≤ 1 remains, else warning |
//! | `collaboration_island` | a person or group, not all departed, whose files (≥ 5 live, ≥ 10 commits) nobody else changed and who changed no one else's, the 5 largest | warning when ≥ 10 % of the live files, else info |
//!
//! Ranking is by severity, then `score` (a 0–1 measure of magnitude within the kind, documented
//! per rule in the code), then kind and title, so the order is deterministic.

use crate::busfactor::BusFactorReport;
use crate::coupling::Coupling;
use crate::history::parent_folder;
use crate::hotspots::Hotspot;
use crate::ownership::{OwnershipReport, PersonRef};
use serde::Serialize;
use std::collections::BTreeMap;
use std::fmt::Write as _;

/// How urgent a finding is. Orders `Info < Warning < Critical`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Severity {
    Info,
    Warning,
    Critical,
}

impl Severity {
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Info => "info",
            Severity::Warning => "warning",
            Severity::Critical => "critical",
        }
    }
}

/// What a finding is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum FindingKind {
    Hotspot,
    LowTruckFactor,
    FolderTruckFactor,
    KnowledgeLoss,
    KnowledgeIsland,
    CrossFolderCoupling,
    LanguageMigration,
    DependencySwap,
    FolderMove,
    ContributorDeparture,
    ShrinkingTeam,
    CollaborationIsland,
}

/// The data behind a finding.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct Evidence {
    /// Named numbers (`revisions`, `complexity`, `share`, `days_inactive`...).
    pub numbers: BTreeMap<String, f64>,
    pub files: Vec<String>,
    pub people: Vec<PersonRef>,
}

/// One ranked finding.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Finding {
    pub kind: FindingKind,
    pub severity: Severity,
    /// Magnitude within the kind, 0–1; used for ranking.
    pub score: f64,
    pub title: String,
    pub explanation: String,
    pub evidence: Evidence,
    pub action: String,
}

/// The analyses findings are drawn from.
#[derive(Debug, Clone, Copy)]
pub struct FindingsInput<'a> {
    /// The hotspot ranking, highest first.
    pub hotspots: &'a [Hotspot],
    pub bus_factor: &'a BusFactorReport,
    pub coupling: &'a Coupling,
    pub ownership: &'a OwnershipReport,
    /// How many top hotspots become findings. 5 is a good default.
    pub top_hotspots: usize,
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

fn plural(n: usize, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

fn numbers<const N: usize>(pairs: [(&str, f64); N]) -> BTreeMap<String, f64> {
    pairs.into_iter().map(|(k, v)| (k.to_string(), v)).collect()
}

/// Builds the ranked findings. See the module documentation for the rules.
pub fn findings(input: &FindingsInput<'_>) -> Vec<Finding> {
    let mut out = Vec::new();
    let bus = input.bus_factor;
    let total_lines = input
        .ownership
        .folders
        .iter()
        .find(|o| o.path.is_empty())
        .map_or(0, |o| o.total_added)
        .max(1) as f64;
    let owner_of: BTreeMap<&str, _> = input
        .ownership
        .files
        .iter()
        .map(|o| (o.path.as_str(), o))
        .collect();
    let lost: BTreeMap<&str, _> = bus.loss.iter().map(|l| (l.path.as_str(), l)).collect();
    let top: Vec<&Hotspot> = input.hotspots.iter().take(input.top_hotspots).collect();

    // Hotspots; score = the file's score relative to the top one.
    let top_score = top.first().map_or(1, |h| h.score.max(1)) as f64;
    for (rank, h) in top.iter().enumerate() {
        let mut explanation = format!(
            "`{}` changed {} times and has a cyclomatic complexity of {}: complicated code that keeps changing is where bugs and slow reviews concentrate.",
            h.path, h.revisions, h.complexity
        );
        let mut ev = Evidence {
            numbers: numbers([
                ("rank", (rank + 1) as f64),
                ("revisions", h.revisions as f64),
                ("complexity", h.complexity as f64),
                ("score", h.score as f64),
            ]),
            files: vec![h.path.clone()],
            people: Vec::new(),
        };
        if let Some(o) = owner_of.get(h.path.as_str())
            && let Some(main) = &o.main_by_lines
        {
            let _ = write!(
                explanation,
                " {} of its lines were written by {}",
                pct(o.lines_share),
                main.name
            );
            ev.numbers.insert("main_author_share".into(), o.lines_share);
            ev.people.push(main.clone());
        }
        let severity = if let Some(l) = lost.get(h.path.as_str()) {
            let _ = write!(
                explanation,
                ", who has not committed for {} days.",
                l.days_inactive
            );
            ev.numbers
                .insert("days_inactive".into(), l.days_inactive as f64);
            Severity::Critical
        } else {
            if !ev.people.is_empty() {
                explanation.push('.');
            }
            if rank < 3 {
                Severity::Warning
            } else {
                Severity::Info
            }
        };
        out.push(Finding {
            kind: FindingKind::Hotspot,
            severity,
            score: h.score as f64 / top_score,
            title: format!("`{}` is hotspot #{}", h.path, rank + 1),
            explanation,
            evidence: ev,
            action: "Review it first: add tests around its most-changed functions and split the most complex ones before the next feature lands there.".into(),
        });
    }

    // The repository's truck factor; score = 1 / truck factor.
    let repo = &bus.repository;
    if repo.files > 0 {
        let tf = repo.truck_factor;
        let severity = match tf {
            0 | 1 => Severity::Critical,
            2 => Severity::Warning,
            _ => Severity::Info,
        };
        out.push(Finding {
            kind: FindingKind::LowTruckFactor,
            severity,
            score: 1.0 / f64::from(tf.max(1)),
            title: format!("Truck factor is {tf}"),
            explanation: if tf == 0 {
                format!(
                    "More than half of the {} files have no clear author by degree of authorship (Avelino et al. 2016): changes are spread so thin that nobody knows them well. {}",
                    repo.files,
                    authors_sentence(repo.authors)
                )
            } else {
                format!(
                    "If {} left, more than half of the {} files would have nobody left who knows them well (degree of authorship, Avelino et al. 2016). {}",
                    names(&repo.top_authors),
                    repo.files,
                    authors_sentence(repo.authors)
                )
            },
            evidence: Evidence {
                numbers: numbers([
                    ("truck_factor", f64::from(tf)),
                    ("files", f64::from(repo.files)),
                    ("authors", f64::from(repo.authors)),
                ]),
                files: Vec::new(),
                people: repo.top_authors.clone(),
            },
            action: if tf <= 2 {
                "Spread knowledge: pair on and review changes to the files these people own, and write down how the core works.".into()
            } else {
                "Keep it up: knowledge is spread; watch the folders with a truck factor of 1.".into()
            },
        });
    }

    // Folders with a truck factor of 1; score = folder files / repository files.
    if repo.truck_factor > 1 {
        let mut single: Vec<_> = bus
            .folders
            .iter()
            .filter(|t| !t.path.is_empty() && t.truck_factor == 1 && t.files >= 10)
            .collect();
        single.sort_by(|a, b| b.files.cmp(&a.files).then_with(|| a.path.cmp(&b.path)));
        for t in single.into_iter().take(5) {
            out.push(Finding {
                kind: FindingKind::FolderTruckFactor,
                severity: Severity::Warning,
                score: f64::from(t.files) / f64::from(repo.files.max(1)),
                title: format!("`{}/` depends on {}", t.path, names(&t.top_authors)),
                explanation: format!(
                    "The folder `{}/` has a truck factor of 1: if {} left, most of its {} files would have nobody who knows them well.",
                    t.path,
                    names(&t.top_authors),
                    t.files
                ),
                evidence: Evidence {
                    numbers: numbers([("truck_factor", 1.0), ("files", f64::from(t.files))]),
                    files: vec![t.path.clone()],
                    people: t.top_authors.clone(),
                },
                action: "Have a second person review and make changes in this folder.".into(),
            });
        }
    }

    // Knowledge loss, grouped by the inactive main author; score = share of all lines added.
    let hot: Vec<&str> = top.iter().map(|h| h.path.as_str()).collect();
    let mut by_person: BTreeMap<&PersonRef, (Vec<&str>, u64, i64)> = BTreeMap::new();
    for l in &bus.loss {
        let e = by_person.entry(&l.main_author).or_default();
        e.0.push(&l.path);
        e.1 += l.lines_added;
        e.2 = l.days_inactive;
    }
    let mut groups: Vec<_> = by_person.into_iter().collect();
    groups.sort_by(|a, b| b.1.1.cmp(&a.1.1).then_with(|| a.0.cmp(b.0)));
    for (person, (files, lines, days)) in groups.into_iter().take(5) {
        let share = lines as f64 / total_lines;
        let touches_hotspot = files.iter().any(|f| hot.contains(f));
        out.push(Finding {
            kind: FindingKind::KnowledgeLoss,
            severity: if share >= 0.10 || touches_hotspot {
                Severity::Critical
            } else {
                Severity::Warning
            },
            score: share.min(1.0),
            title: format!(
                "{} mainly written by {}, inactive for {} days",
                plural(files.len(), "file was", "files were"),
                person.name,
                days
            ),
            explanation: format!(
                "{} wrote most of the lines of {} (for example `{}`) and has not committed for {} days; what they knew about this code may be gone.",
                person.name,
                plural(files.len(), "live file", "live files"),
                files[0],
                days
            ),
            evidence: Evidence {
                numbers: numbers([
                    ("files", files.len() as f64),
                    ("lines_added", lines as f64),
                    ("share_of_all_lines", share),
                    ("days_inactive", days as f64),
                ]),
                files: files.iter().take(20).map(|s| (*s).to_string()).collect(),
                people: vec![person.clone()],
            },
            action: "Assign a new owner to these files; reach out to the former author while you still can, and document what is learnt.".into(),
        });
    }

    // Knowledge islands, grouped by owner; score = share of all lines added.
    let mut by_owner: BTreeMap<&PersonRef, (Vec<&str>, u64)> = BTreeMap::new();
    for i in &bus.islands {
        let e = by_owner.entry(&i.owner).or_default();
        e.0.push(&i.path);
        e.1 += i.lines_added;
    }
    let mut groups: Vec<_> = by_owner.into_iter().collect();
    groups.sort_by(|a, b| b.1.1.cmp(&a.1.1).then_with(|| a.0.cmp(b.0)));
    for (person, (files, lines)) in groups.into_iter().take(5) {
        let share = lines as f64 / total_lines;
        out.push(Finding {
            kind: FindingKind::KnowledgeIsland,
            severity: if files.len() >= 10 || share >= 0.10 {
                Severity::Warning
            } else {
                Severity::Info
            },
            score: share.min(1.0),
            title: format!(
                "{} alone knows {}",
                person.name,
                plural(files.len(), "file", "files")
            ),
            explanation: format!(
                "{} wrote at least {} of the lines of {} (for example `{}`); nobody else has worked on them.",
                person.name,
                pct(bus.options.island_share),
                plural(files.len(), "live file", "live files"),
                files[0]
            ),
            evidence: Evidence {
                numbers: numbers([
                    ("files", files.len() as f64),
                    ("lines_added", lines as f64),
                    ("share_of_all_lines", share),
                ]),
                files: files.iter().take(20).map(|s| (*s).to_string()).collect(),
                people: vec![person.clone()],
            },
            action: "Ask someone else to make the next changes here, with the owner reviewing.".into(),
        });
    }

    // Coupling across folders; score = degree.
    let mut cross: Vec<_> = input
        .coupling
        .pairs
        .iter()
        .filter(|p| parent_folder(&p.a) != parent_folder(&p.b) && p.degree >= 0.5)
        .collect();
    cross.truncate(5); // already strongest first
    for p in cross {
        out.push(Finding {
            kind: FindingKind::CrossFolderCoupling,
            severity: if p.degree >= 0.8 { Severity::Warning } else { Severity::Info },
            score: p.degree,
            title: format!("`{}` and `{}` change together ({})", p.a, p.b, pct(p.degree)),
            explanation: format!(
                "These files live in different folders yet changed together in {} commits ({} of the time on average; {} of `{}`'s changes touched `{}`). A hidden dependency makes every change cost twice.",
                p.shared,
                pct(p.degree),
                pct(p.confidence_a_to_b),
                p.a,
                p.b
            ),
            evidence: Evidence {
                numbers: numbers([
                    ("shared", f64::from(p.shared)),
                    ("revisions_a", f64::from(p.revisions_a)),
                    ("revisions_b", f64::from(p.revisions_b)),
                    ("degree", p.degree),
                    ("confidence_a_to_b", p.confidence_a_to_b),
                    ("confidence_b_to_a", p.confidence_b_to_a),
                ]),
                files: vec![p.a.clone(), p.b.clone()],
                people: Vec::new(),
            },
            action: "Check what ties them; move them together or make the dependency explicit (a shared module or an interface).".into(),
        });
    }

    rank(&mut out);
    out
}

/// Sorts findings by severity, then score, kind and title (the ranking of [`findings`]), so
/// findings of several analyses can be merged into one list.
pub fn rank(findings: &mut [Finding]) {
    findings.sort_by(|a, b| {
        b.severity
            .cmp(&a.severity)
            .then(b.score.total_cmp(&a.score))
            .then(a.kind.cmp(&b.kind))
            .then_with(|| a.title.cmp(&b.title))
    });
}

/// The findings as plain text for the terminal, most urgent first.
pub fn summary_text(findings: &[Finding]) -> String {
    if findings.is_empty() {
        return "No findings: the history is too small to say anything yet.\n".into();
    }
    let count = |s: Severity| findings.iter().filter(|f| f.severity == s).count();
    let mut out = format!(
        "{} findings: {} critical, {} warning, {} info\n",
        findings.len(),
        count(Severity::Critical),
        count(Severity::Warning),
        count(Severity::Info)
    );
    for (i, f) in findings.iter().enumerate() {
        let _ = write!(
            out,
            "\n{}. [{}] {}\n   {}\n   → {}\n",
            i + 1,
            f.severity.as_str(),
            f.title,
            f.explanation,
            f.action
        );
    }
    out
}

/// "1 person authors at least one file." / "3 people author at least one file."
fn authors_sentence(n: u32) -> String {
    if n == 1 {
        "1 person authors at least one file.".to_string()
    } else {
        format!("{n} people author at least one file.")
    }
}
