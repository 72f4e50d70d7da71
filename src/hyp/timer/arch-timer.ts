// The hypervisor's per-vcpu view of the generic timer (KVM's arch_timer_cpu
// in the 2015 era of the seed): the guest's virtual timer runs on the
// hardware CNTV while the vcpu is loaded and is saved here while it is not;
// the guest's physical timer (CNTP) is emulated in software because its
// accesses trap. This file is mechanism only: the level of each timer
// output, the world-switch save/restore, the soft timers. What to tell the
// vgic, and when, is the generation's timer policy (src/hyp/policy); the
// vgic is reached through its facade only.

import { fieldMask } from '../../sim/bits.ts';
import type { EventHandler, EventId, Kernel } from '../../sim/kernel.ts';
import type { Saveable } from '../../sim/saveable.ts';
import { NEVER, type Ticks } from '../../sim/time.ts';
import type { TraceSink } from '../../sim/trace/sink.ts';
import { signExtend32, sub64, toS32, u64 } from '../../sim/u64.ts';
import { type IntId, PPI } from '../../hw/gic/intid.ts';
import { CNTHCTL, CTL, CTL_WRITABLE, TimerReg } from '../../hw/timer/sysregs.ts';
import type { GenericTimer } from '../../hw/timer/timer.ts';
import { ConditionWindow } from '../../hw/timer/condition-window.ts';
import type { InjectResult, VgicFacade } from '../vgic/facade.ts';
import type { PhysIrqChip } from '../vgic/ports.ts';
import type { TimerCounters } from './timer-counters.ts';

const ENABLE = fieldMask(CTL.ENABLE);
const IMASK = fieldMask(CTL.IMASK);
const ISTATUS = fieldMask(CTL.ISTATUS);
const EL1TVT = fieldMask(CNTHCTL.EL1TVT);
const CTL_WRITABLE_BIG = BigInt(CTL_WRITABLE);

/** Which of the guest's two EL1 timers. */
export const TimerId = {
  /** CNTV: hardware-backed, PPI 27 mapped to physical PPI 27 */
  Virt: 0,
  /** CNTP: emulated (accesses trap), PPI 30, unmapped */
  Phys: 1,
} as const;
export type TimerId = (typeof TimerId)[keyof typeof TimerId];

/** Wakes a vcpu blocked in WFI (kvm_vcpu_kick from the soft timer). */
export interface VcpuWaker {
  wake(vcpu: number, why: 'bg-timer'): void;
}

export interface ArchTimerOptions {
  readonly vcpu: number;
  readonly kernel: Kernel;
  readonly vgic: VgicFacade;
  readonly phys: PhysIrqChip;
  /** The hardware timer of the physical cpu this vcpu starts on (moveTo() when it migrates). */
  readonly hw: GenericTimer;
  readonly waker: VcpuWaker;
  readonly trace: TraceSink;
  readonly counters: TimerCounters;
  /** Set CNTHCTL_EL2.EL1TVT while loaded: the guest's CNTV_* accesses trap (the trap-timer design). */
  readonly trapVtimer?: boolean;
}

export interface ArchTimerState {
  readonly version: 1;
  readonly cntvCtl: number;
  readonly cntvCval: bigint;
  readonly cntvoff: bigint;
  readonly cntpCtl: number;
  readonly cntpCval: bigint;
  readonly level: [boolean, boolean];
}

export class ArchTimer implements EventHandler, Saveable<ArchTimerState> {
  /** guest CNTV_CTL_EL0 (ENABLE|IMASK) while not loaded */
  cntvCtl = 0;
  cntvCval = 0n;
  /** CNTVOFF_EL2 for this vcpu (the same VM-wide value on every vcpu) */
  cntvoff = 0n;
  /** emulated guest CNTP_CTL_EL0 (ENABLE|IMASK) */
  cntpCtl = 0;
  cntpCval = 0n;
  /** `irq.level` of the seed: the last level signalled to the vgic, per timer */
  readonly level: [boolean, boolean] = [false, false];
  /** the guest's CNTV is in the hardware timer */
  loaded = false;
  /** the hardware timer of the physical cpu the vcpu is placed on */
  private hw: GenericTimer;

  readonly intids: readonly [IntId, IntId] = [PPI.VIRT_TIMER, PPI.PHYS_TIMER];
  /** per timer, where its condition holds (windowOf) */
  private readonly windows: readonly [ConditionWindow, ConditionWindow] = [
    new ConditionWindow(),
    new ConditionWindow(),
  ];
  private readonly bgTimer: EventId;
  private readonly ptimerEvent: EventId;

