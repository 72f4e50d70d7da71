// The list registers of the legacy vgic on a GICv3 host with a GICv3 guest
// (Linux 4.2/4.3 virt/kvm/arm/vgic-v3.c and arch/arm64/kvm/vgic-v3-switch.S).
//
// The old vgic.c core works on a `struct vgic_lr` (irq, source, state, EOI,
// HW + hwirq) that each backend encodes into its LR format; vgicsim's legacy
// core keeps that struct as its GICH_LR encoding (legacy-lr.ts), and this
// file is the GICv3 backend under it:
// - vgic_v3_set_lr: vINTID = irq; state, EOI, HW + pINTID; the Group bit
//   ("we currently only support Group1 interrupts"); **no priority** (0,
//   "priorities are not emulated", as the GICv2 emulation) and no source
//   (a GICv3 LR has no CPUID field; vgic_v3_queue_sgi queues source 0);
// - vgic_v3_get_lr: the reverse (the source reads 0, the priority and the
//   Group bit are dropped);
// - the world switch (__save/__restore_vgic_v3_state): the LRs, ICH_HCR_EL2,
//   ICH_MISR_EL2, ICH_EISR_EL2 and ICH_ELSR_EL2 instead of the GICH frame;
//   ICH_VMCR_EL2 and ICH_AP0R0/AP1R0_EL2 at load/put (vgicsim's legacy v2
//   does its VMCR/APR there too). ICH_HCR_EL2's En and UIE sit where
//   GICH_HCR's do, ICH_MISR_EL2's EOI and U where GICH_MISR's do, so the
//   core's `hcr`/`misr` values mean the same on both.
// Allocation-free: the LRs go through their two 32-bit halves.

import {
  GICH_LR_EOI,
  GICH_LR_HW,
  GICH_LR_PhysicalID,
  GICH_LR_State,
  GICH_LR_VirtualID,
} from '../../../hw/gic/virt-regs.ts';
import {
  ICH_LR_EOI,
  ICH_LR_Group,
  ICH_LR_HW,
  ICH_LR_State,
  ICH_LR_pINTID,
  ICH_VTR_ListRegs,
} from '../../../hw/gic/v3/ich-regs.ts';
import { ICH_LR_MAX, IchReg } from '../../../hw/gic/v3/sysreg-encodings.ts';
import { fieldMask, getField } from '../../../sim/bits.ts';
import type { GichFrames, IchFrames, IchRegisters } from '../ports.ts';
import { LegacyCpuIf } from './legacy-lr.ts';

const HI_EOI = fieldMask(ICH_LR_EOI);
const HI_HW = fieldMask(ICH_LR_HW);
const HI_GROUP = fieldMask(ICH_LR_Group);
const V2_EOI = fieldMask(GICH_LR_EOI);
const V2_HW = fieldMask(GICH_LR_HW);
/** KVM 4.2's ICH_LR_PHYS_ID_MASK: 10 bits of pINTID, as GICH_LR's PhysicalID */
const PHYS_BITS = 0x3ff;
const HCR_EN = 1;

/** vgic_v3_set_lr, low word: the vINTID. */
export function ichLrLo(vlr: number): number {
  return getField(vlr, GICH_LR_VirtualID);
}

/** vgic_v3_set_lr, high word: state, HW + pINTID or EOI, Group 1; priority 0. */
export function ichLrHi(vlr: number): number {
  let hi = (getField(vlr, GICH_LR_State) << ICH_LR_State.lsb) | HI_GROUP;
  if ((vlr & V2_HW) !== 0) hi |= HI_HW | (getField(vlr, GICH_LR_PhysicalID) & PHYS_BITS);
  else if ((vlr & V2_EOI) !== 0) hi |= HI_EOI;
  return hi >>> 0;
}

