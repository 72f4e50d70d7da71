// The derived status registers of the GICv3 virtualization control interface
// (IHI 0069H 12.4.9 ICH_MISR_EL2, 12.4.6 ICH_EISR_EL2, 12.4.7 ICH_ELRSR_EL2):
// functions of the list registers' high words, ICH_HCR_EL2 and ICH_VMCR_EL2,
// never stored, so they cannot drift from the LRs they describe.

import { getField, setField, testBit } from '../../../sim/bits.ts';
import {
  ICH_HCR_EOIcount,
  ICH_HCR_LRENPIE,
  ICH_HCR_NPIE,
  ICH_HCR_UIE,
  ICH_HCR_VGrp0DIE,
  ICH_HCR_VGrp0EIE,
  ICH_HCR_VGrp1DIE,
  ICH_HCR_VGrp1EIE,
  ICH_LR_EOI,
  ICH_LR_HW,
  ICH_LR_State,
  ICH_MISR_EOI,
  ICH_MISR_LRENP,
  ICH_MISR_NP,
  ICH_MISR_U,
  ICH_MISR_VGrp0D,
  ICH_MISR_VGrp0E,
  ICH_MISR_VGrp1D,
  ICH_MISR_VGrp1E,
  ICH_VMCR_VENG0,
  ICH_VMCR_VENG1,
  IchLrState,
} from './ich-regs.ts';

/** ICH_EISR_EL2 condition: State = invalid, HW = 0, EOI = 1. `hi` is the LR's high word. */
function owesEoiMaintenance(hi: number): boolean {
  return (
    getField(hi, ICH_LR_State) === IchLrState.Invalid &&
    !testBit(hi, ICH_LR_HW.lsb) &&
    testBit(hi, ICH_LR_EOI.lsb)
  );
}

/** ICH_MISR_EL2 over the first `n` LRs. */
export function computeMisr(hi: Uint32Array, n: number, hcr: number, vmcr: number): number {
  let valid = 0;
  let pending = false;
  let eoi = false;
  for (let i = 0; i < n; i++) {
    const st = getField(hi[i], ICH_LR_State);
    if (st !== IchLrState.Invalid) valid++;
    // NP: an LR with the pending bit (pending, or pending+active) still waits
    if ((st & IchLrState.Pending) !== 0) pending = true;
    if (owesEoiMaintenance(hi[i])) eoi = true;
  }
  const g0 = testBit(vmcr, ICH_VMCR_VENG0.lsb);
  const g1 = testBit(vmcr, ICH_VMCR_VENG1.lsb);
  let m = 0;
  if (eoi) m = setField(m, ICH_MISR_EOI, 1);
  if (testBit(hcr, ICH_HCR_UIE.lsb) && valid <= 1) m = setField(m, ICH_MISR_U, 1);
  if (testBit(hcr, ICH_HCR_LRENPIE.lsb) && getField(hcr, ICH_HCR_EOIcount) !== 0)
    m = setField(m, ICH_MISR_LRENP, 1);
  if (testBit(hcr, ICH_HCR_NPIE.lsb) && !pending) m = setField(m, ICH_MISR_NP, 1);
  if (testBit(hcr, ICH_HCR_VGrp0EIE.lsb) && g0) m = setField(m, ICH_MISR_VGrp0E, 1);
  if (testBit(hcr, ICH_HCR_VGrp0DIE.lsb) && !g0) m = setField(m, ICH_MISR_VGrp0D, 1);
  if (testBit(hcr, ICH_HCR_VGrp1EIE.lsb) && g1) m = setField(m, ICH_MISR_VGrp1E, 1);
  if (testBit(hcr, ICH_HCR_VGrp1DIE.lsb) && !g1) m = setField(m, ICH_MISR_VGrp1D, 1);
  return m;
}

/** ICH_EISR_EL2: bit n = ICH_LR<n>_EL2 owes an EOI maintenance interrupt. */
export function computeEisr(hi: Uint32Array, n: number): number {
  let r = 0;
  for (let i = 0; i < n; i++) if (owesEoiMaintenance(hi[i])) r |= 1 << i;
  return r >>> 0;
}

/**
 * ICH_ELRSR_EL2: bit n = ICH_LR<n>_EL2 can be reused without losing
 * anything: State = invalid and (HW = 1 or EOI = 0).
 */
export function computeElrsr(hi: Uint32Array, n: number): number {
  let r = 0;
  for (let i = 0; i < n; i++)
    if (getField(hi[i], ICH_LR_State) === IchLrState.Invalid && !owesEoiMaintenance(hi[i])) r |= 1 << i;
  return r >>> 0;
}