  constructor(readonly opts: ArchTimerOptions) {
    this.hw = opts.hw;
    this.bgTimer = opts.kernel.createEvent(`vcpu${opts.vcpu}.bg-timer`, this, 0);
    this.ptimerEvent = opts.kernel.createEvent(`vcpu${opts.vcpu}.ptimer`, this, 1);
  }

  get vcpu(): number {
    return this.opts.vcpu;
  }

  private get now(): Ticks {
    return this.opts.kernel.now;
  }

  /** The physical count, CNTPCT. */
  physCount(): bigint {
    return BigInt(this.now);
  }

  /** The guest's virtual count, CNTVCT = CNTPCT - CNTVOFF (mod 2^64). */
  virtCount(): bigint {
    return sub64(this.physCount(), this.cntvoff);
  }

  private ctlOf(t: TimerId): number {
    if (t === TimerId.Phys) return this.cntpCtl;
    return this.loaded ? this.hw.cntv.ctlBits : this.cntvCtl;
  }

  private cvalOf(t: TimerId): bigint {
    if (t === TimerId.Phys) return this.cntpCval;
    return this.loaded ? this.hw.cntv.readCval() : this.cntvCval;
  }

  private countOf(t: TimerId): bigint {
    return t === TimerId.Phys ? this.physCount() : this.virtCount();
  }

  /** kvm_timer_irq_can_fire: enabled and not masked. */
  canFire(t: TimerId): boolean {
    return (this.ctlOf(t) & (ENABLE | IMASK)) === ENABLE;
  }

  /** kvm_timer_should_fire: can fire and CVAL <= count (64-bit unsigned). */
  shouldFire(t: TimerId): boolean {
    return this.canFire(t) && this.windowOf(t).holds(this.now);
  }

  /** Tick at which `t` will first satisfy CVAL <= count, from now; NEVER if beyond reach or it cannot fire. */
  expiryTick(t: TimerId): Ticks {
    if (!this.canFire(t)) return NEVER;
    return this.windowOf(t).firstHold(this.now);
  }

  /**
   * Where CVAL <= count holds for timer `t` over physical time (its count is
   * CNTPCT for CNTP, CNTPCT - CNTVOFF for CNTV): tick Numbers, recomputed
   * with BigInt only when CVAL or CNTVOFF changed, so the flush and sync
   * of every entry and exit compare Numbers.
   */
  private windowOf(t: TimerId): ConditionWindow {
    return t === TimerId.Phys
      ? this.windows[TimerId.Phys].at(0n, this.cntpCval)
      : this.windows[TimerId.Virt].at(this.cntvoff, this.cvalOf(TimerId.Virt));
  }

  /** kvm_vgic_map_is_active: the guest has the virtual timer interrupt active. */
  virtActive(t: TimerId): boolean {
    return this.opts.vgic.isMappedActive(this.vcpu, this.intids[t]);
  }

  /** Signal `level` for timer `t` to the vgic (kvm_timer_update_irq), recording it as irq.level. */
  signal(t: TimerId, level: boolean): InjectResult {
    this.level[t] = level;
    this.opts.counters.vgicCalls++;
    return this.opts.vgic.injectIrq(this.vcpu, this.intids[t], level);
  }

  /** A WARN_ON() of the era's code: counted and traced, the run goes on (as the kernel's did). */
  warn(text: string): void {
    this.opts.counters.warnings++;
    if (this.opts.trace.enabled)
      this.opts.trace.emit({ kind: 'note', t: this.now, cpu: this.vcpu, text: `WARN_ON: ${text}` });
  }

  /**
   * kvm_timer_update_state (the seed): tell the vgic about a change of the
   * output level, both directions, and only on a change. Deferred while the
   * vgic is not initialized: the level is not recorded, so the first flush
   * after init catches up.
   */
  updateState(t: TimerId): void {
    if (!this.opts.vgic.initialized) return;
    const fire = this.shouldFire(t);
    if (fire !== this.level[t]) this.signal(t, fire);
  }

  /** Write the physical active state of the hardware timer PPI (irq_set_irqchip_state). */
  setPhysActive(active: boolean): void {
    const pcpu = this.hw.cpu;
    if (this.opts.phys.isActive(pcpu, PPI.VIRT_TIMER) === active) return;
    this.opts.counters.physActiveWrites++;
    this.opts.phys.setActive(pcpu, PPI.VIRT_TIMER, active);
  }

