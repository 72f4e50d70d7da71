// A KVM virtual machine on the board: the physical GIC and timers belong to
// the host; the guest gets the vgic (GICD trapped and emulated, GICC backed
// by the hardware GICV), a hardware-backed virtual timer and an emulated
// physical timer, PSCI through HVC, and the PL011 as a userspace device.
// vcpus are host threads on the board's physical cpus (board.pcpus, default
// one per vcpu, pinned; fewer: time-shared): vcpu i starts on physical cpu
// i mod pcpus, and the host scheduler (vcpu/vcpu-placement.ts) may move it
// where KVM_RUN has preemption enabled. The GIC's outputs of a physical cpu
// reach the vcpu running on it.

import type { Chooser } from '../sim/choice.ts';
import { SeededChooser } from '../sim/choice.ts';
import type { Saveable } from '../sim/saveable.ts';
import { NULL_SINK, type TraceSink } from '../sim/trace/sink.ts';
import { AckLog } from '../hw/board/acks.ts';
import { Board, type BoardConfig } from '../hw/board/board.ts';
import { RTC_INTID } from '../hw/board/memory-map.ts';
import { BoardPower, conduitCall, type PowerEvent, type PowerListener } from '../hw/board/power.ts';
import type { RunEnd, RunLimits } from '../hw/board/run-result.ts';
import { Scheduler, type Steppable } from '../hw/board/scheduler.ts';
import { SchedulerPmuClock } from '../hw/board/pmu-clock.ts';
import { HostGic } from './host/host-gic.ts';
import { Stage2Port } from './stage2.ts';
import { restoreVm, saveVm, type VmState } from './vm-state.ts';
import { buildVcpus } from './vm-vcpus.ts';
import { createVmVgic } from './vm-vgic.ts';
import { type Generation, generationByName } from './generation/index.ts';
import { newPmuCounters, type PmuCounters } from './pmu/kvm-pmu.ts';
import type { TimerPolicy } from './policy/policy.ts';
import type { VcpuWaker } from './timer/arch-timer.ts';
import { newTimerCounters, type TimerCounters } from './timer/timer-counters.ts';
import { type ExitReason, type HypCounters, newHypCounters } from './vcpu/exits.ts';
import { traceExceptions } from './vcpu/exception-trace.ts';
import { traceMaskI } from './vcpu/pstate-trace.ts';
import { type ExitHandler, RunLoop } from './vcpu/run-loop.ts';
import { emulateMmio, emulateSysreg } from './vcpu/trap-emulation.ts';
import { UserspaceExits } from './vcpu/userspace-exit.ts';
import type { Vcpu } from './vcpu/vcpu.ts';
import { VcpuBlocking } from './vcpu/vcpu-block.ts';
import { PcpuSignals } from './vcpu/pcpu-signals.ts';
import { STAY, VcpuPlacement } from './vcpu/vcpu-placement.ts';
import { listRegisterProblem } from './vgic/list-registers.ts';
import type { VgicFacade } from './vgic/facade.ts';
import type { VcpuKicker } from './vgic/ports.ts';

export type { VmState } from './vm-state.ts';
export { GuestError } from './vcpu/trap-emulation.ts';

export interface VmConfig {
  readonly board: BoardConfig;
  /** generation key or alias (src/hyp/generation), e.g. 'linux-4.2' or 'level' */
  readonly policy: string;
  /** a generation object instead of the name (tests, hypothetical designs built on a release) */
  readonly generation?: Generation;
  readonly startAll?: boolean;
  readonly hostTickHz?: number;
  readonly exitCycles?: number;
  readonly entryCycles?: number;
  /** cycles a vcpu thread preempted at preempt_enable() stays out; 0 = the host never chooses to preempt */
  readonly preemptCycles?: number;
  readonly quantumTicks?: number;
  readonly trace?: TraceSink;
  readonly chooser?: Chooser;
}

