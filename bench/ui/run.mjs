#!/usr/bin/env node
// UI benchmark: loads synthetic cities of N files in headless Chromium (Debian's, through
// playwright-core; never a downloaded browser) and reports draw calls, build time and frame
// time, with and without level of detail.
//
// Usage: node bench/ui/run.mjs [SIZES] [--frames 30]     (after `npm run build --prefix web`)
//   SIZES: comma-separated file counts, default 10000,100000
// Serves web/dist itself (no CodeVoyage server needed) and opens /bench?files=N.
import { createServer } from 'node:http';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { extname, join, resolve, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { launch } from '../../web/e2e/browser.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const dist = resolve(here, '..', '..', 'web', 'dist');
const args = process.argv.slice(2);
const opt = (name, dflt) => (args.includes(name) ? args[args.indexOf(name) + 1] : dflt);
const sizes = (args.find((a) => /^\d[\d,]*$/.test(a)) ?? '10000,100000').split(',').map(Number);
const frames = Number(opt('--frames', '30'));
const width = 1280, height = 720;

if (!existsSync(join(dist, 'index.html'))) {
  console.error('web/dist is missing: run `npm run build --prefix web` first');
  process.exit(2);
}
const MIME = { '.html': 'text/html; charset=utf-8', '.js': 'text/javascript', '.css': 'text/css', '.svg': 'image/svg+xml' };
const server = createServer((req, res) => {
  const path = new URL(req.url ?? '/', 'http://x').pathname;
  const file = resolve(dist, '.' + path);
  const target = file.startsWith(dist) && existsSync(file) && statSync(file).isFile() ? file : join(dist, 'index.html');
  res.writeHead(200, { 'content-type': MIME[extname(target)] ?? 'application/octet-stream' });
  res.end(readFileSync(target));
});
await new Promise((ok) => server.listen(0, '127.0.0.1', ok));
const base = `http://127.0.0.1:${server.address().port}`;

const stats = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  const q = (p) => s[Math.min(s.length - 1, Math.floor(p * s.length))];
  return { median: q(0.5), p95: q(0.95) };
};
const round = (v) => Math.round(v * 10) / 10;

const { context, close } = await launch({ width, height });
const rows = [];
try {
  for (const n of sizes) {
    for (const lod of [true, false]) {
      const page = await context.newPage();
      await page.goto(`${base}/bench?files=${n}${lod ? '' : '&lod=0'}`);
      await page.waitForFunction(() => window.__codevoyage && window.__codevoyageBench, null, { timeout: 600_000 });
      // One complete frame: buffers uploaded, shaders compiled. Time since navigation start.
      const ready = await page.evaluate(() => {
        window.__codevoyage.measureFrames(1);
        return performance.now();
      });
      const timings = await page.evaluate(() => window.__codevoyageBench);
      const overview = await page.evaluate((f) => window.__codevoyage.measureFrames(f), frames);
      const overviewStats = await page.evaluate(() => window.__codevoyage.renderStats());
      // Close up: standing above one corner of the city, looking at it.
      await page.evaluate(() => window.__codevoyage.lookFrom([-420, 60, -420], [-380, 0, -380]));
      const close = await page.evaluate((f) => window.__codevoyage.measureFrames(f), Math.max(5, frames / 3));
      const closeStats = await page.evaluate(() => window.__codevoyage.renderStats());
      const row = {
        files: timings.files,
        lod,
        districts: timings.districts,
        layoutMs: round(timings.layoutMs),
        treeMs: round(timings.treeMs),
        readyMs: round(ready),
        drawCalls: overviewStats.calls,
        overviewBuildings: overviewStats.drawnBuildings,
        overviewFrameMs: { median: round(stats(overview.map((f) => f.total)).median), p95: round(stats(overview.map((f) => f.total)).p95) },
        overviewCpuMs: round(stats(overview.map((f) => f.cpu)).median),
        closeBuildings: closeStats.drawnBuildings,
        closeDrawCalls: closeStats.calls,
        closeFrameMs: { median: round(stats(close.map((f) => f.total)).median), p95: round(stats(close.map((f) => f.total)).p95) },
        closeCpuMs: round(stats(close.map((f) => f.cpu)).median),
      };
      rows.push(row);
      console.log(JSON.stringify(row));
      await page.close();
    }
  }
} finally {
  await close();
  server.close();
}
console.log('\n| files | LOD | layout ms | ready ms | draw calls | buildings drawn (overview) | overview frame ms (median / p95) | overview main-thread ms | buildings drawn (close) | close frame ms (median / p95) | close main-thread ms |');
console.log('|---|---|---|---|---|---|---|---|---|---|---|');
for (const r of rows)
  console.log(
    `| ${r.files} | ${r.lod ? 'on' : 'off'} | ${r.layoutMs} | ${r.readyMs} | ${r.drawCalls} | ${r.overviewBuildings} | ${r.overviewFrameMs.median} / ${r.overviewFrameMs.p95} | ${r.overviewCpuMs} | ${r.closeBuildings} | ${r.closeFrameMs.median} / ${r.closeFrameMs.p95} | ${r.closeCpuMs} |`,
  );
