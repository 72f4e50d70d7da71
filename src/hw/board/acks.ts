// What the guest saw: every INTID its IAR reads returned (1020..1023
// excluded), with time and cpu. Expectations (`expect.acknowledged`) and
// the divergence check read this log.

import type { Saveable } from '../../sim/saveable.ts';
import type { Ticks } from '../../sim/time.ts';

export interface AckEntry {
  readonly t: Ticks;
  /** the cpu's local time in cycles at the IAR read (exact, finer than `t`) */
  readonly cycle: number;
  readonly cpu: number;
  readonly intid: number;
  /** the CPUID field of the IAR value (SGI source), 0 otherwise */
  readonly source: number;
  /** address of the instruction that read IAR */
  readonly pc: number;
}

/** GICC_IAR: INTID in [9:0], CPUID in [12:10]. */
const INTID_MASK = 0x3ff;
const CPUID_SHIFT = 10;
const CPUID_MASK = 0x7;
const FIRST_SPECIAL = 1020;

export class AckLog implements Saveable<AckEntry[]> {
  readonly entries: AckEntry[] = [];

  save(): AckEntry[] {
    return this.entries.map((e) => ({ ...e }));
  }

  restore(s: readonly AckEntry[]): void {
    this.entries.length = 0;
    for (const e of s) this.entries.push({ ...e });
  }

  /** Nothing acknowledged yet. */
  defaultState(): AckEntry[] {
    return [];
  }

  reset(): void {
    this.restore(this.defaultState());
  }

  /** Record an IAR value read by `cpu`; special INTIDs are not acknowledgements. */
  record(t: Ticks, cycle: number, cpu: number, iar: number, pc: number): void {
    const intid = iar & INTID_MASK;
    if (intid >= FIRST_SPECIAL) return;
    this.entries.push({ t, cycle, cpu, intid, source: (iar >>> CPUID_SHIFT) & CPUID_MASK, pc });
  }

  forCpu(cpu: number): number[] {
    return this.entries.filter((e) => e.cpu === cpu).map((e) => e.intid);
  }
}