export class Vm implements ExitHandler, VcpuKicker, VcpuWaker, PowerListener, Saveable<VmState> {
  readonly board: Board;
  readonly vgic: VgicFacade;
  readonly generation: Generation;
  /** the generation's timer emulation */
  readonly policy: TimerPolicy;
  readonly vcpus: Vcpu[] = [];
  readonly scheduler: Scheduler;
  readonly power: BoardPower;
  readonly acks = new AckLog();
  readonly counters: HypCounters = newHypCounters();
  readonly timerCounters: TimerCounters = newTimerCounters();
  readonly pmuCounters: PmuCounters = newPmuCounters();
  readonly host: HostGic;
  readonly runLoop: RunLoop;
  /** the host scheduler: which physical cpu each vcpu thread is on */
  readonly placement: VcpuPlacement;
  /** kvm_vcpu_block / kvm_vcpu_kick */
  private readonly blocking: VcpuBlocking;
  /** the VMM's thread: ioctls that need vcpus out of KVM_RUN (src/hyp/vcpu/userspace-exit.ts) */
  readonly userspace: UserspaceExits;
  readonly trace: TraceSink;
  private end: RunEnd | null = null;
  /** each physical cpu's IRQ output of the GIC (physIrq is asked at every entry and exit) */
  private readonly physIrqLines: readonly { readonly level: boolean }[];

  constructor(readonly config: VmConfig) {
    const lrProblem = listRegisterProblem(config.board.nLR);
    if (lrProblem !== null) throw new RangeError(`machine.nLR: ${lrProblem}`);
    this.trace = config.trace ?? NULL_SINK;
    const chooser = config.chooser ?? new SeededChooser(0);
    this.generation = config.generation ?? generationByName(config.policy);
    this.policy = this.generation.timer;
    this.board = new Board(config.board, this.trace, chooser, new Stage2Port(this));
    const { board } = this;
    const { gic, phys, vgic } = createVmVgic(board, this.generation, this.trace, this);
    this.vgic = vgic;
    this.physIrqLines = board.timers.map((_, p) => gic.cpuInterface(p).irq);
    this.vcpus.push(
      ...buildVcpus({
        board,
        generation: this.generation,
        vgic: this.vgic,
        phys,
        owner: this,
        trace: this.trace,
        timerCounters: this.timerCounters,
        pmuCounters: this.pmuCounters,
      }),
    );
    this.placement = new VcpuPlacement({
      vcpus: this.vcpus,
      timers: board.timers,
      chooser,
      counters: this.counters,
      trace: this.trace,
      clock: board.kernel,
      preemptCycles: config.preemptCycles ?? 0,
      wants: (i) => this.power.on[i] && !this.vcpus[i].blocked && !this.vcpus[i].inUserspace,
      scheduled: (i) => this.scheduler.woken(i),
    });
    new PcpuSignals(gic, board.timers.length, this.placement, this.vcpus);
    this.blocking = new VcpuBlocking({
      vcpus: this.vcpus,
      vgic: this.vgic,
      policy: this.policy,
      placement: this.placement,
      counters: this.counters,
      trace: this.trace,
      clock: board.kernel,
      scheduled: (i) => this.scheduler.woken(i),
    });
    // The PL031 is QEMU's (userspace) device: its line reaches the vgic by KVM_IRQ_LINE.
    board.rtc.irq.connect({ onSignal: (_arg, level) => this.irqLine(RTC_INTID, level) });
    this.power = new BoardPower(board, this, config.startAll ?? false);
    this.host = new HostGic(board, this.counters, config.hostTickHz ?? 0);
    this.host.init();
    this.runLoop = new RunLoop({
      vgic: this.vgic,
      policy: this.policy,
      order: this.generation.order,
      placement: this.placement,
      counters: this.counters,
      trace: this.trace,
      clock: board.kernel,
      handler: this,
      exitCycles: config.exitCycles ?? 0,
      entryCycles: config.entryCycles ?? 0,
    });
    const steppables: Steppable[] = this.vcpus.map((v, i) => ({
      runnable: () => this.power.on[i] && !v.blocked && !v.inUserspace && this.placement.holds(v),
      instret: () => v.cpu.instret,
      exceptions: () => v.cpu.exceptions,
      cycles: () => v.cpu.cycles,
      step: (budget: number) => this.runLoop.step(v, budget),
    }));
    this.scheduler = new Scheduler(board.kernel, board.ratio, chooser, steppables, {
      quantumTicks: config.quantumTicks,
    });
    this.userspace = new UserspaceExits({
      vcpus: this.vcpus,
      runLoop: this.runLoop,
      counters: this.counters,
      trace: this.trace,
      clock: board.kernel,
      stepping: (i) => this.power.on[i] && !this.vcpus[i].blocked,
      resume: (i) => this.scheduler.woken(i),
    });
    board.attachPmuClocks(this.scheduler);
    if (this.trace !== NULL_SINK) {
      traceMaskI(this.vcpus, this.trace, board.kernel.now, (i) => this.scheduler.localTicks(i));
      traceExceptions(this.vcpus, this.trace, (i) => this.scheduler.localTicks(i));
    }
    for (const v of this.vcpus)
      if (v.pmu !== null)
        v.pmu.regs.clock = new SchedulerPmuClock(this.scheduler, board.ratio, v.cpu, v.index);
  }

