// The per-interrupt attributes every GIC distributor keeps, one byte per
// interrupt and attribute (GICv2 4.3, IHI 0069H 4.1): enable, group,
// priority, trigger (edge), the input line, the pending latch and the active
// state; with their snapshot form. The GICv2 distributor's banks
// (distributor-state.ts, which adds SPI targets and per-source SGI pending)
// and a GICv3 interrupt block (v3/irq-bank.ts, whose SGIs have one pending
// bit) are built on it; their pending rules stay with each.

import type { StateDigest } from '../../sim/state-digest.ts';

export interface IrqAttributesState {
  readonly enabled: number[];
  readonly group: number[];
  readonly priority: number[];
  readonly edge: number[];
  readonly line: number[];
  readonly latch: number[];
  readonly active: number[];
}

export class IrqAttributes {
  readonly enabled: Uint8Array;
  readonly group: Uint8Array;
  readonly priority: Uint8Array;
  readonly edge: Uint8Array;
  readonly line: Uint8Array;
  readonly latch: Uint8Array;
  readonly active: Uint8Array;

  constructor(count: number) {
    this.enabled = new Uint8Array(count);
    this.group = new Uint8Array(count);
    this.priority = new Uint8Array(count);
    this.edge = new Uint8Array(count);
    this.line = new Uint8Array(count);
    this.latch = new Uint8Array(count);
    this.active = new Uint8Array(count);
  }

  protected saveAttributes(): IrqAttributesState {
    return {
      enabled: Array.from(this.enabled),
      group: Array.from(this.group),
      priority: Array.from(this.priority),
      edge: Array.from(this.edge),
      line: Array.from(this.line),
      latch: Array.from(this.latch),
      active: Array.from(this.active),
    };
  }

  /** The caller has checked that `s` has this many interrupts. */
  protected restoreAttributes(s: IrqAttributesState): void {
    this.enabled.set(s.enabled);
    this.group.set(s.group);
    this.priority.set(s.priority);
    this.edge.set(s.edge);
    this.line.set(s.line);
    this.latch.set(s.latch);
    this.active.set(s.active);
  }

  /** What saveAttributes() holds, into a running hash (src/sim/state-digest.ts). */
  protected digestAttributes(h: StateDigest): void {
    h.bytes(this.enabled);
    h.bytes(this.group);
    h.bytes(this.priority);
    h.bytes(this.edge);
    h.bytes(this.line);
    h.bytes(this.latch);
    h.bytes(this.active);
  }
}
