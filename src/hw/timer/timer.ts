// The generic timer of one PE (Arm ARM D11 "The Generic Timer in AArch64
// state"): the per-PE view of the system counter (CNTPCT, CNTVCT through
// CNTVOFF_EL2), CNTFRQ_EL0, CNTKCTL_EL1, and three timers:
//   CNTV  EL1 virtual timer,        counter CNTVCT, PPI 27
//   CNTP  EL1 physical timer,       counter CNTPCT, PPI 30
//   CNTHP EL2 physical timer,       counter CNTPCT, PPI 26
// Not modelled: the secure physical timer (CNTPS), the EL2 virtual timer
// (CNTHV, FEAT_VHE), FEAT_ECV (CNTPOFF_EL2, EVNTIS), the event stream, and
// E2H register redirection: those belong with a cpu that needs them.
// CNTHCTL_EL2 is kept as the hypervisor wrote it (`cnthctl`); the trap its
// EL1TVT bit makes is applied by the port that routes EL1 accesses
// (hw/board/sysreg-route.ts el2Traps).
//
// Reset values (architecturally UNKNOWN except CTL.ENABLE, which resets to 0
// on a Warm reset) are all 0 here, except CNTFRQ_EL0 which starts at the
// counter frequency, as if firmware had programmed it.

import type { Kernel } from '../../sim/kernel.ts';
import type { Saveable } from '../../sim/saveable.ts';
import { hex, lowMask } from '../../sim/bits.ts';
import type { TraceSink } from '../../sim/trace/sink.ts';
import { hex64, u64 } from '../../sim/u64.ts';
import { type IntId, PPI } from '../gic/intid.ts';
import type { SystemCounter } from './counter.ts';
import { CNTFRQ_WRITABLE, CNTKCTL_WRITABLE, TimerReg } from './sysregs.ts';
import { TimerChannel, type TimerChannelState } from './timer-channel.ts';
import type { StateDigest } from '../../sim/state-digest.ts';

export interface GenericTimerOptions {
  readonly counter: SystemCounter;
  readonly cpu: number;
  readonly trace: TraceSink;
  /** PPIs the outputs are wired to (default: the Arm BSA numbers in PPI) */
  readonly intids?: { readonly cntv?: IntId; readonly cntp?: IntId; readonly cnthp?: IntId };
}

export interface GenericTimerState {
  readonly version: 1;
  readonly cntvoff: bigint;
  readonly cntkctl: number;
  readonly cntfrq: number;
  /** CNTHCTL_EL2 (absent in snapshots from before it was modelled: 0) */
  readonly cnthctl?: number;
  readonly cntv: TimerChannelState;
  readonly cntp: TimerChannelState;
  readonly cnthp: TimerChannelState;
}

const LOW32 = BigInt(lowMask(32));

export class GenericTimer implements Saveable<GenericTimerState> {
  /** EL1 virtual timer (compares CNTVCT) */
  readonly cntv: TimerChannel;
  /** EL1 physical timer (compares CNTPCT) */
  readonly cntp: TimerChannel;
  /** EL2 physical timer (compares CNTPCT) */
  readonly cnthp: TimerChannel;

  private readonly kernel: Kernel;
  private cntvoffValue = 0n;
  /** CNTVOFF_EL2's unsigned 32-bit halves: counter reads (CNTVCT_EL0) subtract them without BigInt */
  private cntvoffLoValue = 0;
  private cntvoffHiValue = 0;
  /** the value CNTVOFF_EL2 had before the last change, with its halves */
  private prevCntvoff = 0n;
  private prevCntvoffLo = 0;
  private prevCntvoffHi = 0;
  private cntkctlValue = 0;
  private cntfrqValue: number;
  /** CNTHCTL_EL2, as EL2 wrote it */
  private cnthctlValue = 0;

  constructor(private readonly opts: GenericTimerOptions) {
    const kernel = opts.counter.kernel;
    this.kernel = kernel;
    this.cntfrqValue = opts.counter.counterHz;
    const base = { kernel, cpu: opts.cpu, trace: opts.trace };
    this.cntv = new TimerChannel({
      ...base,
      name: 'cntv',
      regPrefix: 'CNTV',
      regSuffix: 'EL0',
      intid: opts.intids?.cntv ?? PPI.VIRT_TIMER,
    });
    this.cntp = new TimerChannel({
      ...base,
      name: 'cntp',
      regPrefix: 'CNTP',
      regSuffix: 'EL0',
      intid: opts.intids?.cntp ?? PPI.PHYS_TIMER,
    });
    this.cnthp = new TimerChannel({
      ...base,
      name: 'cnthp',
      regPrefix: 'CNTHP',
      regSuffix: 'EL2',
      intid: opts.intids?.cnthp ?? PPI.HYP_TIMER,
    });
  }

