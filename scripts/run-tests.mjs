#!/usr/bin/env node
// Runs every test/**/*.test.ts with node's built-in runner (tsx as the loader).
// Node 20's `--test` does not expand globs, so the files are listed here.
// Extra arguments are substrings: only test files whose path contains one of them run.
// test/linux/ (Linux boots, ~30 s each, needing the fetch-linux cache and QEMU)
// is left out; `--linux` runs it alone (`npm run test:linux`).
import { spawnSync } from 'node:child_process';
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

const LINUX = join('test', 'linux');

function walk(dir) {
  const out = [];
  for (const name of readdirSync(dir).sort()) {
    const p = join(dir, name);
    if (p === LINUX && dir === 'test') continue;
    if (statSync(p).isDirectory()) out.push(...walk(p));
    else if (name.endsWith('.test.ts')) out.push(p);
  }
  return out;
}

const linux = process.argv.includes('--linux');
const filters = process.argv.slice(2).filter((a) => a !== '--linux');
const files = walk(linux ? LINUX : 'test').filter(
  (f) => filters.length === 0 || filters.some((s) => f.includes(s)),
);
if (files.length === 0) {
  console.error('run-tests: no test files matched');
  process.exit(1);
}
const r = spawnSync(process.execPath, ['--import', 'tsx', '--test', '--test-reporter=spec', ...files], {
  stdio: 'inherit',
});
process.exit(r.status ?? 1);
