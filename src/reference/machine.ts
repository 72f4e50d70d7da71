// The reference machine: the same board, the same guest, no hypervisor. The
// guest's GICC accesses reach the physical CPU interface, its timer
// accesses the hardware timer, WFI waits for the GIC's IRQ output, and PSCI
// is answered by firmware. It defines "what hardware would do" for the
// divergence checks of DESIGN.md. On a board with a GICv3 (`gic: 'v3'`) the
// GICD and redistributor frames are the GicV3's, the GICC window is absent
// (bus fault) and the cpu's ICC_* MRS/MSR reach its CPU interface.

import type { Chooser } from '../sim/choice.ts';
import { SeededChooser } from '../sim/choice.ts';
import type { Saveable } from '../sim/saveable.ts';
import type { Signal, SignalListener } from '../sim/signal.ts';
import { NULL_SINK, type TraceSink } from '../sim/trace/sink.ts';
import { type AckEntry, AckLog } from '../hw/board/acks.ts';
import { Board, type BoardConfig, type BoardState } from '../hw/board/board.ts';
import { GuestWindow, guestWindowOf, inRegion, MEMMAP, windowBase } from '../hw/board/memory-map.ts';
import {
  BoardPower,
  conduitCall,
  type PowerEvent,
  type PowerListener,
  type PowerState,
} from '../hw/board/power.ts';
import { exceptionLoops, type RunEnd, type RunLimits, type RunResult } from '../hw/board/run-result.ts';
import { Scheduler, type SchedulerState, type Steppable } from '../hw/board/scheduler.ts';
import {
  CNTPCT_ENCODING,
  CNTVCT_ENCODING,
  counterAt,
  counterToCpu,
  el1Access,
  timerRegOf,
} from '../hw/board/sysreg-route.ts';
import type { Cpu } from '../hw/cpu/cpu.ts';
import {
  type GuestCpu,
  type GuestPort,
  MMIO_BUS_FAULT,
  MMIO_OK,
  SYSREG_READ_IN_PLACE,
  SYSREG_UNDEFINED,
  type SysregTrap,
} from '../hw/cpu/guest-port.ts';
import { GICC_AIAR, GICC_IAR } from '../hw/gic/registers.ts';
import { IccReg, iccRegOf } from '../hw/gic/v3/sysreg-encodings.ts';
import type { MmioDevice } from '../hw/mmio.ts';
import { pmuRegOf, type PmuReg } from '../hw/pmu/pmu-regs.ts';

export interface ReferenceOptions {
  readonly board: BoardConfig;
  readonly startAll?: boolean;
  readonly trace?: TraceSink;
  readonly chooser?: Chooser;
  readonly quantumTicks?: number;
}

export interface ReferenceState {
  readonly version: 1;
  readonly board: BoardState;
  readonly scheduler: SchedulerState;
  readonly power: PowerState;
  readonly acks: AckEntry[];
  readonly waiting: boolean[];
}

const IRQ = 0;
const FIQ = 1;

export class ReferenceMachine implements GuestPort, PowerListener, SignalListener, Saveable<ReferenceState> {
  readonly board: Board;
  readonly scheduler: Scheduler;
  readonly power: BoardPower;
  readonly acks = new AckLog();
  /** cpu waiting in WFI (or PSCI standby) for an interrupt */
  readonly waiting: boolean[];
  private end: RunEnd | null = null;

  constructor(opts: ReferenceOptions) {
    const trace = opts.trace ?? NULL_SINK;
    const chooser = opts.chooser ?? new SeededChooser(0);
    this.board = new Board(opts.board, trace, chooser, this);
    const n = opts.board.cpus;
    this.waiting = new Array<boolean>(n).fill(false);
    this.power = new BoardPower(this.board, this, opts.startAll ?? false);
    for (let i = 0; i < n; i++) {
      const cif = this.cpuInterface(i);
      cif.irq.connect(this, (i << 1) | IRQ);
      cif.fiq.connect(this, (i << 1) | FIQ);
    }
    const steppables: Steppable[] = this.board.cpus.map((cpu, i) => ({
      runnable: () => this.power.on[i] && !this.waiting[i],
      instret: () => cpu.instret,
      exceptions: () => cpu.exceptions,
      cycles: () => cpu.cycles,
      step: (budget: number) => this.step(cpu, budget),
    }));
    this.scheduler = new Scheduler(this.board.kernel, this.board.ratio, chooser, steppables, {
      quantumTicks: opts.quantumTicks,
    });
    this.board.attachPmuClocks(this.scheduler);
  }

