// The distributor's per-INTID state as data (GICv2 4.3): one byte per
// interrupt and attribute, SGIs and PPIs banked per cpu, SPIs shared, and
// its snapshot form. distributor.ts gives it behaviour.

import { PRIVATE_COUNT, SGI_COUNT } from './intid.ts';
import type { StateDigest } from '../../sim/state-digest.ts';
import { IrqAttributes, type IrqAttributesState } from './irq-attributes.ts';

/** The attribute arrays are per slot (private: cpu*32 + intid; SPI: cpus*32 + intid - 32). */
export interface DistributorState extends IrqAttributesState {
  readonly version: 1;
  readonly ctlr: number;
  /** SPI targets, indexed by intid - 32 */
  readonly targets: number[];
  /** pending sources per (cpu*16 + sgi) */
  readonly sgiSources: number[];
}

/** Per-INTID attribute arrays, indexed by slot(cpu, intid). */
export class DistributorBanks extends IrqAttributes {
  /** GICD_ITARGETSR bytes of the SPIs */
  readonly targets: Uint8Array;
  /** pending SGI sources per (cpu*16 + sgi) */
  readonly sgiSources: Uint8Array;

  constructor(
    readonly cpus: number,
    readonly numIrqs: number,
  ) {
    super(cpus * PRIVATE_COUNT + (numIrqs - PRIVATE_COUNT));
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
      ...this.saveAttributes(),
      targets: Array.from(this.targets),
      sgiSources: Array.from(this.sgiSources),
    };
  }

  /** What save() holds, into a running hash (the explorer's, src/sim/state-digest.ts). */
  digest(h: StateDigest, ctlr: number): void {
    h.int(ctlr);
    this.digestAttributes(h);
    h.bytes(this.targets);
    h.bytes(this.sgiSources);
  }

  /** Restore the arrays (GICD_CTLR is the caller's). */
  restore(s: DistributorState): void {
    if (s.version !== 1) throw new Error(`distributor snapshot version ${s.version} is not supported`);
    if (s.enabled.length !== this.enabled.length || s.targets.length !== this.targets.length)
      throw new Error('distributor snapshot is for a different configuration');
    this.restoreAttributes(s);
    this.targets.set(s.targets);
    this.sgiSources.set(s.sgiSources);
  }
}