  /** The physical cpu whose hardware timer (and timer PPI) this vcpu uses. */
  get pcpu(): number {
    return this.hw.cpu;
  }

  /**
   * The vcpu thread migrated: its virtual timer runs on `hw` from the next
   * entry. Only while not loaded (the world switch saved CNTV and stopped
   * the old cpu's timer; the next one restores CNTVOFF, CVAL, CTL into `hw`).
   */
  moveTo(hw: GenericTimer): void {
    if (this.loaded) throw new RangeError(`vcpu ${this.vcpu}: timer moved while loaded`);
    this.hw = hw;
  }

  // --- world switch -------------------------------------------------------

  /** timer_restore_state: CNTVOFF, CVAL, then CTL into the hardware timer. */
  loadHw(): void {
    const hw = this.hw;
    hw.setCntvoff(this.cntvoff);
    hw.cntv.writeCval(this.cntvCval);
    hw.cntv.writeCtl(this.cntvCtl);
    // kvm_timer_vcpu_load's trap setup: a design that emulates CNTV_* (trap-timer) sets EL1TVT
    if (this.opts.trapVtimer === true) hw.cnthctl = (hw.cnthctl | EL1TVT) >>> 0;
    this.loaded = true;
  }

  /** timer_save_state: read CTL/CVAL back, stop the hardware timer, CNTVOFF back to 0. */
  saveHw(): void {
    const hw = this.hw;
    this.cntvCtl = hw.cntv.ctlBits; // ENABLE, IMASK (CTL without ISTATUS)
    this.cntvCval = hw.cntv.readCval();
    this.loaded = false;
    hw.cntv.writeCtl(0);
    hw.setCntvoff(0n);
    if (this.opts.trapVtimer === true) hw.cnthctl = (hw.cnthctl & ~EL1TVT) >>> 0;
  }

  /**
   * The register part of kvm_timer_vcpu_reset: CNTV_CTL_EL0 = 0 (disabled,
   * unmasked; "architecturally UNKNOWN for ARMv8, 0 for ARMv7", KVM chose
   * 0), and CNTP_CTL_EL0 = 0 for the emulated physical timer. CVAL keeps
   * its value (UNKNOWN after a reset); CNTVOFF is the VM's, untouched.
   */
  resetCtl(): void {
    if (this.loaded) throw new RangeError(`vcpu ${this.vcpu}: timer reset while loaded`);
    this.cntvCtl = 0;
    this.cntpCtl = 0;
  }

  // --- trapped registers: CNTP_* always (the emulated physical timer), CNTV_*
  // when the design sets CNTHCTL_EL2.EL1TVT (trap-timer). An exit saved the
  // hardware timer first, so both live in this copy at handle_exit.

  /**
   * MRS of a trapped CNTP/CNTV register (CTL reads ISTATUS computed, as KVM's
   * kvm_arm_timer_read). CTL and TVAL are 32-bit: returned as numbers (no
   * BigInt on the exit path; Cpu.completeSysregRead takes either), CVAL as a bigint.
   */
  readTrapped(reg: TimerReg): bigint | number {
    const t = this.trappedTimerOf(reg);
    const ctl = t === TimerId.Phys ? this.cntpCtl : this.cntvCtl;
    const cval = t === TimerId.Phys ? this.cntpCval : this.cntvCval;
    switch (reg) {
      case TimerReg.CNTP_CTL_EL0:
      case TimerReg.CNTV_CTL_EL0:
        return (ctl | ((ctl & ENABLE) !== 0 && this.windowOf(t).holds(this.now) ? ISTATUS : 0)) >>> 0;
      case TimerReg.CNTP_CVAL_EL0:
      case TimerReg.CNTV_CVAL_EL0:
        return cval;
      default: // TVAL: the signed 32-bit distance to CVAL
        return toS32(sub64(cval, this.countOf(t))) >>> 0;
    }
  }

  /** MSR of a trapped register; returns the timer written (the caller has the policy re-evaluate it). */
  writeTrapped(reg: TimerReg, value: bigint): TimerId {
    const t = this.trappedTimerOf(reg);
    switch (reg) {
      case TimerReg.CNTP_CTL_EL0:
        this.cntpCtl = Number(value & CTL_WRITABLE_BIG);
        break;
      case TimerReg.CNTV_CTL_EL0:
        this.cntvCtl = Number(value & CTL_WRITABLE_BIG);
        break;
      case TimerReg.CNTP_CVAL_EL0:
        this.cntpCval = u64(value);
        break;
      case TimerReg.CNTV_CVAL_EL0:
        this.cntvCval = u64(value);
        break;
      case TimerReg.CNTP_TVAL_EL0:
        this.cntpCval = u64(this.physCount() + signExtend32(value));
        break;
      default: // CNTV_TVAL_EL0: CVAL = CNTVCT + SignExtend(TVAL)
        this.cntvCval = u64(this.virtCount() + signExtend32(value));
    }
    return t;
  }

