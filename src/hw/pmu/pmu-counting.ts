// The counting of a PMU's counters, kept lazy: a counter holds its value at
// the last update and the source count (the cpu's cycles or retired
// instructions, at EL0, EL1 or both as its filter says) at that moment; a
// read is value + (source now - source then). Nothing runs per instruction.
// The instant of the next overflow is computed so the PMU can schedule a
// kernel event there; since a source never advances faster than the cpu's
// cycles, that instant is a lower bound.
//
// Events counted: INST_RETIRED (0x08) and CPU_CYCLES (0x11), exact in this
// model (one instruction = one cycle, one exception entry = one cycle);
// SW_INCR (0x00) is counted at the PMSWINC_EL0 write (softwareIncrement).
// CHAIN (0x1E, Arm ARM D13 "Chaining"): an odd counter 2k+1 counting CHAIN
// counts each overflow of the even counter 2k below it, so the pair is one
// 64-bit counter; both overflow flags are set as each half wraps. CHAIN is
// counted whatever the odd counter's P/U filter says (a deterministic
// choice; KVM's kvm_pmu_counter_increment does the same), and only while
// the odd counter is enabled (PMCR_EL0.E, PMCNTENSET). There is no
// PMCR_EL0.LP (PMUv3p5, 64-bit event counters) in this PMUv3 for Armv8.0.
// Other event numbers count nothing. Filtering: PMEVTYPER<n>.P (not at EL1)
// and .U (not at EL0); the machine the guest sees has no EL2 or EL3.

import { NEVER, type Ticks } from '../../sim/time.ts';
import { CYCLE_IDX, PmuEvent } from './pmu-regs.ts';
import type { StateDigest } from '../../sim/state-digest.ts';

/** What the PMU counts: the cpu's exact counts (CpuCore implements it). */
export interface PmuSource {
  /** current exception level (0 or 1) */
  readonly el: number;
  readonly instret: number;
  readonly cycles: number;
  instretAtEl0(): number;
  cyclesAtEl0(): number;
}

/**
 * Which perf-backed events may count (KVM's KVM_ARM_VCPU_PMU_V3_FILTER):
 * a counter (the cycle counter as CPU_CYCLES) whose event is not allowed
 * counts nothing. SW_INCR and CHAIN are not filtered.
 */
export interface PmuEventFilter {
  allows(event: number): boolean;
}

/** Maps the cpu's cycle count to kernel time (set by the machine that schedules the cpu). */
export interface PmuClock {
  /** The earliest kernel tick at which the cpu can have spent `cycles` cycles (its `cycles` count). */
  ticksWhen(cycles: number): Ticks;
}

const TWO32 = 1n << 32n;
export const MASK32 = TWO32 - 1n;
const TWO64 = 1n << 64n;
/** Overflows further ahead than this many cycles are not scheduled (kept exact in a Number). */
const MAX_AHEAD = 2 ** 52;
/** The cycle counter's PMCR_EL0.D prescaler. */
const DIVIDE = 64;

// what a counter counts
const SRC_NONE = 0;
const SRC_CYCLES = 1;
const SRC_INSTRET = 2;
// at which EL
const AT_ALL = 0;
const AT_EL0 = 1;
const AT_EL1 = 2;

/** The counters PMEVCNTR<0..n-1>_EL0 and PMCCNTR_EL0 (slot CYCLE_IDX) and what each counts. */
export class PmuCounters {
  /** counter values at the last update: slots 0..N-1 and CYCLE_IDX */
  readonly value: bigint[] = new Array<bigint>(32).fill(0n);
  /** cycles counted toward the next PMCR_EL0.D tick (0..63) */
  prescale = 0;
  /** odd counters that count CHAIN (enabled, evtCount 0x1E) as a bit map */
  private chain = 0;
  /** source count at the last update */
  private readonly mark = new Float64Array(32);
  private readonly src = new Uint8Array(32);
  private readonly at = new Uint8Array(32);

  constructor(
    private readonly n: number,
    private readonly source: PmuSource,
  ) {}

  /**
   * The counters into a running hash without bringing them up to date (an
   * update may signal an overflow): the values and marks at the last update
   * with what each counts; with the source's counts (hashed with the cpu)
   * they determine every counter.
   */
  digest(h: StateDigest): void {
    for (let i = 0; i < 32; i++) {
      if (i >= this.n && i !== CYCLE_IDX) continue;
      h.big(this.value[i]);
      h.num(this.mark[i]);
      h.int(this.src[i] | (this.at[i] << 8));
    }
    h.int(this.prescale);
    h.int(this.chain);
  }