/** vgic_v3_get_lr: the core's vgic_lr (GICH_LR encoding, source 0) of an ICH_LR<n>_EL2 value. */
export function vlrOfIchLr(lo: number, hi: number): number {
  let v = (lo & fieldMask(GICH_LR_VirtualID)) | (getField(hi, ICH_LR_State) << GICH_LR_State.lsb);
  if ((hi & HI_HW) !== 0) v |= V2_HW | ((getField(hi, ICH_LR_pINTID) & PHYS_BITS) << GICH_LR_PhysicalID.lsb);
  else if ((hi & HI_EOI) !== 0) v |= V2_EOI;
  return v >>> 0;
}

/** A vcpu's LR state on the GICv3 world switch (vgic_v3_cpu_if of that era). */
export class LegacyCpuIfV3 extends LegacyCpuIf {
  ich: IchRegisters | null = null;

  constructor(
    nrIrqs: number,
    private readonly ichFrames: IchFrames,
  ) {
    super(nrIrqs);
  }

  /** The value the trace shows for an LR write: ICH_LR [63:32] ([31:0] is the INTID). */
  override traceValue(vlr: number): number {
    return ichLrHi(vlr);
  }

  override load(_frames: GichFrames, pcpu: number): void {
    if (this.ich !== null) throw new RangeError(`already loaded on pcpu ${this.loadedOn}`);
    const ich = this.ichFrames.ich(pcpu);
    this.ich = ich;
    this.loadedOn = pcpu;
    this.nrLr = Math.min(getField(ich.readIch(IchReg.ICH_VTR_EL2), ICH_VTR_ListRegs) + 1, ICH_LR_MAX);
    ich.writeIch(IchReg.ICH_VMCR_EL2, this.vmcr);
    ich.writeIch(IchReg.ICH_AP0R0_EL2, this.ap0r);
    ich.writeIch(IchReg.ICH_AP1R0_EL2, this.apr);
    ich.writeIch(IchReg.ICH_HCR_EL2, HCR_EN);
  }

  override put(): void {
    const ich = this.regs();
    if (this.inGuest) throw new RangeError('put between flush and sync');
    this.vmcr = ich.readIch(IchReg.ICH_VMCR_EL2);
    this.ap0r = ich.readIch(IchReg.ICH_AP0R0_EL2);
    this.apr = ich.readIch(IchReg.ICH_AP1R0_EL2);
    ich.writeIch(IchReg.ICH_HCR_EL2, 0);
    this.ich = null;
    this.loadedOn = -1;
  }

  override isLoaded(): boolean {
    return this.ich !== null;
  }

  private regs(): IchRegisters {
    if (this.ich === null) throw new RangeError('vcpu not loaded');
    return this.ich;
  }

  /** __vgic_v3_restore_state: ICH_HCR_EL2 and every LR from the shadow (vgic_v3_set_lr's encoding). */
  override restoreToHw(): void {
    const ich = this.regs();
    ich.writeIch(IchReg.ICH_HCR_EL2, this.hcr);
    for (let n = 0; n < this.nrLr; n++) ich.writeLr(n, ichLrLo(this.lr[n]), ichLrHi(this.lr[n]));
    this.inGuest = true;
  }

  /** __vgic_v3_save_state: MISR, EISR, ELSR and every LR into the shadow; the LRs cleared; HCR En only. */
  override saveFromHw(): void {
    const ich = this.regs();
    this.misr = ich.readIch(IchReg.ICH_MISR_EL2);
    const eisr = ich.readIch(IchReg.ICH_EISR_EL2);
    const elrsr = ich.readIch(IchReg.ICH_ELRSR_EL2);
    for (let n = 0; n < this.nrLr; n++) {
      this.eisr[n] = (eisr >>> n) & 1;
      this.elrsr[n] = (elrsr >>> n) & 1;
      this.lr[n] = vlrOfIchLr(ich.readLrLo(n), ich.readLrHi(n));
      ich.writeLr(n, 0, 0);
    }
    ich.writeIch(IchReg.ICH_HCR_EL2, HCR_EN);
    this.inGuest = false;
  }
}
