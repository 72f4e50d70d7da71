// PMUv3 (Performance Monitors Extension, Armv8.0; Arm ARM DDI 0487 chapter
// D13) of one cpu: PMCR_EL0, the cycle counter PMCCNTR_EL0 (64-bit, overflow
// recorded at 32 or 64 bits by PMCR_EL0.LC, every 64th cycle with PMCR_EL0.D),
// N 32-bit event counters PMEVCNTR<n>_EL0 with their PMEVTYPER<n>_EL0, the
// enable, overflow and interrupt-enable bit maps, PMSELR_EL0 and its
// indirect views, PMSWINC_EL0, PMUSERENR_EL0, PMCEID0/1_EL0, and the
// overflow interrupt request output (PMUIRQ: a level, wired to PPI 23).
//
// Counting is lazy (pmu-counting.ts): nothing runs per instruction. The
// instant of the next overflow is computed and a kernel event scheduled
// there (through PmuClock, which maps the cpu's cycles to kernel time); when
// it fires the counters are brought up to date and the overflow flags set.
// The instant is a lower bound: if the cpu spent time without cycles (WFI,
// hypervisor exits) the overflow has not happened yet and the event is moved
// on. PMCEID0_EL0 advertises exactly the events counted: SW_INCR (0x00),
// INST_RETIRED (0x08), CPU_CYCLES (0x11), CHAIN (0x1E). There is no EL2 or
// EL3 in the machine the guest sees, so PMEVTYPER's NSK, NSU, NSH select
// nothing (kept or RES0 as `evtypeMask` says). The configuration registers
// as data are pmu-register-file.ts'.

import type { EventHandler, EventId, Kernel } from '../../sim/kernel.ts';
import type { Saveable } from '../../sim/saveable.ts';
import { Signal } from '../../sim/signal.ts';
import { NEVER } from '../../sim/time.ts';
import type { TraceSink } from '../../sim/trace/sink.ts';
import { NULL_SINK } from '../../sim/trace/sink.ts';
import { MASK32, type PmuClock, PmuCounters, type PmuEventFilter, type PmuSource } from './pmu-counting.ts';
import { PmuRegisterFile, type PmuRegisterState } from './pmu-register-file.ts';
import { CYCLE_IDX, hasAccessor, PmuReg, pmuRegName } from './pmu-regs.ts';
import type { StateDigest } from '../../sim/state-digest.ts';

export type { PmuClock, PmuEventFilter, PmuSource } from './pmu-counting.ts';

/** Told when a counter overflows (KVM's perf overflow handler, kvm_pmu_perf_overflow). */
export interface PmuOverflowListener {
  pmuOverflow(pmu: Pmu): void;
}

export interface PmuOptions {
  readonly kernel: Kernel;
  /** event and signal name prefix: 'cpu0' gives the event 'cpu0.pmu.overflow' and the output 'cpu0.pmu' */
  readonly name: string;
  readonly cpu: number;
  readonly source: PmuSource;
  /** PMCR_EL0.N (default 6, Cortex-A57's) */
  readonly counters?: number;
  /** PMCR_EL0.D divides the cycle counter by 64 (default true; KVM's emulation ignores it) */
  readonly divider?: boolean;
  /** writable PMEVTYPER/PMCCFILTR bits (default P, U and evtCount: no EL2, no EL3) */
  readonly evtypeMask?: number;
  /** PMCR_EL0.IMP and IDCODE as bits [31:16] (default Cortex-A57's: 0x4101_0000; KVM's vPMU: 0) */
  readonly pmcrId?: number;
  readonly trace?: TraceSink;
}

export interface PmuState extends PmuRegisterState {
  readonly version: 1;
  /** PMEVCNTR<n>_EL0 then PMCCNTR_EL0, as read at save time */
  readonly counters: bigint[];
  /** cycles counted toward the next PMCR_EL0.D tick (0..63) */
  readonly prescale: number;
  readonly level: boolean;
}

