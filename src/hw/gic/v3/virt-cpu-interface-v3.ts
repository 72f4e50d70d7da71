// The per-cpu GICv3 virtual CPU interface (IHI 0069H chapter 6 "Virtual
// interrupt handling and prioritization", 12.3 ICV_*, 12.4 ICH_*): the
// ICH_*_EL2 registers the hypervisor programs (list registers, HCR, VMCR,
// active priorities) and the ICV_* view an EL1 guest gets for the ICC_*
// encodings while HCR_EL2.IMO/FMO route them here. The physical GICv3 holds
// one per cpu and routes MRS/MSR to it (hardware has no idea which software
// runs: KVM programs the ICH_* side, a guest drives the ICV_* side).
//
// Only the system register interface is modelled (ICC_SRE_EL1.SRE = 1 for
// the guest): ICH_VMCR_EL2.VAckCtl is RES0 and VFIQEn RES1, Group 0 is
// always signalled as vFIQ and Group 1 as vIRQ (4.6.2).
//
// Deterministic choices where the spec leaves freedom: src/hw/gic/v3/README.md.

import { getField, setField, testBit } from '../../../sim/bits.ts';
import type { Saveable } from '../../../sim/saveable.ts';
import type { Signal } from '../../../sim/signal.ts';
import { FIRST_SPECIAL_INTID, isSgi, MAX_INTID, SPURIOUS } from '../intid.ts';
import { aprDropHighest, highestActiveGroup } from '../priority.ts';
import { VirtOutputs } from '../virt-outputs.ts';
import { computeEisr, computeElrsr, computeMisr } from './ich-status.ts';
import { type IccReg, ICH_LR_MAX, IchReg } from './sysreg-encodings.ts';
import {
  ICH_HCR_En,
  ICH_HCR_EOIcount,
  ICH_HCR_WRITABLE,
  ICH_LR_EOI,
  ICH_LR_HI_SHIFT,
  ICH_LR_HW,
  ICH_LR_Priority,
  ICH_LR_State,
  ICH_LR_pINTID,
  ICH_VMCR_VEOIM,
  IchLrState,
} from './ich-regs.ts';
import { type IcvTarget, icvRead, icvTrapped, icvWrite } from './icv-registers.ts';
import {
  apBit,
  canSignal,
  findActiveLr,
  groupPriority,
  hppiLr,
  lrGroup1,
  NO_LR,
  runningPriority,
  VIRT_V3_ID_BITS,
  VIRT_V3_PRIORITY_MASK,
} from './virt-priority-v3.ts';
import {
  ichVtr,
  type VirtCpuInterfaceV3Options,
  type VirtCpuInterfaceV3State,
  vmcrWrite,
  virtV3DefaultState,
} from './virt-v3-state.ts';

export type {
  PhysicalDeactivatePort,
  VirtCpuInterfaceV3Options,
  VirtCpuInterfaceV3State,
} from './virt-v3-state.ts';

const VINTID_MASK = (2 ** VIRT_V3_ID_BITS - 1) >>> 0;
const HI_HW = 1 << ICH_LR_HW.lsb;
const HI_EOI = 1 << ICH_LR_EOI.lsb;
/** High-word bits kept with HW = 1 / HW = 0: State, HW, Group, implemented Priority, and pINTID or EOI. */
const HI_COMMON = (0xf0000000 | (VIRT_V3_PRIORITY_MASK << ICH_LR_Priority.lsb)) >>> 0;
const HI_WRITABLE_HW = (HI_COMMON | ((1 << ICH_LR_pINTID.width) - 1)) >>> 0;
const HI_WRITABLE_SW = (HI_COMMON | HI_EOI) >>> 0;

/** 1020-1023 (GICv3 2.2.1: INTIDs above them are LPIs, not special). */
function isSpecialV3(id: number): boolean {
  return id >= FIRST_SPECIAL_INTID && id <= SPURIOUS;
}

export class VirtCpuInterfaceV3 implements IcvTarget, Saveable<VirtCpuInterfaceV3State> {
  /** virtual IRQ (Group 1) to this cpu */
  readonly virq: Signal;
  /** virtual FIQ (Group 0) */
  readonly vfiq: Signal;
  /** maintenance interrupt (ICH_HCR_EL2.En && ICH_MISR_EL2 != 0), wired to PPI 25 */
  readonly maintenance: Signal;

