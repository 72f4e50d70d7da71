// One physical GICv2 CPU interface (GICC frame, 8 KiB; GICv2 4.4), without
// the Security Extensions. All accesses behave as Secure accesses of a GIC
// with interrupt grouping: GICC_CTLR has the Secure layout (EnableGrp0,
// EnableGrp1, AckCtl, FIQEn, CBPR, bypass-disable bits, EOImode at bit 9; bit
// 10 EOImodeNS is RAZ/WI), and the aliased registers (ABPR, AIAR, AEOIR,
// AHPPIR) are the group 1 views (GICv2 4.4.2, 4.4.5).
//
// Signalling (GICv2 3.2.2, 3.3): the highest priority pending interrupt from
// the distributor is signalled when its priority is higher than GICC_PMR and
// its group priority higher than the running priority; group 0 goes to FIQ
// when FIQEn = 1, everything else to IRQ. The outputs are recomputed on every
// state change. The bypass-disable bits are stored but have no effect (the
// model has no legacy bypass inputs).
//
// Each CpuInterface is its own MMIO frame, so the `cpu` argument of an
// access is ignored. Only aligned word accesses are defined; other widths are
// UNPREDICTABLE and RAZ/WI here.

import { getField, setField, testBit } from '../../sim/bits.ts';
import type { Saveable } from '../../sim/saveable.ts';
import type { Signal } from '../../sim/signal.ts';
import type { TraceSink } from '../../sim/trace/sink.ts';
import type { AccessSize, Clock, MmioDevice } from '../mmio.ts';
import { MmioTable } from '../mmio/region.ts';
import { giccTable } from './gicc-frame.ts';
import { CpuOutputs, type CpuOutputSource, OUT_FIQ, OUT_IRQ } from './cpu-outputs.ts';
import {
  type Distributor,
  type DistributorClient,
  HPPI_GROUP,
  HPPI_INTID,
  HPPI_NONE,
  HPPI_PRIORITY,
  HPPI_SOURCE,
} from './distributor.ts';
import { SGI_COUNT, SPURIOUS, FIRST_SPECIAL_INTID, SPURIOUS_GROUP1 } from './intid.ts';
import {
  aprDropHighest,
  aprSet,
  groupPriorityOfGroup,
  runningPriorityOf,
  highestActiveGroup,
  MIN_ABPR,
  MIN_BPR,
} from './priority.ts';
import {
  GICC_CTLR_AckCtl,
  GICC_CTLR_CBPR,
  GICC_CTLR_EOImode,
  GICC_CTLR_FIQEn,
  GICC_IAR_CPUID,
  GICC_IAR_InterruptID,
} from './registers.ts';
import type { StateDigest } from '../../sim/state-digest.ts';

export interface CpuInterfaceOptions {
  readonly cpu: number;
  readonly dist: Distributor;
  readonly clock: Clock;
  readonly trace: TraceSink;
}

export interface CpuInterfaceState {
  readonly version: 1;
  readonly ctlr: number;
  readonly pmr: number;
  readonly bpr: number;
  readonly abpr: number;
  /** GICC_APR0: active priorities of group 0 (bit k = group priority k << 3) */
  readonly apr: number;
  /** GICC_NSAPR0: active priorities of group 1, same layout */
  readonly nsapr: number;
  readonly irq: boolean;
  readonly fiq: boolean;
}