  get cpu(): number {
    return this.opts.cpu;
  }

  /** CNTPCT_EL0 */
  cntpct(): bigint {
    return BigInt(this.kernel.now);
  }

  /** CNTVCT_EL0 = (CNTPCT - CNTVOFF_EL2) mod 2^64 */
  cntvct(): bigint {
    return this.cntv.count();
  }

  get cntvoff(): bigint {
    return this.cntvoffValue;
  }

  /** CNTVOFF_EL2 write (hypervisor or userspace): the virtual line may rise or fall at once. */
  setCntvoff(value: bigint): void {
    const v = value === this.cntvoffValue ? value : u64(value);
    const tr = this.opts.trace;
    if (tr.enabled)
      tr.emit({
        kind: 'reg',
        t: this.kernel.now,
        cpu: this.opts.cpu,
        block: 'timer',
        reg: TimerReg.CNTVOFF_EL2,
        op: 'w',
        value: hex64(v),
      });
    this.setCntvoffValue(v);
    this.cntv.setOffset(v);
  }

  /** CNTVOFF_EL2[31:0] and [63:32], unsigned. */
  get cntvoffLo(): number {
    return this.cntvoffLoValue;
  }

  get cntvoffHi(): number {
    return this.cntvoffHiValue;
  }

  private setCntvoffValue(v: bigint): void {
    if (v === this.cntvoffValue) return;
    const { cntvoffValue, cntvoffLoValue, cntvoffHiValue } = this;
    if (v === this.prevCntvoff) {
      // back to the value before (a world switch: the guest's, 0 for the host): its halves are known
      this.cntvoffLoValue = this.prevCntvoffLo;
      this.cntvoffHiValue = this.prevCntvoffHi;
    } else {
      this.cntvoffLoValue = Number(v & 0xffff_ffffn);
      this.cntvoffHiValue = Number(v >> 32n);
    }
    this.cntvoffValue = v;
    this.prevCntvoff = cntvoffValue;
    this.prevCntvoffLo = cntvoffLoValue;
    this.prevCntvoffHi = cntvoffHiValue;
  }

  get cntkctl(): number {
    return this.cntkctlValue;
  }

  get cntfrq(): number {
    return this.cntfrqValue;
  }

  /** CNTHCTL_EL2 (EL2 only: the hypervisor's vcpu load and put write it). */
  get cnthctl(): number {
    return this.cnthctlValue;
  }

  set cnthctl(value: number) {
    this.cnthctlValue = value >>> 0;
  }

  /** MRS: the 64-bit value of a timer register at the kernel's current time. */
  readSysReg(reg: TimerReg): bigint {
    switch (reg) {
      case TimerReg.CNTFRQ_EL0:
        return BigInt(this.cntfrqValue);
      case TimerReg.CNTPCT_EL0:
        return this.cntpct();
      case TimerReg.CNTVCT_EL0:
        return this.cntvct();
      case TimerReg.CNTKCTL_EL1:
        return BigInt(this.cntkctlValue);
      case TimerReg.CNTVOFF_EL2:
        return this.cntvoffValue;
      case TimerReg.CNTV_CTL_EL0:
        return BigInt(this.cntv.readCtl());
      case TimerReg.CNTV_CVAL_EL0:
        return this.cntv.readCval();
      case TimerReg.CNTV_TVAL_EL0:
        return tvalRegister(this.cntv);
      case TimerReg.CNTP_CTL_EL0:
        return BigInt(this.cntp.readCtl());
      case TimerReg.CNTP_CVAL_EL0:
        return this.cntp.readCval();
      case TimerReg.CNTP_TVAL_EL0:
        return tvalRegister(this.cntp);
      case TimerReg.CNTHP_CTL_EL2:
        return BigInt(this.cnthp.readCtl());
      case TimerReg.CNTHP_CVAL_EL2:
        return this.cnthp.readCval();
      case TimerReg.CNTHP_TVAL_EL2:
        return tvalRegister(this.cnthp);
    }
  }

