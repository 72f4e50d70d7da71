// The distributor's per-INTID state as data (GICv2 4.3): one byte per
// interrupt and attribute, SGIs and PPIs banked per cpu, SPIs shared, and
// its snapshot form. distributor.ts gives it behaviour.

import { PRIVATE_COUNT, SGI_COUNT } from './intid.ts';
import type { StateDigest } from '../../sim/state-digest.ts';

export interface DistributorState {
  readonly version: 1;
  readonly ctlr: number;
  /** per slot (private: cpu*32 + intid; SPI: cpus*32 + intid - 32) */
  readonly enabled: number[];
  readonly group: number[];
  readonly priority: number[];
  readonly edge: number[];
  readonly line: number[];
  readonly latch: number[];
  readonly active: number[];
  /** SPI targets, indexed by intid - 32 */
  readonly targets: number[];
  /** pending sources per (cpu*16 + sgi) */
  readonly sgiSources: number[];
}

/** Per-INTID attribute arrays, indexed by slot(cpu, intid). */
export class DistributorBanks {
  readonly enabled: Uint8Array;
  readonly group: Uint8Array;
  readonly priority: Uint8Array;
  readonly edge: Uint8Array;
  readonly line: Uint8Array;
  readonly latch: Uint8Array;
  readonly active: Uint8Array;
  /** GICD_ITARGETSR bytes of the SPIs */
  readonly targets: Uint8Array;
  /** pending SGI sources per (cpu*16 + sgi) */
  readonly sgiSources: Uint8Array;

  constructor(
    readonly cpus: number,
    readonly numIrqs: number,
  ) {
    const slots = cpus * PRIVATE_COUNT + (numIrqs - PRIVATE_COUNT);
    this.enabled = new Uint8Array(slots);
    this.group = new Uint8Array(slots);
    this.priority = new Uint8Array(slots);
    this.edge = new Uint8Array(slots);
    this.line = new Uint8Array(slots);
    this.latch = new Uint8Array(slots);
    this.active = new Uint8Array(slots);
    this.targets = new Uint8Array(numIrqs - PRIVATE_COUNT);
    this.sgiSources = new Uint8Array(cpus * SGI_COUNT);
  }

  /** Index into the per-INTID arrays. The caller guarantees intid < numIrqs. */
  slot(cpu: number, intid: number): number {
    return intid < PRIVATE_COUNT
      ? cpu * PRIVATE_COUNT + intid
      : this.cpus * PRIVATE_COUNT + intid - PRIVATE_COUNT;
  }

  /**
   * Reset values (IMPLEMENTATION DEFINED where noted): SGIs enabled and
   * edge-triggered; PPIs disabled, level-sensitive (read-only); SPIs
   * disabled, level-sensitive, untargeted; priority 0; group 0.
   */
  defaultState(): DistributorState {
    const zeros = (n: number) => new Array<number>(n).fill(0);
    const n = this.enabled.length;
    const sgis = zeros(n);
    for (let c = 0; c < this.cpus; c++) sgis.fill(1, c * PRIVATE_COUNT, c * PRIVATE_COUNT + SGI_COUNT);
    return {
      version: 1,
      ctlr: 0,
      enabled: sgis,
      group: zeros(n),
      priority: zeros(n),
      edge: [...sgis],
      line: zeros(n),
      latch: zeros(n),
      active: zeros(n),
      targets: zeros(this.targets.length),
      sgiSources: zeros(this.sgiSources.length),
    };
  }

  save(ctlr: number): DistributorState {
    return {
      version: 1,
      ctlr,
      enabled: Array.from(this.enabled),
      group: Array.from(this.group),
      priority: Array.from(this.priority),
      edge: Array.from(this.edge),
      line: Array.from(this.line),
      latch: Array.from(this.latch),
      active: Array.from(this.active),
      targets: Array.from(this.targets),
      sgiSources: Array.from(this.sgiSources),
    };
  }

  /** What save() holds, into a running hash (the explorer's, src/sim/state-digest.ts). */
  digest(h: StateDigest, ctlr: number): void {
    h.int(ctlr);
    h.bytes(this.enabled);
    h.bytes(this.group);
    h.bytes(this.priority);
    h.bytes(this.edge);
    h.bytes(this.line);
    h.bytes(this.latch);
    h.bytes(this.active);
    h.bytes(this.targets);
    h.bytes(this.sgiSources);
  }

  /** Restore the arrays (GICD_CTLR is the caller's). */
  restore(s: DistributorState): void {
    if (s.version !== 1) throw new Error(`distributor snapshot version ${s.version} is not supported`);
    if (s.enabled.length !== this.enabled.length || s.targets.length !== this.targets.length)
      throw new Error('distributor snapshot is for a different configuration');
    this.enabled.set(s.enabled);
    this.group.set(s.group);
    this.priority.set(s.priority);
    this.edge.set(s.edge);
    this.line.set(s.line);
    this.latch.set(s.latch);
    this.active.set(s.active);
    this.targets.set(s.targets);
    this.sgiSources.set(s.sgiSources);
  }
}
