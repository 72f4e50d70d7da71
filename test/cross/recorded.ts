// Recorded runs of the Debian tools the tests compare vgicsim with (GNU
// binutils and gcc for AArch64, qemu-aarch64, dtc, cpio). A test calls a
// tool through `recorded()`, which, by the environment variable
// VGICSIM_CROSS (scripts/run-tests.mjs sets it):
//   unset   `npm test`: returns the result stored in
//           test/fixtures/cross/<store>.json under the sha256 of the
//           inputs. Inputs with no stored result fail the test: the
//           fixture is stale against its source (regenerate it).
//   live    `npm run test:cross`: runs the tool; a missing tool fails,
//           naming its Debian package (never a skip).
//   record  `npm run fixtures:cross`: runs the tool and hands the result to
//           scripts/make-cross-fixtures.ts, which writes the stores.
// A test file that uses it carries a line `// test:cross: <tools>`, by
// which the runner's --cross and --record select it (checked here).

import { createHash } from 'node:crypto';
import { appendFileSync, existsSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const REPO = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
export const FIXTURE_DIR = join(REPO, 'test', 'fixtures', 'cross');
/** The line that marks a test file using recorded tool runs (scripts/run-tests.mjs reads it too). */
export const CROSS_MARK = /^\/\/ test:cross: /m;

export type CrossMode = 'replay' | 'live' | 'record';

export function crossMode(): CrossMode {
  const v = process.env.VGICSIM_CROSS;
  if (v === undefined || v === '') return 'replay';
  if (v === 'live' || v === 'record') return v;
  throw new Error(`VGICSIM_CROSS=${v}: expected 'live', 'record' or nothing`);
}

/** The Debian package of each tool, for the message when one is missing. */
export const DEBIAN_PACKAGE: Readonly<Record<string, string>> = {
  'aarch64-linux-gnu-as': 'binutils-aarch64-linux-gnu',
  'aarch64-linux-gnu-ld': 'binutils-aarch64-linux-gnu',
  'aarch64-linux-gnu-objcopy': 'binutils-aarch64-linux-gnu',
  'aarch64-linux-gnu-objdump': 'binutils-aarch64-linux-gnu',
  'aarch64-linux-gnu-gcc': 'gcc-aarch64-linux-gnu',
  'qemu-aarch64': 'qemu-user',
  'qemu-system-aarch64': 'qemu-system-arm',
  dtc: 'device-tree-compiler',
  cpio: 'cpio',
};

export function missingTool(tool: string): Error {
  const pkg = DEBIAN_PACKAGE[tool] ?? '?';
  return new Error(
    `${tool} not found: install the Debian package ${pkg} (apt-get install ${pkg}; .ci/run does). ` +
      '`npm test` needs no such tool: it uses the recorded results in test/fixtures/cross/.',
  );
}

/** One tool run (or a short pipeline of them) whose result a test needs. */
export interface Recording {
  /** The fixture file: test/fixtures/cross/<store>.json. */
  readonly store: string;
  /** What is run on what, for the fixture's reader and the stale message. */
  readonly what: string;
  /** The tools involved (their versions go in the fixture). */
  readonly tools: readonly string[];
  /** Everything the result depends on (source text, addresses, flags, a recipe version); bytes allowed. */
  readonly inputs: unknown;
}

export interface StoreEntry {
  readonly what: string;
  readonly value: unknown;
}

export interface Store {
  readonly about: string;
  /** Tool -> first line of its `--version` when the store was recorded. */
  readonly tools: Readonly<Record<string, string>>;
  /** sha256 of the inputs (inputsKey) -> result. */
  readonly entries: Readonly<Record<string, StoreEntry>>;
}

/** Replace bytes by their digest and sort object keys, so equal inputs print equally. */
function canonical(v: unknown): unknown {
  if (v instanceof Uint8Array) return { $sha256: createHash('sha256').update(v).digest('hex') };
  if (Array.isArray(v)) return v.map(canonical);
  if (v !== null && typeof v === 'object') {
    const o = v as Record<string, unknown>;
    return Object.fromEntries(
      Object.keys(o)
        .sort()
        .map((k) => [k, canonical(o[k])]),
    );
  }
  if (typeof v === 'bigint') return `${v}n`;
  return v;
}

/** sha256 of a recording's tools and inputs: the key of its result in the store. */
export function inputsKey(r: Pick<Recording, 'tools' | 'inputs'>): string {
  const text = JSON.stringify(canonical({ tools: r.tools, inputs: r.inputs }));
  return createHash('sha256').update(text).digest('hex');
}

export function storePath(store: string): string {
  return join(FIXTURE_DIR, `${store}.json`);
}

const stores = new Map<string, Store | null>();

export function loadStore(store: string): Store | null {
  let s = stores.get(store);
  if (s === undefined) {
    const p = storePath(store);
    s = existsSync(p) ? (JSON.parse(readFileSync(p, 'utf8')) as Store) : null;
    stores.set(store, s);
  }
  return s;
}

let markChecked = false;

/** The test file running (node --test runs each in its own process) must carry the mark. */
function checkMark(): void {
  if (markChecked) return;
  const file = process.argv[1];
  if (file?.endsWith('.test.ts') && !CROSS_MARK.test(readFileSync(file, 'utf8')))
    throw new Error(
      `${relative(REPO, file)} uses recorded tool runs but has no line '// test:cross: <tools>': ` +
        'add it, so that `npm run test:cross` and `npm run fixtures:cross` run this file',
    );
  markChecked = true;
}

/** The stored result of `r` (npm test's answer); throws the stale-fixture message if there is none. */
export function replay<T>(r: Recording): T {
  const key = inputsKey(r);
  const entry = loadStore(r.store)?.entries[key];
  if (entry === undefined)
    throw new Error(
      `test/fixtures/cross/${r.store}.json has no recorded ${r.tools.join(' + ')} result for ${r.what} ` +
        `(inputs sha256 ${key.slice(0, 16)}...): the fixture is stale against its source. ` +
        'Regenerate it with `npm run fixtures:cross` (needs the Debian tools, see CONTRIBUTING.md) and commit ' +
        'test/fixtures/cross/, or compare with the tools directly: `npm run test:cross`.',
    );
  return entry.value as T;
}

function record(r: Recording, value: unknown): void {
  const dir = process.env.VGICSIM_CROSS_RECORD;
  if (dir === undefined || dir === '')
    throw new Error(
      'VGICSIM_CROSS=record needs VGICSIM_CROSS_RECORD (scripts/make-cross-fixtures.ts sets it)',
    );
  const line = { store: r.store, key: inputsKey(r), what: r.what, tools: r.tools, value };
  appendFileSync(join(dir, `${process.pid}.jsonl`), `${JSON.stringify(line)}\n`);
}

/** The tool's result: stored (npm test), live (test:cross) or live and recorded (fixtures:cross). */
export function recorded<T>(r: Recording, live: () => T): T {
  const mode = crossMode();
  if (mode !== 'live') checkMark();
  if (mode === 'replay') return replay<T>(r);
  const v = live();
  if (mode === 'record') record(r, v);
  return v;
}

export async function recordedAsync<T>(r: Recording, live: () => Promise<T>): Promise<T> {
  const mode = crossMode();
  if (mode !== 'live') checkMark();
  if (mode === 'replay') return replay<T>(r);
  const v = await live();
  if (mode === 'record') record(r, v);
  return v;
}

export const toBase64 = (b: Uint8Array): string => Buffer.from(b).toString('base64');
export const fromBase64 = (s: string): Uint8Array => new Uint8Array(Buffer.from(s, 'base64'));
