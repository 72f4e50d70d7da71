// The derived GICH status registers (IHI 0048B 5.3.5, 5.3.7, 5.3.8): MISR,
// EISR and ELRSR are functions of the list registers, GICH_HCR and GICH_VMCR,
// never stored, so they cannot drift from the LRs they describe.

import { getField, setField, testBit } from '../../sim/bits.ts';
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

/** GICH_MISR (5.3.5). */
export function computeMISR(lr: Uint32Array, hcr: number, vmcr: number): number {
  let valid = 0;
  let pending = false;
  let eoi = false;
  for (let n = 0; n < lr.length; n++) {
    const v = lr[n];
    const st = getField(v, GICH_LR_State);
    if (st !== LrState.Invalid) valid++;
    // NP: an LR "in the pending state" is one with the pending bit set (pending, or
    // pending+active: its pending instance still waits in the LR).
    if ((st & LrState.Pending) !== 0) pending = true;
    if (isEoiMaintenance(v)) eoi = true;
  }
  const g0 = testBit(vmcr, GICH_VMCR_VMGrp0En.lsb);
  const g1 = testBit(vmcr, GICH_VMCR_VMGrp1En.lsb);
  let m = 0;
  if (eoi) m = setField(m, GICH_MISR_EOI, 1);
  if (testBit(hcr, GICH_HCR_UIE.lsb) && valid <= 1) m = setField(m, GICH_MISR_U, 1);
  if (testBit(hcr, GICH_HCR_LRENPIE.lsb) && getField(hcr, GICH_HCR_EOICount) !== 0)
    m = setField(m, GICH_MISR_LRENP, 1);
  if (testBit(hcr, GICH_HCR_NPIE.lsb) && !pending) m = setField(m, GICH_MISR_NP, 1);
  if (testBit(hcr, GICH_HCR_VGrp0EIE.lsb) && g0) m = setField(m, GICH_MISR_VGrp0E, 1);
  if (testBit(hcr, GICH_HCR_VGrp0DIE.lsb) && !g0) m = setField(m, GICH_MISR_VGrp0D, 1);
  if (testBit(hcr, GICH_HCR_VGrp1EIE.lsb) && g1) m = setField(m, GICH_MISR_VGrp1E, 1);
  if (testBit(hcr, GICH_HCR_VGrp1DIE.lsb) && !g1) m = setField(m, GICH_MISR_VGrp1D, 1);
  return m;
}

/** GICH_EISR0/1 (5.3.7): bit n = LRn owes an EOI maintenance interrupt. Unimplemented LRs read 0. */
export function computeEISR(lr: Uint32Array, bank: 0 | 1): number {
  let r = 0;
  const end = Math.min(lr.length, 32 * bank + 32);
  for (let n = 32 * bank; n < end; n++) if (isEoiMaintenance(lr[n])) r |= 1 << (n - 32 * bank);
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
    if (getField(v, GICH_LR_State) === LrState.Invalid && !isEoiMaintenance(v)) r |= 1 << (n - 32 * bank);
  }
  return r >>> 0;
}
