#!/usr/bin/env node
// Screenshots of the analysis views at 1280x720: the city with findings, hotspot colouring and
// coupling arcs for a selected file, and the 2D charts page.
// Usage: CODEVOYAGE_URL=http://127.0.0.1:7878 node e2e/views-screenshots.mjs OUT_DIR [REPO_ID] [FILE]
//   FILE is the file to select (defaults to the first file of the strongest coupling pair).
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { baseUrl, launch, login, waitForCity } from './browser.mjs';

const outDir = process.argv[2] ?? 'test-results';
mkdirSync(outDir, { recursive: true });
const base = baseUrl();
const { context, close } = await launch({ width: 1280, height: 720 });
try {
  const page = await context.newPage();
  page.on('pageerror', (e) => console.error('page error:', e.message));
  await login(page, base);
  const id = process.argv[3] ?? String((await (await page.request.get(`${base}/api/v1/repositories`)).json()).items[0].id);
  let file = process.argv[4];
  if (!file) {
    const hot = await (await page.request.get(`${base}/api/v1/repositories/${id}/hotspots?limit=1`)).json();
    file = hot.items?.[0]?.path;
  }
  await page.goto(`${base}/repositories/${id}?height=hotspot&color=hotspot`);
  await waitForCity(page);
  await page.waitForSelector('[data-testid="findings-list"], [data-testid="findings-empty"], [data-testid="findings-error"]', { timeout: 30_000 });
  await page.waitForTimeout(800);
  await page.screenshot({ path: join(outDir, 'views-1-findings-hotspots.png') });
  console.log(`saved ${join(outDir, 'views-1-findings-hotspots.png')}`);
  if (file) {
    await page.goto(`${base}/repositories/${id}?height=revisions&file=${encodeURIComponent(file)}`);
    await waitForCity(page);
    await page.waitForSelector('[data-testid="coupled-files"]', { timeout: 30_000 }).catch(() => undefined);
    const frame = await page.$('[data-testid="frame-coupled"]');
    if (frame) await frame.click();
    await page.waitForTimeout(1500);
    await page.screenshot({ path: join(outDir, 'views-2-coupling-arcs.png') });
    console.log(`saved ${join(outDir, 'views-2-coupling-arcs.png')} (${file})`);
  }
  await page.goto(`${base}/repositories/${id}/charts`);
  await page.waitForSelector('[data-testid="activity-chart"] rect', { timeout: 30_000 });
  await page.waitForTimeout(500);
  await page.screenshot({ path: join(outDir, 'views-3-charts.png') });
  const scroller = await page.$('[data-testid="charts"]');
  if (scroller) {
    await scroller.evaluate((el) => el.scrollTo(0, 420));
    await page.waitForTimeout(300);
    await page.screenshot({ path: join(outDir, 'views-4-charts-scatter.png') });
    await scroller.evaluate((el) => el.scrollTo(0, 10_000));
    await page.waitForTimeout(300);
    await page.screenshot({ path: join(outDir, 'views-5-charts-contributors.png') });
  }
  console.log(`saved charts screenshots in ${outDir}`);
} catch (err) {
  console.error(`screenshots failed: ${err instanceof Error ? err.message : err}`);
  process.exitCode = 1;
} finally {
  await close();
}
