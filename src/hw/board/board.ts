// The hardware of a vgicsim machine, wired as QEMU's `virt` board: RAM, a
// GICv2 with the virtualization extensions (or, with `gic: 'v3'`, a GICv3
// as QEMU's gic-version=3: board.gicV3), the generic timer of every cpu
// (outputs on PPIs 27/30/26), a PL011 on SPI 33, and the cpus. The board
// does not decide what a cpu's accesses do: the machine built on it (the
// bare-metal reference, or a hypervisor) supplies the GuestPort and the
// wiring of the GIC's outputs to the cpus.

import type { Chooser } from '../../sim/choice.ts';
import { Kernel } from '../../sim/kernel.ts';
import type { Saveable } from '../../sim/saveable.ts';
import { ClockRatio, type Clocking } from '../../sim/time.ts';
import type { TraceSink } from '../../sim/trace/sink.ts';
import type { GuestPort } from '../cpu/guest-port.ts';
import { Cpu } from '../cpu/cpu.ts';
import { DecodeCache } from '../cpu/decode-cache.ts';
import { Pl011 } from '../devices/pl011.ts';
import { DEFAULT_RTC_START, Pl031 } from '../devices/pl031.ts';
import { lineArg } from '../gic/distributor.ts';
import { GicV2 } from '../gic/gic.ts';
import { PPI } from '../gic/intid.ts';
import { GicV3 } from '../gic/v3/gic-v3.ts';
import { GuestRam } from '../mem/guest-ram.ts';
import { SystemCounter } from '../timer/counter.ts';
import { GenericTimer } from '../timer/timer.ts';
import type { MmioDevice } from '../mmio.ts';
import type { SignalListener } from '../../sim/signal.ts';
import { Pmu } from '../pmu/pmu.ts';
import type { Scheduler } from './scheduler.ts';
import { SchedulerPmuClock } from './pmu-clock.ts';
import { GuestWindow, MEMMAP, RTC_INTID, UART_INTID } from './memory-map.ts';

export interface BoardConfig extends Clocking {
  /** cpus that run code (the vcpus under a hypervisor): their register contexts */
  readonly cpus: number;
  /**
   * Physical cpus: GIC cpu interfaces, GICH/GICV frames and generic timers
   * (a hypervisor's host, whose vcpu threads may time-share them). Default
   * `cpus` (the bare-metal reference leaves it out: one physical cpu per cpu).
   */
  readonly pcpus?: number;
  readonly spis: number;
  readonly nLR: number;
  readonly ramSize: number;
  /** PL031 RTCDR at power-on, seconds since the Unix epoch (machine.rtc); default DEFAULT_RTC_START */
  readonly rtcStart?: number;
  /** The cpus have a PMUv3 (ID_AA64DFR0_EL1.PMUVer = 1, PMUIRQ on PPI 23); default true, as a Cortex-A57 */
  readonly pmu?: boolean;
  /**
   * The interrupt controller: 'v2' (default) a GICv2 with the virtualization
   * extensions (board.gic); 'v3' a GICv3 (board.gicV3; board.gic is absent).
   */
  readonly gic?: GicVersion;
  /** Translate hot guest code into JavaScript (src/hw/cpu/jit); default: VGICSIM_JIT, else the cpu's default */
  readonly jit?: boolean;
}

export type GicVersion = 'v2' | 'v3';

export const DEFAULT_BOARD: BoardConfig = {
  cpus: 1,
  spis: 64,
  nLR: 4,
  counterHz: 62_500_000,
  cpuHz: 1_000_000_000,
  ramSize: MEMMAP.RAM.size,
};

export class Board implements Saveable<BoardState> {
  readonly kernel = new Kernel();
  readonly ratio: ClockRatio;
  readonly ram: GuestRam;
  readonly decodeCache: DecodeCache;
  /** the GICv3 of a `gic: 'v3'` board, else undefined */
  readonly gicV3: GicV3 | undefined;
  private readonly gicV2: GicV2 | undefined;
  readonly counter: SystemCounter;
  readonly timers: GenericTimer[] = [];
  readonly uart: Pl011;
  readonly rtc: Pl031;
  readonly cpus: Cpu[] = [];
  /** each cpu's PMU (empty without one) */
  readonly pmus: Pmu[] = [];

  constructor(
    readonly config: BoardConfig,
    readonly trace: TraceSink,
    readonly chooser: Chooser,
    port: GuestPort,
  ) {
    this.ratio = new ClockRatio(config);
    this.ram = new GuestRam(MEMMAP.RAM.base, config.ramSize);
    this.decodeCache = new DecodeCache(this.ram);
    if (config.jit !== undefined) this.decodeCache.jit = config.jit;
    const pcpus = config.pcpus ?? config.cpus;
    const gicOpts = { cpus: pcpus, spis: config.spis, clock: this.kernel, trace };
    this.gicV3 = config.gic === 'v3' ? new GicV3({ ...gicOpts, nLR: config.nLR }) : undefined;
    this.gicV2 = config.gic === 'v3' ? undefined : new GicV2({ ...gicOpts, nLR: config.nLR });
    this.counter = new SystemCounter(this.kernel, config.counterHz);
    const gicIn = this.gicLines;
    for (let i = 0; i < pcpus; i++) {
      const t = new GenericTimer({ counter: this.counter, cpu: i, trace });
      t.cntv.output.connect(gicIn, lineArg(i, PPI.VIRT_TIMER));
      t.cntp.output.connect(gicIn, lineArg(i, PPI.PHYS_TIMER));
      t.cnthp.output.connect(gicIn, lineArg(i, PPI.HYP_TIMER));
      this.timers.push(t);
    }
    for (let i = 0; i < config.cpus; i++) {
      const cpu = new Cpu(i, this.ram, port, this.decodeCache);
      // ID_AA64PFR0_EL1.GIC = 1: the GICv3 system register interface (ICC_*).
      if (config.gic === 'v3') cpu.gicSysregs = 1;
      this.cpus.push(cpu);
      // Each cpu's PMU counts that cpu (on the reference machine cpu i is physical cpu i).
      if (config.pmu !== false) {
        cpu.pmuVer = 1;
        const pmu = new Pmu({ kernel: this.kernel, name: `cpu${i}`, cpu: i, source: cpu, trace });
        // (a cpu beyond the physical ones, a time-shared vcpu, reaches no physical PPI)
        if (i < pcpus) pmu.output.connect(gicIn, lineArg(i, PPI.PMU));
        this.pmus.push(pmu);
      }
    }
    this.uart = new Pl011();
    this.uart.irq.connect(gicIn, lineArg(0, UART_INTID));
    this.rtc = new Pl031({
      kernel: this.kernel,
      ticksPerSecond: config.counterHz,
      start: config.rtcStart ?? DEFAULT_RTC_START,
    });
    this.rtc.irq.connect(gicIn, lineArg(0, RTC_INTID));
  }

