#!/usr/bin/env node
// End-to-end smoke test of the CodeVoyage web UI against a running server.
// Usage: CODEVOYAGE_URL=http://127.0.0.1:7878 node e2e/smoke.mjs   (or `npm run e2e`)
// Software rendering (SwiftShader) of a very large city takes seconds per frame, hence the
// generous timeouts.
// Opens the repository list, opens the first repository's city, checks the canvas draws a
// city, clicks a building and checks the details panel, and so on through every view at 1280x720.
// A screenshot of each view goes to $CODEVOYAGE_ARTIFACTS (scripts/ui-smoke.sh: target/ui-artifacts),
// else web/test-results/.
import { mkdirSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { baseUrl, isExpectedAuthError, launch, login, pixelStats, waitForCity } from './browser.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const results = process.env.CODEVOYAGE_ARTIFACTS ? resolve(process.env.CODEVOYAGE_ARTIFACTS) : resolve(here, '..', 'test-results');
mkdirSync(results, { recursive: true });
const base = baseUrl();

let step = 'start';
const log = (msg) => console.log(`  ✓ ${msg}`);
function check(cond, msg) {
  if (!cond) throw new Error(msg);
}

// The smallest size the UI supports; the system prefers dark (the light theme is checked below).
const { context, close } = await launch({ width: 1280, height: 720, colorScheme: 'dark' });
const page = await context.newPage();
const pageErrors = [];
page.on('pageerror', (e) => pageErrors.push(e.message));
page.on('console', (m) => {
  if (m.type() === 'error') pageErrors.push(m.text());
});

try {
  step = 'login';
  const user = await login(page, base, { wrongPasswordFirst: true });
  if (user) log(`the login page refused a wrong password, then logged in ${user} through the form`);

  step = 'repository list';
  await page.goto(`${base}/`);
  await page.waitForSelector('[data-testid="repo-list"], [data-testid="repo-list-empty"], [data-testid="error"]', { timeout: 30_000 });
  const error = await page.$('[data-testid="error"]');
  if (error) throw new Error(`the repository list shows an error: ${await error.innerText()}`);
  check(!(await page.$('[data-testid="repo-list-empty"]')), 'the repository list is empty: analyse a repository first (`codevoyage analyze PATH`)');
  const links = await page.$$('[data-testid="repo-link"]');
  check(links.length >= 1, 'the repository list shows no repository');
  log(`repository list shows ${links.length} repositor${links.length === 1 ? 'y' : 'ies'}`);
  await page.screenshot({ path: join(results, 'smoke-1-list.png') });

  step = 'open city';
  await links[0].click();
  await page.waitForURL(/\/repositories\/\d+/, { timeout: 10_000 });
  await waitForCity(page);
  const count = await page.evaluate(() => window.__codevoyage?.buildingCount ?? 0);
  check(count > 0, 'the city has no buildings');
  log(`city canvas is up with ${count} buildings`);
  {
    const id = Number(/\/repositories\/(\d+)/.exec(page.url())?.[1]);
    const repoRes = await page.request.get(`${base}/api/v1/repositories/${id}`);
    check(repoRes.ok(), `/repositories/${id} answered ${repoRes.status()}`);
    const head = (await repoRes.json()).head;
    await page.waitForFunction((h) => new URLSearchParams(location.search).get('rev') === h, head, { timeout: 30_000 });
    check(!(await page.$('[data-testid="revision-banner"]')), 'a link at the analysed revision shows a revision banner');
    log(`the URL carries the analysed revision (rev=${head.slice(0, 7)})`);
  }

  step = 'canvas not blank';
  const canvas = await page.$('[data-testid="city-canvas"] canvas');
  check(canvas, 'no <canvas> inside [data-testid="city-canvas"]');
  const shot = await canvas.screenshot({ path: join(results, 'smoke-2-city.png') });
  const stats = pixelStats(shot);
  check(stats.distinctColors > 20, `the canvas looks blank (${stats.distinctColors} distinct colours)`);
  check(stats.foregroundShare > 0.03, `the canvas shows almost nothing but background (${(stats.foregroundShare * 100).toFixed(1)}% foreground)`);
  log(`canvas drew a city: ${stats.distinctColors} colours, ${(stats.foregroundShare * 100).toFixed(0)}% non-background pixels`);

  step = 'findings panel';
  const repoId = Number(/\/repositories\/(\d+)/.exec(page.url())?.[1]);
  await page.waitForSelector('[data-testid="findings"]', { timeout: 30_000 });
  const insightsRes = await page.request.get(`${base}/api/v1/repositories/${repoId}/insights`);
  const apiFindings = insightsRes.ok() ? ((await insightsRes.json()).items ?? []) : null;
  if (apiFindings === null) {
    await page.waitForSelector('[data-testid="findings-error"]', { timeout: 30_000 });
    log(`findings panel shows the API error (${insightsRes.status()})`);
  } else if (apiFindings.length === 0) {
    await page.waitForSelector('[data-testid="findings-empty"]', { timeout: 30_000 });
    log('findings panel says there are no findings (the API returned none)');
  } else {
    await page.waitForSelector('[data-testid="finding"]', { timeout: 30_000 });
    const shown = await page.$$eval('[data-testid="finding"]', (els) => els.length);
    check(shown === apiFindings.length, `the findings panel shows ${shown} findings, the API returned ${apiFindings.length}`);
    const badges = await page.$$eval('[data-testid="severity-badge"]', (els) => els.map((e) => e.textContent ?? ''));
    check(badges.every((t) => /critical|warning|info/i.test(t)), `severity badges lack a text label: ${badges.join(', ')}`);
    log(`findings panel lists all ${shown} findings with labelled severity badges`);
    // A file named in the (open) first finding selects its building.
    const fileButton = await page.$('[data-testid="finding-file"]:not([disabled])');
    if (fileButton) {
      const path = (await fileButton.innerText()).replace(/^[^\w./-]+/, '').replace(/\u200e/g, '').trim();
      await fileButton.click();
      await page.waitForSelector('[data-testid="details-panel"]', { timeout: 30_000 });
      const shownPath = (await page.innerText('[data-testid="details-path"]')).trim();
      check(shownPath === path, `clicking ${path} in a finding selected ${shownPath}`);
      log(`clicking ${path} in a finding selects its building`);
      await page.waitForTimeout(1200);
      await page.screenshot({ path: join(results, 'smoke-2b-finding-file.png') });
      await page.keyboard.press('Escape');
      await page.waitForSelector('[data-testid="details-panel"]', { state: 'detached', timeout: 30_000 });
      await page.click('text=Reset view');
      await page.waitForTimeout(1000);
    }
  }
  await page.screenshot({ path: join(results, 'smoke-2a-findings.png') });
  await page.click('[data-testid="findings-toggle"]');
  await page.waitForSelector('[data-testid="findings"][data-collapsed="true"]', { timeout: 10_000 });
  await page.click('[data-testid="findings-toggle"]');
  await page.waitForSelector('[data-testid="findings"][data-collapsed="false"]', { timeout: 10_000 });
  log('the findings panel collapses and opens again');

  step = 'hover tooltip';
  const target = await page.evaluate(() => {
    const hook = window.__codevoyage;
    const i = hook.bestClickTarget();
    return i < 0 ? null : { i, ...hook.screenPositionOf(i) };
  });
  check(target, 'no building is visible on screen to click');
  // Aim a little below the roof edge centre: the roof centre of the projected top face.
  await page.mouse.move(target.x, target.y + 4);
  await page.waitForSelector('[data-testid="tooltip"]', { timeout: 30_000 }).then(
    () => log('hover shows a tooltip'),
    () => console.log('  ! no tooltip on hover (continuing)'),
  );

  step = 'hover a folder';
  // Just inside the front corner of the root platform: its padding holds no building.
  const ground = await page.evaluate(() => window.__codevoyage.project(-490, 4, 490));
  await page.mouse.move(ground.x + 6, ground.y - 3);
  await page.waitForSelector('[data-testid="folder-tooltip"]', { timeout: 30_000 }).then(
    () => log('hovering a district platform names the folder'),
    () => console.log('  ! no folder tooltip on a platform (continuing)'),
  );

  step = 'select a building';
  await page.mouse.click(target.x, target.y + 4);
  let panel = await page.waitForSelector('[data-testid="details-panel"]', { timeout: 30_000 }).catch(() => null);
  if (panel) log('a real click on a building opened the details panel');
  else {
    console.log('  ! the click did not select a building; selecting through the test hook');
    await page.evaluate(() => window.__codevoyage.selectFirst());
    panel = await page.waitForSelector('[data-testid="details-panel"]', { timeout: 30_000 });
  }
  const text = await panel.innerText();
  check(/Lines of code/.test(text) && /Revisions/.test(text), `the details panel lacks metrics: ${text}`);
  check(/file=/.test(page.url()), 'the selection is not reflected in the URL');
  log(`details panel shows ${(await page.innerText('[data-testid="details-path"]')).trim()}`);
  await page.waitForTimeout(500);
  await page.screenshot({ path: join(results, 'smoke-3-selected.png') });

  step = 'zoom to folder';
  const focus = await page.$('[data-testid="focus-folder"]');
  if (focus) {
    const before = await canvas.screenshot();
    await focus.click();
    await page.waitForTimeout(1500);
    const after = await canvas.screenshot({ path: join(results, 'smoke-3b-focus.png') });
    check(!before.equals(after), 'zooming to the folder did not change the view');
    log('zoom to folder moved the camera');
  }

  step = 'orbit and share the view';
  const box = await canvas.boundingBox();
  // Between the legend (bottom left) and the details panel (right).
  await page.mouse.move(box.x + box.width * 0.4, box.y + box.height * 0.85);
  await page.mouse.down();
  await page.mouse.move(box.x + box.width * 0.55, box.y + box.height * 0.8, { steps: 8 });
  await page.mouse.up();
  await page.waitForFunction(() => /[?&]cam=/.test(window.location.search), null, { timeout: 30_000 });
  log('orbiting writes the camera into the URL');
  await page.click('text=Reset view');
  await page.waitForFunction(() => !/[?&]cam=/.test(window.location.search), null, { timeout: 30_000 });
  log('"Reset view" restores the default framing');
  await page.focus('[data-testid="city-keyboard"]');
  const beforeKeys = await canvas.screenshot();
  await page.keyboard.press('ArrowRight');
  await page.keyboard.press('+');
  await page.waitForFunction(() => /[?&]cam=/.test(window.location.search), null, { timeout: 30_000 });
  await page.waitForTimeout(800);
  check(!beforeKeys.equals(await canvas.screenshot()), 'arrow and + keys did not move the camera');
  log('the keyboard orbits and zooms the focused city, and the camera goes into the URL');
  await page.click('text=Reset view');
  await page.waitForFunction(() => !/[?&]cam=/.test(window.location.search), null, { timeout: 30_000 });

  step = 'metric selects and search';
  await page.selectOption('[data-testid="metric-area"]', 'bytes');
  await page.waitForFunction(() => /[?&]area=bytes/.test(location.search), null, { timeout: 30_000 });
  await page.waitForTimeout(800);
  await page.screenshot({ path: join(results, 'smoke-4a-footprint-bytes.png') });
  await page.selectOption('[data-testid="metric-area"]', 'code');
  await page.waitForFunction(() => !/[?&]area=/.test(location.search), null, { timeout: 30_000 });
  log('the footprint metric changes the layout and is kept in the URL');
  await page.selectOption('[data-testid="metric-color"]', 'revisions');
  await page.selectOption('[data-testid="metric-height"]', 'revisions');
  await page.fill('[data-testid="search"]', '*.py');
  await page.waitForSelector('[data-testid="search-count"]', { timeout: 30_000 });
  log(`search highlights ${(await page.innerText('[data-testid="search-count"]')).trim()}`);
  check(/color=revisions/.test(page.url()) && /height=revisions/.test(page.url()), 'metric choices are not in the URL');
  await page.waitForTimeout(800);
  await page.screenshot({ path: join(results, 'smoke-4-revisions.png') });

  step = 'hotspot preset';
  await page.click('[data-testid="preset-hotspots"]');
  await page.waitForFunction(() => /height=hotspot/.test(location.search) && /color=hotspot/.test(location.search), null, { timeout: 30_000 });
  const formula = await page.innerText('[data-testid="legend-formula"]');
  check(/revisions × cyclomatic/.test(formula), `the legend does not state the hotspot formula: ${formula}`);
  log(`hotspot preset: legend says "${formula.trim()}"`);
  await page.waitForTimeout(800);
  await page.screenshot({ path: join(results, 'smoke-5-hotspots.png') });

  step = 'time travel';
  const timelineRes = await page.request.get(`${base}/api/v1/repositories/${repoId}/timeline`);
  check(timelineRes.ok(), `/timeline answered ${timelineRes.status()}`);
  const timeline = await timelineRes.json();
  // Files alive at the end of period p, straight from the API's sparse series.
  const aliveAt = (p) =>
    timeline.files.filter((f) => {
      let lines = -1;
      for (let k = 0; k + 2 < f.series.length && f.series[k] <= p; k += 3) lines = f.series[k + 1];
      return lines >= 0;
    }).length;
  await page.click('[data-testid="time-travel"]');
  const slider = await page.waitForSelector('[data-testid="time-slider"]', { timeout: 30_000 });
  const last = timeline.periods.length - 1;
  await page.waitForFunction((n) => window.__codevoyage?.visibleBuildings === n, aliveAt(last), { timeout: 30_000 });
  await slider.focus();
  await page.keyboard.press('Home');
  await page.waitForFunction((n) => window.__codevoyage?.visibleBuildings === n, aliveAt(0), { timeout: 30_000 });
  await page.waitForFunction((d) => new URLSearchParams(location.search).get('t') === d, timeline.periods[0].start, { timeout: 30_000 });
  log(`time slider: ${aliveAt(last)} buildings today, ${aliveAt(0)} in the ${timeline.unit} of ${timeline.periods[0].start}`);
  const markers = await page.$$('[data-testid="time-tag-marker"]');
  check((timeline.tags ?? []).length > 0, 'the fixture has no tags (scripts/ui-smoke.sh analyses the testkit fixture tags.sh)');
  check(markers.length > 0, `the timeline has ${timeline.tags.length} tags but draws no marker`);
  {
    const sliderAt = () => page.evaluate(() => Number(document.querySelector('[data-testid="time-slider"]')?.value));
    const before = await sliderAt();
    let target = null;
    for (const m of markers) if (Number(await m.getAttribute('data-period')) !== before) target = m;
    check(target, `every tag marker sits at the slider's period ${before}: clicking one cannot show it moves`);
    const period = Number(await target.getAttribute('data-period'));
    await target.click({ force: true });
    await page.waitForFunction((p) => Number(document.querySelector('[data-testid="time-slider"]')?.value) === p, period, { timeout: 30_000 });
    log(`${markers.length} tag marker(s) on the timeline (${timeline.tags.map((t) => t.name).join(', ')}); clicking one moves the slider from period ${before} to ${period}`);
    await slider.focus();
    await page.keyboard.press('Home');
  }
  await page.waitForTimeout(600);
  await page.screenshot({ path: join(results, 'smoke-5b-time-travel.png') });
  if (last > 0) {
    await page.click('[data-testid="time-play"]');
    await page.waitForFunction(() => Number(document.querySelector('[data-testid="time-slider"]')?.value) > 0, null, { timeout: 30_000 });
    log('the play button moves the slider forward');
    await page.click('[data-testid="time-play"]').catch(() => {});
    // The list of changes stands where the details panel would: no file selected.
    await page.keyboard.press('Escape');
    await page.waitForFunction(() => !/[?&]file=/.test(location.search), null, { timeout: 30_000 });
    await page.click('[data-testid="time-compare"]');
    await page.waitForSelector('[data-testid="changes-panel"]', { timeout: 30_000 });
    log('compare mode lists the biggest changes');
  }
  await page.click('[data-testid="time-exit"]');
  await page.waitForSelector('[data-testid="time-slider"]', { state: 'detached', timeout: 30_000 });

  step = 'links made at other revisions';
  {
    const repoRes = await page.request.get(`${base}/api/v1/repositories/${repoId}`);
    check(repoRes.ok(), `/repositories/${repoId} answered ${repoRes.status()}`);
    const head = (await repoRes.json()).head;
    const older = timeline.tags.find((t) => t.sha !== head);
    check(older, 'every tag marks the analysed head: no older tagged revision to link to');
    const day = new Date(older.time * 1000).toISOString().slice(0, 10);
    await page.goto(`${base}/repositories/${repoId}?rev=${older.sha}`);
    const banner = await page.waitForSelector('[data-testid="revision-banner"][data-kind="travel"]', { timeout: 30_000 });
    await page.waitForSelector('[data-testid="time-slider"]', { timeout: 30_000 });
    await page.waitForFunction((d) => new URLSearchParams(location.search).get('t') === d, day, { timeout: 30_000 });
    const said = await banner.innerText();
    check(said.includes(older.sha.slice(0, 7)) && said.includes(day), `the revision banner does not name ${older.sha.slice(0, 7)} and ${day}: ${said}`);
    await waitForCity(page);
    await page.screenshot({ path: join(results, 'smoke-5c-older-revision.png') });
    log(`a link at ${older.name} (rev=${older.sha.slice(0, 7)}) opens time travel at ${day} under a banner`);
    await page.click('[data-testid="revision-latest"]');
    await page.waitForSelector('[data-testid="revision-banner"]', { state: 'detached', timeout: 30_000 });
    await page.waitForSelector('[data-testid="time-slider"]', { state: 'detached', timeout: 30_000 });
    await page.waitForFunction((h) => new URLSearchParams(location.search).get('rev') === h && !/[?&]t=/.test(location.search), head, { timeout: 30_000 });
    log('"Show the latest analysis" leaves time travel and puts the analysed revision in the URL');

    const unknown = head === 'e'.repeat(40) ? 'd'.repeat(40) : 'e'.repeat(40);
    await page.goto(`${base}/repositories/${repoId}?rev=${unknown}`);
    await page.waitForSelector('[data-testid="revision-banner"][data-kind="unknown"]', { timeout: 30_000 });
    await waitForCity(page);
    check(!(await page.$('[data-testid="time-slider"]')), 'a link at an unknown revision opened time travel');
    check((await page.evaluate(() => window.__codevoyage?.buildingCount ?? 0)) === count, 'a link at an unknown revision does not show the latest city');
    await page.click('[data-testid="revision-latest"]');
    await page.waitForSelector('[data-testid="revision-banner"]', { state: 'detached', timeout: 30_000 });
    await page.waitForFunction((h) => new URLSearchParams(location.search).get('rev') === h, head, { timeout: 30_000 });
    log('a link at an unknown revision shows the latest city under a banner, which dismisses');

    // An older commit no tag marks is looked up by sha (/commits?sha=) and placed in time too.
    const commitsRes = await page.request.get(`${base}/api/v1/repositories/${repoId}/commits?limit=100`);
    check(commitsRes.ok(), `/commits answered ${commitsRes.status()}`);
    const tagged = new Set(timeline.tags.map((t) => t.sha));
    const untagged = (await commitsRes.json()).items.find((c) => c.sha !== head && !tagged.has(c.sha));
    check(untagged, 'every older commit of the fixture is tagged: no untagged revision to link to');
    const untaggedDay = untagged.time.slice(0, 10);
    await page.goto(`${base}/repositories/${repoId}?rev=${untagged.sha}`);
    const found = await page.waitForSelector('[data-testid="revision-banner"][data-kind="travel"]', { timeout: 30_000 });
    await page.waitForSelector('[data-testid="time-slider"]', { timeout: 30_000 });
    await page.waitForFunction((d) => new URLSearchParams(location.search).get('t') === d, untaggedDay, { timeout: 30_000 });
    const foundSaid = await found.innerText();
    check(foundSaid.includes(`${untagged.sha.slice(0, 7)} (${untaggedDay})`), `the revision banner does not name ${untagged.sha.slice(0, 7)} and ${untaggedDay} alone: ${foundSaid}`);
    await waitForCity(page);
    await page.click('[data-testid="revision-latest"]');
    await page.waitForSelector('[data-testid="revision-banner"]', { state: 'detached', timeout: 30_000 });
    log(`a link at the untagged commit ${untagged.sha.slice(0, 7)} is looked up by sha and opens time travel at ${untaggedDay}`);
  }

  step = 'off-boarding what-if';
  const ownershipRes = await page.request.get(`${base}/api/v1/repositories/${repoId}/ownership`);
  check(ownershipRes.ok(), `/ownership answered ${ownershipRes.status()}`);
  const ownership = await ownershipRes.json();
  await page.click('[data-testid="what-if"]');
  const firstPerson = await page.waitForSelector('[data-testid="offboarding-people"] input[type="checkbox"]', { timeout: 30_000 });
  await firstPerson.click();
  await page.waitForFunction(() => /[?&]leave=/.test(location.search), null, { timeout: 30_000 });
  const leaving = decodeURIComponent(new URL(page.url()).searchParams.get('leave') ?? '');
  const person = ownership.people.findIndex((p) => p.email === leaving);
  // Files whose every expert is the person who leaves, straight from the API.
  const expectLost = ownership.files.filter((f) => f.authors.length > 0 && f.authors.every(([p]) => p === person)).length;
  await page.waitForFunction((n) => document.querySelector('[data-testid="offboarding-lost"]')?.textContent === String(n), expectLost, { timeout: 30_000 });
  log(`what-if: without ${leaving}, ${expectLost} file${expectLost === 1 ? '' : 's'} lose their last expert`);
  await page.waitForTimeout(600);
  await page.screenshot({ path: join(results, 'smoke-5c-what-if.png') });
  await page.click('[data-testid="what-if"]');
  await page.waitForSelector('[data-testid="offboarding-panel"]', { state: 'detached', timeout: 30_000 });

  step = 'charts';
  await page.click('[data-testid="open-charts"]');
  await page.waitForURL(/\/repositories\/\d+\/charts/, { timeout: 10_000 });
  await page.waitForSelector('[data-testid="charts"]', { timeout: 30_000 });
  const activityRes = await page.request.get(`${base}/api/v1/repositories/${repoId}/activity`);
  const months = activityRes.ok() ? ((await activityRes.json()).items ?? []) : [];
  if (months.length > 0) {
    await page.waitForSelector('[data-testid="activity-chart"] [data-testid="activity-bars"] rect', { timeout: 30_000 });
    const bars = await page.$$eval('[data-testid="activity-bars"] rect', (els) => els.length);
    check(bars === months.length, `the activity chart draws ${bars} bars for ${months.length} months`);
    log(`charts page: activity SVG with ${bars} monthly bars`);
  } else {
    log(`charts page is up (activity API answered ${activityRes.status()} with no months)`);
  }
  await page.waitForSelector('[data-testid="contributors-table"], [data-testid="charts"] [data-testid="error"]', { timeout: 30_000 });
  const rows = await page.$$eval('[data-testid="contributor-row"]', (els) => els.length);
  log(`contributors table shows ${rows} rows`);
  await page.screenshot({ path: join(results, 'smoke-6-charts.png'), fullPage: true });
  // The last dot is the highest score, drawn on top of any dot it overlaps.
  const dots = await page.$$('[data-testid="scatter-dot"]');
  const dot = dots[dots.length - 1];
  if (dot) {
    const path = await dot.getAttribute('data-path');
    await dot.scrollIntoViewIfNeeded();
    await dot.click({ force: true });
    await page.waitForURL(/\/repositories\/\d+\?/, { timeout: 10_000 });
    await waitForCity(page);
    await page.waitForSelector('[data-testid="details-panel"]', { timeout: 30_000 });
    const selectedPath = (await page.innerText('[data-testid="details-path"]')).trim();
    check(selectedPath === path, `clicking the scatter dot of ${path} selected ${selectedPath}`);
    log(`clicking a scatter dot opens the city with ${path} selected`);
  } else {
    log('hotspot scatter has no dots (no file with measured complexity)');
  }

  const addPath = process.env.CODEVOYAGE_ADD_PATH;
  if (addPath) {
    step = 'add and analyse a repository';
    await page.goto(`${base}/`);
    await page.waitForSelector('[data-testid="add-repository"]', { timeout: 30_000 });
    await page.fill('[data-testid="add-repository"] input[name="source"]', addPath);
    await page.selectOption('[data-testid="add-repository"] select[name="visibility"]', 'shared');
    await page.click('[data-testid="add-repository"] button[type="submit"]');
    const card = page.locator('[data-testid="repo-list"] li', { has: page.locator(`[title="${addPath}"]`) });
    await card.waitFor({ timeout: 30_000 });
    log(`the add-repository form registered ${addPath}`);
    await page.fill('[data-testid="add-repository"] input[name="source"]', addPath);
    await page.click('[data-testid="add-repository"] button[type="submit"]');
    const conflict = await page.waitForSelector('[data-testid="add-repository-error"]', { timeout: 30_000 });
    log(`adding it again is refused: ${(await conflict.innerText()).trim()}`);
    await card.locator('[data-testid="analyze"]').click();
    await card.locator('[data-testid="analysis-progress"]').waitFor({ timeout: 30_000 });
    log('the Analyse button shows live progress');
    await card.locator('[data-testid="analysis-progress"][data-status="succeeded"]').waitFor({ timeout: 120_000 });
    const commits = await page.waitForFunction(
      (path) => {
        const li = [...document.querySelectorAll('[data-testid="repo-list"] li')].find((e) => e.querySelector(`[title="${path}"]`));
        const value = Number((li?.querySelector('.tabular-nums')?.textContent ?? '0').replace(/[^0-9]/g, ''));
        return value > 0 ? value : false;
      },
      addPath,
      { timeout: 30_000 },
    );
    log(`the analysis finished and the list now shows ${await commits.jsonValue()} commits for it`);
    await page.screenshot({ path: join(results, 'smoke-7-analysed.png') });
  }

  step = 'themes';
  await page.goto(`${base}/repositories/${repoId}`);
  await waitForCity(page);
  check((await page.getAttribute('html', 'data-theme')) === 'dark', 'a system that prefers dark does not get the dark theme');
  await page.click('[data-testid="theme-toggle"]');
  await page.waitForFunction(() => document.documentElement.dataset.theme === 'light', null, { timeout: 10_000 });
  const bodyBg = await page.evaluate(() => getComputedStyle(document.querySelector('#root > div')).backgroundColor);
  await page.waitForTimeout(1200);
  await page.screenshot({ path: join(results, 'smoke-9-light-city.png') });
  await page.reload();
  await waitForCity(page);
  check((await page.getAttribute('html', 'data-theme')) === 'light', 'the light theme is not remembered after a reload');
  log(`the theme toggle switches to light (page background ${bodyBg}) and is remembered after a reload`);
  await page.click('[data-testid="open-charts"]');
  await page.waitForSelector('[data-testid="charts"]', { timeout: 30_000 });
  await page.waitForTimeout(800);
  await page.screenshot({ path: join(results, 'smoke-9b-light-charts.png') });
  await page.click('[data-testid="theme-toggle"]');
  await page.waitForFunction(() => document.documentElement.dataset.theme === 'dark', null, { timeout: 10_000 });

  if (user) {
    step = 'API keys';
    await page.click('[data-testid="nav-api-keys"]');
    await page.waitForSelector('[data-testid="apikey-form"]', { timeout: 30_000 });
    await page.fill('[data-testid="apikey-name"]', 'ui smoke');
    await page.click('[data-testid="apikey-create"]');
    const secret = await (await page.waitForSelector('[data-testid="apikey-secret"]', { timeout: 30_000 })).inputValue();
    check(/^cvk_/.test(secret), `the new key does not look like a key: ${secret.slice(0, 6)}…`);
    await page.click('[data-testid="apikey-copy"]');
    await page.waitForFunction(() => /Copied|Selected/.test(document.querySelector('[data-testid="apikey-created"]')?.textContent ?? ''), null, { timeout: 10_000 });
    const withKey = () => page.request.get(`${base}/api/v1/repositories`, { headers: { Authorization: `Bearer ${secret}` } });
    check((await withKey()).status() === 200, 'the new API key is refused');
    await page.screenshot({ path: join(results, 'smoke-8-api-keys.png') });
    const row = page.locator('[data-testid="apikey-row"]', { hasText: 'ui smoke' });
    await row.waitFor({ timeout: 30_000 });
    await row.locator('[data-testid="apikey-revoke"]').click();
    await row.locator('[data-testid="apikey-revoke-confirm"]').click();
    await page.waitForSelector('[data-testid="apikey-row"][data-revoked="true"]', { timeout: 30_000 });
    check((await withKey()).status() === 401, 'a revoked API key still works');
    log('API keys page: a key is created and shown once, works, is revoked and then refused');
  }

  if (user) {
    step = 'logout';
    const shown = (await page.innerText('[data-testid="current-user"]')).trim();
    check(shown.startsWith(user), `the header shows "${shown}", not ${user}`);
    await page.click('[data-testid="logout"]');
    await page.waitForSelector('[data-testid="login-form"]', { timeout: 30_000 });
    await page.context().setExtraHTTPHeaders({});
    await page.goto(`${base}/repositories/${repoId}`);
    await page.waitForURL(/\/login\?next=%2Frepositories%2F\d+/, { timeout: 30_000 });
    log('logging out ends the session: opening a city asks for a login again, with the way back');
  }

  // Adding the same repository twice is answered 409 on purpose (the form shows the message).
  const expectedConflict = (e) => Boolean(addPath) && /status of 409/.test(e);
  const serious = pageErrors.filter((e) => !/favicon/.test(e) && !isExpectedAuthError(e) && !expectedConflict(e));
  check(serious.length === 0, `the page reported errors:\n    ${serious.join('\n    ')}`);
  console.log(`smoke test passed (screenshots in ${results})`);
} catch (err) {
  await page.screenshot({ path: join(results, 'smoke-failure.png') }).catch(() => {});
  console.error(`smoke test FAILED at "${step}": ${err instanceof Error ? err.message : err}`);
  if (pageErrors.length) console.error(`page errors:\n  ${pageErrors.join('\n  ')}`);
  process.exitCode = 1;
} finally {
  await close();
}
