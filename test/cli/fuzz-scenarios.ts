// Malformed scenarios for the bad-input contract (issue 20): the library's
// scenarios, mutated (lines deleted, duplicated, swapped or re-indented,
// values replaced by huge numbers, wrong types, aliases or deep nesting,
// garbage bytes, truncation, alias bombs), run through the command line
// in-process with random options. The contract: exit 0, 1 or 2; never a stack
// trace or an internal error; exit 2 says where (file:line:column) or is a
// one-line usage message; a run stops within its virtual limits.
//
// Used by fuzz.test.ts (a bounded run in `npm test`) and fuzz-campaign.ts
// (`npm run fuzz`, a longer one that prints figures).

import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { parseScenario, type Scenario, ScenarioError } from '../../src/scenario/index.ts';
import { runScenario } from '../../src/scenario/run.ts';
import { LivelockError } from '../../src/hyp/vcpu/run-loop.ts';
import { GuestError } from '../../src/hyp/vm.ts';
import { runCli } from './in-process.ts';

const ROOT = join(import.meta.dirname, '../..');
/** Runs longer than this many instructions are clamped (and run without the CLI's printing). */
export const MAX_FUZZ_INSTRUCTIONS = 60_000;
/** Limits of the library scenarios here, and of runs clamped to them. */
const CLAMP = 4000;
const SMALL_LIMITS = `limits: { ticks: ${CLAMP}, instructions: ${CLAMP} }`;

function yamlFiles(dir: string): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir).sort()) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) out.push(...yamlFiles(p));
    else if (name.endsWith('.yaml') && !name.endsWith('.pending.yaml')) out.push(p);
  }
  return out;
}

/**
 * The library's scenarios with small limits (mutations may make them big
 * again): every hand-written one, and every third conformance check (they
 * come from a few generators, so a third still covers each family at half
 * the parsing cost).
 */
export const BASES: readonly string[] = [
  ...yamlFiles(join(ROOT, 'scenarios')).filter((f) => !f.includes('/linux/')),
  ...yamlFiles(join(ROOT, 'conformance')).filter((_, i) => i % 3 === 0),
].map((f) => readFileSync(f, 'utf8').replace(/limits:\s*\{[^}\n]*\}/g, SMALL_LIMITS));

const VALUES = [
  '18446744073709551616',
  '-18446744073709551617',
  '9007199254740993',
  '4294967296',
  '0x1_0000_0000_0000_0000',
  '-1',
  '0',
  '1e308',
  '.nan',
  '.inf',
  '988',
  '65',
  '9',
  'null',
  '~',
  '[]',
  '{}',
  '[1, [2, [3]]]',
  '{ a: { b: { c: 1 } } }',
  '"x"',
  "''",
  'true',
  '*nope',
  '&a 1',
  '"\\x00\\x1b[2J"',
  '!!binary AAAA',
  '!!js/function f',
  '|',
  '>-',
  '"0x40080000"',
  'vcpu0',
  'poweroff',
  'idle',
  '{ same: vcpu0 }',
  '{ binary: /dev/zero }',
  '{ binary: . }',
  '{ binary: missing.bin, entry: 0xffffffffffffffff }',
];

type Mutation = (lines: string[]) => string[];

const lineIndex = fc.nat();
const at = (lines: string[], i: number) => (lines.length === 0 ? 0 : i % lines.length);

