//! Insights: pure, deterministic functions from history and metrics to answers.
//!
//! This crate does no I/O and never reads the clock: every analysis is a function of a
//! [`History`] (built from the commits the history engine emits, with the analysis time passed
//! in) and, for hotspots, of the complexity the metrics engine measured. Each module states its
//! formula in its documentation:
//!
//! - [`churn`](mod@churn): change frequency and churn per file and folder over a [`Window`];
//! - [`hotspots`](mod@hotspots): revisions × complexity, with folder roll-ups;
//! - [`coupling`](mod@coupling): temporal coupling (shared commits, degree, confidence, sum of coupling);
//! - [`ownership`](mod@ownership): main author, ownership share and fragmentation;
//! - [`busfactor`](mod@busfactor): truck factor (Avelino et al. 2016), knowledge islands and loss, off-boarding;
//! - [`age`](mod@age): months since the last change and since creation;
//! - [`team`](mod@team): who works with whom, active contributors per month, arrivals and
//!   departures, weekday × hour activity;
//! - [`migrations`](mod@migrations): language share over time and language migrations,
//!   dependency swaps from manifest versions, folder moves;
//! - [`findings`](mod@findings): the ranked findings and the terminal summary.
//!
//! [`analyze`] runs them all with default options ([`analyze_with_manifests`] also reads the
//! dependency manifests' versions).

pub mod age;
pub mod busfactor;
pub mod churn;
pub mod coupling;
pub mod findings;
pub mod history;
pub mod hotspots;
pub mod migrations;
pub mod ownership;
pub mod team;

pub use age::{FileAge, code_age};
pub use busfactor::{
    BusFactorReport, KnowledgeOptions, Offboarding, TruckFactor, authorship, bus_factor, offboard,
};
pub use churn::{FileChurn, FolderChurn, file_churn, folder_churn};
pub use coupling::{Coupling, CouplingOptions, CouplingPair, coupling};
pub use findings::{
    Evidence, Finding, FindingKind, FindingsInput, Severity, findings, summary_text,
};
pub use history::{History, HistoryBuilder, HistoryOptions, Window};
pub use hotspots::{
    FileActivity, FolderHotspot, HOTSPOT_FORMULA, Hotspot, folder_hotspots, hotspots,
};
pub use migrations::{
    ManifestVersion, MigrationOptions, MigrationsReport, is_manifest, migrations, parse_manifest,
};
pub use ownership::{Ownership, OwnershipReport, PersonRef, ownership};
pub use team::{TeamOptions, TeamReport, team};

use serde::Serialize;

/// The insight-row kind under which the pipeline stores the [`TeamReport`] of an analysis.
pub const TEAM_REPORT_KIND: &str = "team_report";
/// Its rank: reports sit below rank 1, apart from the ranked findings.
pub const TEAM_REPORT_RANK: i64 = -1;
/// The insight-row kind under which the pipeline stores the [`MigrationsReport`].
pub const MIGRATIONS_REPORT_KIND: &str = "migrations_report";
/// Its rank, below rank 1 like the team report's.
pub const MIGRATIONS_REPORT_RANK: i64 = -2;
/// The insight-row kind of an executive summary written by a language model (stored by
/// `codevoyage analyze` when one is configured).
pub const EXECUTIVE_SUMMARY_KIND: &str = "executive_summary";
/// Its rank, below rank 1 like the reports'.
pub const EXECUTIVE_SUMMARY_RANK: i64 = -3;

/// Options of [`analyze`].
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct AnalysisOptions {
    /// The window of churn, hotspots and ownership (coupling has its own in `coupling`).
    pub window: Window,
    pub coupling: CouplingOptions,
    pub knowledge: KnowledgeOptions,
    pub team: TeamOptions,
    pub migrations: MigrationOptions,
}

/// Everything [`analyze`] computes.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Analysis {
    pub files: Vec<FileChurn>,
    pub folders: Vec<FolderChurn>,
    /// Every ranked file, highest first.
    pub hotspots: Vec<Hotspot>,
    pub hotspot_formula: &'static str,
    pub folder_hotspots: Vec<FolderHotspot>,
    pub coupling: Coupling,
    pub ownership: OwnershipReport,
    pub bus_factor: BusFactorReport,
    pub age: Vec<FileAge>,
    pub team: TeamReport,
    pub migrations: MigrationsReport,
    /// Every finding, ranked (those of team and migrations included).
    pub findings: Vec<Finding>,
}

/// Runs every analysis. `complexity` gives the summed cyclomatic complexity of a file by its
/// current path (0 or `None` when unknown: such files are not hotspots).
pub fn analyze(
    h: &History,
    complexity: &dyn Fn(&str) -> Option<u64>,
    opts: &AnalysisOptions,
) -> Analysis {
    analyze_with_manifests(h, complexity, &[], opts)
}

/// [`analyze`], with the versions of the dependency manifests (see [`migrations`]) for the
/// dependency swaps.
pub fn analyze_with_manifests(
    h: &History,
    complexity: &dyn Fn(&str) -> Option<u64>,
    manifests: &[ManifestVersion],
    opts: &AnalysisOptions,
) -> Analysis {
    let files = file_churn(h, opts.window);
    let activity: Vec<FileActivity<'_>> = files
        .iter()
        .filter(|f| f.alive)
        .map(|f| FileActivity {
            path: &f.path,
            revisions: f.revisions,
            cyclomatic: complexity(&f.path).unwrap_or(0),
        })
        .collect();
    let ranked = hotspots(&activity, usize::MAX);
    let folder_hot = folder_hotspots(&ranked);
    let coupling = coupling::coupling(h, &opts.coupling);
    let ownership = ownership(h, opts.window);
    let bus = bus_factor(h, &opts.knowledge);
    let team = team::team(h, &opts.team);
    let migrations = migrations::migrations(h, manifests, &opts.migrations);
    let mut found = findings(&FindingsInput {
        hotspots: &ranked,
        bus_factor: &bus,
        coupling: &coupling,
        ownership: &ownership,
        top_hotspots: 5,
    });
    found.extend(migrations::findings(&migrations, h.now()));
    found.extend(team::findings(h, &ownership, &opts.team));
    findings::rank(&mut found);
    Analysis {
        folders: folder_churn(h, opts.window),
        files,
        hotspots: ranked,
        hotspot_formula: HOTSPOT_FORMULA,
        folder_hotspots: folder_hot,
        coupling,
        ownership,
        bus_factor: bus,
        age: code_age(h),
        team,
        migrations,
        findings: found,
    }
}
