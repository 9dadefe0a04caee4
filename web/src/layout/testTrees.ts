/**
 * Deterministic tree builders for tests (and the dev mock): a seeded PRNG so every run builds
 * the same repository.
 */
import type { DirNode, FileNode, TreeNode } from '../api/types';

/** mulberry32: tiny, fast, deterministic. */
export function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export function file(path: string, code: number, extra: Partial<FileNode> = {}): FileNode {
  const name = path.split('/').pop() ?? path;
  return {
    kind: 'file',
    name,
    path,
    language: 'Python',
    lines: { code, comment: Math.floor(code / 10), blank: Math.floor(code / 8) },
    bytes: code * 30,
    revisions: 1 + (code % 17),
    cyclomatic: 0,
    binary: false,
    ...extra,
  };
}

export function dir(path: string, children: TreeNode[]): DirNode {
  const name = path.split('/').pop() ?? path;
  return { kind: 'dir', name: path === '' ? '' : name, path, children };
}

const LANGS = ['Python', 'TypeScript', 'Rust', 'Go', 'Markdown', 'JSON', 'YAML', 'Shell', 'C', 'HTML', null];

/** A random but reproducible tree with about `files` files and nested folders. */
export function randomTree(files: number, seed = 42, maxDepth = 5): DirNode {
  const rand = rng(seed);
  let made = 0;
  const build = (path: string, depth: number, budget: number): DirNode => {
    const children: TreeNode[] = [];
    let remaining = budget;
    let k = 0;
    while (remaining > 0) {
      const childPath = (name: string) => (path === '' ? name : `${path}/${name}`);
      if (depth < maxDepth && remaining > 4 && rand() < 0.25) {
        const share = Math.max(1, Math.floor(remaining * (0.2 + rand() * 0.5)));
        children.push(build(childPath(`dir${k}`), depth + 1, share));
        remaining -= share;
      } else {
        const code = Math.floor(Math.exp(rand() * 7)) - 1; // heavy tail: 0 .. ~1100
        const lang = LANGS[Math.floor(rand() * LANGS.length)] ?? null;
        children.push(file(childPath(`file${k}.txt`), code, { language: lang, revisions: Math.floor(rand() * 60) }));
        remaining--;
        made++;
      }
      k++;
    }
    return dir(path, children);
  };
  const root = build('', 0, files);
  void made;
  return root;
}
