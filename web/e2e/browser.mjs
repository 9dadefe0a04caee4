// Shared helpers for the e2e scripts: launch Debian's Chromium through playwright-core (never a
// downloaded browser) with WebGL on SwiftShader, and analyse screenshots without extra packages.
import { chromium } from 'playwright-core';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { inflateSync } from 'node:zlib';

export const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
  '--disable-quic',
  '--use-angle=swiftshader',
  '--enable-unsafe-swiftshader',
];

/** Launches Chromium with a fresh profile; returns { context, close }. */
export async function launch({ width = 1280, height = 720, colorScheme } = {}) {
  const executablePath = process.env.CHROMIUM_PATH || '/usr/bin/chromium';
  const userDataDir = mkdtempSync(join(tmpdir(), 'codevoyage-chromium-'));
  const context = await chromium.launchPersistentContext(userDataDir, {
    executablePath,
    headless: true,
    args: CHROMIUM_ARGS,
    viewport: { width, height },
    deviceScaleFactor: 1,
    // The system theme the page sees (prefers-color-scheme); Playwright's default is light.
    ...(colorScheme ? { colorScheme } : {}),
  });
  return { context, close: () => context.close() };
}

export function baseUrl() {
  const url = process.env.CODEVOYAGE_URL;
  if (!url) {
    console.error('Set CODEVOYAGE_URL to the server to test, e.g. CODEVOYAGE_URL=http://127.0.0.1:7878');
    process.exit(2);
  }
  return url.replace(/\/+$/, '');
}

/** Decodes an 8-bit RGB/RGBA non-interlaced PNG (what Chromium writes) into RGBA pixels. */
export function decodePng(buf) {
  let pos = 8;
  let width = 0, height = 0, colorType = 0, bitDepth = 0;
  const idat = [];
  while (pos < buf.length) {
    const len = buf.readUInt32BE(pos);
    const type = buf.toString('ascii', pos + 4, pos + 8);
    const data = buf.subarray(pos + 8, pos + 8 + len);
    if (type === 'IHDR') {
      width = data.readUInt32BE(0);
      height = data.readUInt32BE(4);
      bitDepth = data[8];
      colorType = data[9];
    } else if (type === 'IDAT') idat.push(data);
    else if (type === 'IEND') break;
    pos += 12 + len;
  }
  if (bitDepth !== 8 || (colorType !== 2 && colorType !== 6)) throw new Error(`unsupported PNG (depth ${bitDepth}, type ${colorType})`);
  const bpp = colorType === 6 ? 4 : 3;
  const raw = inflateSync(Buffer.concat(idat));
  const stride = width * bpp;
  const out = Buffer.alloc(width * height * 4);
  let prev = Buffer.alloc(stride);
  for (let y = 0; y < height; y++) {
    const filter = raw[y * (stride + 1)];
    const line = Buffer.from(raw.subarray(y * (stride + 1) + 1, (y + 1) * (stride + 1)));
    for (let x = 0; x < stride; x++) {
      const a = x >= bpp ? line[x - bpp] : 0;
      const b = prev[x];
      const c = x >= bpp ? prev[x - bpp] : 0;
      let v = line[x];
      if (filter === 1) v += a;
      else if (filter === 2) v += b;
      else if (filter === 3) v += (a + b) >> 1;
      else if (filter === 4) {
        const p = a + b - c;
        const pa = Math.abs(p - a), pb = Math.abs(p - b), pc = Math.abs(p - c);
        v += pa <= pb && pa <= pc ? a : pb <= pc ? b : c;
      }
      line[x] = v & 0xff;
    }
    for (let x = 0; x < width; x++) {
      out[(y * width + x) * 4] = line[x * bpp];
      out[(y * width + x) * 4 + 1] = line[x * bpp + 1];
      out[(y * width + x) * 4 + 2] = line[x * bpp + 2];
      out[(y * width + x) * 4 + 3] = bpp === 4 ? line[x * bpp + 3] : 255;
    }
    prev = line;
  }
  return { width, height, data: out };
}

