/**
 * Types of the CodeVoyage REST API (`/api/v1`), mirroring the JSON contract the Rust server
 * serves. Kept free of any rendering concerns so layout code can consume them directly.
 */

export interface LanguageSummary {
  language: string;
  files: number;
  code: number;
}

export interface Repository {
  id: number;
  name: string;
  source: string;
  head: string | null;
  total_commits: number;
  total_contributors: number;
  total_files: number;
  languages: LanguageSummary[];
  last_analyzed_at: string | null;
  /** What the forge (e.g. GitHub) says about the repository; absent or null when unknown. */
  forge?: ForgeInfo | null;
}

/** Forge metadata of a repository; every field but the provider may be missing. */
export interface ForgeInfo {
  provider: string;
  description?: string | null;
  stars?: number | null;
  default_branch?: string | null;
  [key: string]: unknown;
}

export interface RepositoryList {
  items: Repository[];
}

export interface LineCounts {
  code: number;
  comment: number;
  blank: number;
}

export interface FileNode {
  kind: 'file';
  name: string;
  path: string;
  language: string | null;
  lines: LineCounts;
  bytes: number;
  revisions: number;
  cyclomatic: number;
  binary: boolean;
}

export interface DirNode {
  kind: 'dir';
  name: string;
  path: string;
  children: TreeNode[];
}

export type TreeNode = DirNode | FileNode;

export interface RepositoryTree {
  repository_id: number;
  revision: string;
  root: DirNode;
}

/** Body of every 4xx/5xx answer. */
export interface ApiErrorBody {
  code: string;
  message: string;
}

/** A person named in a finding's evidence. */
export interface EvidencePerson {
  name: string;
  email?: string;
}

/** The data behind a finding; every field may be missing, extra fields are allowed. */
export interface InsightEvidence {
  numbers?: Record<string, number>;
  files?: string[];
  people?: EvidencePerson[];
  [key: string]: unknown;
}

export interface Insight {
  rank: number;
  kind: string;
  /** "info" | "warning" | "critical" (older servers: "low" | "medium" | "high"). */
  severity: string;
  title: string;
  /** Explanation, then a blank line and "Suggested action: …". */
  body: string;
  evidence: InsightEvidence | null;
}

export interface InsightList {
  analysis_id: number;
  items: Insight[];
}

export interface Hotspot {
  path: string;
  revisions: number;
  complexity: number;
  score: number;
}

export interface HotspotList {
  formula: string;
  items: Hotspot[];
}

export interface Coupling {
  path_a: string;
  path_b: string;
  shared: number;
  /** 0..1 */
  degree: number;
}

export interface CouplingList {
  analysis_id: number;
  items: Coupling[];
}

export interface Contributor {
  id: number;
  name: string;
  email: string;
  commits: number;
  lines_added: number;
  lines_removed: number;
  first_commit_at: string;
  last_commit_at: string;
  is_bot: boolean;
}

export interface ContributorList {
  items: Contributor[];
}

export interface ActivityMonth {
  /** "YYYY-MM" */
  month: string;
  commits: number;
  authors: number;
}

export interface ActivityList {
  items: ActivityMonth[];
}

/** One period of `/timeline`: commit activity. */
export interface TimelinePeriod {
  /** First day of the period, "YYYY-MM-DD" (UTC). */
  start: string;
  commits: number;
  authors: number;
  added: number;
  removed: number;
}

/** The line-count history of one path. */
export interface TimelineFile {
  path: string;
  /**
   * Flat triples `[period, lines, changes, …]` for the periods in which the file changed:
   * `lines` at the end of the period (-1: the file does not exist then), `changes` the commits
   * that touched it in that period.
   */
  series: number[];
}

/** `/timeline`: per-period activity and per-file line counts over time. */
export interface Timeline {
  repository_id: number;
  analysis_id: number;
  revision: string | null;
  unit: 'day' | 'week' | 'month';
  /** Which commit time places a commit in a period ("committer"). */
  time: string;
  periods: TimelinePeriod[];
  files: TimelineFile[];
  /** The repository's tags (absent from older servers: no tags). */
  tags?: TimelineTag[];
}

/** A tag of `/timeline`: a bookmark on the time-travel slider. */
export interface TimelineTag {
  name: string;
  /** The tagged commit. */
  sha: string;
  /** Commit time of the tagged commit, Unix seconds. */
  time: number;
}

/** `/ownership`: the experts (degree of authorship) of every live file. */
export interface OwnershipData {
  repository_id: number;
  analysis_id: number;
  formula: string;
  people: { email: string; name: string }[];
  /** `authors`: `[index into people, normalised degree]`, strongest first. */
  files: { path: string; authors: [number, number][] }[];
}

/** `GET /repositories/{id}/summary`: the executive summary and which kind it is. */
export interface SummaryView {
  analysis_id: number;
  /** "model" (written by a configured language model) or "deterministic". */
  source: 'model' | 'deterministic';
  model: string | null;
  /** A sentence naming which summary this is, shown with it. */
  label: string;
  text: string;
}