  /** GIC output -> cpu input; an interrupt ends WFI (taken or not, per PSTATE). */
  onSignal(arg: number, level: boolean): void {
    const cpu = this.board.cpus[arg >>> 1];
    if ((arg & 1) === IRQ) cpu.setIrq(level);
    else cpu.setFiq(level);
    if (level && this.waiting[arg >>> 1]) {
      this.waiting[arg >>> 1] = false;
      this.scheduler.woken(arg >>> 1);
    }
  }

  /** The physical CPU interface of cpu `i` (GICv2 GICC, or the GICv3 ICC registers): its IRQ and FIQ outputs. */
  private cpuInterface(i: number): { readonly irq: Signal; readonly fiq: Signal } {
    return this.board.gicV3?.cpuInterface(i) ?? this.board.gic.cpuInterface(i);
  }

  private interruptAsserted(i: number): boolean {
    const cif = this.cpuInterface(i);
    return cif.irq.level || cif.fiq.level;
  }

  private step(cpu: Cpu, budget: number): number {
    const before = cpu.cycles;
    const reason = cpu.run(budget);
    // Whatever stopped the cpu is handled at its exact time.
    if (reason !== 'budget') this.scheduler.syncTo(cpu.index);
    switch (reason) {
      case 'wfi':
        // WFI completes at once when an interrupt is already signalled (Arm ARM D1.16.2).
        if (!this.interruptAsserted(cpu.index)) this.waiting[cpu.index] = true;
        break;
      case 'hvc':
      case 'smc':
        conduitCall(cpu, reason, this.power);
        break;
      default:
        break;
    }
    return cpu.cycles - before;
  }

  // --- GuestPort ------------------------------------------------------------

  mmioRead(cpu: GuestCpu, pa: number, size: 1 | 2 | 4): number {
    this.scheduler.syncTo(cpu.index);
    const v3 = this.board.gicV3;
    if (v3 !== undefined && inRegion(MEMMAP.GICR, pa))
      return v3.gicr.read(pa - MEMMAP.GICR.base, size, cpu.index);
    const w = guestWindowOf(pa);
    if (w === GuestWindow.None || (v3 !== undefined && w === GuestWindow.GICC)) return MMIO_BUS_FAULT;
    const off = pa - windowBase(w);
    const v = this.device(w, cpu.index).read(off, size, cpu.index);
    if (w === GuestWindow.GICC && (off === GICC_IAR || off === GICC_AIAR) && size === 4)
      this.acks.record(this.board.kernel.now, this.scheduler.localCycles(cpu.index), cpu.index, v, cpu.pc);
    return v;
  }

  mmioWrite(cpu: GuestCpu, pa: number, size: 1 | 2 | 4, value: number): number {
    this.scheduler.syncTo(cpu.index);
    const v3 = this.board.gicV3;
    if (v3 !== undefined && inRegion(MEMMAP.GICR, pa)) {
      v3.gicr.write(pa - MEMMAP.GICR.base, size, value, cpu.index);
      return MMIO_OK;
    }
    const w = guestWindowOf(pa);
    if (w === GuestWindow.None || (v3 !== undefined && w === GuestWindow.GICC)) return MMIO_BUS_FAULT;
    this.device(w, cpu.index).write(pa - windowBase(w), size, value, cpu.index);
    return MMIO_OK;
  }

  /** The hardware frame behind a window, as `cpu` reaches it (no hypervisor: GICC is the physical CPU interface). */
  private device(w: GuestWindow, cpu: number): MmioDevice {
    if (w === GuestWindow.GICD) return this.board.gicV3?.gicd ?? this.board.gic.gicd;
    return w === GuestWindow.GICC ? this.board.gic.gicc(cpu) : this.board.userDevice(w);
  }

