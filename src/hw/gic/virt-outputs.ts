// The outputs of one virtual CPU interface and its trace records, shared by
// the GICv2 virtual interface (IHI 0048B 5.1: GICH/GICV) and the GICv3 one
// (IHI 0069H 4.9: ICH_*/ICV_*): the vIRQ, vFIQ and maintenance lines, the
// 'ack'/'eoi'/'dir' records of the guest's side, and the 'irq' record of a
// list register whose interrupt changes state. What drives the lines (which
// LR wins, FIQ routing, the MISR) differs between the two architectures and
// stays in virt-interface.ts and v3/virt-cpu-interface-v3.ts.

import { Signal } from '../../sim/signal.ts';
import type { TraceSink } from '../../sim/trace/sink.ts';
import type { Clock } from '../mmio.ts';

/** List register State as both architectures encode it (GICH_LR.State, ICH_LR<n>_EL2.State): bit 0 pending, bit 1 active. */
const LR_PENDING = 1;
const LR_ACTIVE = 2;

export class VirtOutputs {
  /** virtual IRQ to this cpu (taken by the guest at EL1) */
  readonly virq: Signal;
  /** virtual FIQ */
  readonly vfiq: Signal;
  /** maintenance interrupt, wired to physical PPI 25 of this cpu */
  readonly maintenance: Signal;

  constructor(
    private readonly cpu: number,
    private readonly clock: Clock,
    private readonly trace: TraceSink,
  ) {
    this.virq = new Signal(`cpu${cpu}.virq`);
    this.vfiq = new Signal(`cpu${cpu}.vfiq`);
    this.maintenance = new Signal(`cpu${cpu}.maintenance`);
  }

  /** Set a line; a change is traced after the receivers have seen it. */
  drive(s: Signal, level: boolean): void {
    if (s.level === level) return;
    s.set(level);
    if (this.trace.enabled)
      this.trace.emit({ kind: 'line', t: this.clock.now, cpu: this.cpu, signal: s.name, level });
  }

  /** A virtual acknowledge, EOI or deactivation of `intid` by the guest. */
  traceOp(kind: 'ack' | 'eoi' | 'dir', intid: number): void {
    if (this.trace.enabled) this.trace.emit({ kind, t: this.clock.now, cpu: this.cpu, gic: 'virt', intid });
  }

  /**
   * A list register went from (oldId, oldSt) to (id, st): trace the
   * interrupts whose virtual state this changes. An LR that changes hands:
   * its previous interrupt leaves the virtual interface first.
   */
  traceLr(oldId: number, oldSt: number, id: number, st: number): void {
    if (!this.trace.enabled) return;
    if (oldSt !== 0 && oldId !== id) this.traceIrq(oldId, 0);
    if (st !== 0 ? oldSt !== st || oldId !== id : oldSt !== 0 && oldId === id) this.traceIrq(id, st);
  }

  /** Restore the three levels without notifying (the receivers restore their own view). */
  restoreLevels(virq: boolean, vfiq: boolean, maintenance: boolean): void {
    this.virq.restoreLevel(virq);
    this.vfiq.restoreLevel(vfiq);
    this.maintenance.restoreLevel(maintenance);
  }

  private traceIrq(intid: number, st: number): void {
    this.trace.emit({
      kind: 'irq',
      t: this.clock.now,
      cpu: this.cpu,
      gic: 'virt',
      intid,
      pending: (st & LR_PENDING) !== 0,
      active: (st & LR_ACTIVE) !== 0,
    });
  }
}