const mutation: fc.Arbitrary<Mutation> = fc.oneof(
  lineIndex.map((i) => (ls: string[]) => ls.filter((_, j) => j !== at(ls, i))),
  lineIndex.map((i) => (ls: string[]) => ls.flatMap((l, j) => (j === at(ls, i) ? [l, l] : [l]))),
  fc.tuple(lineIndex, lineIndex).map(([i, k]) => (ls: string[]) => {
    const out = [...ls];
    const [a, b] = [at(ls, i), at(ls, k)];
    [out[a], out[b]] = [out[b], out[a]];
    return out;
  }),
  fc.tuple(lineIndex, fc.integer({ min: -3, max: 3 })).map(
    ([i, d]) =>
      (ls: string[]) =>
        ls.map((l, j) =>
          j !== at(ls, i) ? l : d > 0 ? ' '.repeat(d) + l : l.slice(Math.min(-d, l.search(/\S|$/))),
        ),
  ),
  fc.tuple(lineIndex, fc.constantFrom(...VALUES)).map(([i, v]) => (ls: string[]) => {
    // The value of the n-th `key: value` line.
    const keyed = ls.map((l, j) => [l, j] as const).filter(([l]) => /^\s*(- )?[\w.]+:\s*\S/.test(l));
    if (keyed.length === 0) return ls;
    const j = keyed[i % keyed.length][1];
    const out = [...ls];
    out[j] = ls[j].replace(/^(\s*(?:- )?[\w.]+:\s*).*$/, `$1${v}`);
    return out;
  }),
  fc.tuple(lineIndex, fc.integer({ min: 1, max: 2000 })).map(([i, d]) => (ls: string[]) => {
    const out = [...ls];
    const j = at(ls, i);
    out[j] = `${ls[j] ?? ''} ${'['.repeat(d)}${']'.repeat(d)}`.replace(
      /^(\s*[\w.]+:)\s*\S.*? (\[+\]+)$/,
      '$1 $2',
    );
    return out;
  }),
  fc
    .tuple(fc.integer({ min: 0, max: 200_000 }), fc.string({ unit: 'binary', maxLength: 20 }))
    .map(([p, junk]) => (ls: string[]) => {
      const text = ls.join('\n');
      const k = p % (text.length + 1);
      return (text.slice(0, k) + junk + text.slice(k)).split('\n');
    }),
  fc.integer({ min: 0, max: 200_000 }).map((p) => (ls: string[]) => {
    const text = ls.join('\n');
    return text.slice(0, p % (text.length + 1)).split('\n');
  }),
  fc.integer({ min: 2, max: 12 }).map((width) => (ls: string[]) => {
    // An alias bomb: width^9 values if expanded.
    const bomb = ['x0: &x0 [1, 2]'];
    for (let n = 1; n < 9; n++)
      bomb.push(
        `x${n}: &x${n} [${Array(width)
          .fill(`*x${n - 1}`)
          .join(', ')}]`,
      );
    return [...bomb, ...ls];
  }),
  fc
    .constantFrom('counterHz', 'cpuHz', 'spis', 'nLR', 'vcpus', 'hostTickHz', 'exitCycles', 'entryCycles')
    .chain((key) =>
      fc.constantFrom(...VALUES).map((v) => (ls: string[]) => {
        const i = ls.findIndex((l) => /^machine:\s*$/.test(l));
        if (i < 0) return ['machine:', `  ${key}: ${v}`, ...ls];
        return [...ls.slice(0, i + 1), `  ${key}: ${v}`, ...ls.slice(i + 1)];
      }),
    ),
  fc.constantFrom(...BASES).chain((other) =>
    fc.tuple(lineIndex, lineIndex).map(([i, k]) => (ls: string[]) => {
      const donor = other.split('\n');
      const j = at(ls, k);
      return [...ls.slice(0, j), donor[at(donor, i)], ...ls.slice(j)];
    }),
  ),
);

export interface FuzzCase {
  readonly base: number;
  readonly mutations: Mutation[];
  /** Extra options, with `@` standing for the case's directory. */
  readonly extra: string[];
  readonly command: 'run' | 'compare';
}

const outputName = fc.constantFrom(
  '',
  '@',
  '@/t.txt',
  '@/sub/dir/t.vcd',
  '@/scenario.yaml',
  '@/afile/x',
  '/dev/full',
);
const extraOptions: fc.Arbitrary<string[]> = fc
  .array(
    fc.oneof(
      fc.constantFrom('level', 'legacy-edge', 'edge', '').map((p) => ['--policy', p]),
      fc.constantFrom('0', '7', '-1', '4294967296', 'x').map((s) => ['--seed', s]),
      fc
        .tuple(fc.constantFrom('10', '1ms', 'garbage', '', '1.5us', '99999999999999999999'), outputName)
        .map(([t, o]) => ['--trace-from', t, '--trace', o]),
      fc.constantFrom('5', '2us', 'x').map((t) => ['--trace-to', t]),
      outputName.map((o) => ['--vcd', o]),
      outputName.map((o) => ['--perfetto', o]),
      fc.constant(['--check-verdicts']),
      fc.constant(['--no-such-option']),
      fc.constantFrom(',', 'level', 'level,legacy-edge', 'level,,', 'x').map((p) => ['--policies', p]),
    ),
    { maxLength: 2 },
  )
  .map((xs) => xs.flat());

