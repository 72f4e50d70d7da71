// `npm run fuzz [-- N [seed]]`: a longer fuzz campaign than the one in
// `npm test` (default 2000 cases, a fresh seed), printing its figures: cases,
// the exit-code histogram, the slowest case. The first broken case stops it
// with fast-check's shrunk counterexample and the seed to replay it.

import fc from 'fast-check';
import { checkFuzzCase, type FuzzCase, fuzzCase, fuzzText } from './fuzz-scenarios.ts';

const n = Number(process.argv[2] ?? 2000);
const seed = Number(process.argv[3] ?? Date.now() % 0x7fff_ffff);
if (!Number.isSafeInteger(n) || n < 1 || !Number.isSafeInteger(seed)) {
  console.error('usage: npm run fuzz -- [cases (default 2000)] [seed]');
  process.exit(2);
}

const codes = new Map<string, number>();
let slowest = { ms: 0, text: '', argv: '', index: 0 };
let total = 0;
const t0 = performance.now();
fc.assert(
  fc.property(fuzzCase, (c: FuzzCase) => {
    const r = checkFuzzCase(c);
    total++;
    const key = r.clamped ? 'clamped run (no CLI)' : `exit ${r.code}`;
    codes.set(key, (codes.get(key) ?? 0) + 1);
    if (r.ms > slowest.ms)
      slowest = { ms: r.ms, text: fuzzText(c), argv: `${c.command} ${c.extra.join(' ')}`, index: total };
    if (r.ms > 10_000) process.stderr.write(`  case ${total}: ${r.ms.toFixed(0)} ms\n`);
    if (total % 250 === 0) {
      const heap = (process.memoryUsage().heapUsed / 2 ** 20).toFixed(0);
      const perCase = ((performance.now() - t0) / total).toFixed(0);
      process.stderr.write(`  ${total} cases, ${perCase} ms/case so far, heap ${heap} MiB\n`);
    }
  }),
  { numRuns: n, seed, endOnFailure: true },
);
const secs = (performance.now() - t0) / 1000;
console.log(
  `fuzz: ${total} cases, seed ${seed}, ${secs.toFixed(1)} s (${((secs * 1000) / total).toFixed(1)} ms/case)`,
);
for (const [k, v] of [...codes].sort()) console.log(`  ${k}: ${v}`);
console.log(
  `slowest case: #${slowest.index}, ${slowest.ms.toFixed(0)} ms (wall clock, on a shared machine), ${slowest.argv}\n${slowest.text.slice(0, 600)}`,
);
