// Whole-process timings for `npm run bench`: a vgicsim command and the QEMU
// command for the same guest, run alternately (vgicsim, QEMU, vgicsim, ...)
// so that both see the same machine load, each as the median of several
// runs with min and max. Wall time is what the issue asks for; the
// children's CPU time (user + system, from /proc/self/stat on Linux) is
// recorded too: on a shared, loaded machine it moves much less than wall
// time does.

import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';

export interface Command {
  readonly argv: readonly string[];
  readonly env?: Readonly<Record<string, string>>;
  /** the run succeeded: exit status 0 and, when given, this text in stdout */
  readonly expect?: string;
  readonly timeoutMs: number;
}

export interface Stats {
  readonly median: number;
  readonly min: number;
  readonly max: number;
}

export interface Timing {
  /** seconds, whole process */
  readonly wall: Stats;
  /** seconds of CPU (user + system) of the process and its children; absent off Linux */
  readonly cpu?: Stats;
  readonly runs: number;
  /** why a run failed (the first failure), or absent */
  readonly failed?: string;
}

export function stats(xs: readonly number[]): Stats {
  const s = [...xs].sort((a, b) => a - b);
  const mid = s.length >> 1;
  const median = s.length % 2 === 1 ? s[mid] : (s[mid - 1] + s[mid]) / 2;
  return { median, min: s[0], max: s[s.length - 1] };
}

/** Children's user + system time so far (seconds), from /proc/self/stat cutime + cstime; undefined off Linux. */
function childCpuSeconds(): number | undefined {
  try {
    const stat = readFileSync('/proc/self/stat', 'utf8');
    // fields after the command name (which may hold spaces) start at state (field 3)
    const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const cutime = Number(f[13]);
    const cstime = Number(f[14]);
    // USER_HZ is 100 on every Linux architecture's ABI
    return (cutime + cstime) / 100;
  } catch {
    return undefined;
  }
}

interface Run {
  readonly wall: number;
  readonly cpu?: number;
  readonly error?: string;
}

function runOnce(c: Command): Run {
  const cpu0 = childCpuSeconds();
  const t0 = performance.now();
  const r = spawnSync(c.argv[0], c.argv.slice(1), {
    encoding: 'utf8',
    env: { ...process.env, ...c.env },
    timeout: c.timeoutMs,
    killSignal: 'SIGKILL',
    maxBuffer: 64 * 1024 * 1024,
  });
  const wall = (performance.now() - t0) / 1000;
  const cpu1 = childCpuSeconds();
  const cpu = cpu0 !== undefined && cpu1 !== undefined ? cpu1 - cpu0 : undefined;
  let error: string | undefined;
  if (r.error !== undefined) error = r.error.message;
  else if (r.signal !== null) error = `killed by ${r.signal} after ${wall.toFixed(0)} s`;
  else if (r.status !== 0)
    error = `exit ${r.status}: ${(r.stderr || r.stdout).trim().split('\n').slice(-2).join(' / ')}`;
  else if (c.expect !== undefined && !r.stdout.includes(c.expect)) error = `no "${c.expect}" in its output`;
  return { wall, cpu, error };
}

function timing(runs: readonly Run[]): Timing {
  const ok = runs.filter((r) => r.error === undefined);
  const failed = runs.find((r) => r.error !== undefined)?.error;
  const use = ok.length > 0 ? ok : runs;
  const cpus = use.map((r) => r.cpu).filter((c): c is number => c !== undefined);
  return {
    wall: stats(use.map((r) => r.wall)),
    cpu: cpus.length === use.length ? stats(cpus) : undefined,
    runs: ok.length,
    failed,
  };
}

/**
 * `runs` runs of each command, alternating (a, b, a, b, ...); b absent: a
 * alone. `progress` is told after each run.
 */
export function timePair(
  a: Command,
  b: Command | undefined,
  runs: number,
  progress: (what: string) => void,
): { a: Timing; b?: Timing } {
  const ra: Run[] = [];
  const rb: Run[] = [];
  for (let i = 0; i < runs; i++) {
    const x = runOnce(a);
    ra.push(x);
    progress(`vgicsim ${x.wall.toFixed(2)} s${x.error ? ` (${x.error})` : ''}`);
    if (b !== undefined) {
      const y = runOnce(b);
      rb.push(y);
      progress(`qemu ${y.wall.toFixed(2)} s${y.error ? ` (${y.error})` : ''}`);
    }
  }
  return { a: timing(ra), b: b === undefined ? undefined : timing(rb) };
}
