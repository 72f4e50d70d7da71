// One physical GICv3 CPU interface: the ICC_*_EL1 system registers (IHI
// 0069 12.2) of a GIC with a single Security state (GICD_CTLR.DS = 1), as
// an EL1 with no EL3 reaches them. Prioritization is the GICv2 model's
// (../priority.ts): 5 priority bits (ICC_CTLR_EL1.PRIbits = 4), 5 bits of
// preemption, so ICC_AP0R0/AP1R0 hold 32 active priorities (bit k = group
// priority k << 3) and ICC_AP<n>R1..3 are not implemented (UNDEFINED).
//
// Signalling: the highest priority pending interrupt of this cpu (from the
// redistributor and the distributor, through IccPort) is signalled when its
// group is enabled (ICC_IGRPEN<n>_EL1), its priority is higher than
// ICC_PMR_EL1 and its group priority higher than the running priority; with
// one Security state Group 0 is an FIQ and Group 1 an IRQ (IHI 0069 4.6).
//
// Choices (deterministic, documented in README.md):
// - ICC_IAR1/HPPIR1 read 1023 when the highest priority pending interrupt
//   is Group 0, ICC_IAR0/HPPIR0 when it is Group 1; 1020-1022 are never
//   returned (they belong to EL3 and the legacy interface);
// - ICC_EOIR0/1: ignored for INTIDs that are not implemented (special ones
//   included) and when the highest active priority is not of the register's
//   group (Group 0 first on a tie); otherwise the highest active priority is
//   dropped, and with EOImode = 0 the INTID is deactivated;
// - ICC_DIR_EL1 with EOImode = 0 is UNPREDICTABLE: ignored;
// - ICC_BPR1_EL1 with CBPR = 1 reads ICC_BPR0_EL1 + 1 (at most 7) and
//   ignores writes; Group 1 then uses ICC_BPR0_EL1 for preemption;
// - MRS of a write-only register and MSR of a read-only one: UNDEFINED.

import { getField, setField, testBit } from '../../../sim/bits.ts';
import type { Saveable } from '../../../sim/saveable.ts';
import type { Signal } from '../../../sim/signal.ts';
import type { TraceSink } from '../../../sim/trace/sink.ts';
import type { Clock } from '../../mmio.ts';
import { CpuOutputs, type CpuOutputSource, OUT_FIQ, OUT_IRQ } from '../cpu-outputs.ts';
import { HPPI_GROUP, HPPI_INTID, HPPI_NONE, HPPI_PRIORITY } from '../distributor.ts';
import { SPURIOUS } from '../intid.ts';
import {
  aprDropHighest,
  aprSet,
  groupPriorityOfGroup,
  runningPriorityOf,
  highestActiveGroup,
  IDLE_PRIORITY,
  MIN_BPR,
  PRIORITY_BITS,
  PRIORITY_MASK,
  RPR_IDLE,
} from '../priority.ts';
import {
  ICC_BPR_BinaryPoint,
  ICC_CTLR_A3V,
  ICC_CTLR_CBPR,
  ICC_CTLR_EOImode,
  ICC_CTLR_PMHE,
  ICC_CTLR_PRIbits,
  ICC_INTID,
  ICC_SRE_DFB,
  ICC_SRE_DIB,
  ICC_SRE_SRE,
} from './icc-regs.ts';
import { IccReg } from './sysreg-encodings.ts';

/** What a CPU interface needs of the rest of the GIC (GicV3 implements it). */
export interface IccPort {
  /** packed HPPI (distributor.ts HPPI_* fields) of `cpu` among the groups in `enables`, or HPPI_NONE */
  highestPending(cpu: number, enables: number): number;
  acknowledge(cpu: number, intid: number): void;
  /** deactivate `intid` for `cpu` if it is active; ignore an unimplemented one */
  deactivate(cpu: number, intid: number): void;
  isImplemented(intid: number): boolean;
  /** an ICC_SGI0R/SGI1R/ASGI1R write by `cpu`; `group1`: SGIs of either group may be generated */
  generateSgi(cpu: number, lo: number, hi: number, group1: boolean): void;
  /** the cpu's group enables changed (1-of-N routing may move) */
  groupEnablesChanged(cpu: number): void;
}

