#!/usr/bin/env node
// Dev-only mock of the CodeVoyage API (the contract in /api/v1) plus static serving of dist/,
// so the front end and its e2e scripts can run before or without the Rust server.
//
// Usage: node e2e/mock-server.mjs [--port 4173] [--repo PATH ...] [--empty] [--fail]
//   --repo PATH  serve a real directory as a repository (lines counted here, revisions from
//                `git log` when PATH is a git work tree); may be repeated.
//   (none)       serve one synthetic, deterministic repository.
//   --synthetic N  size of the synthetic repository (default 400 files).
//   --empty      serve no repositories (empty state).
//   --fail       answer every API call with a 500 error body (error state).
import { createServer } from 'node:http';
import { readFileSync, readdirSync, statSync, existsSync } from 'node:fs';
import { join, extname, resolve, dirname, basename } from 'node:path';
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const dist = resolve(here, '..', 'dist');

const args = process.argv.slice(2);
const opt = (name, dflt) => {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : dflt;
};
const port = Number(opt('--port', process.env.PORT ?? '4173'));
const repoPaths = args.flatMap((a, i) => (a === '--repo' ? [args[i + 1]] : [])).filter(Boolean);
const empty = args.includes('--empty');
const syntheticSize = Number(opt('--synthetic', '400'));
const fail = args.includes('--fail');

const LANGS = {
  '.py': ['Python', '#'], '.js': ['JavaScript', '//'], '.mjs': ['JavaScript', '//'], '.cjs': ['JavaScript', '//'],
  '.ts': ['TypeScript', '//'], '.tsx': ['TypeScript', '//'], '.jsx': ['JavaScript', '//'], '.rs': ['Rust', '//'],
  '.go': ['Go', '//'], '.java': ['Java', '//'], '.c': ['C', '//'], '.h': ['C', '//'], '.cpp': ['C++', '//'],
  '.rb': ['Ruby', '#'], '.sh': ['Shell', '#'], '.md': ['Markdown', null], '.rst': ['reStructuredText', null],
  '.html': ['HTML', null], '.css': ['CSS', null], '.json': ['JSON', null], '.toml': ['TOML', '#'],
  '.yml': ['YAML', '#'], '.yaml': ['YAML', '#'], '.txt': ['Text', null], '.cfg': ['INI', '#'], '.ini': ['INI', '#'],
};

function countLines(text, comment) {
  let code = 0, cmt = 0, blank = 0;
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    if (line === '') blank++;
    else if (comment && line.startsWith(comment)) cmt++;
    else code++;
  }
  return { code, comment: cmt, blank };
}

function gitRevisions(root) {
  const counts = new Map();
  try {
    const out = execFileSync('git', ['-C', root, 'log', '--name-only', '--format=', '--no-renames'], {
      maxBuffer: 512 * 1024 * 1024,
    }).toString();
    for (const line of out.split('\n')) if (line) counts.set(line, (counts.get(line) ?? 0) + 1);
  } catch {
    // Not a git work tree: every file has one revision.
  }
  return counts;
}

function gitInfo(root) {
  const run = (a) => {
    try {
      return execFileSync('git', ['-C', root, ...a]).toString().trim();
    } catch {
      return null;
    }
  };
  const head = run(['rev-parse', 'HEAD']);
  const commits = Number(run(['rev-list', '--count', 'HEAD']) ?? 0);
  const authors = new Set((run(['log', '--format=%ae']) ?? '').split('\n').filter(Boolean)).size;
  return { head, commits, authors };
}

function treeFromDirectory(root) {
  const revisions = gitRevisions(root);
  const walk = (abs, rel) => {
    const entries = readdirSync(abs, { withFileTypes: true })
      .filter((e) => !['.git', 'node_modules', 'dist', 'target'].includes(e.name))
      .sort((a, b) => (a.name < b.name ? -1 : 1));
    const dirs = [], files = [];
    for (const e of entries) {
      const childRel = rel ? `${rel}/${e.name}` : e.name;
      const childAbs = join(abs, e.name);
      if (e.isDirectory()) dirs.push(walk(childAbs, childRel));
      else if (e.isFile()) {
        const buf = readFileSync(childAbs);
        const binary = buf.subarray(0, 8000).includes(0);
        const [language, comment] = LANGS[extname(e.name).toLowerCase()] ?? [null, null];
        const lines = binary ? { code: 0, comment: 0, blank: 0 } : countLines(buf.toString('utf8'), comment);
        files.push({
          kind: 'file', name: e.name, path: childRel, language: binary ? null : language, lines,
          bytes: buf.length, revisions: revisions.get(childRel) ?? 1, cyclomatic: 0, binary,
        });
      }
    }
    return { kind: 'dir', name: rel ? basename(rel) : '', path: rel, children: [...dirs, ...files] };
  };
  return walk(root, '');
}