  /**
   * MSR: write a timer register at the kernel's current time. Returns false
   * (and changes nothing) for the read-only counters, whose MSR the cpu
   * makes UNDEFINED.
   */
  writeSysReg(reg: TimerReg, value: bigint): boolean {
    switch (reg) {
      case TimerReg.CNTPCT_EL0:
      case TimerReg.CNTVCT_EL0:
        return false;
      case TimerReg.CNTFRQ_EL0:
        // ClockFreq only informs software; it does not change the counting rate.
        this.cntfrqValue = Number(value & BigInt(CNTFRQ_WRITABLE));
        this.traceWrite(reg, hex(this.cntfrqValue));
        return true;
      case TimerReg.CNTKCTL_EL1:
        this.cntkctlValue = Number(value & BigInt(CNTKCTL_WRITABLE));
        this.traceWrite(reg, hex(this.cntkctlValue));
        return true;
      case TimerReg.CNTVOFF_EL2:
        this.setCntvoff(value);
        return true;
      case TimerReg.CNTV_CTL_EL0:
        this.cntv.writeCtl(Number(value & LOW32));
        return true;
      case TimerReg.CNTV_CVAL_EL0:
        this.cntv.writeCval(value);
        return true;
      case TimerReg.CNTV_TVAL_EL0:
        this.cntv.writeTval(value);
        return true;
      case TimerReg.CNTP_CTL_EL0:
        this.cntp.writeCtl(Number(value & LOW32));
        return true;
      case TimerReg.CNTP_CVAL_EL0:
        this.cntp.writeCval(value);
        return true;
      case TimerReg.CNTP_TVAL_EL0:
        this.cntp.writeTval(value);
        return true;
      case TimerReg.CNTHP_CTL_EL2:
        this.cnthp.writeCtl(Number(value & LOW32));
        return true;
      case TimerReg.CNTHP_CVAL_EL2:
        this.cnthp.writeCval(value);
        return true;
      case TimerReg.CNTHP_TVAL_EL2:
        this.cnthp.writeTval(value);
        return true;
    }
  }

  private traceWrite(reg: string, value: string): void {
    const tr = this.opts.trace;
    if (tr.enabled)
      tr.emit({ kind: 'reg', t: this.kernel.now, cpu: this.opts.cpu, block: 'timer', reg, op: 'w', value });
  }

  save(): GenericTimerState {
    return {
      version: 1,
      cntvoff: this.cntvoffValue,
      cntkctl: this.cntkctlValue,
      cntfrq: this.cntfrqValue,
      cnthctl: this.cnthctlValue,
      cntv: this.cntv.save(),
      cntp: this.cntp.save(),
      cnthp: this.cnthp.save(),
    };
  }

  /** What save() holds, into a running hash. */
  digest(h: StateDigest): void {
    h.big(this.cntvoffValue);
    h.int(this.cntkctlValue);
    h.int(this.cntfrqValue);
    h.int(this.cnthctlValue);
    this.cntv.digest(h);
    this.cntp.digest(h);
    this.cnthp.digest(h);
  }

  /** Every timer disabled, CVAL 0, outputs low, CNTVOFF and CNTKCTL 0, CNTFRQ the counter's frequency. */
  defaultState(): GenericTimerState {
    const off: TimerChannelState = { ctl: 0, cval: 0n, level: false };
    const regs = { cntvoff: 0n, cntkctl: 0, cntfrq: this.opts.counter.counterHz, cnthctl: 0 };
    return { version: 1, ...regs, cntv: off, cntp: off, cnthp: off };
  }

  reset(): void {
    this.restore(this.defaultState());
  }

  /**
   * Restore into a timer built with the same options. Restore the kernel
   * before or after: either order yields the same pending expiry events.
   */
  restore(s: GenericTimerState): void {
    if (s.version !== 1) throw new RangeError(`generic timer snapshot version ${s.version} is not supported`);
    this.setCntvoffValue(u64(s.cntvoff));
    this.cntkctlValue = (s.cntkctl & CNTKCTL_WRITABLE) >>> 0;
    this.cntfrqValue = (s.cntfrq & CNTFRQ_WRITABLE) >>> 0;
    this.cnthctlValue = (s.cnthctl ?? 0) >>> 0;
    this.cntv.restore(s.cntv, this.cntvoffValue);
    this.cntp.restore(s.cntp, 0n);
    this.cnthp.restore(s.cnthp, 0n);
  }
}

/** The 64-bit TVAL register: TimerValue in [31:0], [63:32] RES0 (read 0). */
function tvalRegister(ch: TimerChannel): bigint {
  return BigInt(ch.readTval() >>> 0);
}