export interface CpuInterfaceV3State {
  readonly version: 1;
  /** ICC_CTLR_EL1's RW bits: CBPR, EOImode, PMHE */
  readonly ctlr: number;
  readonly pmr: number;
  readonly bpr0: number;
  readonly bpr1: number;
  /** ICC_IGRPEN0_EL1.Enable (bit 0), ICC_IGRPEN1_EL1.Enable (bit 1) */
  readonly igrpen: number;
  readonly ap0r0: number;
  readonly ap1r0: number;
  readonly irq: boolean;
  readonly fiq: boolean;
}

const CTLR_RW = (1 << ICC_CTLR_CBPR.lsb) | (1 << ICC_CTLR_EOImode.lsb) | (1 << ICC_CTLR_PMHE.lsb);
/** ICC_CTLR_EL1's read-only bits: PRIbits = 4, IDbits = 0 (16 bits), SEIS 0, A3V 1, RSS 0, ExtRange 0. */
const CTLR_RO = setField(setField(0, ICC_CTLR_PRIbits, PRIORITY_BITS - 1), ICC_CTLR_A3V, 1);
const SRE_RAO = (1 << ICC_SRE_SRE.lsb) | (1 << ICC_SRE_DFB.lsb) | (1 << ICC_SRE_DIB.lsb);
const MAX_BPR = 7;
/** ICC_BPR1_EL1's minimum: one more than ICC_BPR0_EL1's (IHI 0069 12.2, ICC_BPR1_EL1). */
const MIN_BPR1 = MIN_BPR + 1;

export class CpuInterfaceV3 implements CpuOutputSource, Saveable<CpuInterfaceV3State> {
  readonly cpu: number;
  readonly irq: Signal;
  readonly fiq: Signal;
  ctlr = 0;
  pmr = 0;
  bpr0 = MIN_BPR;
  bpr1 = MIN_BPR1;
  igrpen = 0;
  ap0r0 = 0;
  ap1r0 = 0;
  private readonly port: IccPort;
  private readonly out: CpuOutputs;

  constructor(o: { cpu: number; port: IccPort; clock: Clock; trace: TraceSink }) {
    this.cpu = o.cpu;
    this.port = o.port;
    this.out = new CpuOutputs(o.cpu, o.clock, o.trace);
    this.irq = this.out.irq;
    this.fiq = this.out.fiq;
  }

  // ---- prioritization ----

  /**
   * Group priority (IHI 0069 4.8.3, ICC_BPR1_EL1): Group 0, and Group 1 when
   * CBPR = 1, split at ICC_BPR0_EL1 (subpriority [BPR0:0]); Group 1 otherwise
   * at ICC_BPR1_EL1 one bit lower (subpriority [BPR1-1:0]: at its minimum, 3,
   * all 5 priority bits preempt), as ICH_VMCR_EL2.VBPR1 does for ICV_*.
   */
  groupPriorityOf(priority: number, group: number): number {
    return groupPriorityOfGroup(priority, group, testBit(this.ctlr, ICC_CTLR_CBPR.lsb), this.bpr0, this.bpr1);
  }

  runningPriority(): number {
    return runningPriorityOf(this.ap0r0, this.ap1r0);
  }

  /** The HPPI if it may be signalled (enabled group, beats PMR and the running priority), else HPPI_NONE. */
  private signalled(): number {
    const h = this.port.highestPending(this.cpu, this.igrpen);
    if (h === HPPI_NONE) return HPPI_NONE;
    const prio = getField(h, HPPI_PRIORITY);
    if (prio >= this.pmr) return HPPI_NONE;
    if (this.groupPriorityOf(prio, getField(h, HPPI_GROUP)) >= this.runningPriority()) return HPPI_NONE;
    return h;
  }

  /** Recompute IRQ (Group 1) and FIQ (Group 0); nested updates fold into this one (cpu-outputs.ts). */
  update(): void {
    this.out.update(this);
  }