  /**
   * MRS of an ICC_* register on a GICv3 board: the cpu's CPU interface
   * (IAR reads are logged as GICC_IAR reads are); undefined: not an ICC
   * register here (a GICv2 board has none: UNDEFINED like any unknown one).
   */
  private iccRead(cpu: GuestCpu, encoding: number): bigint | SysregTrap | undefined {
    const v3 = this.board.gicV3;
    const reg = v3 === undefined ? undefined : iccRegOf(encoding);
    if (v3 === undefined || reg === undefined) return undefined;
    this.scheduler.syncTo(cpu.index);
    const v = v3.cpuInterface(cpu.index).readReg(reg);
    if (v === undefined) return SYSREG_UNDEFINED;
    if (reg === IccReg.ICC_IAR1_EL1 || reg === IccReg.ICC_IAR0_EL1)
      this.acks.record(this.board.kernel.now, this.scheduler.localCycles(cpu.index), cpu.index, v, cpu.pc);
    return BigInt(v);
  }

  /** MSR of an ICC_* register on a GICv3 board; null: not one. */
  private iccWrite(cpu: GuestCpu, encoding: number, value: bigint): SysregTrap | undefined | null {
    const v3 = this.board.gicV3;
    const reg = v3 === undefined ? undefined : iccRegOf(encoding);
    if (v3 === undefined || reg === undefined) return null;
    this.scheduler.syncTo(cpu.index);
    const lo = Number(BigInt.asUintN(32, value));
    const hi = Number(BigInt.asUintN(32, value >> 32n));
    return v3.cpuInterface(cpu.index).writeReg(reg, lo, hi) ? undefined : SYSREG_UNDEFINED;
  }

  sysregRead(cpu: GuestCpu, encoding: number): bigint | SysregTrap | typeof SYSREG_READ_IN_PLACE {
    if (encoding === CNTVCT_ENCODING || encoding === CNTPCT_ENCODING) {
      // the counters, read where the cpu is: no BigInt, the block goes on
      this.scheduler.syncTo(cpu.index);
      const timer = this.board.timers[cpu.index];
      const t = this.scheduler.localTicks(cpu.index);
      counterToCpu(cpu, encoding === CNTPCT_ENCODING, t, timer.cntvoffLo, timer.cntvoffHi);
      return SYSREG_READ_IN_PLACE;
    }
    const icc = this.iccRead(cpu, encoding);
    if (icc !== undefined) return icc;
    const p = pmuRegOf(encoding);
    if (p >= 0) {
      const pmu = this.board.pmus[cpu.index];
      if (pmu === undefined) return SYSREG_UNDEFINED;
      this.scheduler.syncTo(cpu.index);
      return pmu.read((p & 0xff) as PmuReg, p >>> 8) ?? SYSREG_UNDEFINED;
    }
    const reg = timerRegOf(encoding);
    if (reg === undefined) return SYSREG_UNDEFINED;
    const denied = el1Access(reg, false);
    if (denied !== undefined) return denied;
    this.scheduler.syncTo(cpu.index);
    const timer = this.board.timers[cpu.index];
    return counterAt(reg, this.scheduler.localTicks(cpu.index), timer.cntvoff) ?? timer.readSysReg(reg);
  }

  sysregWrite(cpu: GuestCpu, encoding: number, value: bigint): SysregTrap | undefined {
    const icc = this.iccWrite(cpu, encoding, value);
    if (icc !== null) return icc;
    const p = pmuRegOf(encoding);
    if (p >= 0) {
      const pmu = this.board.pmus[cpu.index];
      if (pmu === undefined) return SYSREG_UNDEFINED;
      this.scheduler.syncTo(cpu.index);
      return pmu.write((p & 0xff) as PmuReg, value, p >>> 8) ? undefined : SYSREG_UNDEFINED;
    }
    const reg = timerRegOf(encoding);
    if (reg === undefined) return SYSREG_UNDEFINED;
    const denied = el1Access(reg, true);
    if (denied !== undefined) return denied;
    this.scheduler.syncTo(cpu.index);
    this.board.timers[cpu.index].writeSysReg(reg, value);
    return undefined;
  }

