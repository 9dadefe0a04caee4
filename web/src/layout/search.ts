/**
 * Search over buildings. A query is a case-insensitive path substring, a glob when it holds
 * `*` or `?` (`**` crosses folders, `*` does not), or `lang:NAME` for a language (`lang:unknown`
 * for files without one). Pure, so the render layer only receives the resulting mask.
 */
import type { FileNode } from '../api/types';

function globToRegExp(glob: string): RegExp {
  let re = '';
  for (let i = 0; i < glob.length; i++) {
    const ch = glob[i] ?? '';
    if (ch === '*') {
      if (glob[i + 1] === '*') {
        re += '.*';
        i++;
      } else {
        re += '[^/]*';
      }
    } else if (ch === '?') {
      re += '[^/]';
    } else {
      re += ch.replace(/[.+^${}()|[\]\\]/g, '\\$&');
    }
  }
  // Unanchored at the start so `*.py` finds files in any folder.
  return new RegExp(`(^|/)${re}$`, 'i');
}

/** Returns a predicate for `query`, or null when the query is blank (no filtering). */
export function pathMatcher(query: string): ((path: string) => boolean) | null {
  const q = query.trim();
  if (q.length === 0) return null;
  if (q.includes('*') || q.includes('?')) {
    const re = globToRegExp(q);
    return (p) => re.test(p);
  }
  const lower = q.toLowerCase();
  return (p) => p.toLowerCase().includes(lower);
}

/** Returns a predicate over files for `query`, or null when the query is blank. */
export function fileMatcher(query: string): ((file: FileNode) => boolean) | null {
  const q = query.trim();
  const lang = /^lang:\s*(.*)$/i.exec(q);
  if (lang) {
    const name = (lang[1] ?? '').trim().toLowerCase();
    if (name === '') return null;
    return (f) => (f.language ?? 'unknown').toLowerCase() === name;
  }
  const match = pathMatcher(q);
  return match ? (f) => match(f.path) : null;
}

/** 1 for each file matching `query`, 0 otherwise; null when the query is blank. */
export function searchMask(files: readonly FileNode[], query: string): Uint8Array | null {
  const match = fileMatcher(query);
  if (!match) return null;
  const mask = new Uint8Array(files.length);
  files.forEach((f, i) => {
    mask[i] = match(f) ? 1 : 0;
  });
  return mask;
}