  /** KVM_DEV_ARM_VGIC_CTRL_INIT: initialize the vgic, then let the policy configure it (map the timer PPI). */
  initVgic(): void {
    if (this.vgic.initialized) return;
    this.vgic.init();
    this.policy.vgicInit(
      this.vgic,
      this.vcpus.map((v) => v.timer),
    );
  }

  syncTime(v: number): void {
    this.scheduler.syncTo(v);
  }

  /** the last deadline converted to cycles (the next event moves rarely: one division less per entry) */
  private deadlineTicks = Number.NaN;
  private deadlineCycles = 0;

  cyclesToDeadline(v: number): number {
    const next = this.board.kernel.nextEventTime();
    if (next !== this.deadlineTicks) {
      this.deadlineTicks = next;
      this.deadlineCycles = this.board.ratio.ticksToCycles(next);
    }
    return this.deadlineCycles - this.scheduler.localCycles(v);
  }

  canContinue(v: Vcpu): boolean {
    return (
      !this.scheduler.stopped &&
      this.power.on[v.index] &&
      !v.blocked &&
      !v.inUserspace &&
      this.placement.holds(v)
    );
  }

  stepMayGoOn(): boolean {
    return this.scheduler.stepMayGoOn();
  }

  returnToUserspace(v: Vcpu): void {
    this.userspace.arrive(v);
  }

  /** The physical cpu vcpu `vcpu` is on (its GICV frame, its hardware timer). */
  pcpuOf(vcpu: number): number {
    return this.vcpus[vcpu].pcpu;
  }

  physIrq(pcpu: number): boolean {
    return this.physIrqLines[pcpu].level;
  }

  hostIrqs(pcpu: number): void {
    this.host.handlePending(pcpu);
  }

  // --- kicks and wake-ups

  kick(vcpu: number): void {
    this.blocking.kick(vcpu);
  }

  wake(vcpu: number): void {
    this.blocking.wake(vcpu);
  }

  /** A forced exit (scenario `exit: host`, or userspace needing the vcpu): in the guest -> exit; else the early-exit path. */
  forceExit(vcpu: number): void {
    const v = this.vcpus[vcpu];
    if (v.mode === 'in-guest') {
      v.forcedExit = true;
      v.cpu.requestStop();
    } else v.requestPending = true;
  }

  /**
   * The host preempts vcpu `vcpu`'s thread at its next preemption point
   * (scenario `preempt`) and resumes it on physical cpu `migrateTo` (STAY:
   * where it was) after `cycles`. A vcpu in the guest is made to exit (the
   * scheduler's IPI); one already scheduled out or between iterations moves now.
   */
  preempt(vcpu: number, migrateTo: number = STAY, cycles = 0): void {
    const v = this.vcpus[vcpu];
    this.placement.force(vcpu, migrateTo, cycles);
    if (v.mode === 'in-guest') this.forceExit(vcpu);
    else if (!v.blocked && (v.mode === 'preempted' || v.mode === 'outside')) this.placement.atLoopTop(v);
  }

