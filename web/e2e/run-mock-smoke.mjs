#!/usr/bin/env node
// Runs the e2e checks against the dev mock server (no Rust server needed): the smoke test on a
// synthetic repository (or on --repo PATH when given), then the empty and error states.
// Usage: npm run build && node e2e/run-mock-smoke.mjs [--repo PATH]
import { spawn } from 'node:child_process';
import { createServer } from 'node:net';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { launch } from './browser.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const passthrough = process.argv.slice(2);

function freePort() {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address();
      srv.close(() => resolve(port));
    });
    srv.on('error', reject);
  });
}

async function startMock(extra) {
  const port = await freePort();
  const child = spawn(process.execPath, [join(here, 'mock-server.mjs'), '--port', String(port), ...extra], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  await new Promise((resolve, reject) => {
    child.stdout.on('data', (d) => (String(d).includes('mock CodeVoyage server') ? resolve() : undefined));
    child.on('exit', (code) => reject(new Error(`mock server exited with ${code}`)));
  });
  return { url: `http://127.0.0.1:${port}`, stop: () => child.kill() };
}

function run(script, env) {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [join(here, script)], { stdio: 'inherit', env: { ...process.env, ...env } });
    child.on('exit', (code) => resolve(code ?? 1));
  });
}

let failures = 0;
const main = await startMock(passthrough);
try {
  console.log(`smoke test against the mock server (${main.url})`);
  failures += (await run('smoke.mjs', { CODEVOYAGE_URL: main.url })) === 0 ? 0 : 1;
} finally {
  main.stop();
}

// Empty and error states of the repository list.
const empty = await startMock(['--empty']);
const failing = await startMock(['--fail']);
const { context, close } = await launch();
try {
  const page = await context.newPage();
  await page.goto(`${empty.url}/`);
  const emptyText = await page.waitForSelector('[data-testid="repo-list-empty"]', { timeout: 15_000 }).then((e) => e.innerText());
  if (!emptyText.includes('codevoyage analyze')) throw new Error(`empty state does not say how to analyse: ${emptyText}`);
  console.log('  ✓ empty state tells to run `codevoyage analyze PATH`');
  await page.goto(`${failing.url}/`);
  const errText = await page.waitForSelector('[data-testid="error"]', { timeout: 15_000 }).then((e) => e.innerText());
  if (!errText.includes('started with --fail')) throw new Error(`error state does not show the server message: ${errText}`);
  console.log('  ✓ error state shows the server message');
  await page.goto(`${failing.url}/repositories/1`);
  await page.waitForSelector('[data-testid="error"]', { timeout: 15_000 });
  console.log('  ✓ city page shows API errors');
} catch (err) {
  failures++;
  console.error(`state checks FAILED: ${err instanceof Error ? err.message : err}`);
} finally {
  await close();
  empty.stop();
  failing.stop();
}
// Two parts: the smoke test and the state checks; the closing line is the plain form CI reads.
console.log(`e2e: ${2 - failures} passed, ${failures} failed`);
if (failures > 0) process.exit(1);
