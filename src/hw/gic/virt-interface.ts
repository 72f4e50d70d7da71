// The per-cpu GICv2 virtual interface (IHI 0048B chapter 5): the GICH
// control registers the hypervisor programs (list registers, HCR, VMCR, APR)
// and the virtual CPU interface the guest drives through GICV. This file
// holds the state and the rules; gich-frame.ts and gicv-frame.ts decode
// the two MMIO frames onto the methods below.
//
// Deterministic choices where the spec leaves freedom (documented here once):
// - HPPI ties between LRs of equal priority go to the lowest LR index.
// - A GICH_LR write with HW=1 and State=pending+active (not permitted for a
//   hardware interrupt) is stored as State=active: the pending part of a
//   hardware interrupt lives in the physical distributor, which re-signals
//   it after the physical deactivation.
// - Writes of a binary point below the minimum (VMBP < 2, VMABP < 3) store
//   the minimum, through GICV_BPR/ABPR and GICH_VMCR alike.
// - EOICount wraps modulo 32.
// - GICV_EOIR/AEOIR/DIR writes of a special INTID (1020-1023) are ignored;
//   GICV_DIR while EOImode=0 (UNPREDICTABLE) is ignored.
// - An HW=1 deactivation forwards PhysicalID 16..1019 to the distributor;
//   other PhysicalIDs (SGIs, special INTIDs: UNPREDICTABLE) forward nothing.
// - GICH_HCR.En=0: GICV_IAR/AIAR/HPPIR/AHPPIR read 1023, no vIRQ/vFIQ and no
//   maintenance interrupt (5.3.2).
// - EOIR and AEOIR act on the INTID written whatever its group.

import { getField, setField, testBit } from '../../sim/bits.ts';
import type { Saveable } from '../../sim/saveable.ts';
import type { Signal } from '../../sim/signal.ts';
import type { MmioDevice } from '../mmio.ts';
import { GichFrame } from './gich-frame.ts';
import { GicvFrame } from './gicv-frame.ts';
import type { IntId } from './intid.ts';
import {
  GICH_VMCR_RESET,
  type VirtInterfaceOptions,
  type VirtInterfaceState,
  virtDefaultState,
} from './virt-state.ts';

export type { PhysicalGicPort, VirtInterfaceOptions, VirtInterfaceState } from './virt-state.ts';
import { computeEISR, computeELRSR, computeMISR } from './gich-status.ts';
import type { VirtInterfaceOps } from './virt-ops.ts';
import {
  aprBit,
  canSignal,
  findActiveLr,
  groupPriority,
  hppiLr,
  iarValue,
  NO_LR,
  viewFilter,
} from './virt-priority.ts';
import {
  GICH_HCR_WRITABLE,
  GICH_LR_WRITABLE_HW,
  GICH_LR_WRITABLE_SW,
  LrState,
  GICH_VMCR_CTLR_MASK,
  GICH_HCR_EOICount,
  GICH_HCR_En,
  GICH_LR_Grp1,
  GICH_LR_HW,
  GICH_LR_PhysicalID,
  GICH_LR_State,
  GICH_LR_VirtualID,
  GICH_VMCR_VEM,
  GICH_VMCR_VMABP,
  GICH_VMCR_VMBP,
  GICH_VMCR_VMFIQEn,
  GICH_VMCR_VMPriMask,
  GICH_VTR_ListRegs,
  GICH_VTR_PREbits,
  GICH_VTR_PRIbits,
} from './virt-regs.ts';
import { GICC_IAR_CPUID, GICC_IAR_InterruptID } from './registers.ts';
import {
  aprDropHighest,
  MIN_VABPR,
  MIN_VBPR,
  VIRT_PREEMPTION_BITS,
  VIRT_PRIORITY_BITS,
  virtRunningPriority,
} from './priority.ts';
import { FIRST_SPECIAL_INTID, isSgi, isSpecial, SPURIOUS } from './intid.ts';
import type { AckView } from './virt-ops.ts';
import type { StateDigest } from '../../sim/state-digest.ts';
import { VirtOutputs } from './virt-outputs.ts';

export class VirtInterface implements VirtInterfaceOps, Saveable<VirtInterfaceState> {
  /** virtual IRQ to this cpu (taken by the guest at EL1) */
  readonly virq: Signal;
  /** virtual FIQ (group 0 with GICV_CTLR.FIQEn) */
  readonly vfiq: Signal;
  /** maintenance interrupt, wired to physical PPI 25 of this cpu */
  readonly maintenance: Signal;
  /** GICH frame, 4 KiB: GICH_HCR, VTR, VMCR, MISR, EISR, ELRSR, APR, LRn */
  readonly gich: MmioDevice;
  /** GICV frame, 8 KiB: the GICC register layout backed by the LRs */
  readonly gicv: MmioDevice;

  private readonly out: VirtOutputs;
  private readonly lr: Uint32Array;
  private hcr = 0;
  private vmcr = GICH_VMCR_RESET;
  /** GICH_APR: bit k = preemption level k (group priority k << 3) is active */
  private apr = 0;