  // --- handle_exit

  handleExit(v: Vcpu, reason: ExitReason): void {
    switch (reason) {
      case 'mmio-gicd':
      case 'mmio-gicv':
      case 'mmio-user':
        emulateMmio(this.vgic, this.board, v, reason);
        break;
      case 'sysreg':
        emulateSysreg(this.policy, v, this.vgic);
        break;
      case 'wfi':
        // kvm_vcpu_check_block: a pending signal does not let it block
        if (!this.blocking.canRun(v) && !v.signalPending) this.blocking.block(v);
        break;
      case 'hvc':
      case 'smc':
        conduitCall(v.cpu, reason, this.power);
        break;
      default:
        break;
    }
  }

  // --- PSCI

  /** kvm_psci_vcpu_on: the target is reset (kvm_reset_vcpu), its timer too, then it runs. */
  cpuPoweredOn(cpu: number): void {
    const v = this.vcpus[cpu];
    this.policy.vcpuReset(v.timer);
    v.pmu?.vcpuReset();
    v.blocked = false;
    this.scheduler.woken(cpu);
    this.kick(cpu);
  }

  cpuStopped(cpu: number, how: 'off' | 'standby'): void {
    const v = this.vcpus[cpu];
    if (how === 'standby' && !this.blocking.canRun(v)) this.blocking.block(v);
    else if (how === 'off') this.blocking.poweredOff(v);
  }

  system(ev: PowerEvent): void {
    this.end = ev === 'system-off' ? 'poweroff' : 'reset';
    this.scheduler.stop();
  }

  // --- userspace (the KVM API builds on these)

  /** KVM_IRQ_LINE: an SPI (vcpu undefined) or a PPI of `vcpu`, level-sensitive input. */
  irqLine(intid: number, level: boolean, vcpu?: number): void {
    this.initVgic();
    this.vgic.injectIrq(vcpu ?? null, intid, level);
  }

  /** Userspace moves the virtual counter: CNTVOFF of every vcpu (KVM_REG_ARM_TIMER_CNT semantics). */
  setCounterOffset(offset: bigint): void {
    for (const v of this.vcpus) {
      v.timer.cntvoff = BigInt.asUintN(64, offset);
      if (v.timer.loaded) this.board.timers[v.pcpu].setCntvoff(v.timer.cntvoff);
      this.policy.afterUserWrite(v.timer);
    }
  }

  /**
   * Bring every vcpu back to userspace: a vcpu in the guest takes its exit
   * path now (reason 'host'), one preempted on the exit path finishes it.
   * Needed before a save (KVM userspace stops every vcpu thread first).
   */
  quiesce(): void {
    this.userspace.settle();
    for (const v of this.vcpus) this.runLoop.leaveGuest(v);
  }

  save(): VmState {
    this.quiesce();
    return saveVm(this);
  }

  /** Restore into a VM built with the same configuration (and the same named host events). */
  restore(s: VmState): void {
    restoreVm(this, s);
    this.userspace.clear();
    this.end = null;
  }

  /**
   * The state construction leaves a VM in: the board at power-on reset as
   * the host kernel's boot programmed it (GIC enabled, its PPIs on, the host
   * tick armed), the vgic not initialized, no image loaded. Computed by
   * building a VM of the same configuration (tracing nothing).
   */
  defaultState(): VmState {
    const fresh = new Vm({ ...this.config, trace: NULL_SINK, chooser: undefined });
    return { ...fresh.save(), board: { ...fresh.board.save(), chooser: this.board.chooser.defaultState() } };
  }

  reset(): void {
    this.restore(this.defaultState());
  }

  // --- running

  load(base: number, bytes: Uint8Array, entry: number): void {
    this.board.ram.load(base, bytes);
    this.vcpus.forEach((v, i) => {
      if (this.power.on[i]) v.cpu.warmReset(entry);
    });
  }

  run(limits: RunLimits): RunEnd {
    this.initVgic();
    const how = this.scheduler.run(limits.ticks, limits.instructions);
    return this.end ?? (how === 'idle' ? 'idle' : 'limit');
  }
}