export const fuzzCase: fc.Arbitrary<FuzzCase> = fc.record({
  base: fc.nat({ max: BASES.length - 1 }),
  mutations: fc.array(mutation, { minLength: 1, maxLength: 3 }),
  extra: extraOptions,
  command: fc.constantFrom('run', 'run', 'run', 'compare'),
});

export function fuzzText(c: FuzzCase): string {
  let lines = BASES[c.base].split('\n');
  for (const m of c.mutations) lines = m(lines);
  return lines.join('\n');
}

export interface FuzzOutcome {
  readonly code: number;
  readonly ms: number;
  /** true when the limits were above MAX_FUZZ_INSTRUCTIONS and the run went through runScenario, clamped */
  readonly clamped: boolean;
}

const STACK = /\n\s+at \S|internal error|Maximum call stack|RangeError|TypeError/i;
const LOCATED = /^.+:\d+:\d+: \S/;

function machineOf(text: string, file: string): Scenario['machine'] | undefined {
  try {
    return parseScenario(text, file).machine;
  } catch (e) {
    if (e instanceof ScenarioError) return undefined;
    throw e;
  }
}

/** Runs one case and asserts the contract; returns what happened. */
export function checkFuzzCase(c: FuzzCase): FuzzOutcome {
  const dir = mkdtempSync(join(tmpdir(), 'vgicsim-fuzz-'));
  try {
    const file = join(dir, 'scenario.yaml');
    const text = fuzzText(c);
    writeFileSync(file, text);
    writeFileSync(join(dir, 'afile'), 'x');
    const t0 = performance.now();
    const machine = machineOf(text, file);
    const limits = machine?.limits;
    if (limits !== undefined && limits.instructions > MAX_FUZZ_INSTRUCTIONS) {
      // A mutation made the run long: check the machine directly, clamped.
      const s = parseScenario(text, file);
      const clamped = { ...s, machine: { ...s.machine, limits: { ticks: CLAMP, instructions: CLAMP } } };
      try {
        const r = runScenario(clamped);
        assert.ok(
          r.instructions <= CLAMP + 1000,
          `ran ${r.instructions} instructions past a limit of ${CLAMP}`,
        );
      } catch (e) {
        if (!(e instanceof ScenarioError || e instanceof GuestError || e instanceof LivelockError)) throw e;
        if (e instanceof ScenarioError) for (const line of e.message.split('\n')) assert.match(line, LOCATED);
      }
      return { code: -1, ms: performance.now() - t0, clamped: true };
    }
    const argv = [c.command, file, ...c.extra.map((a) => a.replace('@', dir)), '--json'];
    const r = runCli(argv);
    const ms = performance.now() - t0;
    const shown = `${argv.join(' ')}\n--- scenario:\n${text.slice(0, 2000)}\n--- stdout:\n${r.out.slice(0, 2000)}\n--- stderr:\n${r.err.slice(0, 2000)}`;
    assert.ok([0, 1, 2].includes(r.code), `exit ${r.code}\n${shown}`);
    assert.doesNotMatch(r.out + r.err, STACK, shown);
    if (r.code === 2) {
      assert.ok(r.err.length > 0, `exit 2 without a message\n${shown}`);
      // commander adds hints in parentheses: "(Did you mean --policy?)", "(run with --help for usage)".
      const lines = r.err.split('\n').filter((l) => l !== '' && !l.startsWith('('));
      for (const line of lines)
        assert.ok(
          LOCATED.test(line) || line.startsWith('vgicsim: ') || line.startsWith('error: '),
          `unlocated: ${line}\n${shown}`,
        );
    } else {
      const j = JSON.parse(r.out) as { results: { instructions?: number; ticks?: number; error?: string }[] };
      for (const res of j.results) {
        if (res.error !== undefined || limits === undefined) continue;
        assert.ok(
          (res.instructions ?? 0) <= limits.instructions + 1000,
          `past the instruction limit\n${shown}`,
        );
        // An instruction, an exit or an entry is not cut at the limit: the last one may end past it.
        const m = machine as Scenario['machine'];
        const step = (1 + m.exitCycles + m.entryCycles) * Math.ceil(m.counterHz / m.cpuHz);
        assert.ok((res.ticks ?? 0) <= limits.ticks + m.vcpus * step + 1000, `past the tick limit\n${shown}`);
      }
    }
    return { code: r.code, ms, clamped: false };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
