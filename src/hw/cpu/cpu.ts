// The AArch64 interpreter: one core, executing decoded ops from the shared
// decode cache in blocks. run(n) runs for up to n cycles (one per
// instruction, one per exception entry: exceptions.ts) and returns why it
// stopped; the budget is exact. Interrupts are
// checked at the start of run() and after instructions that can unmask or
// raise them (MSR DAIF*, ERET, SVC); a port call ends the run, so the
// machine re-reads its deadlines. The hot ALU and branch ops are inline;
// the rest are out-of-line executors that report a status (ST_*).

import type { Saveable } from '../../sim/saveable.ts';
import type { SignalListener } from '../../sim/signal.ts';
import type { GuestRam } from '../mem/guest-ram.ts';
import { CpuExec } from './cpu-exec.ts';
import { type DecodeCache, sharedDecodeCache } from './decode-cache.ts';
import { FSC_SYNC_EXTERNAL, takeDataAbort, takeUndefined } from './exceptions.ts';
import type { GuestPort, StopReason } from './guest-port.ts';
import { retireTrappedSysreg } from './exec-sysreg.ts';
import { defaultCpuState, restoreCpu, saveCpu, type CpuState } from './cpu-save.ts';

export class CpuError extends Error {
  override name = 'CpuError';
}

export class Cpu extends CpuExec implements SignalListener, Saveable<CpuState> {
  /**
   * `index`: the cpu's number (its MPIDR_EL1 affinity, mpidr.ts) and slot
   * in the RAM's exclusive monitor (0..MAX_CPUS-1). `cache`: the machine's decode cache (default: the one
   * shared by every cpu on `ram`). The cpu starts at PC 0 in EL1h.
   */
  constructor(index: number, ram: GuestRam, port: GuestPort, cache: DecodeCache = sharedDecodeCache(ram)) {
    if (!Number.isInteger(index) || index < 0 || index >= ram.excl.length)
      throw new CpuError(`cpu index ${index} out of range 0..${ram.excl.length - 1}`);
    super(index, ram, port, cache);
  }

  setIrq(level: boolean): void {
    this.irqLine = level;
  }
  setFiq(level: boolean): void {
    this.fiqLine = level;
  }
  /** Signal input: connect a GIC's IRQ output with arg 0, FIQ with arg 1. */
  onSignal(arg: number, level: boolean): void {
    if (arg === 0) this.irqLine = level;
    else this.fiqLine = level;
  }

  /** Execute up to `max` instructions. */
  run(max: number): StopReason {
    if (this.pendingExit !== 0) throw new CpuError('run() with an exit outstanding: complete it first');
    this.stopRequested = false;
    const r = this.exec(max, true);
    if (this.bpHit < 0) return r;
    // The instruction at a breakpoint has executed: tell the machine, which may ask to stop.
    const at = this.bpHit;
    this.bpHit = -1;
    const cbs = this.breakpoints.get(at);
    if (cbs !== undefined) for (const cb of [...cbs]) cb(at);
    return r === 'budget' && this.stopRequested ? 'stopped' : r;
  }

  /**
   * Call `cb` right after the instruction at `address` executes (scenario
   * `after: { label }` events); returns a function that removes it. Costs one
   * compare per instruction while any breakpoint is set.
   */
  addBreakpoint(address: number, cb: (address: number) => void): () => void {
    let set = this.breakpoints.get(address);
    if (set === undefined) {
      set = new Set();
      this.breakpoints.set(address, set);
    }
    set.add(cb);
    this.bpAddrs = [...this.breakpoints.keys()];
    return () => {
      set.delete(cb);
      if (set.size === 0) this.breakpoints.delete(address);
      this.bpAddrs = [...this.breakpoints.keys()];
    };
  }

  private readonly breakpoints = new Map<number, Set<(address: number) => void>>();

  /** Finish a stopped MMIO load: Rt gets `value` (extended as the instruction says), PC advances. */
  completeMmioRead(value: bigint | number): StopReason {
    if (this.pendingExit !== 1 || this.mmio.write) throw new CpuError('no MMIO read outstanding');
    return this.replayWith(value);
  }
  /** Finish a stopped MMIO store (the machine has performed it). */
  completeMmioWrite(): StopReason {
    if (this.pendingExit !== 1 || !this.mmio.write) throw new CpuError('no MMIO write outstanding');
    return this.replayWith(0);
  }
  /** Finish a stopped MRS: Rt gets `value`, PC advances (retired in place, not replayed). */
  completeSysregRead(value: bigint | number): StopReason {
    if (this.pendingExit !== 2 || this.sysregAccess.write)
      throw new CpuError('no system register read outstanding');
    this.pendingExit = 0;
    this.bpHit = -1; // reported when it stopped (see replayWith)
    if (typeof value === 'number' && value >= 0 && value <= 0xffff_ffff && Number.isInteger(value))
      return retireTrappedSysreg(this, value | 0, 0);
    const v = BigInt.asUintN(64, BigInt(value));
    return retireTrappedSysreg(this, Number(v & 0xffff_ffffn) | 0, Number(v >> 32n) | 0);
  }
  /** Finish a stopped MSR (the machine has performed it). */
  completeSysregWrite(): StopReason {
    if (this.pendingExit !== 2 || !this.sysregAccess.write)
      throw new CpuError('no system register write outstanding');
    this.pendingExit = 0;
    this.bpHit = -1;
    return retireTrappedSysreg(this, 0, 0);
  }
  /** Refuse an outstanding MMIO exit: synchronous external abort at the instruction. */
  abortPendingMmio(): void {
    if (this.pendingExit !== 1) throw new CpuError('no MMIO access outstanding');
    this.pendingExit = 0;
    takeDataAbort(this, this.mmio.va, this.mmio.write, FSC_SYNC_EXTERNAL);
  }
  /** Take the UNDEFINED exception with preferred return `pc` (e.g. an SMC with no firmware: pc - 4). */
  injectUndefined(pc: number = this.pc): void {
    this.pendingExit = 0;
    this.pc = pc;
    takeUndefined(this);
  }

  /** Re-execute the stopped instruction; its port access of that kind returns `value` instead. */
  private replayWith(value: bigint | number): StopReason {
    if (typeof value === 'number' && value >= 0 && value <= 0xffff_ffff && Number.isInteger(value)) {
      // the common case (a 32-bit register, a completed write): no BigInt
      this.replayLo = value | 0;
      this.replayHi = 0;
    } else {
      const v = BigInt.asUintN(64, BigInt(value));
      this.replayLo = Number(v & 0xffff_ffffn) | 0;
      this.replayHi = Number(v >> 32n) | 0;
    }
    this.replay = true;
    this.pendingExit = 0;
    const hit = this.bpHit;
    const r = this.exec(1, false);
    // A breakpoint on this instruction was reported when it stopped: the replay must not report it again.
    this.bpHit = hit;
    this.replay = false;
    // A breakpoint on the replayed instruction fired when it stopped (run());
    // left armed, it would fire again at the next run() and hide the next one.
    this.bpHit = -1;
    return r;
  }

  save(): CpuState {
    return saveCpu(this);
  }
  restore(s: CpuState): void {
    restoreCpu(this, s);
  }
  defaultState(): CpuState {
    return defaultCpuState(this.index);
  }
  /** Power-on reset: restore(defaultState()). warmReset(entry) is the reset PSCI CPU_ON and a loader ask for. */
  reset(): void {
    this.restore(this.defaultState());
  }
}