/** Cortex-A57's PMCR_EL0 identity: IMP 0x41 (Arm), IDCODE 0x01. */
const PMCR_ID = ((0x41 << 24) | (0x01 << 16)) >>> 0;
const DEFAULT_EVTYPE_MASK = 0xc000_03ff;
export class Pmu implements EventHandler, Saveable<PmuState> {
  readonly output: Signal;
  /** PMCR_EL0.N */
  readonly n: number;
  clock: PmuClock | null = null;
  overflowListener: PmuOverflowListener | null = null;
  private eventFilter: PmuEventFilter | null = null;
  private readonly event: EventId;
  private readonly trace: TraceSink;
  private readonly divider: boolean;
  /** the configuration registers */
  private readonly r: PmuRegisterFile;
  /** the counters' values and what each counts */
  private readonly bank: PmuCounters;

  constructor(readonly opts: PmuOptions) {
    this.n = opts.counters ?? 6;
    if (!Number.isInteger(this.n) || this.n < 0 || this.n > 31)
      throw new RangeError(`PMCR_EL0.N must be 0..31, got ${this.n}`);
    this.divider = opts.divider ?? true;
    this.trace = opts.trace ?? NULL_SINK;
    this.r = new PmuRegisterFile(
      this.n,
      opts.evtypeMask ?? DEFAULT_EVTYPE_MASK,
      (opts.pmcrId ?? PMCR_ID) & 0xffff_0000,
    );
    this.bank = new PmuCounters(this.n, opts.source);
    this.output = new Signal(`${opts.name}.pmu`);
    this.event = opts.kernel.createEvent(`${opts.name}.pmu.overflow`, this);
  }

  /** Counters that exist as a bit map (PMCNTEN/PMOVS/PMINTEN writable bits). */
  get counterMask(): number {
    return this.r.counterMask;
  }
  get enabled(): boolean {
    return this.r.enabled;
  }
  get overflowFlags(): number {
    return this.r.ovs >>> 0;
  }
  get counterEnables(): number {
    return this.r.cnten >>> 0;
  }
  get interruptEnables(): number {
    return this.r.inten >>> 0;
  }
  /** PMSELR_EL0.SEL */
  get selected(): number {
    return this.r.selr;
  }
  /** PMUSERENR_EL0 (the cpu's EL0 access check reads it) */
  get userenr(): number {
    return this.r.userenr;
  }

  /** The overflow interrupt request (Arm ARM D13, "Generating overflow interrupt requests"): PMCR_EL0.E && PMOVSSET & PMINTENSET. */
  private irqLevel(): boolean {
    return this.r.enabled && (this.r.ovs & this.r.inten) !== 0;
  }

  // ---- register access ------------------------------------------------------

  /**
   * MRS of a PMU register (`reg` with `n` for the numbered ones). Returns
   * undefined for an access that is UNDEFINED here: the register has no
   * MRS accessor, or names a counter that does not exist (n >= PMCR_EL0.N:
   * CONSTRAINED UNPREDICTABLE, this model takes UNDEFINED).
   */
  read(reg: PmuReg, n = 0): bigint | undefined {
    if (!hasAccessor(reg, false)) return undefined;
    const sel = this.r.selr;
    switch (reg) {
      case PmuReg.PMCCNTR_EL0:
        return this.counter(CYCLE_IDX);
      case PmuReg.PMXEVCNTR_EL0:
        // SEL = 31 names no event counter: CONSTRAINED UNPREDICTABLE, RAZ here.
        return sel === CYCLE_IDX ? 0n : this.read(PmuReg.PMEVCNTR_EL0, sel);
      case PmuReg.PMEVCNTR_EL0:
        return n < this.n ? this.counter(n) : undefined;
      case PmuReg.PMOVSSET_EL0:
      case PmuReg.PMOVSCLR_EL0:
        this.update(); // an overflow up to now is in the flags
        break;
    }
    return this.r.read(reg, n);
  }

