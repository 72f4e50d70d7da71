// The PMU's configuration registers as data (Arm ARM D13 and the PMU
// register descriptions): PMCR_EL0's stored bits, PMCNTENSET/CLR_EL0,
// PMOVSSET/CLR_EL0, PMINTENSET/CLR_EL1, PMSELR_EL0, PMUSERENR_EL0,
// PMEVTYPER<n>_EL0 and PMCCFILTR_EL0 (and PMXEVTYPER_EL0, their view through
// PMSELR_EL0.SEL): what a write stores (SET/CLR pairs, the writable bits),
// what a read returns, what a write from outside the cpu replaces, and the
// reset values. The counters' values are PmuCounters'; what a write causes
// (counting restarts, the overflow interrupt, PMCR_EL0.P/C) is Pmu's.

import type { Saveable } from '../../sim/saveable.ts';
import { CYCLE_IDX, PMCEID0_VALUE, PmuReg } from './pmu-regs.ts';
import type { StateDigest } from '../../sim/state-digest.ts';

/** The registers as data (part of PmuState). */
export interface PmuRegisterState {
  /** PMCR_EL0's stored bits (E, D, X, DP; LC is RES1 here) */
  readonly pmcr: number;
  readonly cnten: number;
  readonly ovs: number;
  readonly inten: number;
  readonly selr: number;
  readonly userenr: number;
  readonly evtyper: number[];
  readonly ccfiltr: number;
}

/** PMCR_EL0 bits software writes and reads back: E, D, X, DP (LC is RES1: no AArch32, Arm ARM PMCR_EL0.LC). */
const PMCR_STORED = 0x1 | 0x8 | 0x10 | 0x20;
const PMCR_LC = 0x40;
/** PMEVTYPER's and PMCCFILTR's evtCount field (PMCCFILTR has none: RES0). */
const EVTCOUNT = 0x3ff;

export class PmuRegisterFile implements Saveable<PmuRegisterState> {
  pmcr = 0;
  cnten = 0;
  ovs = 0;
  inten = 0;
  selr = 0;
  userenr = 0;
  ccfiltr = 0;
  readonly evtyper: Uint32Array;
  /** Counters that exist as a bit map (PMCNTEN/PMOVS/PMINTEN writable bits). */
  readonly counterMask: number;

  /**
   * `n`: PMCR_EL0.N; `evtypeMask`: the writable PMEVTYPER bits;
   * `pmcrId`: PMCR_EL0.IMP and IDCODE as bits [31:16].
   */
  constructor(
    readonly n: number,
    private readonly evtypeMask: number,
    private readonly pmcrId: number,
  ) {
    this.evtyper = new Uint32Array(n);
    this.counterMask = ((n === 0 ? 0 : (2 ** n - 1) | 0) | (1 << CYCLE_IDX)) >>> 0;
  }

  /** PMCR_EL0.E */
  get enabled(): boolean {
    return (this.pmcr & 1) !== 0;
  }

  /**
   * MRS of a configuration register (`n` for PMEVTYPER<n>): its value, or
   * undefined for PMEVTYPER<n> / PMXEVTYPER with no such counter
   * (UNDEFINED) and for a register that is not one of these.
   */
  read(reg: PmuReg, n: number): bigint | undefined {
    switch (reg) {
      case PmuReg.PMCR_EL0:
        return BigInt((this.pmcrId | (this.n << 11) | PMCR_LC | this.pmcr) >>> 0);
      case PmuReg.PMCNTENSET_EL0:
      case PmuReg.PMCNTENCLR_EL0:
        return BigInt(this.cnten >>> 0);
      case PmuReg.PMOVSSET_EL0:
      case PmuReg.PMOVSCLR_EL0:
        return BigInt(this.ovs >>> 0);
      case PmuReg.PMINTENSET_EL1:
      case PmuReg.PMINTENCLR_EL1:
        return BigInt(this.inten >>> 0);
      case PmuReg.PMSELR_EL0:
        return BigInt(this.selr);
      case PmuReg.PMCEID0_EL0:
        return BigInt(PMCEID0_VALUE);
      case PmuReg.PMCEID1_EL0:
        return 0n;
      case PmuReg.PMUSERENR_EL0:
        return BigInt(this.userenr);
      case PmuReg.PMCCFILTR_EL0:
        return BigInt(this.ccfiltr >>> 0);
      case PmuReg.PMXEVTYPER_EL0:
        return this.selr === CYCLE_IDX
          ? BigInt(this.ccfiltr >>> 0)
          : this.read(PmuReg.PMEVTYPER_EL0, this.selr);
      case PmuReg.PMEVTYPER_EL0:
        return n < this.n ? BigInt(this.evtyper[n]) : undefined;
      default:
        return undefined;
    }
  }

