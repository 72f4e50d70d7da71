// One timer of the generic timer (Arm ARM D11.2.4 "Timers"): CTL, CVAL and the
// TVAL view, compared against one counter (CNTVCT for CNTV, CNTPCT for CNTP
// and CNTHP), driving one level output line.
//
// Rules (Arm ARM D11.2.4 and the CNT*_CTL / CNT*_CVAL / CNT*_TVAL pages):
// - timer condition met  <=>  CVAL <= counter, unsigned 64-bit compare.
// - CTL.ISTATUS = ENABLE && condition met. With ENABLE = 0 the architecture
//   makes ISTATUS UNKNOWN; this model reads 0.
// - output = ENABLE && ISTATUS && !IMASK.
// - TVAL reads (CVAL - counter)[31:0] as a signed 32-bit value (UNKNOWN while
//   ENABLE = 0; this model returns the same formula). TVAL writes set
//   CVAL = counter + SignExtend(value[31:0]) mod 2^64.
//
// Exact output timing: where the condition holds over physical time is a
// ConditionWindow (condition-window.ts; the compared counter is
// (t - off) mod 2^64, off = CNTVOFF for CNTV, 0 otherwise), tick Numbers
// computed with BigInt when the offset or CVAL changed. The expiry event
// then only compares Numbers: firing and rescheduling allocate nothing.

import { fieldMask, getField, hex, setField } from '../../sim/bits.ts';
import type { EventHandler, EventId, Kernel } from '../../sim/kernel.ts';
import { Signal } from '../../sim/signal.ts';
import { NEVER, type Ticks } from '../../sim/time.ts';
import type { TraceSink } from '../../sim/trace/sink.ts';
import { add64, hex64, signExtend32, sub64, toS32, toU64, u64 } from '../../sim/u64.ts';
import { ConditionWindow } from './condition-window.ts';
import type { IntId } from '../gic/intid.ts';
import { CTL, CTL_WRITABLE } from './sysregs.ts';
import type { StateDigest } from '../../sim/state-digest.ts';

export interface TimerChannelOptions {
  readonly kernel: Kernel;
  readonly cpu: number;
  /** short name: 'cntv', 'cntp', 'cnthp'; the output signal is `cpu<N>.<name>` */
  readonly name: string;
  /** register name prefix and suffix, e.g. 'CNTV' and 'EL0' -> CNTV_CTL_EL0 */
  readonly regPrefix: string;
  readonly regSuffix: string;
  /** the PPI this timer's output is wired to */
  readonly intid: IntId;
  readonly trace: TraceSink;
}

export interface TimerChannelState {
  /** ENABLE and IMASK as stored (ISTATUS is computed, never stored) */
  readonly ctl: number;
  readonly cval: bigint;
  /** output line level at save time */
  readonly level: boolean;
}

const ENABLE_MASK = fieldMask(CTL.ENABLE);
const IMASK_MASK = fieldMask(CTL.IMASK);

export class TimerChannel implements EventHandler {
  readonly output: Signal;
  readonly intid: IntId;
  readonly expiry: EventId;
  readonly regCtl: string;
  readonly regCval: string;
  readonly regTval: string;

  private ctl = 0;
  private cval = 0n;
  private offset = 0n;
  /** where CVAL <= counter holds, in physical ticks (condition-window.ts) */
  private readonly window = new ConditionWindow();

  constructor(private readonly opts: TimerChannelOptions) {
    this.output = new Signal(`cpu${opts.cpu}.${opts.name}`);
    this.intid = opts.intid;
    this.expiry = opts.kernel.createEvent(`cpu${opts.cpu}.${opts.name}.expiry`, this);
    this.regCtl = `${opts.regPrefix}_CTL_${opts.regSuffix}`;
    this.regCval = `${opts.regPrefix}_CVAL_${opts.regSuffix}`;
    this.regTval = `${opts.regPrefix}_TVAL_${opts.regSuffix}`;
  }

  // ---- registers ----------------------------------------------------------

  /** The counter this timer compares against, 64-bit. */
  count(): bigint {
    return sub64(BigInt(this.opts.kernel.now), this.offset);
  }

  /** CTL with ISTATUS computed now; RES0 bits read 0. */
  readCtl(): number {
    return setField(this.ctl, CTL.ISTATUS, this.istatus() ? 1 : 0);
  }

  /** CTL's stored bits (ENABLE, IMASK): readCtl() without ISTATUS, for a world switch's save. */
  get ctlBits(): number {
    return this.ctl;
  }

  /** CTL write: ENABLE and IMASK are stored; ISTATUS (read-only) and RES0 bits are ignored. */
  writeCtl(value: number): void {
    if (this.opts.trace.enabled) this.traceWrite(this.regCtl, hex(value >>> 0));
    const wasQuiet = this.quiet();
    this.ctl = (value & CTL_WRITABLE) >>> 0;
    if (!(wasQuiet && this.quiet())) this.update();
  }

  readCval(): bigint {
    return this.cval;
  }

  writeCval(value: bigint): void {
    if (this.opts.trace.enabled) this.traceWrite(this.regCval, hex64(u64(value)));
    // (a world switch writes back the value it read: no BigInt work then)
    this.cval = u64(value);
    if (!this.quiet()) this.update();
  }