  /** MSR of a PMU register; returns false for an UNDEFINED access (see read). */
  write(reg: PmuReg, value: bigint, n = 0): boolean {
    if (!hasAccessor(reg, true)) return false;
    const v = Number(value & MASK32) >>> 0;
    this.traceWrite(reg, n, value);
    // Fold what was counted under the old configuration before changing it.
    this.update();
    const sel = this.r.selr;
    switch (reg) {
      case PmuReg.PMCR_EL0: {
        const wasD = (this.r.pmcr & 8) !== 0;
        this.r.write(reg, v, n);
        if ((v & 2) !== 0) for (let i = 0; i < this.n; i++) this.bank.value[i] = 0n; // P
        if ((v & 4) !== 0 || wasD !== ((v & 8) !== 0)) this.bank.prescale = 0; // C, or D changed
        if ((v & 4) !== 0) this.bank.value[CYCLE_IDX] = 0n;
        break;
      }
      case PmuReg.PMSWINC_EL0:
        this.softwareIncrement(v);
        break;
      case PmuReg.PMCCNTR_EL0:
        this.bank.value[CYCLE_IDX] = BigInt.asUintN(64, value);
        break;
      case PmuReg.PMXEVCNTR_EL0:
        if (sel < this.n) this.bank.value[sel] = BigInt(v);
        else if (sel !== CYCLE_IDX) return false;
        break;
      case PmuReg.PMEVCNTR_EL0:
        if (n >= this.n) return false;
        this.bank.value[n] = BigInt(v);
        break;
      default:
        if (!this.r.write(reg, v, n)) return false;
    }
    this.configure();
    this.refresh();
    return true;
  }

  /**
   * A write from outside the cpu (a hypervisor's userspace restoring state,
   * KVM_SET_ONE_REG): the value replaces the register, so a SET/CLR pair
   * names one register (PMCNTENSET/CLR, PMOVSSET/CLR, PMINTENSET/CLR);
   * PMCR_EL0.N, IMP and IDCODE stay; P and C act as in a guest write.
   * Returns false for a register with no state here (PMSWINC, PMCEID*,
   * PMXEV*) or a counter that does not exist.
   */
  setUser(reg: PmuReg, value: bigint, n = 0): boolean {
    switch (reg) {
      case PmuReg.PMSWINC_EL0:
      case PmuReg.PMCEID0_EL0:
      case PmuReg.PMCEID1_EL0:
      case PmuReg.PMXEVCNTR_EL0:
      case PmuReg.PMXEVTYPER_EL0:
        return false;
    }
    this.update();
    if (!this.r.replace(reg, Number(value & MASK32) >>> 0)) return this.write(reg, value, n);
    this.configure();
    this.refresh();
    return true;
  }

  /** Counter `i`'s current value (PMEVCNTR<i>, or PMCCNTR at CYCLE_IDX). */
  counter(i: number): bigint {
    this.update();
    this.refresh();
    return this.bank.value[i];
  }

  // ---- counting ---------------------------------------------------------------

  private configure(): void {
    const r = this.r;
    this.bank.configure(r.enabled, r.cnten, r.evtyper, r.ccfiltr, this.eventFilter);
  }

  /** Which events may count (a hypervisor's event filter); null: all. Counting restarts under it. */
  setEventFilter(filter: PmuEventFilter | null): void {
    this.update();
    this.eventFilter = filter;
    this.configure();
    this.refresh();
  }

  /** PMCR_EL0.D divides the cycle counter (where the implementation has the divider). */
  private get divided(): boolean {
    return this.divider && (this.r.pmcr & 8) !== 0;
  }

  /** Bring every counting counter up to now, recording overflows. */
  private update(): void {
    const newOvs = this.bank.update(this.divided);
    if (newOvs !== 0) {
      this.r.ovs = (this.r.ovs | newOvs) >>> 0;
      this.refresh();
      this.overflowListener?.pmuOverflow(this);
    }
  }

  private softwareIncrement(bits: number): void {
    const newOvs = this.bank.softwareIncrement(
      bits,
      this.enabled,
      this.r.cnten,
      this.r.evtyper,
      this.opts.source.el,
    );
    if (newOvs !== 0) {
      this.r.ovs = (this.r.ovs | newOvs) >>> 0;
      this.overflowListener?.pmuOverflow(this);
    }
  }

