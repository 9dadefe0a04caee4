/**
 * The data of a static export: what `codevoyage export` writes into the page, as JSON in
 * `<script type="application/json" id="codevoyage-data">`. The export page reads it from there;
 * it never talks to a server.
 */
import type { Coupling, Insight, Repository, RepositoryTree } from '../api/types';

/** Version of the embedded data; `codevoyage export` writes this number. */
export const EXPORT_FORMAT = 1;

export interface ExportData {
  format: number;
  /** When the file was written, RFC 3339 (UTC). */
  generated_at: string;
  /** The CodeVoyage version that wrote it. */
  generator: string;
  repository: Repository;
  tree: RepositoryTree;
  /** The most strongly coupled file pairs, strongest first (for the arcs and the panel). */
  coupling: Coupling[];
  /** Ranked findings of the analysis. */
  insights: Insight[];
}

export class ExportDataError extends Error {}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Parses and checks the embedded JSON; throws an `ExportDataError` saying what is wrong. */
export function parseExportData(text: string | null | undefined): ExportData {
  if (!text || text.trim() === '') throw new ExportDataError('This page carries no CodeVoyage data (the codevoyage-data block is missing or empty).');
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (e) {
    throw new ExportDataError(`The CodeVoyage data of this page is not valid JSON: ${e instanceof Error ? e.message : String(e)}`);
  }
  if (!isObject(raw)) throw new ExportDataError('The CodeVoyage data of this page is not an object.');
  if (raw.format !== EXPORT_FORMAT)
    throw new ExportDataError(`This page was written in export format ${String(raw.format)}; this viewer reads format ${EXPORT_FORMAT}.`);
  const tree = raw.tree;
  if (!isObject(tree) || !isObject(tree.root) || tree.root.kind !== 'dir')
    throw new ExportDataError('The CodeVoyage data of this page has no file tree.');
  if (!isObject(raw.repository) || typeof raw.repository.name !== 'string')
    throw new ExportDataError('The CodeVoyage data of this page does not name its repository.');
  return {
    format: EXPORT_FORMAT,
    generated_at: typeof raw.generated_at === 'string' ? raw.generated_at : '',
    generator: typeof raw.generator === 'string' ? raw.generator : '',
    repository: raw.repository as unknown as Repository,
    tree: tree as unknown as RepositoryTree,
    coupling: Array.isArray(raw.coupling) ? (raw.coupling as Coupling[]) : [],
    insights: Array.isArray(raw.insights) ? (raw.insights as Insight[]) : [],
  };
}
