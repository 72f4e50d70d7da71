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

export function exploreShard(job: ShardJob): ExploreResult[] {
  const s = loadScenarioFile(job.file);
  return job.generations.map((g) =>
    explore(s, g, {
      bound: job.bound,
      shard: job.shard,
      maxStates: job.maxStates,
      maxSeconds: job.maxSeconds,
    }),
  );
}