  private readonly out: VirtOutputs;
  /** ICH_LR<n>_EL2 bits [31:0] and [63:32] */
  private readonly lrLo: Uint32Array;
  private readonly lrHi: Uint32Array;
  private hcr = 0;
  private vmcr: number;
  /** ICH_AP0R0_EL2, ICH_AP1R0_EL2: bit k = group priority k << 3 active */
  private ap0 = 0;
  private ap1 = 0;

  constructor(readonly opts: VirtCpuInterfaceV3Options) {
    if (!Number.isInteger(opts.nLR) || opts.nLR < 1 || opts.nLR > ICH_LR_MAX)
      throw new RangeError(`nLR must be 1..${ICH_LR_MAX}, got ${opts.nLR}`);
    this.lrLo = new Uint32Array(opts.nLR);
    this.lrHi = new Uint32Array(opts.nLR);
    this.vmcr = virtV3DefaultState(opts.nLR).vmcr;
    this.out = new VirtOutputs(opts.cpu, opts.clock, opts.trace);
    this.virq = this.out.virq;
    this.vfiq = this.out.vfiq;
    this.maintenance = this.out.maintenance;
  }

  get nLR(): number {
    return this.lrLo.length;
  }

  // ---- ICH_*_EL2 (the hypervisor's side) ------------------------------------

  /** MRS of an ICH_* register other than the LRs; ICH_AP0R/AP1R<n> with n > 0 read 0 (ichImplemented: UNDEFINED). */
  readIch(r: IchReg): number {
    switch (r) {
      case IchReg.ICH_HCR_EL2:
        return this.hcr;
      case IchReg.ICH_VTR_EL2:
        return ichVtr(this.lrLo.length);
      case IchReg.ICH_VMCR_EL2:
        return this.vmcr;
      case IchReg.ICH_MISR_EL2:
        return computeMisr(this.lrHi, this.lrHi.length, this.hcr, this.vmcr);
      case IchReg.ICH_EISR_EL2:
        return computeEisr(this.lrHi, this.lrHi.length);
      case IchReg.ICH_ELRSR_EL2:
        return computeElrsr(this.lrHi, this.lrHi.length);
      case IchReg.ICH_AP0R0_EL2:
        return this.ap0;
      case IchReg.ICH_AP1R0_EL2:
        return this.ap1;
      default:
        return 0;
    }
  }

  /** MSR of an ICH_* register; read-only and unimplemented ones ignore it. */
  writeIch(r: IchReg, v: number): void {
    switch (r) {
      case IchReg.ICH_HCR_EL2:
        this.hcr = (v & ICH_HCR_WRITABLE) >>> 0;
        break;
      case IchReg.ICH_VMCR_EL2:
        this.vmcr = vmcrWrite(v);
        break;
      case IchReg.ICH_AP0R0_EL2:
        this.ap0 = v >>> 0;
        break;
      case IchReg.ICH_AP1R0_EL2:
        this.ap1 = v >>> 0;
        break;
      default:
        return;
    }
    this.update();
  }

  /** ICH_LR<n>_EL2 bits [31:0]; an unimplemented n reads 0. */
  readLrLo(n: number): number {
    return n >= 0 && n < this.lrLo.length ? this.lrLo[n] : 0;
  }

  /** ICH_LR<n>_EL2 bits [63:32]. */
  readLrHi(n: number): number {
    return n >= 0 && n < this.lrHi.length ? this.lrHi[n] : 0;
  }

  /** ICH_LR<n>_EL2 write as two halves; an unimplemented n is ignored. */
  writeLr(n: number, lo: number, hi: number): void {
    if (n < 0 || n >= this.lrLo.length) return;
    const hw = testBit(hi, ICH_LR_HW.lsb);
    let h = (hi & (hw ? HI_WRITABLE_HW : HI_WRITABLE_SW)) >>> 0;
    if (hw && getField(h, ICH_LR_State) === IchLrState.PendingActive)
      h = setField(h, ICH_LR_State, IchLrState.Active);
    this.setLr(n, (lo & VINTID_MASK) >>> 0, h);
    this.update();
  }