  /**
   * MSR of a configuration register (the low 32 bits `v`); false for a
   * counter that does not exist (UNDEFINED) or a register that is not one
   * of these.
   */
  write(reg: PmuReg, v: number, n: number): boolean {
    switch (reg) {
      case PmuReg.PMCR_EL0:
        this.pmcr = v & PMCR_STORED;
        return true;
      case PmuReg.PMCNTENSET_EL0:
        this.cnten = (this.cnten | (v & this.counterMask)) >>> 0;
        return true;
      case PmuReg.PMCNTENCLR_EL0:
        this.cnten = (this.cnten & ~v) >>> 0;
        return true;
      case PmuReg.PMOVSSET_EL0:
        this.ovs = (this.ovs | (v & this.counterMask)) >>> 0;
        return true;
      case PmuReg.PMOVSCLR_EL0:
        this.ovs = (this.ovs & ~v) >>> 0;
        return true;
      case PmuReg.PMINTENSET_EL1:
        this.inten = (this.inten | (v & this.counterMask)) >>> 0;
        return true;
      case PmuReg.PMINTENCLR_EL1:
        this.inten = (this.inten & ~v) >>> 0;
        return true;
      case PmuReg.PMSELR_EL0:
        this.selr = v & 31;
        return true;
      case PmuReg.PMUSERENR_EL0:
        this.userenr = v & 0xf;
        return true;
      case PmuReg.PMCCFILTR_EL0:
        this.ccfiltr = (v & this.evtypeMask & ~EVTCOUNT) >>> 0;
        return true;
      case PmuReg.PMXEVTYPER_EL0:
        return this.write(
          this.selr === CYCLE_IDX ? PmuReg.PMCCFILTR_EL0 : PmuReg.PMEVTYPER_EL0,
          v,
          this.selr,
        );
      case PmuReg.PMEVTYPER_EL0:
        if (n >= this.n) return false;
        this.evtyper[n] = (v & this.evtypeMask) >>> 0;
        return true;
      default:
        return false;
    }
  }

  /**
   * A write from outside the cpu (KVM_SET_ONE_REG) to a SET/CLR pair: the
   * value replaces the register. False for any other register.
   */
  replace(reg: PmuReg, v: number): boolean {
    switch (reg) {
      case PmuReg.PMCNTENSET_EL0:
      case PmuReg.PMCNTENCLR_EL0:
        this.cnten = (v & this.counterMask) >>> 0;
        return true;
      case PmuReg.PMOVSSET_EL0:
      case PmuReg.PMOVSCLR_EL0:
        this.ovs = (v & this.counterMask) >>> 0;
        return true;
      case PmuReg.PMINTENSET_EL1:
      case PmuReg.PMINTENCLR_EL1:
        this.inten = (v & this.counterMask) >>> 0;
        return true;
      default:
        return false;
    }
  }

  save(): PmuRegisterState {
    return {
      pmcr: this.pmcr,
      cnten: this.cnten >>> 0,
      ovs: this.ovs >>> 0,
      inten: this.inten >>> 0,
      selr: this.selr,
      userenr: this.userenr,
      evtyper: Array.from(this.evtyper),
      ccfiltr: this.ccfiltr >>> 0,
    };
  }

  digest(h: StateDigest): void {
    h.int(this.pmcr);
    h.int(this.cnten);
    h.int(this.ovs);
    h.int(this.inten);
    h.int(this.selr);
    h.int(this.userenr);
    h.words(this.evtyper);
    h.int(this.ccfiltr);
  }

  restore(s: PmuRegisterState): void {
    this.pmcr = s.pmcr & PMCR_STORED;
    this.cnten = s.cnten & this.counterMask;
    this.ovs = s.ovs & this.counterMask;
    this.inten = s.inten & this.counterMask;
    this.selr = s.selr & 31;
    this.userenr = s.userenr & 0xf;
    this.evtyper.set(s.evtyper);
    this.ccfiltr = s.ccfiltr >>> 0;
  }

  /** Reset: PMCR_EL0.E = 0 architecturally, the rest UNKNOWN (0 here). */
  defaultState(): PmuRegisterState {
    return {
      pmcr: 0,
      cnten: 0,
      ovs: 0,
      inten: 0,
      selr: 0,
      userenr: 0,
      evtyper: new Array<number>(this.n).fill(0),
      ccfiltr: 0,
    };
  }

  reset(): void {
    this.restore(this.defaultState());
  }
}
