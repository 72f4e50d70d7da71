#!/usr/bin/env node
// Runs every test/**/*.test.ts with node's built-in runner (tsx as the loader).
// Node 20's `--test` does not expand globs, so the files are listed here.
// Extra arguments are substrings: only test files whose path contains one of them run.
// test/linux/ (Linux boots, ~30 s each, needing the fetch-linux cache and QEMU)
// is left out; `--linux` runs it alone (`npm run test:linux`).
// Test files marked `// test:cross: <tools>` compare vgicsim with Debian tools
// (test/cross/recorded.ts): by default they use the results recorded in
// test/fixtures/cross/ and need no tool; `--cross` runs only them, against the
// real tools (`npm run test:cross`); `--record` runs them to regenerate the
// fixtures (scripts/make-cross-fixtures.ts, `npm run fixtures:cross`).
// test/browser/ (the HTML report in Debian's chromium via playwright-core) is
// left out too; `--browser` runs it alone (`npm run test:browser`).
import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';

const LINUX = join('test', 'linux');
const BROWSER = join('test', 'browser');
const CROSS_MARK = /^\/\/ test:cross: /m; // as test/cross/recorded.ts

function walk(dir) {
  const out = [];
  for (const name of readdirSync(dir).sort()) {
    const p = join(dir, name);
    if ((p === LINUX || p === BROWSER) && dir === 'test') continue;
    if (statSync(p).isDirectory()) out.push(...walk(p));
    else if (name.endsWith('.test.ts')) out.push(p);
  }
  return out;
}

const FLAGS = ['--linux', '--cross', '--record', '--browser'];
const linux = process.argv.includes('--linux');
const browser = process.argv.includes('--browser');
const cross = process.argv.includes('--cross');
const rec = process.argv.includes('--record');
const filters = process.argv.slice(2).filter((a) => !FLAGS.includes(a));
let files = walk(linux ? LINUX : browser ? BROWSER : 'test').filter(
  (f) => filters.length === 0 || filters.some((s) => f.includes(s)),
);
if (cross || rec) files = files.filter((f) => CROSS_MARK.test(readFileSync(f, 'utf8')));
if (files.length === 0) {
  console.error('run-tests: no test files matched');
  process.exit(1);
}
const env = { ...process.env };
delete env.VGICSIM_CROSS;
if (cross) env.VGICSIM_CROSS = 'live';
if (rec) env.VGICSIM_CROSS = 'record';
const r = spawnSync(process.execPath, ['--import', 'tsx', '--test', '--test-reporter=spec', ...files], {
  stdio: 'inherit',
  env,
});
process.exit(r.status ?? 1);