  /** The GICv2 (with the virtualization extensions) of a v2 board; a v3 board has none (it throws). */
  get gic(): GicV2 {
    if (this.gicV2 === undefined) throw new Error('this board has a GICv3 (board.gicV3), not a GICv2');
    return this.gicV2;
  }

  /** The GIC's device inputs, whichever GIC the board has (connect with `lineArg(cpu, intid)`). */
  get gicLines(): SignalListener {
    return this.gicV3 ?? (this.gicV2 as GicV2).lineListener;
  }

  /** The machine's scheduler maps each cpu's cycles to time for its PMU's overflow events. */
  attachPmuClocks(scheduler: Scheduler): void {
    this.pmus.forEach((p, i) => {
      p.clock = new SchedulerPmuClock(scheduler, this.ratio, this.cpus[i], i);
    });
  }

  /** The device behind a user-space MMIO window (QEMU's devices under KVM: the PL011 and the PL031). */
  userDevice(w: GuestWindow): MmioDevice {
    return w === GuestWindow.RTC ? this.rtc : this.uart;
  }

  /** The whole board as data (pending kernel events included, by name). */
  save(): BoardState {
    return {
      version: 1,
      kernel: this.kernel.save(),
      chooser: this.chooser.save(),
      ram: this.ram.save(),
      ...this.gicState('save'),
      timers: this.timers.map((t) => t.save()),
      uart: this.uart.save(),
      rtc: this.rtc.save(),
      cpus: this.cpus.map((c) => c.save()),
      pmus: this.pmus.map((p) => p.save()),
    };
  }

  /** Restore into a board built with the same configuration (and the same named events). */
  restore(s: BoardState): void {
    if (s.version !== 1) throw new RangeError(`board snapshot version ${s.version} is not supported`);
    this.kernel.restore(s.kernel);
    this.chooser.restore(s.chooser);
    this.ram.restore(s.ram);
    if (this.gicV2 !== undefined) {
      if (s.gic === undefined) throw new RangeError('board snapshot has no GICv2 state');
      this.gicV2.restore(s.gic);
    }
    if (this.gicV3 !== undefined) {
      if (s.gicV3 === undefined) throw new RangeError('board snapshot has no GICv3 state');
      this.gicV3.restore(s.gicV3);
    }
    s.timers.forEach((t, i) => {
      this.timers[i].restore(t);
    });
    this.uart.restore(s.uart);
    this.rtc.restore(s.rtc);
    s.cpus.forEach((c, i) => {
      this.cpus[i].restore(c);
    });
    // After the cpus: counting resumes from their restored counts.
    this.pmus.forEach((p, i) => {
      const ps = s.pmus?.[i];
      if (ps === undefined) p.reset();
      else p.restore(ps);
    });
  }

  /** Every block at its power-on reset: time 0, RAM zero, GIC and timers at reset values, cpus at PC 0. */
  defaultState(): BoardState {
    return {
      version: 1,
      kernel: this.kernel.defaultState(),
      chooser: this.chooser.defaultState(),
      ram: this.ram.defaultState(),
      ...this.gicState('defaultState'),
      timers: this.timers.map((t) => t.defaultState()),
      uart: this.uart.defaultState(),
      rtc: this.rtc.defaultState(),
      cpus: this.cpus.map((c) => c.defaultState()),
      pmus: this.pmus.map((p) => p.defaultState()),
    };
  }

  reset(): void {
    this.restore(this.defaultState());
  }

  /** The GIC's part of a BoardState: `gic` on a v2 board, `gicV3` on a v3 one. */
  private gicState(how: 'save' | 'defaultState'): Pick<BoardState, 'gic' | 'gicV3'> {
    if (this.gicV3 !== undefined) return { gicV3: this.gicV3[how]() };
    return { gic: (this.gicV2 as GicV2)[how]() };
  }
}

export interface BoardState {
  readonly version: 1;
  readonly kernel: ReturnType<Kernel['save']>;
  readonly chooser: ReturnType<Chooser['save']>;
  readonly ram: ReturnType<GuestRam['save']>;
  /** a v2 board's GIC */
  readonly gic?: ReturnType<GicV2['save']>;
  /** a v3 board's GIC */
  readonly gicV3?: ReturnType<GicV3['save']>;
  readonly timers: ReturnType<GenericTimer['save']>[];
  readonly uart: ReturnType<Pl011['save']>;
  readonly rtc: ReturnType<Pl031['save']>;
  readonly cpus: ReturnType<Cpu['save']>[];
  /** absent in older snapshots: PMUs at reset */
  readonly pmus?: ReturnType<Pmu['save']>[];
}