  /** TVAL as the signed 32-bit TimerValue: (CVAL - counter)[31:0]. */
  readTval(): number {
    return toS32(sub64(this.cval, this.count()));
  }

  /** TVAL write: CVAL = counter + SignExtend(value[31:0]); value[63:32] is RES0 and ignored. */
  writeTval(value: bigint | number): void {
    const v = toU64(value);
    if (this.opts.trace.enabled) this.traceWrite(this.regTval, hex64(v));
    this.cval = add64(this.count(), signExtend32(v));
    if (!this.quiet()) this.update();
  }

  get enabled(): boolean {
    return getField(this.ctl, CTL.ENABLE) === 1;
  }

  get masked(): boolean {
    return getField(this.ctl, CTL.IMASK) === 1;
  }

  /** ISTATUS: ENABLE && CVAL <= counter (0 while disabled, our choice for UNKNOWN). */
  istatus(): boolean {
    return this.enabled && this.conditionAt(this.opts.kernel.now);
  }

  /**
   * Set the counter offset (CNTVOFF for the virtual timer). Owned by the
   * GenericTimer; the line may rise or fall at once.
   */
  setOffset(offset: bigint): void {
    this.offset = u64(offset);
    if (!this.quiet()) this.update();
  }

  // ---- output line --------------------------------------------------------

  onEvent(_id: EventId, _arg: number, _now: Ticks): void {
    this.update();
  }

  /**
   * The timer cannot fire (ENABLE clear or IMASK set) and its line is low.
   * Then no expiry event is queued (every change runs update(), which
   * cancels it when the timer cannot fire; restore() queues one only to
   * correct a stale high level), and a change of CVAL or offset, or of CTL
   * that leaves the timer unable to fire, moves nothing: update() is
   * skipped (a world switch writes CNTVOFF, CVAL and CTL of a CNTV that
   * is off: none of them computes anything).
   */
  private quiet(): boolean {
    return (this.ctl & (ENABLE_MASK | IMASK_MASK)) !== ENABLE_MASK && !this.output.level;
  }

  /** Timer condition (CVAL <= counter) at physical tick t >= now. */
  private conditionAt(t: Ticks): boolean {
    return this.window.at(this.offset, this.cval).holds(t);
  }

  private outputAt(t: Ticks): boolean {
    return (this.ctl & (ENABLE_MASK | IMASK_MASK)) === ENABLE_MASK && this.conditionAt(t);
  }

  /** The first tick after `now` at which the output changes, or NEVER. */
  private nextChange(now: Ticks): Ticks {
    if ((this.ctl & (ENABLE_MASK | IMASK_MASK)) !== ENABLE_MASK) return NEVER;
    return this.window.at(this.offset, this.cval).nextChange(now);
  }

  /**
   * Arm the event for the next change, then drive the output to its value
   * now. The line is set last so that a receiver reacting synchronously (and
   * perhaps writing this timer again) sees a consistent timer.
   */
  private update(): void {
    const k = this.opts.kernel;
    const now = k.now;
    const next = this.nextChange(now);
    if (next === NEVER) k.cancel(this.expiry);
    else k.schedule(this.expiry, next);
    this.setLevel(this.outputAt(now), now);
  }

  private setLevel(level: boolean, now: Ticks): void {
    if (level === this.output.level) return;
    const tr = this.opts.trace;
    if (tr.enabled) tr.emit({ kind: 'line', t: now, cpu: this.opts.cpu, signal: this.output.name, level });
    this.output.set(level);
  }

  private traceWrite(reg: string, value: string): void {
    const tr = this.opts.trace;
    if (tr.enabled)
      tr.emit({
        kind: 'reg',
        t: this.opts.kernel.now,
        cpu: this.opts.cpu,
        block: 'timer',
        reg,
        op: 'w',
        value,
      });
  }

  // ---- save / restore -----------------------------------------------------

  save(): TimerChannelState {
    return { ctl: this.ctl, cval: this.cval, level: this.output.level };
  }

  digest(h: StateDigest): void {
    h.int(this.ctl);
    h.big(this.cval);
    h.int(this.output.level ? 1 : 0);
  }

  /**
   * Restore registers, offset and output level (without notifying receivers:
   * they restore their own view). The expiry event is armed where a running
   * timer would have it: at `now` if the saved level is stale (a change due
   * now had not fired yet), else at the next change. If the kernel was
   * restored first the event is already there and is left alone, keeping
   * its sequence number so same-tick ordering is preserved.
   */
  restore(s: TimerChannelState, offset: bigint): void {
    this.ctl = (s.ctl & CTL_WRITABLE) >>> 0;
    this.cval = u64(s.cval);
    this.offset = u64(offset);
    this.output.restoreLevel(s.level);
    const k = this.opts.kernel;
    const now = k.now;
    const want = s.level !== this.outputAt(now) ? now : this.nextChange(now);
    if (want === NEVER) k.cancel(this.expiry);
    else if (k.timeOf(this.expiry) !== want) k.schedule(this.expiry, want);
  }
}