// Deterministic synthetic repository.
function syntheticTree() {
  let a = 1234;
  const rand = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const langs = [['Python', '.py'], ['TypeScript', '.ts'], ['Rust', '.rs'], ['Markdown', '.md'], ['YAML', '.yml'], ['Shell', '.sh']];
  const names = ['core', 'api', 'util', 'models', 'views', 'tests', 'docs', 'cli', 'server', 'client', 'auth', 'db'];
  const build = (path, depth, budget) => {
    const dirs = [], files = [];
    let remaining = budget, k = 0;
    while (remaining > 0) {
      const child = (n) => (path ? `${path}/${n}` : n);
      if (depth < 6 && remaining > 6 && rand() < 0.3) {
        const share = Math.max(2, Math.floor(remaining * (0.2 + rand() * 0.4)));
        dirs.push(build(child(`${names[(k + depth) % names.length]}${k}`), depth + 1, share));
        remaining -= share;
      } else {
        const [language, ext] = langs[Math.floor(rand() * rand() * langs.length)];
        const code = Math.floor(Math.exp(rand() * 6.5));
        files.push({
          kind: 'file', name: `file${k}${ext}`, path: child(`file${k}${ext}`), language,
          lines: { code, comment: Math.floor(code * rand() * 0.3), blank: Math.floor(code * 0.12) },
          bytes: code * 34, revisions: Math.floor(rand() * rand() * 120) + 1,
          cyclomatic: ['Python', 'TypeScript', 'Rust', 'Shell'].includes(language) ? Math.max(1, Math.floor(code / (4 + rand() * 12))) : 0,
          binary: false,
        });
        remaining--;
      }
      k++;
    }
    dirs.sort((x, y) => (x.name < y.name ? -1 : 1));
    files.sort((x, y) => (x.name < y.name ? -1 : 1));
    return { kind: 'dir', name: path.split('/').pop() ?? '', path, children: [...dirs, ...files] };
  };
  return build('', 0, syntheticSize);
}

function summarize(tree) {
  const langs = new Map();
  let files = 0;
  const visit = (n) => {
    if (n.kind === 'dir') return n.children.forEach(visit);
    files++;
    if (!n.language) return;
    const s = langs.get(n.language) ?? { language: n.language, files: 0, code: 0 };
    s.files++;
    s.code += n.lines.code;
    langs.set(n.language, s);
  };
  visit(tree);
  return { files, languages: [...langs.values()].sort((x, y) => y.code - x.code) };
}

const repos = [];
if (!empty) {
  const sources = repoPaths.length > 0 ? repoPaths.map((p) => resolve(p)) : [null];
  sources.forEach((src, i) => {
    const tree = src ? treeFromDirectory(src) : syntheticTree();
    const info = src ? gitInfo(src) : { head: 'c0ffee'.padEnd(40, '0'), commits: 1234, authors: 56 };
    const { files, languages } = summarize(tree);
    repos.push({
      meta: {
        id: i + 1, name: src ? basename(src) : 'synthetic', source: src ?? '/synthetic/repository',
        head: info.head, total_commits: info.commits, total_contributors: info.authors, total_files: files,
        languages, last_analyzed_at: new Date().toISOString().replace(/\.\d+Z$/, 'Z'),
        // The synthetic repository poses as a GitHub one; local ones have no forge.
        forge: src ? null : { provider: 'github', description: 'A synthetic repository of the mock server', stars: 4321, default_branch: 'main' },
      },
      tree,
    });
  });
}

// Analysis views derived deterministically from the tree, in the shapes the real server uses.
function allFiles(tree) {
  const out = [];
  const visit = (n) => (n.kind === 'dir' ? n.children.forEach(visit) : out.push(n));
  visit(tree);
  return out;
}

function hotspotsOf(tree) {
  return allFiles(tree)
    .filter((f) => f.revisions > 0 && f.cyclomatic > 0)
    .map((f) => ({ path: f.path, revisions: f.revisions, complexity: f.cyclomatic, score: f.revisions * f.cyclomatic }))
    .sort((a, b) => b.score - a.score || (a.path < b.path ? -1 : 1));
}

function couplingOf(tree) {
  // Busy files in the same folder are said to change together.
  const byDir = new Map();
  for (const f of allFiles(tree)) {
    const d = f.path.includes('/') ? f.path.slice(0, f.path.lastIndexOf('/')) : '';
    byDir.set(d, [...(byDir.get(d) ?? []), f]);
  }
  const pairs = [];
  for (const files of byDir.values()) {
    const busy = [...files].sort((a, b) => b.revisions - a.revisions).slice(0, 5);
    for (let i = 0; i < busy.length; i++)
      for (let j = i + 1; j < busy.length; j++) {
        const shared = Math.min(busy[i].revisions, busy[j].revisions) >> 1;
        if (shared < 2) continue;
        pairs.push({ path_a: busy[i].path, path_b: busy[j].path, shared, degree: Math.round((100 * shared) / Math.max(busy[i].revisions, busy[j].revisions)) / 100 });
      }
  }
  return pairs.sort((a, b) => b.degree - a.degree || b.shared - a.shared);
}

