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