  /** One Security state: Group 0 is always an FIQ, Group 1 an IRQ (IHI 0069H 4.6). */
  outputLevels(): number {
    const h = this.signalled();
    if (h === HPPI_NONE) return 0;
    return getField(h, HPPI_GROUP) === 0 ? OUT_FIQ : OUT_IRQ;
  }

  // ---- acknowledge, EOI, deactivate ----

  /** ICC_IAR0_EL1 (group 0) / ICC_IAR1_EL1 (group 1). */
  acknowledge(group: number): number {
    const h = this.signalled();
    if (h === HPPI_NONE || getField(h, HPPI_GROUP) !== group) return SPURIOUS;
    const id = getField(h, HPPI_INTID);
    const gp = this.groupPriorityOf(getField(h, HPPI_PRIORITY), group);
    if (group === 0) this.ap0r0 = aprSet(this.ap0r0, gp);
    else this.ap1r0 = aprSet(this.ap1r0, gp);
    this.out.traceOp('ack', id);
    this.port.acknowledge(this.cpu, id); // notifies us: the outputs follow the new APR
    return id;
  }

  /** ICC_HPPIR0_EL1 / ICC_HPPIR1_EL1: PMR and the running priority are not considered. */
  highestPending(group: number): number {
    const h = this.port.highestPending(this.cpu, this.igrpen);
    if (h === HPPI_NONE || getField(h, HPPI_GROUP) !== group) return SPURIOUS;
    return getField(h, HPPI_INTID);
  }

  /** ICC_EOIR0_EL1 / ICC_EOIR1_EL1. */
  endOfInterrupt(value: number, group: number): void {
    const id = getField(value, ICC_INTID);
    if (!this.port.isImplemented(id) || highestActiveGroup(this.ap0r0, this.ap1r0) !== group) return;
    if (group === 0) this.ap0r0 = aprDropHighest(this.ap0r0);
    else this.ap1r0 = aprDropHighest(this.ap1r0);
    this.out.traceOp('eoi', id);
    if (!testBit(this.ctlr, ICC_CTLR_EOImode.lsb)) this.port.deactivate(this.cpu, id);
    this.update();
  }

  /** ICC_DIR_EL1. */
  deactivate(value: number): void {
    if (!testBit(this.ctlr, ICC_CTLR_EOImode.lsb)) return;
    const id = getField(value, ICC_INTID);
    if (!this.port.isImplemented(id)) return;
    this.out.traceOp('dir', id);
    this.port.deactivate(this.cpu, id);
  }

  // ---- the system registers ----

  /** MRS: the value, or undefined for UNDEFINED (write-only or unimplemented registers). */
  readReg(reg: IccReg): number | undefined {
    switch (reg) {
      case IccReg.ICC_PMR_EL1:
        return this.pmr;
      case IccReg.ICC_IAR0_EL1:
        return this.acknowledge(0);
      case IccReg.ICC_IAR1_EL1:
        return this.acknowledge(1);
      case IccReg.ICC_HPPIR0_EL1:
        return this.highestPending(0);
      case IccReg.ICC_HPPIR1_EL1:
        return this.highestPending(1);
      case IccReg.ICC_BPR0_EL1:
        return this.bpr0;
      case IccReg.ICC_BPR1_EL1:
        return testBit(this.ctlr, ICC_CTLR_CBPR.lsb) ? Math.min(this.bpr0 + 1, MAX_BPR) : this.bpr1;
      case IccReg.ICC_AP0R0_EL1:
        return this.ap0r0;
      case IccReg.ICC_AP1R0_EL1:
        return this.ap1r0;
      case IccReg.ICC_RPR_EL1: {
        const rp = this.runningPriority();
        return rp === IDLE_PRIORITY ? RPR_IDLE : rp;
      }
      case IccReg.ICC_CTLR_EL1:
        return (this.ctlr | CTLR_RO) >>> 0;
      case IccReg.ICC_SRE_EL1:
        return SRE_RAO;
      case IccReg.ICC_IGRPEN0_EL1:
        return this.igrpen & 1;
      case IccReg.ICC_IGRPEN1_EL1:
        return (this.igrpen >>> 1) & 1;
      default:
        return undefined;
    }
  }