const PEOPLE = ['Ada Lovelace', 'Grace Hopper', 'Alan Turing', 'Edsger Dijkstra', 'Barbara Liskov', 'Donald Knuth', 'Margaret Hamilton', 'Ken Thompson', 'dependabot[bot]'];

function contributorsOf(meta) {
  const total = Math.max(1, meta.total_commits);
  return PEOPLE.map((name, i) => {
    const commits = Math.max(1, Math.round(total / 2 ** (i + 1)));
    return {
      id: i + 1, name, email: `${name.split(' ')[0].toLowerCase()}@example.com`, commits,
      lines_added: commits * 41, lines_removed: commits * 17,
      first_commit_at: `${2019 + (i % 3)}-0${1 + (i % 9)}-04T08:00:00Z`, last_commit_at: `2024-0${1 + (i % 9)}-01T10:00:00Z`,
      is_bot: name.endsWith('[bot]'),
    };
  }).sort((a, b) => b.commits - a.commits);
}

function activityOf() {
  const items = [];
  for (let k = 0; k < 48; k++) {
    const y = 2021 + Math.floor(k / 12), m = (k % 12) + 1;
    const commits = Math.round(20 + 15 * Math.sin(k / 4) + (k % 7) * 3);
    items.push({ month: `${y}-${String(m).padStart(2, '0')}`, commits: k === 30 ? 0 : commits, authors: k === 30 ? 0 : 1 + (commits % 6) });
  }
  return items;
}

function insightsOf(tree) {
  const hot = hotspotsOf(tree).slice(0, 3);
  const items = hot.map((h, i) => ({
    rank: i + 1, kind: 'hotspot', severity: i === 0 ? 'critical' : 'warning',
    title: `\`${h.path}\` is hotspot #${i + 1}`,
    body: `\`${h.path}\` changed ${h.revisions} times and has a cyclomatic complexity of ${h.complexity}.\n\nSuggested action: Review it first and split its most complex functions.`,
    evidence: { numbers: { revisions: h.revisions, complexity: h.complexity, score: h.score, main_author_share: 0.62 }, files: [h.path], people: [{ name: PEOPLE[i], email: 'someone@example.com' }] },
  }));
  items.push({
    rank: items.length + 1, kind: 'low_truck_factor', severity: 'info',
    title: 'Two people wrote most of the code', body: 'Half of the files were written mainly by two people.\n\nSuggested action: Pair on the busiest folders.',
    evidence: { numbers: { truck_factor: 2 }, people: [{ name: PEOPLE[0] }, { name: PEOPLE[1] }] },
  });
  return items;
}

// A deterministic history for the time-travel views: 24 months; every file of the tree appears
// in a month derived from its path and grows to its size today; a few files existed only in the
// past. The shapes are those of /timeline and /ownership.
function hashOf(text) {
  let h = 2166136261;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 16777619) >>> 0;
  return h;
}

function timelineOf(tree) {
  const months = 24;
  const periods = [];
  for (let k = 0; k < months; k++) {
    const y = 2023 + Math.floor(k / 12), m = (k % 12) + 1;
    periods.push({ start: `${y}-${String(m).padStart(2, '0')}-01`, commits: 0, authors: 1 + (k % 4), added: 0, removed: 0 });
  }
  const files = [];
  const add = (path, total, born, diedAt) => {
    const series = [];
    const steps = [born, Math.floor((born + months - 1) / 2), months - 1].filter((p, i, a) => a.indexOf(p) === i);
    for (const p of steps) {
      if (diedAt !== null && p >= diedAt) break;
      const lines = Math.round((total * (p - born + 1)) / (months - born));
      series.push(p, lines, 1);
      periods[p].commits++;
      periods[p].added += lines;
    }
    if (diedAt !== null) {
      series.push(diedAt, -1, 1);
      periods[diedAt].commits++;
    }
    files.push({ path, series });
  };
  for (const f of allFiles(tree)) add(f.path, f.lines.code + f.lines.comment + f.lines.blank, hashOf(f.path) % 18, null);
  for (let k = 0; k < 5; k++) add(`legacy/old_module_${k}.py`, 200 + 80 * k, k, 10 + k);
  files.sort((a, b) => (a.path < b.path ? -1 : 1));
  // A release tag every six months (two in one month once), as the server lists them.
  const tags = [];
  for (let p = 5; p < periods.length; p += 6) {
    const time = Date.parse(`${periods[p].start}T12:00:00Z`) / 1000 + 86400 * 9;
    tags.push({ name: `v${(p + 1) / 6}.0`, sha: (p * 7919).toString(16).padStart(40, '0'), time });
    if (p === 11) tags.push({ name: 'v2.0-lts', sha: 'f'.repeat(40), time: time + 3600 });
  }
  return { repository_id: 0, analysis_id: 1, revision: null, unit: 'month', time: 'committer', periods, files, tags };
}

