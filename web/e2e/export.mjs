#!/usr/bin/env node
// Browser test of a static export (`codevoyage export`): opens the HTML file from disk
// (file://) in Debian's Chromium with the network cut off and every non-file request blocked,
// and checks that the city renders, a click on a building opens the details panel and
// changing a metric changes the picture. Screenshots go to $CODEVOYAGE_ARTIFACTS (or
// test-results/) as export-*.png.
// Usage: CODEVOYAGE_EXPORT=/tmp/city.html node e2e/export.mjs
import { existsSync, mkdirSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { launch, pixelStats, waitForCity } from './browser.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const results = process.env.CODEVOYAGE_ARTIFACTS ? resolve(process.env.CODEVOYAGE_ARTIFACTS) : resolve(here, '..', 'test-results');
mkdirSync(results, { recursive: true });
const file = process.env.CODEVOYAGE_EXPORT ?? process.argv[2];
if (!file || !existsSync(file)) {
  console.error('Give the exported HTML file: CODEVOYAGE_EXPORT=city.html node e2e/export.mjs');
  process.exit(2);
}
const url = pathToFileURL(resolve(file)).href;

let step = 'start';
const log = (msg) => console.log(`  ✓ ${msg}`);
function check(cond, msg) {
  if (!cond) throw new Error(msg);
}

const { context, close } = await launch({ width: 1280, height: 800 });
// No network at all, and any request that is not the file itself (or inline data) is refused
// and reported.
await context.setOffline(true);
const outside = [];
await context.route('**/*', (route) => {
  const u = route.request().url();
  if (u.startsWith('file:') || u.startsWith('data:') || u.startsWith('blob:')) return route.continue();
  outside.push(u);
  return route.abort('blockedbyclient');
});
const page = await context.newPage();
const pageErrors = [];
page.on('pageerror', (e) => pageErrors.push(e.message));
page.on('console', (m) => {
  if (m.type() === 'error') pageErrors.push(m.text());
});
page.on('request', (r) => {
  const u = r.url();
  if (!u.startsWith('file:') && !u.startsWith('data:') && !u.startsWith('blob:') && !outside.includes(u)) outside.push(u);
});

try {
  step = 'open the file offline';
  await page.goto(url);
  await waitForCity(page);
  const count = await page.evaluate(() => window.__codevoyage?.buildingCount ?? 0);
  check(count > 0, 'the exported city has no buildings');
  const title = await page.innerText('[data-testid="export-title"]');
  log(`${url} opened offline: "${title}" with ${count} buildings`);

  step = 'canvas not blank';
  const canvas = await page.$('[data-testid="city-canvas"] canvas');
  check(canvas, 'no <canvas> inside [data-testid="city-canvas"]');
  const shot = await canvas.screenshot({ path: join(results, 'export-1-city.png') });
  const stats = pixelStats(shot);
  check(stats.distinctColors > 20, `the canvas looks blank (${stats.distinctColors} distinct colours)`);
  check(stats.foregroundShare > 0.03, `the canvas shows almost nothing but background (${(stats.foregroundShare * 100).toFixed(1)}% foreground)`);
  log(`canvas drew a city: ${stats.distinctColors} colours, ${(stats.foregroundShare * 100).toFixed(0)}% non-background pixels`);

  step = 'click a building';
  const target = await page.evaluate(() => {
    const hook = window.__codevoyage;
    const i = hook.bestClickTarget();
    return i < 0 ? null : { i, ...hook.screenPositionOf(i) };
  });
  check(target && target.visible !== false, 'no building is visible on screen to click');
  let panel = null;
  for (const dy of [4, 0, 8]) {
    await page.mouse.click(target.x, target.y + dy);
    panel = await page.waitForSelector('[data-testid="details-panel"]', { timeout: 10_000 }).catch(() => null);
    if (panel) break;
  }
  check(panel, 'clicking a building did not open the details panel');
  const text = await panel.innerText();
  check(/Lines of code/.test(text) && /Revisions/.test(text), `the details panel lacks metrics: ${text}`);
  log(`a click on a building opened the details panel of ${(await page.innerText('[data-testid="details-path"]')).trim()}`);
  await page.waitForTimeout(500);
  await page.screenshot({ path: join(results, 'export-2-selected.png') });
  await page.keyboard.press('Escape');
  await page.waitForSelector('[data-testid="details-panel"]', { state: 'detached', timeout: 10_000 });

  step = 'change a metric';
  await page.waitForTimeout(500);
  const before = await canvas.screenshot();
  await page.selectOption('[data-testid="metric-height"]', 'revisions');
  await page.selectOption('[data-testid="metric-color"]', 'revisions');
  await page.waitForTimeout(1500);
  const after = await canvas.screenshot({ path: join(results, 'export-3-metric.png') });
  check(!before.equals(after), 'changing the height and colour metrics did not change the picture');
  const legend = await page.innerText('[data-testid="legend"]').catch(() => '');
  log(`height and colour by revisions changed the picture${legend ? ` (legend: ${legend.split('\n')[0]})` : ''}`);
  await page.selectOption('[data-testid="metric-area"]', 'revisions');
  await page.waitForTimeout(1500);
  const footprint = await canvas.screenshot();
  check(!after.equals(footprint), 'changing the footprint metric did not change the picture');
  log('footprint by revisions changed the picture');
  await page.screenshot({ path: join(results, 'export-4-page.png') });

  step = 'no network';
  check(outside.length === 0, `the page asked for ${outside.length} URL(s) beyond the file: ${outside.slice(0, 5).join(', ')}`);
  const errors = pageErrors.filter((e) => !/WebGL|GPU stall|swiftshader/i.test(e));
  check(errors.length === 0, `the page logged errors: ${errors.slice(0, 3).join(' | ')}`);
  log('no request left the file, no errors in the console');
  console.log(`export test passed (screenshots in ${results})`);
} catch (e) {
  await page.screenshot({ path: join(results, 'export-failure.png') }).catch(() => {});
  console.error(`export test failed at "${step}": ${e instanceof Error ? e.message : String(e)}`);
  if (pageErrors.length) console.error(`page errors:\n  ${pageErrors.join('\n  ')}`);
  await close();
  process.exit(1);
}
await close();
