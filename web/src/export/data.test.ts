import { describe, expect, it } from 'vitest';
import { EXPORT_FORMAT, ExportDataError, parseExportData } from './data';

const tree = { repository_id: 1, revision: 'abc', root: { kind: 'dir', name: '', path: '', children: [] } };
const repository = { id: 1, name: 'demo', source: '/tmp/demo', head: 'abc', total_commits: 1, total_contributors: 1, total_files: 0, languages: [], last_analyzed_at: null };

describe('parseExportData', () => {
  it('reads a complete export', () => {
    const data = parseExportData(
      JSON.stringify({ format: EXPORT_FORMAT, generated_at: '2026-01-01T00:00:00Z', generator: 'codevoyage 0.1.0', repository, tree, coupling: [], insights: [] }),
    );
    expect(data.repository.name).toBe('demo');
    expect(data.tree.root.kind).toBe('dir');
  });

  it('defaults the optional lists', () => {
    const data = parseExportData(JSON.stringify({ format: EXPORT_FORMAT, repository, tree }));
    expect(data.coupling).toEqual([]);
    expect(data.insights).toEqual([]);
  });

  it('says what is wrong with bad data', () => {
    expect(() => parseExportData(null)).toThrow(/no CodeVoyage data/);
    expect(() => parseExportData('{')).toThrow(ExportDataError);
    expect(() => parseExportData(JSON.stringify({ format: 99, repository, tree }))).toThrow(/format 99/);
    expect(() => parseExportData(JSON.stringify({ format: EXPORT_FORMAT, repository }))).toThrow(/no file tree/);
    expect(() => parseExportData(JSON.stringify({ format: EXPORT_FORMAT, tree }))).toThrow(/repository/);
  });
});
