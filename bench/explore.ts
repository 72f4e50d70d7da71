// The explorer's speed (issue 15): distinct states per second and the time
// to the first counterexample, on the seed scenario (scenarios/seed-two-
// exits.yaml, the explorer placing the exits) and on a small one. Wall-clock
// numbers for this machine; the results themselves never depend on them.
// `npm run bench -- --explore` runs only this.

import { type ExploreStats, explore } from '../src/explore/explorer.ts';
import { summarize } from '../src/explore/report.ts';
import { loadScenarioFile } from '../src/scenario/load.ts';

const CASES: { file: string; generation: string; bound: number }[] = [
  { file: 'scenarios/seed-two-exits.yaml', generation: 'linux-4.2', bound: 2 },
  { file: 'scenarios/seed-two-exits.yaml', generation: 'linux-7.0', bound: 2 },
  { file: 'scenarios/seed-two-exits.yaml', generation: 'linux-7.0', bound: 3 },
  { file: 'scenarios/seed-two-exits.yaml', generation: 'trap-timer', bound: 2 },
  { file: 'test/fixtures/explore/no-irq.yaml', generation: 'linux-4.2', bound: 4 },
];

export interface ExploreRow {
  readonly scenario: string;
  readonly states: number;
  readonly 'runs executed': number;
  readonly merged: number;
  readonly seconds: string;
  readonly 'states/s': number;
  readonly 'runs/s': number;
  readonly 'first counterexample ms': string;
}

export function exploreBench(print = true): ExploreRow[] {
  const rows = CASES.map((c) => {
    const s = loadScenarioFile(c.file);
    explore(s, c.generation, { bound: 0 }); // warm up (JIT, decode cache of a first machine)
    // time to the first counterexample: the search stopped at its first violating run
    let first = Number.NaN;
    const t0 = performance.now();
    const st: ExploreStats = { executed: 0, merged: 0, instructions: 0, seconds: 0 };
    const r = explore(
      s,
      c.generation,
      {
        bound: c.bound,
        onViolation: () => {
          if (Number.isNaN(first)) first = performance.now() - t0;
        },
      },
      st,
    );
    const secs = (performance.now() - t0) / 1000;
    const sum = summarize(r);
    return {
      scenario: `${c.file.split('/').pop()} ${c.generation} k=${c.bound}`,
      states: sum.states,
      'runs executed': st.executed,
      merged: st.merged,
      seconds: secs.toFixed(2),
      'states/s': Math.round(sum.states / secs),
      'runs/s': Math.round(st.executed / secs),
      'first counterexample ms': Number.isNaN(first) ? '-' : first.toFixed(0),
    };
  });
  if (print) console.table(rows);
  return rows;
}

if (import.meta.url === `file://${process.argv[1]}`) exploreBench();
