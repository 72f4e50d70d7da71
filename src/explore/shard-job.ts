// One shard of an exploration as plain data, so a worker thread (or another
// process, `--shard i/N`) can run it from the scenario file alone.

import { loadScenarioFile } from '../scenario/load.ts';
import type { Shard } from './choice-tree.ts';
import { type ExploreResult, explore } from './explorer.ts';

export interface ShardJob {
  readonly file: string;
  readonly generations: readonly string[];
  readonly bound: number;
  readonly shard?: Shard;
  readonly maxStates?: number;
  readonly maxSeconds?: number;
}

/** Per shard, in a shared progress array: states, runs, violating final states (so far, every generation), generations done. */
export const PROGRESS_SLOTS = 4;

/**
 * Explore one shard; with `progress` (a SharedArrayBuffer's Float64Array,
 * PROGRESS_SLOTS per shard), keep the shard's counts there for the thread
 * that waits on the workers (`--jobs N`'s progress line).
 */
export function exploreShard(job: ShardJob, progress?: Float64Array): ExploreResult[] {
  const s = loadScenarioFile(job.file);
  const at = (job.shard?.index ?? 0) * PROGRESS_SLOTS;
  const done = [0, 0, 0];
  return job.generations.map((g, gi) => {
    let last = { states: 0, runs: 0, violations: 0 };
    const r = explore(s, g, {
      bound: job.bound,
      shard: job.shard,
      maxStates: job.maxStates,
      maxSeconds: job.maxSeconds,
      onProgress:
        progress === undefined
          ? undefined
          : (p) => {
              last = p;
              progress[at] = done[0] + p.states;
              progress[at + 1] = done[1] + p.runs;
              progress[at + 2] = done[2] + p.violations;
            },
    });
    done[0] += last.states;
    done[1] += last.runs;
    done[2] += last.violations;
    if (progress !== undefined) progress[at + 3] = gi + 1;
    return r;
  });
}