function ownershipOf(tree) {
  const people = PEOPLE.filter((p) => !p.endsWith('[bot]')).map((name) => ({ email: `${name.split(' ')[0].toLowerCase()}@example.com`, name }));
  const files = allFiles(tree).map((f) => {
    const h = hashOf(f.path);
    const first = h % 3;
    const authors = [[first, 1]];
    if (h % 5 === 0) authors.push([(first + 1 + (h % 4)) % people.length, 0.8]);
    return { path: f.path, authors };
  });
  return { repository_id: 0, analysis_id: 1, formula: 'DOA (mock)', people, files };
}

const MIME = { '.html': 'text/html; charset=utf-8', '.js': 'text/javascript', '.css': 'text/css', '.svg': 'image/svg+xml', '.png': 'image/png', '.json': 'application/json' };

function json(res, status, body) {
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(JSON.stringify(body));
}

const server = createServer((req, res) => {
  const url = new URL(req.url ?? '/', 'http://localhost');
  const path = url.pathname;
  if (path.startsWith('/api/')) {
    if (fail) return json(res, 500, { code: 'internal', message: 'The mock server was started with --fail.' });
    if (path === '/api/v1/repositories') return json(res, 200, { items: repos.map((r) => r.meta) });
    const view = /^\/api\/v1\/repositories\/(\d+)\/(insights|hotspots|coupling|contributors|activity|timeline|ownership|summary)$/.exec(path);
    if (view) {
      const r = repos.find((x) => x.meta.id === Number(view[1]));
      if (!r) return json(res, 404, { code: 'not_found', message: `No repository with id ${view[1]}.` });
      const limit = Number(url.searchParams.get('limit') ?? '500');
      if (!Number.isInteger(limit) || limit < 1) return json(res, 400, { code: 'bad_request', message: 'limit must be at least 1' });
      switch (view[2]) {
        case 'insights': return json(res, 200, { analysis_id: 1, items: insightsOf(r.tree) });
        case 'summary': return json(res, 200, { analysis_id: 1, source: 'deterministic', model: null, label: 'Deterministic summary (no language model summary for this analysis)', text: `${insightsOf(r.tree).length} findings` });
        case 'hotspots': return json(res, 200, { analysis_id: 1, formula: 'score = revisions × complexity', items: hotspotsOf(r.tree).slice(0, limit) });
        case 'coupling': return json(res, 200, { analysis_id: 1, items: couplingOf(r.tree).slice(0, limit) });
        case 'contributors': return json(res, 200, { items: contributorsOf(r.meta) });
        case 'timeline': return json(res, 200, { ...timelineOf(r.tree), repository_id: r.meta.id });
        case 'ownership': return json(res, 200, { ...ownershipOf(r.tree), repository_id: r.meta.id });
        default: return json(res, 200, { items: activityOf() });
      }
    }
    const m = /^\/api\/v1\/repositories\/(\d+)(\/tree)?$/.exec(path);
    const repo = m ? repos.find((r) => r.meta.id === Number(m[1])) : undefined;
    if (m && !repo) return json(res, 404, { code: 'not_found', message: `No repository with id ${m[1]}. Run \`codevoyage analyze PATH\` first.` });
    if (m && repo && m[2]) return json(res, 200, { repository_id: repo.meta.id, revision: repo.meta.head, root: repo.tree });
    if (m && repo) return json(res, 200, repo.meta);
    return json(res, 404, { code: 'not_found', message: `No API route ${path}.` });
  }
  const file = resolve(dist, '.' + path);
  const target = file.startsWith(dist) && existsSync(file) && statSync(file).isFile() ? file : join(dist, 'index.html');
  if (!existsSync(target)) {
    res.writeHead(500, { 'content-type': 'text/plain' });
    return res.end('dist/ is missing: run `npm run build` first.');
  }
  res.writeHead(200, { 'content-type': MIME[extname(target)] ?? 'application/octet-stream' });
  res.end(readFileSync(target));
});

server.listen(port, '127.0.0.1', () => {
  console.log(`mock CodeVoyage server on http://127.0.0.1:${port} (${repos.length} repositories)`);
});
