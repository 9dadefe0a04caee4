#!/usr/bin/env node
// Saves a 1280x720 screenshot of a city for the README.
// Usage: CODEVOYAGE_URL=http://127.0.0.1:7878 node e2e/screenshot.mjs OUT.png [REPO_ID] [QUERY]
//   REPO_ID defaults to the first repository listed; QUERY (e.g. "height=revisions") is appended.
import { baseUrl, launch, login, waitForCity } from './browser.mjs';

const out = process.argv[2];
if (!out) {
  console.error('usage: CODEVOYAGE_URL=... node e2e/screenshot.mjs OUT.png [REPO_ID] [QUERY]');
  process.exit(2);
}
const base = baseUrl();
const { context, close } = await launch({ width: 1280, height: 720 });
try {
  const page = await context.newPage();
  page.on('pageerror', (e) => console.error('page error:', e.message));
  await login(page, base);
  let id = process.argv[3];
  if (!id) {
    const res = await page.request.get(`${base}/api/v1/repositories`);
    if (!res.ok()) throw new Error(`GET /api/v1/repositories answered ${res.status()}`);
    const first = (await res.json()).items?.[0];
    if (!first) throw new Error('the server lists no repositories: run `codevoyage analyze PATH` first');
    id = String(first.id);
  }
  const query = process.argv[4] ? `?${process.argv[4]}` : '';
  await page.goto(`${base}/repositories/${id}${query}`);
  await waitForCity(page);
  await page.screenshot({ path: out });
  console.log(`saved ${out}`);
} catch (err) {
  console.error(`screenshot failed: ${err instanceof Error ? err.message : err}`);
  process.exitCode = 1;
} finally {
  await close();
}
