// What a finished run reports, the same shape for the reference machine and
// the hypervisor (which adds its cost counters).

import type { Ticks } from '../../sim/time.ts';
import type { CpuCore } from '../cpu/cpu-state.ts';
import { type ExceptionLoop, exceptionLoopOf } from '../cpu/exception-loop.ts';
import type { AckEntry } from './acks.ts';

export type { ExceptionLoop } from '../cpu/exception-loop.ts';

/** How a run ended: PSCI SYSTEM_OFF, a limit, or every cpu waiting with nothing left to wake it. */
export type RunEnd = 'poweroff' | 'reset' | 'limit' | 'idle';

export interface RunResult {
  readonly end: RunEnd;
  /** the virtual time reached */
  readonly ticks: Ticks;
  readonly instructions: number;
  /** exceptions taken by all cpus (each costs a cycle and counts against the instruction limit) */
  readonly exceptions: number;
  /** cpus that ended the run in an exception loop (the same exception again and again, nothing retired) */
  readonly exceptionLoops: readonly ExceptionLoop[];
  readonly uart: string;
  readonly acks: readonly AckEntry[];
}

export interface RunLimits {
  /** virtual time */
  readonly ticks: Ticks;
  /** instructions retired plus exceptions taken, all cpus together */
  readonly instructions: number;
}

/** The exception loops the cpus are in at the end of a run. */
export function exceptionLoops(cpus: readonly CpuCore[]): ExceptionLoop[] {
  const out: ExceptionLoop[] = [];
  for (const c of cpus) {
    const l = exceptionLoopOf(c);
    if (l !== null) out.push(l);
  }
  return out;
}