  /**
   * Recompute what each counter counts (after PMCR.E, PMCNTEN, PMEVTYPER or
   * PMCCFILTR changed); the marks restart now.
   */
  configure(
    enabled: boolean,
    cnten: number,
    evtyper: Uint32Array,
    ccfiltr: number,
    events: PmuEventFilter | null = null,
  ): void {
    this.chain = 0;
    for (let i = 0; i < 32; i++) {
      if (i >= this.n && i !== CYCLE_IDX) continue;
      const filter = i === CYCLE_IDX ? ccfiltr : evtyper[i];
      const ev = i === CYCLE_IDX ? PmuEvent.CPU_CYCLES : filter & 0x3ff;
      const on = enabled && ((cnten >>> i) & 1) !== 0;
      let src = SRC_NONE;
      if (on)
        src = ev === PmuEvent.CPU_CYCLES ? SRC_CYCLES : ev === PmuEvent.INST_RETIRED ? SRC_INSTRET : SRC_NONE;
      if (src !== SRC_NONE && events !== null && !events.allows(ev)) src = SRC_NONE;
      if (on && (i & 1) === 1 && i !== CYCLE_IDX && ev === PmuEvent.CHAIN) this.chain |= 1 << i;
      const p = (filter >>> 31) & 1; // not at EL1
      const u = (filter >>> 30) & 1; // not at EL0
      let at = AT_ALL;
      if (p && u) src = SRC_NONE;
      else if (p) at = AT_EL0;
      else if (u) at = AT_EL1;
      this.src[i] = src;
      this.at[i] = at;
      this.mark[i] = this.sourceCount(i);
    }
  }

  private sourceCount(i: number): number {
    const s = this.source;
    const src = this.src[i];
    if (src === SRC_NONE) return 0;
    const total = src === SRC_CYCLES ? s.cycles : s.instret;
    const at = this.at[i];
    if (at === AT_ALL) return total;
    const el0 = src === SRC_CYCLES ? s.cyclesAtEl0() : s.instretAtEl0();
    return at === AT_EL0 ? el0 : total - el0;
  }

  /** Bring every counting counter up to now; returns the counters that overflowed as a bit map. */
  update(divided: boolean): number {
    let newOvs = 0;
    for (let i = 0; i < 32; i++) {
      if (this.src[i] === SRC_NONE) continue;
      const now = this.sourceCount(i);
      let d = now - this.mark[i];
      this.mark[i] = now;
      if (i === CYCLE_IDX && divided) {
        d += this.prescale;
        this.prescale = d % DIVIDE;
        d = Math.floor(d / DIVIDE);
      }
      if (d > 0) newOvs |= this.add(i, d);
    }
    return newOvs >>> 0;
  }

  /**
   * Add `d` to counter `i`; returns the counters that overflowed as a bit
   * map (event counters: 32 bits; the cycle counter: LC = 1, 64 bits): `i`,
   * and the odd counter above an even `i` when it counts CHAIN and wrapped
   * as it counted the even one's overflows.
   */
  add(i: number, d: number): number {
    const nv = this.value[i] + BigInt(d);
    if (i === CYCLE_IDX) {
      this.value[i] = BigInt.asUintN(64, nv);
      return nv >= TWO64 ? 1 << CYCLE_IDX : 0;
    }
    this.value[i] = nv & MASK32;
    if (nv < TWO32) return 0;
    const wraps = Number(nv >> 32n);
    return (1 << i) | ((this.chain >>> (i + 1)) & 1 ? this.add(i + 1, wraps) : 0);
  }

  /**
   * A PMSWINC_EL0 write of `bits` at `el`: each enabled event counter
   * counting SW_INCR and not filtered at that EL counts one. Returns the
   * counters that overflowed (a chained odd counter too).
   */
  softwareIncrement(bits: number, enabled: boolean, cnten: number, evtyper: Uint32Array, el: number): number {
    if (!enabled) return 0;
    let newOvs = 0;
    for (let i = 0; i < this.n; i++) {
      if ((((bits & cnten) >>> i) & 1) === 0) continue;
      const t = evtyper[i];
      if ((t & 0x3ff) !== PmuEvent.SW_INCR) continue;
      if (((t >>> (el === 0 ? 30 : 31)) & 1) !== 0) continue; // U at EL0, P at EL1
      newOvs |= this.add(i, 1);
    }
    return newOvs >>> 0;
  }

  /** The cpu cycle count at which the first counting counter can overflow at the earliest, or NEVER. */
  nextOverflowCycles(divided: boolean): number {
    let best = NEVER;
    const cycles = this.source.cycles;
    for (let i = 0; i < 32; i++) {
      if (this.src[i] === SRC_NONE) continue;
      const v = this.value[i];
      const left = i === CYCLE_IDX ? TWO64 - v : TWO32 - v;
      if (left > BigInt(MAX_AHEAD)) continue;
      let need = Number(left);
      if (i === CYCLE_IDX && divided) need = need * DIVIDE - this.prescale;
      if (need > MAX_AHEAD) continue;
      best = Math.min(best, cycles + need);
    }
    return best;
  }
}
