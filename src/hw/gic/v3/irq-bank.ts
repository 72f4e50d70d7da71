// The state of a block of GICv3 interrupts, one byte per interrupt and
// attribute: a redistributor's 32 SGIs and PPIs, or the distributor's SPIs.
// The pending rules are those of GICv2 (distributor.ts), with one change:
// with affinity routing an SGI has one pending bit, not one per source
// (IHI 0069, GICR_ISPENDR0), so it is an edge latch like any
// other edge-triggered interrupt.
// - level-sensitive: pending = line high OR latch (set by I*SPENDR); the
//   latch is cleared by acknowledge and I*CPENDR (IHI 0069, the interrupt life cycle);
// - edge-triggered: a rising edge (or an SGI) sets the latch; acknowledge or
//   I*CPENDR clears it;
// - an active (or active and pending) interrupt is not forwarded again
//   until it is deactivated.
// Every change calls `changed` (the CPU interfaces recompute their outputs)
// and, when tracing, emits the same `line` / `irq` records as the GICv2.

import type { TraceSink } from '../../../sim/trace/sink.ts';
import type { Clock } from '../../mmio.ts';
import { IrqAttributes, type IrqAttributesState } from '../irq-attributes.ts';
import { PRIORITY_MASK } from '../priority.ts';

export type IrqBankState = IrqAttributesState;

export interface IrqBankOptions {
  /** number of interrupts */
  readonly count: number;
  /** INTID of interrupt 0 of the bank (0 for a redistributor, 32 for the SPIs) */
  readonly first: number;
  /** cpu of a redistributor's bank, -1 for the SPIs (trace records) */
  readonly owner: number;
  readonly clock: Clock;
  readonly trace: TraceSink;
  readonly changed: () => void;
}

export class IrqBank extends IrqAttributes {
  readonly count: number;
  readonly first: number;
  private readonly owner: number;
  private readonly clock: Clock;
  private readonly trace: TraceSink;
  private readonly changed: () => void;

  constructor(o: IrqBankOptions) {
    super(o.count);
    this.count = o.count;
    this.first = o.first;
    this.owner = o.owner;
    this.clock = o.clock;
    this.trace = o.trace;
    this.changed = o.changed;
  }

  // ---- queries (i = INTID - first) ----

  isPending(i: number): boolean {
    return this.latch[i] === 1 || (this.edge[i] === 0 && this.line[i] === 1);
  }

  /** Pending, not active, enabled: a candidate for the highest priority pending interrupt. */
  isCandidate(i: number): boolean {
    return this.enabled[i] === 1 && this.active[i] === 0 && this.isPending(i);
  }

  // ---- changes ----

  setEnabled(i: number, v: boolean): void {
    this.enabled[i] = v ? 1 : 0;
    this.changed();
  }

  setGroup(i: number, g: number): void {
    this.group[i] = g & 1;
    this.changed();
  }

  /** Unimplemented low priority bits are RAZ/WI (priority.ts: 5 bits). */
  setPriority(i: number, p: number): void {
    this.priority[i] = p & PRIORITY_MASK;
    this.changed();
  }

  setEdge(i: number, edge: boolean): void {
    const p0 = this.trace.enabled && this.isPending(i);
    this.edge[i] = edge ? 1 : 0;
    this.traceState(i, p0, this.active[i] === 1);
    this.changed();
  }

  /** The input line; a rising edge of an edge-triggered interrupt sets the latch. */
  setLine(i: number, level: boolean): void {
    const v = level ? 1 : 0;
    if (this.line[i] === v) return;
    const p0 = this.trace.enabled && this.isPending(i);
    this.line[i] = v;
    if (level && this.edge[i] === 1) this.latch[i] = 1;
    if (this.trace.enabled) {
      const id = this.first + i;
      const signal = this.owner >= 0 ? `gic.ppi${id}` : `gic.spi${id}`;
      this.trace.emit({ kind: 'line', t: this.clock.now, cpu: this.owner, signal, level });
    }
    this.traceState(i, p0, this.active[i] === 1);
    this.changed();
  }

  /** I*SPENDR (v) / I*CPENDR (!v), and an SGI's generation (v). */
  setPending(i: number, v: boolean): void {
    const p0 = this.trace.enabled && this.isPending(i);
    this.latch[i] = v ? 1 : 0;
    this.traceState(i, p0, this.active[i] === 1);
    this.changed();
  }

  /** I*SACTIVER (v) / I*CACTIVER (!v), and deactivation (ICC_EOIR with EOImode 0, ICC_DIR). */
  setActive(i: number, v: boolean): void {
    const a0 = this.active[i] === 1;
    this.active[i] = v ? 1 : 0;
    this.traceState(i, this.isPending(i), a0);
    this.changed();
  }

  /** Acknowledge: pending -> active (active and pending while a level line stays high). */
  acknowledge(i: number): void {
    const p0 = this.trace.enabled && this.isPending(i);
    this.latch[i] = 0;
    this.active[i] = 1;
    this.traceState(i, p0, false);
    this.changed();
  }

  private traceState(i: number, p0: boolean, a0: boolean): void {
    if (!this.trace.enabled) return;
    const pending = this.isPending(i);
    const active = this.active[i] === 1;
    if (pending === p0 && active === a0) return;
    const t = this.clock.now;
    this.trace.emit({ kind: 'irq', t, cpu: this.owner, gic: 'phys', intid: this.first + i, pending, active });
  }

  // ---- state is data ----

  save(): IrqBankState {
    return this.saveAttributes();
  }

  /** `edge` / `group` / `enabled`: per-interrupt reset values (IMPLEMENTATION DEFINED, chosen by the owner). */
  defaultState(reset: { edge: (i: number) => number; group: number; enabled: number }): IrqBankState {
    const n = this.count;
    const fill = (v: number) => new Array<number>(n).fill(v);
    return {
      enabled: fill(reset.enabled),
      group: fill(reset.group),
      priority: fill(0),
      edge: Array.from({ length: n }, (_, i) => reset.edge(i)),
      line: fill(0),
      latch: fill(0),
      active: fill(0),
    };
  }

  /** Restore without notifying (the owner's clients restore their own outputs). */
  restore(s: IrqBankState): void {
    if (s.enabled.length !== this.count) throw new Error('interrupt bank snapshot is for a different size');
    this.restoreAttributes(s);
  }
}