  /** Drive the output and arm the event for the next overflow. */
  private refresh(): void {
    this.setLevel(this.irqLevel());
    this.armOverflow(false);
  }

  /** Schedule the overflow event at the next possible overflow (none: cancel); `keepPending` leaves one already scheduled. */
  private armOverflow(keepPending: boolean): void {
    const k = this.opts.kernel;
    const next = this.bank.nextOverflowCycles(this.divided);
    if (next === NEVER || this.clock === null) k.cancel(this.event);
    else if (!keepPending || k.timeOf(this.event) === NEVER)
      k.schedule(this.event, Math.max(this.clock.ticksWhen(next), k.now + 1));
  }

  onEvent(): void {
    this.update();
    this.refresh();
  }

  private setLevel(level: boolean): void {
    if (level === this.output.level) return;
    const tr = this.trace;
    if (tr.enabled)
      tr.emit({ kind: 'line', t: this.opts.kernel.now, cpu: this.opts.cpu, signal: this.output.name, level });
    this.output.set(level);
  }

  private traceWrite(reg: PmuReg, n: number, value: bigint): void {
    const tr = this.trace;
    if (tr.enabled)
      tr.emit({
        kind: 'reg',
        t: this.opts.kernel.now,
        cpu: this.opts.cpu,
        block: 'pmu',
        reg: pmuRegName(reg, n),
        op: 'w',
        value: `0x${value.toString(16)}`,
      });
  }

  // ---- state is data ------------------------------------------------------------

  save(): PmuState {
    this.update();
    const counters: bigint[] = [];
    for (let i = 0; i < this.n; i++) counters.push(this.bank.value[i]);
    counters.push(this.bank.value[CYCLE_IDX]);
    return { version: 1, ...this.r.save(), counters, prescale: this.bank.prescale, level: this.output.level };
  }

  /** The PMU into a running hash (the explorer's), without the update save() makes (it may signal an overflow). */
  digest(h: StateDigest): void {
    this.r.digest(h);
    this.bank.digest(h);
    h.int(this.output.level ? 1 : 0);
  }

  /**
   * Restore registers and counter values; counting resumes from the cpu's
   * counts as they are now (restore the cpu first). The output takes the
   * saved level without notifying. A pending overflow event the restored
   * kernel holds is left alone (same instant, same order); one is armed
   * only if there is none.
   */
  restore(s: PmuState): void {
    if (s.version !== 1) throw new RangeError(`PMU snapshot version ${s.version} is not supported`);
    if (s.evtyper.length !== this.n || s.counters.length !== this.n + 1)
      throw new RangeError(`PMU snapshot of ${s.evtyper.length} counters restored into ${this.n}`);
    this.r.restore(s);
    for (let i = 0; i < this.n; i++) this.bank.value[i] = s.counters[i] & MASK32;
    this.bank.value[CYCLE_IDX] = BigInt.asUintN(64, s.counters[this.n]);
    this.bank.prescale = s.prescale;
    this.output.restoreLevel(s.level);
    this.configure();
    this.armOverflow(true);
  }

  /** Reset (Arm ARM: PMCR_EL0.E = 0; the rest UNKNOWN, 0 here): nothing counts, every flag clear. */
  defaultState(): PmuState {
    return {
      version: 1,
      ...this.r.defaultState(),
      counters: new Array<bigint>(this.n + 1).fill(0n),
      prescale: 0,
      level: false,
    };
  }

  reset(): void {
    this.restore(this.defaultState());
  }

  /**
   * The cpu's Warm reset (PSCI CPU_ON): every register at its reset value
   * (PMCR_EL0.E = 0 architecturally, the rest UNKNOWN: 0 here) and the
   * overflow request dropped, telling the GIC (unlike restore()).
   */
  warmReset(): void {
    const wasHigh = this.output.level;
    this.reset();
    if (wasHigh) {
      this.output.restoreLevel(true);
      this.setLevel(false);
    }
  }
}