/**
 * Colour statistics of a PNG: distinct colours (quantised to 4 bits per channel) and the share
 * of pixels that differ clearly from the most common colour (the background).
 */
export function pixelStats(png) {
  const { width, height, data } = decodePng(png);
  const counts = new Map();
  for (let i = 0; i < width * height; i++) {
    const key = ((data[i * 4] >> 4) << 8) | ((data[i * 4 + 1] >> 4) << 4) | (data[i * 4 + 2] >> 4);
    counts.set(key, (counts.get(key) ?? 0) + 1);
  }
  let bgKey = 0, bgCount = -1;
  for (const [k, n] of counts) if (n > bgCount) [bgKey, bgCount] = [k, n];
  const bg = [((bgKey >> 8) & 15) * 16, ((bgKey >> 4) & 15) * 16, (bgKey & 15) * 16];
  let foreground = 0;
  for (let i = 0; i < width * height; i++) {
    const d = Math.abs(data[i * 4] - bg[0]) + Math.abs(data[i * 4 + 1] - bg[1]) + Math.abs(data[i * 4 + 2] - bg[2]);
    if (d > 60) foreground++;
  }
  return { width, height, distinctColors: counts.size, foregroundShare: foreground / (width * height) };
}

/** Waits until the city canvas reports its first frame with buildings. */
export async function waitForCity(page, timeout = 60_000) {
  await page.waitForSelector('[data-testid="city-canvas"] canvas', { timeout });
  await page.waitForFunction(() => window.__codevoyage && window.__codevoyage.buildingCount > 0, null, { timeout });
  // Give the on-demand renderer (SwiftShader is slow) time to draw the framed city.
  await page.waitForTimeout(1500);
}

/**
 * Opens the site and, when it asks for a login (a real server does, the mock server does
 * not), logs in through the login form with CODEVOYAGE_USER and CODEVOYAGE_PASSWORD.
 * Afterwards `page.request` calls carry the same bearer token as the UI. Returns the user
 * name, or null when no login was needed. With `wrongPasswordFirst`, first checks that a
 * wrong password is refused on the form.
 */
export async function login(page, base, { wrongPasswordFirst = false } = {}) {
  await page.goto(`${base}/`);
  await page.waitForSelector(
    '[data-testid="login-form"], [data-testid="repo-list"], [data-testid="repo-list-empty"], [data-testid="error"]',
    { timeout: 30_000 },
  );
  if (new URL(page.url()).pathname !== '/login') return null;
  await page.waitForSelector('[data-testid="login-form"]', { timeout: 30_000 });
  const user = process.env.CODEVOYAGE_USER;
  const password = process.env.CODEVOYAGE_PASSWORD;
  if (!user || !password) throw new Error('the server asks for a login: set CODEVOYAGE_USER and CODEVOYAGE_PASSWORD');
  if (wrongPasswordFirst) {
    await page.fill('[data-testid="login-username"]', user);
    await page.fill('[data-testid="login-password"]', `${password}-wrong`);
    await page.click('[data-testid="login-submit"]');
    const message = await (await page.waitForSelector('[data-testid="login-error"]', { timeout: 30_000 })).innerText();
    if (!/wrong username or password/i.test(message)) throw new Error(`a wrong password shows "${message}"`);
  }
  await page.fill('[data-testid="login-username"]', user);
  await page.fill('[data-testid="login-password"]', password);
  await page.click('[data-testid="login-submit"]');
  await page.waitForSelector('[data-testid="current-user"]', { timeout: 30_000 });
  const token = await page.evaluate(() => JSON.parse(localStorage.getItem('codevoyage.session') ?? 'null')?.token);
  if (!token) throw new Error('logged in, but the UI stored no session token');
  await page.context().setExtraHTTPHeaders({ Authorization: `Bearer ${token}` });
  return user;
}

/** Console errors a login flow causes on purpose: the 401 that sends a visitor to the form. */
export const isExpectedAuthError = (message) => /status of 401/.test(message);
