// What the guest saw: every INTID its IAR reads returned (1020..1023
// excluded), with time and cpu. Expectations (`expect.acknowledged`) and
// the divergence check read this log.

import { getField } from '../../sim/bits.ts';
import type { Saveable } from '../../sim/saveable.ts';
import type { Ticks } from '../../sim/time.ts';
import { GICC_IAR_CPUID, GICC_IAR_InterruptID } from '../gic/registers.ts';
import { isSpecial } from '../gic/intid.ts';

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
    const intid = getField(iar, GICC_IAR_InterruptID);
    if (isSpecial(intid)) return;
    this.entries.push({ t, cycle, cpu, intid, source: getField(iar, GICC_IAR_CPUID), pc });
  }

  forCpu(cpu: number): number[] {
    return this.entries.filter((e) => e.cpu === cpu).map((e) => e.intid);
  }
}
