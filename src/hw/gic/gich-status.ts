// The derived GICH status registers (IHI 0048B 5.3.5, 5.3.7, 5.3.8): MISR,
// EISR and ELRSR are functions of the list registers, GICH_HCR and GICH_VMCR,
// never stored, so they cannot drift from the LRs they describe.

import { fieldMask, getField, testBit } from '../../sim/bits.ts';
import {
  LrState,
  GICH_HCR_EOICount,
  GICH_HCR_LRENPIE,
  GICH_HCR_NPIE,
  GICH_HCR_UIE,
  GICH_HCR_VGrp0DIE,
  GICH_HCR_VGrp0EIE,
  GICH_HCR_VGrp1DIE,
  GICH_HCR_VGrp1EIE,
  GICH_LR_EOI,
  GICH_LR_HW,
  GICH_LR_State,
  GICH_MISR_EOI,
  GICH_MISR_LRENP,
  GICH_MISR_NP,
  GICH_MISR_U,
  GICH_MISR_VGrp0D,
  GICH_MISR_VGrp0E,
  GICH_MISR_VGrp1D,
  GICH_MISR_VGrp1E,
  GICH_VMCR_VMGrp0En,
  GICH_VMCR_VMGrp1En,
} from './virt-regs.ts';

/** EISR condition (5.3.7): State=invalid, HW=0, EOI=1. */
export function isEoiMaintenance(v: number): boolean {
  return (
    getField(v, GICH_LR_State) === LrState.Invalid &&
    !testBit(v, GICH_LR_HW.lsb) &&
    testBit(v, GICH_LR_EOI.lsb)
  );
}

// masks of the LR and HCR fields the status registers read (at every exit: no getField per LR)
const LR_STATE = fieldMask(GICH_LR_State);
const LR_PENDING = LrState.Pending << GICH_LR_State.lsb;
const LR_HW = fieldMask(GICH_LR_HW);
const LR_EOI = fieldMask(GICH_LR_EOI);
const HCR_UIE = fieldMask(GICH_HCR_UIE);
const HCR_LRENPIE = fieldMask(GICH_HCR_LRENPIE);
const HCR_EOICOUNT = fieldMask(GICH_HCR_EOICount);
const HCR_NPIE = fieldMask(GICH_HCR_NPIE);
const HCR_VGRP0EIE = fieldMask(GICH_HCR_VGrp0EIE);
const HCR_VGRP0DIE = fieldMask(GICH_HCR_VGrp0DIE);
const HCR_VGRP1EIE = fieldMask(GICH_HCR_VGrp1EIE);
const HCR_VGRP1DIE = fieldMask(GICH_HCR_VGrp1DIE);
const VMCR_G0 = fieldMask(GICH_VMCR_VMGrp0En);
const VMCR_G1 = fieldMask(GICH_VMCR_VMGrp1En);

/** GICH_MISR (5.3.5). */
export function computeMISR(lr: Uint32Array, hcr: number, vmcr: number): number {
  let valid = 0;
  let pending = false;
  let eoi = false;
  for (let n = 0; n < lr.length; n++) {
    const v = lr[n];
    if ((v & LR_STATE) !== 0) valid++;
    // NP: an LR "in the pending state" is one with the pending bit set (pending, or
    // pending+active: its pending instance still waits in the LR).
    if ((v & LR_PENDING) !== 0) pending = true;
    // isEoiMaintenance: State=invalid, HW=0, EOI=1
    else if ((v & (LR_STATE | LR_HW | LR_EOI)) === LR_EOI) eoi = true;
  }
  const g0 = (vmcr & VMCR_G0) !== 0;
  const g1 = (vmcr & VMCR_G1) !== 0;
  let m = 0;
  if (eoi) m |= fieldMask(GICH_MISR_EOI);
  if ((hcr & HCR_UIE) !== 0 && valid <= 1) m |= fieldMask(GICH_MISR_U);
  if ((hcr & HCR_LRENPIE) !== 0 && (hcr & HCR_EOICOUNT) !== 0) m |= fieldMask(GICH_MISR_LRENP);
  if ((hcr & HCR_NPIE) !== 0 && !pending) m |= fieldMask(GICH_MISR_NP);
  if ((hcr & HCR_VGRP0EIE) !== 0 && g0) m |= fieldMask(GICH_MISR_VGrp0E);
  if ((hcr & HCR_VGRP0DIE) !== 0 && !g0) m |= fieldMask(GICH_MISR_VGrp0D);
  if ((hcr & HCR_VGRP1EIE) !== 0 && g1) m |= fieldMask(GICH_MISR_VGrp1E);
  if ((hcr & HCR_VGRP1DIE) !== 0 && !g1) m |= fieldMask(GICH_MISR_VGrp1D);
  return m >>> 0;
}

/** GICH_EISR0/1 (5.3.7): bit n = LRn owes an EOI maintenance interrupt. Unimplemented LRs read 0. */
export function computeEISR(lr: Uint32Array, bank: 0 | 1): number {
  let r = 0;
  const end = Math.min(lr.length, 32 * bank + 32);
  for (let n = 32 * bank; n < end; n++)
    if ((lr[n] & (LR_STATE | LR_HW | LR_EOI)) === LR_EOI) r |= 1 << (n - 32 * bank); // isEoiMaintenance
  return r >>> 0;
}

/**
 * GICH_ELRSR0/1 (5.3.8): bit n = LRn can be reused without losing anything:
 * State=invalid and (HW=1 or EOI=0). An LR still owing an EOI maintenance
 * interrupt is not empty. Unimplemented LRs read 0.
 */
export function computeELRSR(lr: Uint32Array, bank: 0 | 1): number {
  let r = 0;
  const end = Math.min(lr.length, 32 * bank + 32);
  for (let n = 32 * bank; n < end; n++) {
    const v = lr[n];
    // State=invalid, and not isEoiMaintenance (HW=0, EOI=1)
    if ((v & LR_STATE) === 0 && (v & (LR_HW | LR_EOI)) !== LR_EOI) r |= 1 << (n - 32 * bank);
  }
  return r >>> 0;
}
