// `npm run fuzz:guest [-- [cases] [seed]]` (also the second half of `npm
// run fuzz`): the random-guest campaign of
// test/integration/guest-fuzz.test.ts with more cases and a summary (how
// runs ended, instructions and exceptions executed, host time). Each guest
// runs on the reference machine and under both timer policies, twice (the
// same result both times). Exits 1 on the first input that breaks the
// contract, printing it (shrunk) with the seed to replay.

import fc from 'fast-check';
import {
  checkGuestRun,
  type GuestOutcome,
  guestInput,
  guestSource,
  type MachineKind,
  runGuest,
} from '../test/integration/guest-fuzz.ts';

// `[cases] [seed]` as `npm run fuzz` takes them (it runs this after the scenario campaign), or --runs/--seed.
const positional = process.argv
  .slice(2)
  .filter((a, i, all) => !a.startsWith('--') && !all[i - 1]?.startsWith('--'));

function arg(name: string, index: number, dflt: number): number {
  const i = process.argv.indexOf(`--${name}`);
  const raw = i >= 0 ? process.argv[i + 1] : positional[index];
  if (raw === undefined) return dflt;
  const v = Number(raw);
  if (!Number.isSafeInteger(v) || v < 0) {
    console.error('usage: npm run fuzz:guest -- [cases (default 2000)] [seed]   (or --runs N --seed S)');
    process.exit(2);
  }
  return v;
}

const runs = arg('runs', 0, 2000);
const seed = arg('seed', 1, Date.now() % 1_000_000);
const KINDS: readonly MachineKind[] = ['reference', 'level', 'legacy-edge'];
const ends = new Map<string, number>();
let instructions = 0;
let exceptions = 0;
const t0 = performance.now();

const tally = (o: GuestOutcome) => {
  const k = `${o.kind} ${o.end.startsWith('error: ') ? 'hypervisor error' : o.end}`;
  ends.set(k, (ends.get(k) ?? 0) + 1);
  instructions += o.retired;
  exceptions += o.exceptions;
};

const result = fc.check(
  fc.property(guestInput(), (g) => {
    for (const kind of KINDS) {
      const a = runGuest(g, kind);
      const bad = checkGuestRun(a);
      if (bad !== null) throw new Error(`${kind}: ${bad}`);
      const b = runGuest(g, kind);
      if (JSON.stringify(a) !== JSON.stringify(b)) throw new Error(`${kind}: ran differently twice`);
      tally(a);
    }
  }),
  { numRuns: runs, seed },
);
const secs = (performance.now() - t0) / 1000;
console.log(
  `fuzz:guest  seed ${seed}, ${result.numRuns} guests x ${KINDS.length} machines x 2 runs, ${secs.toFixed(1)} s`,
);
const machineRuns = 2 * result.numRuns * KINDS.length;
console.log(
  `  ${machineRuns} machine runs (${(machineRuns / secs).toFixed(0)} per host second, each a fresh machine), ${instructions} instructions and ${exceptions} exceptions in the first run of each`,
);
for (const [k, n] of [...ends].sort()) console.log(`  ${k}: ${n}`);
if (result.failed) {
  console.log(`\nFAILED after ${result.numRuns} guests (replay: --seed ${seed}); shrunk input:`);
  const cex = result.counterexample?.[0];
  if (cex) console.log(guestSource(cex));
  console.log(String(result.errorInstance));
  process.exit(1);
}