  pmuUserEnable(cpu: GuestCpu): number {
    return this.board.pmus[cpu.index]?.userenr ?? -1;
  }

  // --- PowerListener ----------------------------------------------------------

  /**
   * CPU_ON powers the core up through a Warm reset: CNTV_CTL_EL0.ENABLE and
   * CNTP_CTL_EL0.ENABLE reset to 0 (Arm ARM DDI 0487, the fields' reset
   * behaviour; earlier releases said UNKNOWN), IMASK is UNKNOWN and taken as
   * 0, as KVM's vcpu reset writes the whole CTL 0; CVAL is UNKNOWN and kept.
   * The timer's output drops, so a PPI it held pending in the GIC goes too;
   * so does the PMU's (its registers reset: PMCR_EL0.E = 0).
   */
  cpuPoweredOn(cpu: number): void {
    const t = this.board.timers[cpu];
    t.cntv.writeCtl(0);
    t.cntp.writeCtl(0);
    this.board.pmus[cpu]?.warmReset();
    this.waiting[cpu] = false;
    this.scheduler.woken(cpu);
  }

  cpuStopped(cpu: number, how: 'off' | 'standby'): void {
    if (how === 'standby' && !this.interruptAsserted(cpu)) this.waiting[cpu] = true;
    this.board.cpus[cpu].requestStop();
  }

  system(ev: PowerEvent): void {
    this.end = ev === 'system-off' ? 'poweroff' : 'reset';
    this.scheduler.stop();
    for (const c of this.board.cpus) c.requestStop();
  }

  // --- state is data -------------------------------------------------------------

  save(): ReferenceState {
    const { board, scheduler, power, acks } = this;
    const parts = {
      board: board.save(),
      scheduler: scheduler.save(),
      power: power.save(),
      acks: acks.save(),
    };
    return { version: 1, ...parts, waiting: [...this.waiting] };
  }

  /** Restore into a machine built with the same options (and the same named host events). */
  restore(s: ReferenceState): void {
    if (s.version !== 1)
      throw new RangeError(`reference machine snapshot version ${s.version} is not supported`);
    if (s.waiting.length !== this.waiting.length)
      throw new RangeError(`snapshot of ${s.waiting.length} cpus restored into ${this.waiting.length}`);
    this.board.restore(s.board);
    this.scheduler.restore(s.scheduler);
    this.power.restore(s.power);
    this.acks.restore(s.acks);
    s.waiting.forEach((w, i) => {
      this.waiting[i] = w;
    });
    this.end = null;
  }

  /** Power-on: the board at reset, nothing run, no cpu waiting. */
  defaultState(): ReferenceState {
    const { board, scheduler, power, acks } = this;
    const parts = {
      board: board.defaultState(),
      scheduler: scheduler.defaultState(),
      power: power.defaultState(),
      acks: acks.defaultState(),
    };
    return { version: 1, ...parts, waiting: this.waiting.map(() => false) };
  }

  reset(): void {
    this.restore(this.defaultState());
  }

  // --- running ------------------------------------------------------------------

  /** Load bytes into RAM and point every cpu that starts powered on at `entry`. */
  load(base: number, bytes: Uint8Array, entry: number): void {
    this.board.ram.load(base, bytes);
    this.board.cpus.forEach((c, i) => {
      if (this.power.on[i]) c.warmReset(entry);
    });
  }

  /** Run (or go on running) until virtual time `t`; used to compare with another machine at an instant. */
  runUntil(t: number, maxInstructions: number, cycle?: number): void {
    if (this.end === null) this.scheduler.run(t, maxInstructions, cycle);
  }

  run(limits: RunLimits): RunResult {
    const how = this.scheduler.run(limits.ticks, limits.instructions);
    const end: RunEnd = this.end ?? (how === 'idle' ? 'idle' : 'limit');
    return {
      end,
      ticks: this.board.kernel.now,
      instructions: this.scheduler.retired,
      exceptions: this.scheduler.exceptions,
      exceptionLoops: exceptionLoops(this.board.cpus),
      uart: this.board.uart.outputText(),
      acks: this.acks.entries,
    };
  }
}