  constructor(readonly opts: VirtInterfaceOptions) {
    if (!Number.isInteger(opts.nLR) || opts.nLR < 1 || opts.nLR > 64)
      throw new RangeError(`nLR must be 1..64, got ${opts.nLR}`);
    this.lr = new Uint32Array(opts.nLR);
    this.out = new VirtOutputs(opts.cpu, opts.clock, opts.trace);
    this.virq = this.out.virq;
    this.vfiq = this.out.vfiq;
    this.maintenance = this.out.maintenance;
    this.gich = new GichFrame(this);
    this.gicv = new GicvFrame(this);
  }

  get nLR(): number {
    return this.lr.length;
  }

  // ---- GICH registers -------------------------------------------------------

  readHCR(): number {
    return this.hcr;
  }

  // A write that leaves the register as it was changes no output: the
  // hypervisor's load/flush/sync rewrite HCR, VMCR and APR at every exit,
  // mostly with the value already there (update() is a function of the state).

  writeHCR(v: number): void {
    const w = (v & GICH_HCR_WRITABLE) >>> 0;
    if (w === this.hcr) return;
    this.hcr = w;
    this.update();
  }

  readVTR(): number {
    let v = setField(0, GICH_VTR_ListRegs, this.lr.length - 1);
    v = setField(v, GICH_VTR_PREbits, VIRT_PREEMPTION_BITS - 1);
    return setField(v, GICH_VTR_PRIbits, VIRT_PRIORITY_BITS - 1);
  }

  readVMCR(): number {
    return this.vmcr;
  }

  writeVMCR(v: number): void {
    let m = v & GICH_VMCR_CTLR_MASK; // the GICV_CTLR alias bits; [8:5], [17:10], [26:24] are RES0
    m = setField(m, GICH_VMCR_VMABP, Math.max(getField(v, GICH_VMCR_VMABP), MIN_VABPR));
    m = setField(m, GICH_VMCR_VMBP, Math.max(getField(v, GICH_VMCR_VMBP), MIN_VBPR));
    m = setField(m, GICH_VMCR_VMPriMask, getField(v, GICH_VMCR_VMPriMask));
    if (m === this.vmcr) return;
    this.vmcr = m;
    this.update();
  }

  readMISR(): number {
    return computeMISR(this.lr, this.hcr, this.vmcr);
  }

  readEISR(bank: 0 | 1): number {
    return computeEISR(this.lr, bank);
  }

  readELRSR(bank: 0 | 1): number {
    return computeELRSR(this.lr, bank);
  }

  readAPR(): number {
    return this.apr;
  }

  /** GICH_APR and GICV_APR0 are one register: all 32 preemption levels are implemented. */
  writeAPR(v: number): void {
    if (v >>> 0 === this.apr) return;
    this.apr = v >>> 0;
    this.update();
  }

  readLR(n: number): number {
    return n >= 0 && n < this.lr.length ? this.lr[n] : 0;
  }

  /** GICH_LRn write; an unimplemented n is WI (5.3.9). */
  writeLR(n: number, v: number): void {
    if (n < 0 || n >= this.lr.length) return;
    const hw = testBit(v, GICH_LR_HW.lsb);
    let w = (v & (hw ? GICH_LR_WRITABLE_HW : GICH_LR_WRITABLE_SW)) >>> 0;
    if (hw && getField(w, GICH_LR_State) === LrState.PendingActive)
      w = setField(w, GICH_LR_State, LrState.Active);
    if (w === this.lr[n]) return;
    this.setLr(n, w);
    this.update();
  }

  // ---- GICV operations --------------------------------------------------------

  /** GICV_IAR (view Primary) / GICV_AIAR (view Aliased) read. */
  acknowledge(view: AckView): number {
    const n = hppiLr(this.lr, this.hcr, this.vmcr);
    if (n === NO_LR) return SPURIOUS;
    const v = this.lr[n];
    // an HPPI masked by PMR or the running priority is not acknowledged: 1023 (3.2.4)
    if (!canSignal(v, this.vmcr, this.apr)) return SPURIOUS;
    const id = viewFilter(v, this.vmcr, view);
    if (id !== 0) return id;
    this.out.traceOp('ack', getField(v, GICH_LR_VirtualID));
    this.setLr(n, setField(v, GICH_LR_State, LrState.Active));
    this.apr = (this.apr | aprBit(groupPriority(v, this.vmcr))) >>> 0;
    const ret = iarValue(v);
    this.update();
    return ret;
  }

  /** GICV_HPPIR / GICV_AHPPIR read: no side effects, ignores PMR and the running priority. */
  highestPending(view: AckView): number {
    const n = hppiLr(this.lr, this.hcr, this.vmcr);
    if (n === NO_LR) return SPURIOUS;
    const id = viewFilter(this.lr[n], this.vmcr, view);
    return id !== 0 ? id : iarValue(this.lr[n]);
  }