  /** ICH_LR<n>_EL2 as MRS returns it (BigInt only at the MRS/MSR boundary). */
  readLr64(n: number): bigint {
    return (BigInt(this.readLrHi(n)) << BigInt(ICH_LR_HI_SHIFT)) | BigInt(this.readLrLo(n));
  }

  writeLr64(n: number, v: bigint): void {
    const u = BigInt.asUintN(64, v);
    this.writeLr(n, Number(u & 0xffff_ffffn), Number(u >> BigInt(ICH_LR_HI_SHIFT)));
  }

  // ---- ICV_*_EL1 (the guest's side, via ICC_* encodings) ----------------------

  /** Do ICH_HCR_EL2's trap bits (TALL0, TALL1, TC, TDIR) send an EL1 access to ICC encoding `r` to EL2? */
  trapsToEl2(r: IccReg, write: boolean): boolean {
    return icvTrapped(this.hcr, r, write);
  }

  /** MRS of the ICV register behind ICC encoding `r` (icv-registers.ts says which exist and which way). */
  readIcv(r: IccReg): number {
    return icvRead(this, r);
  }

  /** MSR of the ICV register behind ICC encoding `r`. */
  writeIcv(r: IccReg, v: number): void {
    icvWrite(this, r, v);
  }

  /** ICV_IAR0_EL1 (group 0) / ICV_IAR1_EL1 (group 1) read (4.9.1 acknowledge). */
  acknowledge(group: 0 | 1): number {
    const n = hppiLr(this.lrHi, this.lrHi.length, this.hcr, this.vmcr);
    if (n === NO_LR) return SPURIOUS;
    const hi = this.lrHi[n];
    if ((lrGroup1(hi) ? 1 : 0) !== group || !canSignal(hi, this.vmcr, this.ap0, this.ap1)) return SPURIOUS;
    const id = this.lrLo[n];
    this.out.traceOp('ack', id);
    this.setLr(n, id, setField(hi, ICH_LR_State, IchLrState.Active));
    const bit = apBit(groupPriority(hi, this.vmcr));
    if (group === 0) this.ap0 = (this.ap0 | bit) >>> 0;
    else this.ap1 = (this.ap1 | bit) >>> 0;
    this.update();
    return id;
  }

  /** ICV_HPPIR0/1_EL1: no side effects; ignores the PMR and the running priority. */
  highestPending(group: 0 | 1): number {
    const n = hppiLr(this.lrHi, this.lrHi.length, this.hcr, this.vmcr);
    if (n === NO_LR || (lrGroup1(this.lrHi[n]) ? 1 : 0) !== group) return SPURIOUS;
    return this.lrLo[n];
  }

  /** ICV_EOIR0/1_EL1 write: priority drop, then deactivation if VEOIM = 0. */
  endOfInterrupt(group: 0 | 1, value: number): void {
    const id = value & VINTID_MASK;
    if (isSpecialV3(id)) return;
    const dropped = this.dropPriority();
    this.out.traceOp('eoi', id);
    if (!testBit(this.vmcr, ICH_VMCR_VEOIM.lsb)) {
      const n = findActiveLr(this.lrLo, this.lrHi, this.lrLo.length, id);
      if (n !== NO_LR) {
        if ((lrGroup1(this.lrHi[n]) ? 1 : 0) === group) this.deactivateLr(n);
      } else if (dropped) this.bumpEoiCount();
    }
    this.update();
  }

  /** ICV_DIR_EL1 write: deactivation only, meaningful with VEOIM = 1. */
  deactivate(value: number): void {
    const id = value & VINTID_MASK;
    if (isSpecialV3(id) || !testBit(this.vmcr, ICH_VMCR_VEOIM.lsb)) return;
    this.out.traceOp('dir', id);
    const n = findActiveLr(this.lrLo, this.lrHi, this.lrLo.length, id);
    if (n !== NO_LR) this.deactivateLr(n);
    else this.bumpEoiCount();
    this.update();
  }

  /** Running priority, V3_IDLE_PRIORITY (0x100) when nothing is active (ICV_RPR_EL1 reads 0xFF). */
  runningPriority(): number {
    return runningPriority(this.ap0, this.ap1);
  }

  /** ICH_VMCR_EL2 as the ICV control registers (CTLR, PMR, BPR0/1, IGRPEN0/1) change it. */
  get vmcrValue(): number {
    return this.vmcr;
  }

