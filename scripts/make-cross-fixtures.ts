#!/usr/bin/env -S npx tsx
// `npm run fixtures:cross`: regenerates test/fixtures/cross/ with the real
// Debian tools (binutils-aarch64-linux-gnu, gcc-aarch64-linux-gnu,
// qemu-user, device-tree-compiler, cpio). It runs the test files marked
// `// test:cross:` with VGICSIM_CROSS=record (scripts/run-tests.mjs
// --record): every tool run they make (test/cross/recorded.ts) is kept,
// keyed by the sha256 of its inputs, and each store is rewritten whole, so
// results no test asks for any more disappear. Commit the result.
//
// The fixtures are written even when a test fails against the tools (they
// are what the tools say; `npm test` then fails the same way); the exit
// status is the tests'.

import { spawnSync } from 'node:child_process';
import {
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  unlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  DEBIAN_PACKAGE,
  FIXTURE_DIR,
  REPO,
  type Store,
  type StoreEntry,
  storePath,
} from '../test/cross/recorded.ts';

interface Line {
  store: string;
  key: string;
  what: string;
  tools: string[];
  value: unknown;
}

const ABOUT =
  'What Debian tools answered for the inputs the tests give them, written by `npm run fixtures:cross` ' +
  '(scripts/make-cross-fixtures.ts); do not edit. Each key is the sha256 of the inputs (test/cross/recorded.ts).';

function version(tool: string): string {
  const r = spawnSync(tool, ['--version'], { encoding: 'utf8' });
  if (r.error) {
    const pkg = DEBIAN_PACKAGE[tool] ?? '?';
    console.error(
      `make-cross-fixtures: ${tool} not found: install the Debian package ${pkg} (apt-get install ${pkg})`,
    );
    process.exit(2);
  }
  return `${r.stdout}${r.stderr}`.split('\n')[0].trim();
}

const versions = new Map(Object.keys(DEBIAN_PACKAGE).map((t) => [t, version(t)]));

mkdirSync(FIXTURE_DIR, { recursive: true });
const dir = mkdtempSync(join(tmpdir(), 'vgicsim-fixtures-'));
let status: number;
try {
  const r = spawnSync(process.execPath, [join(REPO, 'scripts', 'run-tests.mjs'), '--record'], {
    cwd: REPO,
    stdio: 'inherit',
    env: { ...process.env, VGICSIM_CROSS_RECORD: dir },
  });
  status = r.status ?? 1;

  const byStore = new Map<string, Map<string, StoreEntry>>();
  const toolsOf = new Map<string, Set<string>>();
  for (const f of readdirSync(dir).sort()) {
    for (const text of readFileSync(join(dir, f), 'utf8').split('\n')) {
      if (text === '') continue;
      const l = JSON.parse(text) as Line;
      const m = byStore.get(l.store) ?? new Map<string, StoreEntry>();
      byStore.set(l.store, m);
      m.set(l.key, { what: l.what, value: l.value });
      const t = toolsOf.get(l.store) ?? new Set<string>();
      toolsOf.set(l.store, t);
      for (const tool of l.tools) t.add(tool);
    }
  }

  for (const [name, entries] of [...byStore].sort((a, b) => a[0].localeCompare(b[0]))) {
    const tools = [...(toolsOf.get(name) ?? [])].sort();
    const store: Store = {
      about: ABOUT,
      tools: Object.fromEntries(tools.map((t) => [t, versions.get(t) ?? version(t)])),
      entries: Object.fromEntries([...entries].sort((a, b) => a[0].localeCompare(b[0]))),
    };
    writeFileSync(storePath(name), `${JSON.stringify(store, null, 2)}\n`);
    console.log(`make-cross-fixtures: test/fixtures/cross/${name}.json: ${entries.size} recorded runs`);
  }
  for (const f of readdirSync(FIXTURE_DIR)) {
    if (f.endsWith('.json') && !byStore.has(f.slice(0, -'.json'.length))) {
      unlinkSync(join(FIXTURE_DIR, f));
      console.log(`make-cross-fixtures: removed test/fixtures/cross/${f} (no test uses it)`);
    }
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
}
if (status !== 0)
  console.error(
    'make-cross-fixtures: some tests failed against the tools; the fixtures record what the tools said',
  );
process.exit(status);
