// One GICv3 redistributor (IHI 0069 chapter 12, the GICR registers): the
// SGIs and PPIs of its cpu, their state, and the cpu's power-management
// handshake with the GIC (GICR_WAKER). Its register frames (RD_base and
// SGI_base) are gicr-frame.ts.
//
// GICR_WAKER: ProcessorSleep resets to 1, and ChildrenAsleep follows it at
// once (the model has no interface to quiesce). While ProcessorSleep is 1
// the redistributor forwards no interrupt to its CPU interface (IHI 0069,
// GICR_WAKER and "Power management": it is the PE's notice that it is
// asleep); interrupts stay pending.

import { mpidrAffinity } from '../../cpu/mpidr.ts';
import type { Saveable } from '../../../sim/saveable.ts';
import type { TraceSink } from '../../../sim/trace/sink.ts';
import type { Clock } from '../../mmio.ts';
import { SGI_COUNT, PRIVATE_COUNT } from '../intid.ts';
import { IrqBank, type IrqBankState } from './irq-bank.ts';

export interface RedistributorState {
  readonly version: 1;
  readonly irqs: IrqBankState;
  /** GICR_WAKER.ProcessorSleep */
  readonly processorSleep: boolean;
}

export interface RedistributorOptions {
  readonly cpu: number;
  /** GICR_TYPER.Last: the last redistributor of its region */
  readonly last: boolean;
  readonly clock: Clock;
  readonly trace: TraceSink;
  /** called on every change that may move this cpu's highest priority pending interrupt */
  readonly changed: () => void;
  /** called when GICR_WAKER.ProcessorSleep changes (1-of-N routing may move an SPI to another cpu) */
  readonly sleepChanged: () => void;
}

export class Redistributor implements Saveable<RedistributorState> {
  readonly cpu: number;
  readonly last: boolean;
  /** INTIDs 0-31 of this cpu */
  readonly irqs: IrqBank;
  processorSleep = true;
  private readonly sleepChanged: () => void;

  constructor(o: RedistributorOptions) {
    this.cpu = o.cpu;
    this.last = o.last;
    this.irqs = new IrqBank({
      count: PRIVATE_COUNT,
      first: 0,
      owner: o.cpu,
      clock: o.clock,
      trace: o.trace,
      changed: o.changed,
    });
    this.sleepChanged = o.sleepChanged;
    this.reset();
  }

  /**
   * MPIDR_EL1 affinity of the cpu, Aff3:Aff2:Aff1:Aff0 (GICR_TYPER
   * Affinity_Value): the board's, clusters of 16 as QEMU virt's with a GICv3
   * (hw/cpu/mpidr.ts).
   */
  get affinity(): number {
    return mpidrAffinity(this.cpu);
  }

  /** Forwarding to the CPU interface is on (GICR_WAKER.ProcessorSleep = 0). */
  get awake(): boolean {
    return !this.processorSleep;
  }

  setProcessorSleep(v: boolean): void {
    if (this.processorSleep === v) return;
    this.processorSleep = v;
    this.sleepChanged();
  }

  // ---- state is data ----

  save(): RedistributorState {
    return { version: 1, irqs: this.irqs.save(), processorSleep: this.processorSleep };
  }

  /**
   * Reset (IMPLEMENTATION DEFINED values, as QEMU's virt with
   * gic-version=3 has them): every SGI and PPI disabled, Group 0, priority 0; SGIs edge-triggered (GICR_ICFGR0 is
   * read-only), PPIs level-sensitive (GICR_ICFGR1 read-only here: the
   * timers drive level PPIs); ProcessorSleep = 1.
   */
  defaultState(): RedistributorState {
    const irqs = this.irqs.defaultState({ edge: (i) => (i < SGI_COUNT ? 1 : 0), group: 0, enabled: 0 });
    return { version: 1, irqs, processorSleep: true };
  }

  reset(): void {
    this.restore(this.defaultState());
  }

  restore(s: RedistributorState): void {
    if (s.version !== 1) throw new Error(`redistributor snapshot version ${s.version} is not supported`);
    this.irqs.restore(s.irqs);
    this.processorSleep = s.processorSleep;
  }
}