  set vmcrValue(v: number) {
    this.vmcr = vmcrWrite(v);
    this.update();
  }

  // ---- save / restore ---------------------------------------------------------

  save(): VirtCpuInterfaceV3State {
    return {
      version: 1,
      lrLo: Array.from(this.lrLo),
      lrHi: Array.from(this.lrHi),
      hcr: this.hcr,
      vmcr: this.vmcr,
      ap0: this.ap0,
      ap1: this.ap1,
      virq: this.virq.level,
      vfiq: this.vfiq.level,
      maintenance: this.maintenance.level,
    };
  }

  /** Every LR invalid, ICH_HCR_EL2 0, ICH_VMCR_EL2 at its reset value, nothing active. */
  defaultState(): VirtCpuInterfaceV3State {
    return virtV3DefaultState(this.lrLo.length);
  }

  reset(): void {
    this.restore(this.defaultState());
  }

  /** Restore without notifying listeners: the receivers restore their own view of the lines. */
  restore(s: VirtCpuInterfaceV3State): void {
    if (s.version !== 1) throw new RangeError(`VirtCpuInterfaceV3State version ${s.version}`);
    if (s.lrLo.length !== this.lrLo.length || s.lrHi.length !== this.lrHi.length)
      throw new RangeError(`snapshot has ${s.lrLo.length} LRs, this interface ${this.lrLo.length}`);
    for (let n = 0; n < this.lrLo.length; n++) {
      this.lrLo[n] = s.lrLo[n] >>> 0;
      this.lrHi[n] = s.lrHi[n] >>> 0;
    }
    this.hcr = s.hcr >>> 0;
    this.vmcr = s.vmcr >>> 0;
    this.ap0 = s.ap0 >>> 0;
    this.ap1 = s.ap1 >>> 0;
    this.out.restoreLevels(s.virq, s.vfiq, s.maintenance);
  }

  // ---- internals ----------------------------------------------------------------

  /** Clear the highest active priority (lowest set bit of AP0R0 | AP1R0; Group 0 first on a tie). */
  private dropPriority(): boolean {
    const g = highestActiveGroup(this.ap0, this.ap1);
    if (g === 0) this.ap0 = aprDropHighest(this.ap0);
    else if (g === 1) this.ap1 = aprDropHighest(this.ap1);
    return g !== -1;
  }

  private deactivateLr(n: number): void {
    const hi = this.lrHi[n];
    this.setLr(n, this.lrLo[n], setField(hi, ICH_LR_State, getField(hi, ICH_LR_State) & IchLrState.Pending));
    if ((hi & HI_HW) !== 0) {
      const pid = getField(hi, ICH_LR_pINTID);
      if (!isSgi(pid) && pid <= MAX_INTID) this.opts.phys.deactivatePhysical(this.opts.cpu, pid);
    }
  }

  private bumpEoiCount(): void {
    this.hcr = setField(this.hcr, ICH_HCR_EOIcount, (getField(this.hcr, ICH_HCR_EOIcount) + 1) & 0x1f);
  }

  /** Store an LR, tracing a change of its interrupt's state. */
  private setLr(n: number, lo: number, hi: number): void {
    const oldLo = this.lrLo[n];
    const oldSt = getField(this.lrHi[n], ICH_LR_State);
    this.lrLo[n] = lo;
    this.lrHi[n] = hi;
    if (this.opts.trace.enabled) this.out.traceLr(oldLo, oldSt, lo, getField(hi, ICH_LR_State));
  }

  /** Recompute vIRQ, vFIQ and the maintenance interrupt; called after every state change. */
  private update(): void {
    let irq = false;
    let fiq = false;
    const n = hppiLr(this.lrHi, this.lrHi.length, this.hcr, this.vmcr);
    if (n !== NO_LR && canSignal(this.lrHi[n], this.vmcr, this.ap0, this.ap1)) {
      if (lrGroup1(this.lrHi[n])) irq = true;
      else fiq = true;
    }
    this.out.drive(this.virq, irq);
    this.out.drive(this.vfiq, fiq);
    const en = testBit(this.hcr, ICH_HCR_En.lsb);
    this.out.drive(
      this.maintenance,
      en && computeMisr(this.lrHi, this.lrHi.length, this.hcr, this.vmcr) !== 0,
    );
  }
}
