// What a finished run reports, the same shape for the reference machine and
// the hypervisor (which adds its cost counters).

import type { Ticks } from '../../sim/time.ts';
import type { AckEntry } from './acks.ts';

/** How a run ended: PSCI SYSTEM_OFF, a limit, or every cpu waiting with nothing left to wake it. */
export type RunEnd = 'poweroff' | 'reset' | 'limit' | 'idle';

export interface RunResult {
  readonly end: RunEnd;
  readonly ticks: Ticks;
  readonly instructions: number;
  readonly uart: string;
  readonly acks: readonly AckEntry[];
}

export interface RunLimits {
  readonly ticks: Ticks;
  readonly instructions: number;
}
