// The GICv3 distributor (IHI 0069 chapter 12, the GICD registers) of a GIC
// with a single Security state and affinity routing always on: the SPIs,
// their state and their routing (GICD_IROUTER<n>), and GICD_CTLR's group
// enables. SGIs and PPIs live in the redistributors (redistributor.ts); with
// ARE = 1 the GICD registers of INTIDs 0-31 are RAZ/WI (gicd-v3-frame.ts).
//
// Routing (IHI 0069, GICD_IROUTER<n>; 1 of N: "Interrupt_Routing_Mode"):
// - IRM = 0: the SPI goes to the cpu whose MPIDR affinity is
//   Aff3.Aff2.Aff1.Aff0; no cpu has it: the SPI stays pending, forwarded to
//   no one;
// - IRM = 1 (1 of N, GICD_TYPER.No1N = 0): the architecture lets the GIC
//   pick any participating cpu. The model picks, deterministically, the
//   lowest-numbered cpu whose redistributor is awake (GICR_WAKER) and whose
//   CPU interface has the SPI's group enabled; none: forwarded to no one.

import { getField } from '../../../sim/bits.ts';
import { AFF_Aff210 } from '../../cpu/mpidr.ts';
import type { Saveable } from '../../../sim/saveable.ts';
import type { TraceSink } from '../../../sim/trace/sink.ts';
import type { Clock } from '../../mmio.ts';
import { FIRST_SPECIAL_INTID, PRIVATE_COUNT } from '../intid.ts';
import { GICD_IROUTER_HI_Aff3, GICD_IROUTER_IRM, GICD_IROUTER_LO_MASK } from './gicd-regs.ts';
import { IrqBank, type IrqBankState } from './irq-bank.ts';

export interface DistributorV3State {
  readonly version: 1;
  /** GICD_CTLR EnableGrp0 (bit 0), EnableGrp1 (bit 1) */
  readonly ctlr: number;
  readonly spis: IrqBankState;
  /** GICD_IROUTER<n> low words (IRM, Aff2..Aff0), indexed by INTID - 32 */
  readonly irouterLo: number[];
  /** GICD_IROUTER<n> high words (Aff3) */
  readonly irouterHi: number[];
}

/** Who takes part in 1-of-N routing, answered by the GIC that holds the redistributors and CPU interfaces. */
export interface RoutingPeers {
  readonly cpus: number;
  /** cpu's redistributor is awake and its CPU interface has `group` enabled */
  participates(cpu: number, group: number): boolean;
  /** the cpu whose MPIDR affinity is aff3.aff2.aff1.aff0 (`aff210`: Aff2.Aff1.Aff0 as in hw/cpu/mpidr.ts's affinity word), or -1 */
  cpuOfAffinity(aff3: number, aff210: number): number;
}

export interface DistributorV3Options {
  readonly spis: number;
  readonly clock: Clock;
  readonly trace: TraceSink;
  readonly peers: RoutingPeers;
  /** called on every change that may move any cpu's highest priority pending interrupt */
  readonly changed: () => void;
}

export class DistributorV3 implements Saveable<DistributorV3State> {
  /** Number of implemented INTIDs (32 + SPIs), capped at 1020. */
  readonly numIrqs: number;
  /** GICD_CTLR.EnableGrp0 (bit 0), EnableGrp1 (bit 1) */
  ctlr = 0;
  /** INTIDs 32..numIrqs-1 */
  readonly spis: IrqBank;
  readonly irouterLo: Uint32Array;
  readonly irouterHi: Uint8Array;
  private readonly peers: RoutingPeers;
  private readonly changed: () => void;

  constructor(o: DistributorV3Options) {
    this.numIrqs = Math.min(PRIVATE_COUNT + o.spis, FIRST_SPECIAL_INTID);
    const n = this.numIrqs - PRIVATE_COUNT;
    this.peers = o.peers;
    this.changed = o.changed;
    this.spis = new IrqBank({
      count: n,
      first: PRIVATE_COUNT,
      owner: -1,
      clock: o.clock,
      trace: o.trace,
      changed: o.changed,
    });
    this.irouterLo = new Uint32Array(n);
    this.irouterHi = new Uint8Array(n);
    this.reset();
  }

  isSpiImplemented(intid: number): boolean {
    return intid >= PRIVATE_COUNT && intid < this.numIrqs;
  }

  setCtlr(enables: number): void {
    this.ctlr = enables & 3;
    this.changed();
  }

  /** GICD_IROUTER<n> low word (RES0 bits [30:24] dropped) or high word (Aff3; bits above RES0). */
  setRouter(intid: number, high: boolean, v: number): void {
    const i = intid - PRIVATE_COUNT;
    if (high) this.irouterHi[i] = getField(v, GICD_IROUTER_HI_Aff3);
    else this.irouterLo[i] = (v & GICD_IROUTER_LO_MASK) >>> 0;
    this.changed();
  }

  /** The cpu SPI `intid` is forwarded to now, or -1 (see the routing rules above). */
  targetOf(intid: number): number {
    const i = intid - PRIVATE_COUNT;
    const lo = this.irouterLo[i];
    if (getField(lo, GICD_IROUTER_IRM) === 0) {
      // GICD_IROUTER<n>[23:0] is Aff2.Aff1.Aff0 in MPIDR_EL1[23:0]'s layout (gicd-regs.ts GICD_IROUTER_Aff0-2)
      return this.peers.cpuOfAffinity(this.irouterHi[i], getField(lo, AFF_Aff210));
    }
    const group = this.spis.group[i];
    for (let c = 0; c < this.peers.cpus; c++) if (this.peers.participates(c, group)) return c;
    return -1;
  }

  // ---- state is data ----

  save(): DistributorV3State {
    return {
      version: 1,
      ctlr: this.ctlr,
      spis: this.spis.save(),
      irouterLo: Array.from(this.irouterLo),
      irouterHi: Array.from(this.irouterHi),
    };
  }

  /**
   * Reset: both groups disabled; every SPI disabled, Group 0 (as QEMU virt's
   * GICv3 and Arm's GICs), priority 0, level-sensitive; IROUTER 0 (cpu 0;
   * the architecture leaves it UNKNOWN).
   */
  defaultState(): DistributorV3State {
    const n = this.spis.count;
    return {
      version: 1,
      ctlr: 0,
      spis: this.spis.defaultState({ edge: () => 0, group: 0, enabled: 0 }),
      irouterLo: new Array<number>(n).fill(0),
      irouterHi: new Array<number>(n).fill(0),
    };
  }

  reset(): void {
    this.restore(this.defaultState());
  }

  restore(s: DistributorV3State): void {
    if (s.version !== 1) throw new Error(`GICv3 distributor snapshot version ${s.version} is not supported`);
    this.spis.restore(s.spis);
    this.ctlr = s.ctlr;
    this.irouterLo.set(s.irouterLo);
    this.irouterHi.set(s.irouterHi);
  }
}