export class CpuInterface
  implements DistributorClient, CpuOutputSource, MmioDevice, Saveable<CpuInterfaceState>
{
  readonly cpu: number;
  readonly irq: Signal;
  readonly fiq: Signal;
  ctlr = 0;
  pmr = 0;
  bpr = MIN_BPR;
  abpr = MIN_ABPR;
  apr = 0;
  nsapr = 0;
  private readonly dist: Distributor;
  private readonly out: CpuOutputs;
  /** the GICC frame's register table */
  private readonly frame: MmioTable;

  constructor(opts: CpuInterfaceOptions) {
    this.cpu = opts.cpu;
    this.dist = opts.dist;
    this.out = new CpuOutputs(opts.cpu, opts.clock, opts.trace);
    this.irq = this.out.irq;
    this.fiq = this.out.fiq;
    this.dist.attach(this.cpu, this);
    this.frame = new MmioTable(giccTable(this));
  }

  distributorChanged(): void {
    this.update();
  }

  // ---- prioritization ----

  /** Group priority of `priority` for an interrupt of `group` (GICv2 3.3.3). */
  groupPriorityOf(priority: number, group: number): number {
    return groupPriorityOfGroup(priority, group, testBit(this.ctlr, GICC_CTLR_CBPR.lsb), this.bpr, this.abpr);
  }

  /** Running priority: the highest active group priority, or IDLE_PRIORITY (GICv2 3.3.5). */
  runningPriority(): number {
    return runningPriorityOf(this.apr, this.nsapr);
  }

  /** The distributor's HPPI for this cpu if it beats PMR and the running priority, else HPPI_NONE. */
  private signalled(): number {
    const h = this.dist.highestPending(this.cpu, this.ctlr & 3);
    if (h === HPPI_NONE) return HPPI_NONE;
    const prio = getField(h, HPPI_PRIORITY);
    if (prio >= this.pmr) return HPPI_NONE;
    if (this.groupPriorityOf(prio, getField(h, HPPI_GROUP)) >= this.runningPriority()) return HPPI_NONE;
    return h;
  }

  /** Recompute the IRQ and FIQ outputs (nested updates fold into one: cpu-outputs.ts). */
  update(): void {
    this.out.update(this);
  }

  /** The signalled interrupt goes to FIQ if it is group 0 and GICC_CTLR.FIQEn = 1, else to IRQ (GICv2 3.2.2). */
  outputLevels(): number {
    const h = this.signalled();
    if (h === HPPI_NONE) return 0;
    return getField(h, HPPI_GROUP) === 0 && testBit(this.ctlr, GICC_CTLR_FIQEn.lsb) ? OUT_FIQ : OUT_IRQ;
  }

  // ---- acknowledge, EOI, deactivate ----

  /**
   * GICC_IAR (aliased = false) or GICC_AIAR (aliased = true), GICv2 4.4.4,
   * 4.4.10. IAR: a group 1 HPPI with AckCtl = 0 reads 1022 and is not
   * acknowledged (GICv2 3.2.5). AIAR: a group 0 HPPI reads 1023.
   */
  acknowledge(aliased: boolean): number {
    const h = this.signalled();
    if (h === HPPI_NONE) return SPURIOUS;
    const group = getField(h, HPPI_GROUP);
    if (aliased && group === 0) return SPURIOUS;
    if (!aliased && group === 1 && !testBit(this.ctlr, GICC_CTLR_AckCtl.lsb)) return SPURIOUS_GROUP1;
    const id = getField(h, HPPI_INTID);
    const source = id < SGI_COUNT ? getField(h, HPPI_SOURCE) : 0;
    const gp = this.groupPriorityOf(getField(h, HPPI_PRIORITY), group);
    if (group === 0) this.apr = aprSet(this.apr, gp);
    else this.nsapr = aprSet(this.nsapr, gp);
    this.out.traceOp('ack', id);
    this.dist.acknowledge(this.cpu, id, source); // notifies us: outputs follow the new APR
    return setField(id, GICC_IAR_CPUID, source);
  }

  /** GICC_HPPIR / GICC_AHPPIR (GICv2 4.4.8): PMR and running priority are not considered. */
  highestPending(aliased: boolean): number {
    const h = this.dist.highestPending(this.cpu, this.ctlr & 3);
    if (h === HPPI_NONE) return SPURIOUS;
    const group = getField(h, HPPI_GROUP);
    if (aliased && group === 0) return SPURIOUS;
    if (!aliased && group === 1 && !testBit(this.ctlr, GICC_CTLR_AckCtl.lsb)) return SPURIOUS_GROUP1;
    return setField(getField(h, HPPI_INTID), GICC_IAR_CPUID, getField(h, HPPI_SOURCE));
  }

  /**
   * GICC_EOIR / GICC_AEOIR (GICv2 4.4.5, 4.4.11): priority drop of the highest
   * active priority, plus deactivation when EOImode = 0. Special INTIDs
   * (1020-1023) are ignored. An INTID that is not implemented, or a group 0
   * INTID written to AEOIR (UNPREDICTABLE), is ignored. The written value is
   * expected to match the last acknowledge (otherwise UNPREDICTABLE): the
   * model drops the highest active priority whatever the INTID.
   */
  endOfInterrupt(value: number, aliased: boolean): void {
    const id = getField(value, GICC_IAR_InterruptID);
    if (id >= FIRST_SPECIAL_INTID || !this.dist.isImplemented(id)) return;
    if (aliased && this.dist.groupOf(this.cpu, id) === 0) return;
    // Priority drop: clear the highest active priority; group 0 first on a tie.
    const g = highestActiveGroup(this.apr, this.nsapr);
    if (g === 0) this.apr = aprDropHighest(this.apr);
    else if (g === 1) this.nsapr = aprDropHighest(this.nsapr);
    this.out.traceOp('eoi', id);
    if (!testBit(this.ctlr, GICC_CTLR_EOImode.lsb) && this.dist.isActive(this.cpu, id))
      this.dist.setActive(this.cpu, id, false);
    this.update();
  }

  /**
   * GICC_DIR (GICv2 4.4.15): deactivate. With EOImode = 0 a write is
   * UNPREDICTABLE; the model ignores it. The CPUID field is ignored: an SGI's
   * active state is per target cpu, not per source.
   */
  deactivate(value: number): void {
    if (!testBit(this.ctlr, GICC_CTLR_EOImode.lsb)) return;
    const id = getField(value, GICC_IAR_InterruptID);
    if (id >= FIRST_SPECIAL_INTID || !this.dist.isImplemented(id)) return;
    this.out.traceOp('dir', id);
    if (this.dist.isActive(this.cpu, id)) this.dist.setActive(this.cpu, id, false);
  }

  // ---- MMIO: the GICC frame ----

  read(offset: number, size: AccessSize, cpu: number): number {
    return this.frame.read(offset, size, cpu);
  }

  write(offset: number, size: AccessSize, value: number, cpu: number): void {
    this.frame.write(offset, size, value, cpu);
  }

  // ---- state is data ----

  save(): CpuInterfaceState {
    return {
      version: 1,
      ctlr: this.ctlr,
      pmr: this.pmr,
      bpr: this.bpr,
      abpr: this.abpr,
      apr: this.apr,
      nsapr: this.nsapr,
      irq: this.irq.level,
      fiq: this.fiq.level,
    };
  }

  /** What save() holds, into a running hash. */
  digest(h: StateDigest): void {
    h.int(this.ctlr);
    h.int(this.pmr);
    h.int(this.bpr);
    h.int(this.abpr);
    h.num(this.apr);
    h.num(this.nsapr);
    h.int((this.irq.level ? 1 : 0) | (this.fiq.level ? 2 : 0));
  }

  /** GICC reset values: disabled, PMR 0 (masks everything), minimum binary points, nothing active. */
  defaultState(): CpuInterfaceState {
    const regs = { ctlr: 0, pmr: 0, bpr: MIN_BPR, abpr: MIN_ABPR, apr: 0, nsapr: 0 };
    return { version: 1, ...regs, irq: false, fiq: false };
  }

  reset(): void {
    this.restore(this.defaultState());
  }

  /** Restore registers and output levels without notifying listeners (they restore their own view). */
  restore(s: CpuInterfaceState): void {
    if (s.version !== 1) throw new Error(`cpu interface snapshot version ${s.version} is not supported`);
    this.ctlr = s.ctlr;
    this.pmr = s.pmr;
    this.bpr = s.bpr;
    this.abpr = s.abpr;
    this.apr = s.apr;
    this.nsapr = s.nsapr;
    this.out.restoreLevels(s.irq, s.fiq);
  }
}