  private trappedTimerOf(reg: TimerReg): TimerId {
    switch (reg) {
      case TimerReg.CNTP_CTL_EL0:
      case TimerReg.CNTP_CVAL_EL0:
      case TimerReg.CNTP_TVAL_EL0:
        return TimerId.Phys;
      case TimerReg.CNTV_CTL_EL0:
      case TimerReg.CNTV_CVAL_EL0:
      case TimerReg.CNTV_TVAL_EL0:
        if (this.loaded) throw new RangeError(`vcpu ${this.vcpu}: ${reg} emulated while loaded`);
        return TimerId.Virt;
      default:
        throw new RangeError(`${reg} is not a trapped timer register`);
    }
  }

  /** Arm (or cancel) the emulated physical timer's soft timer for its next expiry (timer_emulate). */
  armPtimer(): void {
    const k = this.opts.kernel;
    const at = this.shouldFire(TimerId.Phys) ? NEVER : this.expiryTick(TimerId.Phys);
    if (at === NEVER) k.cancel(this.ptimerEvent);
    else k.schedule(this.ptimerEvent, at);
  }

  // --- blocking -----------------------------------------------------------

  /** kvm_timer_schedule: the vcpu blocks in WFI; arm the background timer for the earliest expiry. */
  blocking(): void {
    const at = Math.min(this.expiryTick(TimerId.Virt), this.expiryTick(TimerId.Phys));
    if (at === NEVER) this.opts.kernel.cancel(this.bgTimer);
    else this.opts.kernel.schedule(this.bgTimer, at);
  }

  /** Arm the soft timer (the background timer's event) for tick `at` (4.2: timer_arm at every exit). */
  armSoftTimer(at: Ticks): void {
    if (at === NEVER) this.opts.kernel.cancel(this.bgTimer);
    else this.opts.kernel.schedule(this.bgTimer, at);
  }

  /** kvm_timer_unschedule (4.2: timer_disarm): the vcpu runs again. */
  unblocking(): void {
    this.opts.kernel.cancel(this.bgTimer);
  }

  /** Hook set by the policy: the emulated physical timer expired. */
  onPtimerExpiry: (t: ArchTimer) => void = () => {};

  onEvent(_id: EventId, arg: number): void {
    if (arg === 0) {
      this.opts.counters.bgWakeups++;
      this.opts.waker.wake(this.vcpu, 'bg-timer');
    } else {
      this.opts.counters.ptimerExpiries++;
      this.onPtimerExpiry(this);
    }
  }

  save(): ArchTimerState {
    if (this.loaded) throw new RangeError(`vcpu ${this.vcpu}: timer saved while loaded`);
    return {
      version: 1,
      cntvCtl: this.cntvCtl,
      cntvCval: this.cntvCval,
      cntvoff: this.cntvoff,
      cntpCtl: this.cntpCtl,
      cntpCval: this.cntpCval,
      level: [this.level[0], this.level[1]],
    };
  }

  /** KVM's timer reset (kvm_timer_vcpu_reset): both timers disabled, CVAL and CNTVOFF 0, lines low, not loaded. */
  defaultState(): ArchTimerState {
    const regs = { cntvCtl: 0, cntvCval: 0n, cntvoff: 0n, cntpCtl: 0, cntpCval: 0n };
    return { version: 1, ...regs, level: [false, false] };
  }

  reset(): void {
    this.restore(this.defaultState());
  }

  restore(s: ArchTimerState): void {
    if (s.version !== 1) throw new RangeError(`arch timer snapshot version ${s.version} is not supported`);
    this.cntvCtl = s.cntvCtl & CTL_WRITABLE;
    this.cntvCval = u64(s.cntvCval);
    this.cntvoff = u64(s.cntvoff);
    this.cntpCtl = s.cntpCtl & CTL_WRITABLE;
    this.cntpCval = u64(s.cntpCval);
    this.level[0] = s.level[0];
    this.level[1] = s.level[1];
    this.loaded = false;
  }
}