  /** GICV_EOIR / GICV_AEOIR write (5.4.1): priority drop, then deactivation if EOImode=0. */
  endOfInterrupt(value: number): void {
    const id = getField(value, GICC_IAR_InterruptID);
    if (id >= FIRST_SPECIAL_INTID) return;
    const dropped = this.apr !== 0;
    if (dropped) this.apr = aprDropHighest(this.apr);
    this.out.traceOp('eoi', id);
    if (!testBit(this.vmcr, GICH_VMCR_VEM.lsb)) {
      const n = findActiveLr(this.lr, id, getField(value, GICC_IAR_CPUID));
      if (n !== NO_LR) this.deactivateLr(n);
      // GICH_HCR.EOICount counts EOIs with no LR, but only those that dropped a priority (5.3.2)
      else if (dropped) this.bumpEoiCount();
    }
    this.update();
  }

  /** GICV_DIR write (5.4.1): deactivation only, meaningful with EOImode=1. */
  deactivate(value: number): void {
    const id = getField(value, GICC_IAR_InterruptID);
    if (id >= FIRST_SPECIAL_INTID || !testBit(this.vmcr, GICH_VMCR_VEM.lsb)) return;
    this.out.traceOp('dir', id);
    const n = findActiveLr(this.lr, id, getField(value, GICC_IAR_CPUID));
    if (n !== NO_LR) this.deactivateLr(n);
    else this.bumpEoiCount();
    this.update();
  }

  /** Group priority of the highest active priority; IDLE_PRIORITY (0x100) when idle (GICV_RPR reads 0xFF). */
  runningPriority(): number {
    return virtRunningPriority(this.apr);
  }

  // ---- save / restore ---------------------------------------------------------

  save(): VirtInterfaceState {
    return {
      version: 1,
      lr: Array.from(this.lr),
      hcr: this.hcr,
      vmcr: this.vmcr,
      apr: this.apr,
      virq: this.virq.level,
      vfiq: this.vfiq.level,
      maintenance: this.maintenance.level,
    };
  }

  /** What save() holds, into a running hash. */
  digest(h: StateDigest): void {
    h.words(this.lr);
    h.int(this.hcr);
    h.int(this.vmcr);
    h.int(this.apr);
    h.int((this.virq.level ? 1 : 0) | (this.vfiq.level ? 2 : 0) | (this.maintenance.level ? 4 : 0));
  }

  /** GICH reset values: every LR invalid, GICH_HCR 0, GICH_VMCR at its reset value, nothing active. */
  defaultState(): VirtInterfaceState {
    return virtDefaultState(this.lr.length);
  }

  reset(): void {
    this.restore(this.defaultState());
  }

  /** Restore without notifying listeners: the receivers restore their own view of the lines. */
  restore(s: VirtInterfaceState): void {
    if (s.version !== 1) throw new RangeError(`VirtInterfaceState version ${s.version}`);
    if (s.lr.length !== this.lr.length)
      throw new RangeError(`snapshot has ${s.lr.length} LRs, this interface ${this.lr.length}`);
    for (let n = 0; n < this.lr.length; n++) this.lr[n] = s.lr[n] >>> 0;
    this.hcr = s.hcr >>> 0;
    this.vmcr = s.vmcr >>> 0;
    this.apr = s.apr >>> 0;
    this.out.restoreLevels(s.virq, s.vfiq, s.maintenance);
  }

  // ---- internals ----------------------------------------------------------------

  private deactivateLr(n: number): void {
    const v = this.lr[n];
    this.setLr(n, setField(v, GICH_LR_State, getField(v, GICH_LR_State) & LrState.Pending));
    if (testBit(v, GICH_LR_HW.lsb)) {
      const pid = getField(v, GICH_LR_PhysicalID);
      if (!isSgi(pid) && !isSpecial(pid)) this.opts.phys.deactivatePhysical(this.opts.cpu, pid as IntId);
    }
  }

  private bumpEoiCount(): void {
    const c = (getField(this.hcr, GICH_HCR_EOICount) + 1) & 0x1f;
    this.hcr = setField(this.hcr, GICH_HCR_EOICount, c);
  }

  /** Store an LR value, tracing a change of its interrupt's state. */
  private setLr(n: number, w: number): void {
    const old = this.lr[n];
    this.lr[n] = w;
    if (this.opts.trace.enabled)
      this.out.traceLr(
        getField(old, GICH_LR_VirtualID),
        getField(old, GICH_LR_State),
        getField(w, GICH_LR_VirtualID),
        getField(w, GICH_LR_State),
      );
  }

  /** Recompute the three outputs from the state; called after every state change. */
  private update(): void {
    const en = testBit(this.hcr, GICH_HCR_En.lsb);
    let irq = false;
    let fiq = false;
    const n = hppiLr(this.lr, this.hcr, this.vmcr);
    if (n !== NO_LR && canSignal(this.lr[n], this.vmcr, this.apr)) {
      const v = this.lr[n];
      if (!testBit(v, GICH_LR_Grp1.lsb) && testBit(this.vmcr, GICH_VMCR_VMFIQEn.lsb)) fiq = true;
      else irq = true;
    }
    this.out.drive(this.virq, irq);
    this.out.drive(this.vfiq, fiq);
    this.out.drive(this.maintenance, en && this.readMISR() !== 0);
  }
}