  /** MSR (`hi`: bits [63:32], used by the SGI registers): false for UNDEFINED. */
  writeReg(reg: IccReg, lo: number, hi: number): boolean {
    switch (reg) {
      case IccReg.ICC_PMR_EL1:
        this.pmr = lo & PRIORITY_MASK;
        break;
      case IccReg.ICC_EOIR0_EL1:
        this.endOfInterrupt(lo, 0);
        return true;
      case IccReg.ICC_EOIR1_EL1:
        this.endOfInterrupt(lo, 1);
        return true;
      case IccReg.ICC_DIR_EL1:
        this.deactivate(lo);
        return true;
      case IccReg.ICC_BPR0_EL1:
        this.bpr0 = Math.max(getField(lo, ICC_BPR_BinaryPoint), MIN_BPR);
        break;
      case IccReg.ICC_BPR1_EL1:
        if (!testBit(this.ctlr, ICC_CTLR_CBPR.lsb))
          this.bpr1 = Math.max(getField(lo, ICC_BPR_BinaryPoint), MIN_BPR1);
        break;
      case IccReg.ICC_AP0R0_EL1:
        this.ap0r0 = lo >>> 0;
        break;
      case IccReg.ICC_AP1R0_EL1:
        this.ap1r0 = lo >>> 0;
        break;
      case IccReg.ICC_CTLR_EL1:
        this.ctlr = lo & CTLR_RW;
        break;
      case IccReg.ICC_SRE_EL1:
        return true; // SRE, DFB, DIB are RAO/WI: the system-register interface only
      case IccReg.ICC_IGRPEN0_EL1:
      case IccReg.ICC_IGRPEN1_EL1: {
        const b = reg === IccReg.ICC_IGRPEN0_EL1 ? 1 : 2;
        this.igrpen = (lo & 1) !== 0 ? this.igrpen | b : this.igrpen & ~b;
        this.port.groupEnablesChanged(this.cpu);
        break;
      }
      // IHI 0069 (2018) 8.1.10 and the note of Table 8-14 (KVM's access_gic_sgi, Linux 4.19): with
      // DS = 1, ICC_SGI1R_EL1 may generate SGIs of either group, ICC_SGI0R_EL1 and ICC_ASGI1R_EL1 Group 0 ones.
      case IccReg.ICC_SGI1R_EL1:
        this.port.generateSgi(this.cpu, lo, hi, true);
        return true;
      case IccReg.ICC_SGI0R_EL1:
      case IccReg.ICC_ASGI1R_EL1:
        this.port.generateSgi(this.cpu, lo, hi, false);
        return true;
      default:
        return false;
    }
    this.update();
    return true;
  }

  // ---- state is data ----

  save(): CpuInterfaceV3State {
    const { ctlr, pmr, bpr0, bpr1, igrpen, ap0r0, ap1r0 } = this;
    return {
      version: 1,
      ctlr,
      pmr,
      bpr0,
      bpr1,
      igrpen,
      ap0r0,
      ap1r0,
      irq: this.irq.level,
      fiq: this.fiq.level,
    };
  }

  /** Reset: groups disabled, PMR 0 (masks everything), minimum binary points, nothing active. */
  defaultState(): CpuInterfaceV3State {
    const regs = { ctlr: 0, pmr: 0, bpr0: MIN_BPR, bpr1: MIN_BPR1, igrpen: 0, ap0r0: 0, ap1r0: 0 };
    return { version: 1, ...regs, irq: false, fiq: false };
  }

  reset(): void {
    this.restore(this.defaultState());
  }

  restore(s: CpuInterfaceV3State): void {
    if (s.version !== 1)
      throw new Error(`GICv3 cpu interface snapshot version ${s.version} is not supported`);
    this.ctlr = s.ctlr;
    this.pmr = s.pmr;
    this.bpr0 = s.bpr0;
    this.bpr1 = s.bpr1;
    this.igrpen = s.igrpen;
    this.ap0r0 = s.ap0r0;
    this.ap1r0 = s.ap1r0;
    this.out.restoreLevels(s.irq, s.fiq);
  }
}
