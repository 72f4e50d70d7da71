// `--jobs N`: the N shards of one exploration (choice-tree.ts: inShard) run
// on N worker_threads, and their results merge into exactly the one-job
// result (report.ts). The command line stays synchronous: the main thread
// waits on a shared counter the workers bump, then reads each worker's
// result from its message port (receiveMessageOnPort).
//
// A worker loads the scenario file itself. In a checkout the sources are
// TypeScript run through tsx: the worker registers tsx's loader first. The
// one-file command (dist/cli/vgicsim.cjs, scripts/build.mjs) has the shard
// job as a second bundle beside it (dist/cli/explore-shard.mjs); the
// compiled library has dist/explore/shard-job.js. Only where none is there
// do the shards run one after the other in this thread: the same result,
// one core.
//
// While it waits the main thread wakes every PROGRESS_MS to read the
// workers' counts (a shared array, shard-job.ts) for the progress line;
// wall-clock time decides only when it is shown, never what is computed.

import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { MessageChannel, receiveMessageOnPort, Worker } from 'node:worker_threads';
import type { Shard } from './choice-tree.ts';
import type { ExploreResult } from './explorer.ts';
import { exploreShard, PROGRESS_SLOTS, type ShardJob } from './shard-job.ts';

interface WorkerReply {
  readonly results?: ExploreResult[];
  readonly error?: string;
}

const BOOT = `
const { workerData } = require('node:worker_threads');
(async () => {
  const { port, done } = workerData;
  try {
    if (workerData.tsx) { const { register } = await import(workerData.tsx); register(); }
    const mod = await import(workerData.entry);
    port.postMessage({ results: mod.exploreShard(workerData.job, workerData.progress) });
  } catch (e) {
    port.postMessage({ error: String(e && e.stack || e) });
  }
  Atomics.add(done, 0, 1);
  Atomics.notify(done, 0);
})();
`;

/** The shards' counts so far, summed (the progress line of `--jobs N`). */
export interface JobsProgress {
  readonly jobs: number;
  /** worker threads (0: the shards run one after the other in this thread) */
  readonly workers: number;
  readonly states: number;
  readonly runs: number;
  readonly violations: number;
  /** shards finished */
  readonly done: number;
}

const PROGRESS_MS = 250;

/** The module a worker runs: the TypeScript source, the bundle's shard job, or the compiled one. */
function workerEntry(): URL | undefined {
  for (const rel of ['./shard-job.ts', './explore-shard.mjs', '../explore/shard-job.js']) {
    const u = new URL(rel, import.meta.url);
    if (existsSync(fileURLToPath(u))) return u;
  }
  return undefined;
}

/**
 * Explore `job` as `jobs` shards in parallel; one result list (per
 * generation) per shard, in shard order. `onProgress` is told the summed
 * counts at most every PROGRESS_MS while the workers run, and once at the end.
 */
export function exploreInWorkers(
  job: Omit<ShardJob, 'shard'>,
  jobs: number,
  onProgress?: (p: JobsProgress) => void,
): ExploreResult[][] {
  const shards: Shard[] = Array.from({ length: jobs }, (_, index) => ({ index, count: jobs }));
  const counts = new Float64Array(new SharedArrayBuffer(8 * PROGRESS_SLOTS * jobs));
  const report = (workers: number, done: number) => {
    if (onProgress === undefined) return;
    let states = 0;
    let runs = 0;
    let violations = 0;
    for (let i = 0; i < jobs; i++) {
      states += counts[i * PROGRESS_SLOTS];
      runs += counts[i * PROGRESS_SLOTS + 1];
      violations += counts[i * PROGRESS_SLOTS + 2];
    }
    onProgress({ jobs, workers, states, runs, violations, done });
  };
  const entryUrl = workerEntry();
  if (entryUrl === undefined) {
    const out = shards.map((shard, i) => {
      const r = exploreShard({ ...job, shard }, counts);
      report(0, i + 1);
      return r;
    });
    return out;
  }
  let tsx: string | undefined;
  try {
    tsx = entryUrl.pathname.endsWith('.ts') ? import.meta.resolve('tsx/esm/api') : undefined;
  } catch {
    tsx = undefined;
  }
  const done = new Int32Array(new SharedArrayBuffer(4));
  const ports = shards.map((shard) => {
    const { port1, port2 } = new MessageChannel();
    const w = new Worker(BOOT, {
      eval: true,
      workerData: { port: port2, done, tsx, entry: entryUrl.href, job: { ...job, shard }, progress: counts },
      transferList: [port2],
    });
    w.unref();
    return port1;
  });
  for (;;) {
    const n = Atomics.load(done, 0);
    if (n >= jobs) break;
    report(jobs, n);
    Atomics.wait(done, 0, n, PROGRESS_MS);
  }
  report(jobs, jobs);
  return ports.map((p, i) => {
    const m = receiveMessageOnPort(p)?.message as WorkerReply | undefined;
    p.close();
    if (m?.results === undefined)
      throw new Error(`explore worker ${i}/${jobs} failed: ${m?.error ?? 'no result'}`);
    return m.results;
  });
}
