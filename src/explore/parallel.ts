// `--jobs N`: the N shards of one exploration (choice-tree.ts: inShard) run
// on N worker_threads, and their results merge into exactly the one-job
// result (report.ts). The command line stays synchronous: the main thread
// waits on a shared counter the workers bump, then reads each worker's
// result from its message port (receiveMessageOnPort).
//
// A worker loads the scenario file itself. In a checkout the sources are
// TypeScript run through tsx: the worker registers tsx's loader first. Where
// the worker module is not there (the one-file build), the shards run one
// after the other in this thread: the same result, one core.

import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { MessageChannel, receiveMessageOnPort, Worker } from 'node:worker_threads';
import type { Shard } from './choice-tree.ts';
import type { ExploreResult } from './explorer.ts';
import { exploreShard, type ShardJob } from './shard-job.ts';

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
    port.postMessage({ results: mod.exploreShard(workerData.job) });
  } catch (e) {
    port.postMessage({ error: String(e && e.stack || e) });
  }
  Atomics.add(done, 0, 1);
  Atomics.notify(done, 0);
})();
`;

/** Explore `job` as `jobs` shards in parallel; one result list (per generation) per shard, in shard order. */
export function exploreInWorkers(job: Omit<ShardJob, 'shard'>, jobs: number): ExploreResult[][] {
  const entryUrl = new URL('./shard-job.ts', import.meta.url);
  const shards: Shard[] = Array.from({ length: jobs }, (_, index) => ({ index, count: jobs }));
  if (!existsSync(fileURLToPath(entryUrl))) return shards.map((shard) => exploreShard({ ...job, shard }));
  let tsx: string | undefined;
  try {
    tsx = import.meta.resolve('tsx/esm/api');
  } catch {
    tsx = undefined;
  }
  const done = new Int32Array(new SharedArrayBuffer(4));
  const ports = shards.map((shard) => {
    const { port1, port2 } = new MessageChannel();
    const w = new Worker(BOOT, {
      eval: true,
      workerData: { port: port2, done, tsx, entry: entryUrl.href, job: { ...job, shard } },
      transferList: [port2],
    });
    w.unref();
    return port1;
  });
  for (;;) {
    const n = Atomics.load(done, 0);
    if (n >= jobs) break;
    Atomics.wait(done, 0, n, 1000);
  }
  return ports.map((p, i) => {
    const m = receiveMessageOnPort(p)?.message as WorkerReply | undefined;
    p.close();
    if (m?.results === undefined)
      throw new Error(`explore worker ${i}/${jobs} failed: ${m?.error ?? 'no result'}`);
    return m.results;
  });
}
