// Where a forced exit can change the outcome: the instruction boundaries
// right after an instruction that talks to what an exit's sync and flush
// read or write. Between two such boundaries the guest only computes in
// registers and RAM (of its own), so an exit anywhere in between has the
// same effect as an exit right after the earlier one (docs/explore.md,
// "choice points"). Found statically in the guest images, so the run costs
// nothing extra between choice points (a breakpoint per address).
//
// Interesting instructions, by encoding (Arm ARM C4.1):
// - system register moves (MRS/MSR) of the generic timer (op0=3, op1=3,
//   CRn=14: CNTP_*, CNTV_*; the counter reads CNTVCT/CNTPCT only when time
//   spent in exits shifts what they read), CNTKCTL_EL1, DAIF, the GICv3
//   ICC_* registers (CRn=12, CRm >= 8, and ICC_PMR_EL1), the PMU's (CRn=9,
//   CRm >= 12: PMCR_EL0 .. PMINTENCLR_EL1; PMEVCNTR/PMEVTYPER are CRn=14,
//   op1=3 above): PMUIRQ's level, like the timer's, is sampled at exits;
// - MSR (immediate): DAIFSet/DAIFClr (PSTATE.I);
// - WFI, WFE, HVC, SMC, ERET (PSTATE changes with the return);
// - loads and stores other than PC-relative literal loads (GIC MMIO, and
//   on SMP memory another vcpu reads: the address is not known statically);
// - the first instruction of every 0x80-aligned slot (exception vectors:
//   the boundary right after an interrupt is taken).

import type { VcpuImage } from '../scenario/images.ts';

export interface ChoicePointOptions {
  /** exits cost cycles: counter reads see a different time after one */
  readonly timing: boolean;
}

/** Is instruction word `w` one after which an exit may change the outcome? */
export function isInteresting(w: number, o: ChoicePointOptions): boolean {
  w >>>= 0;
  // System register move: 1101 0101 00L1 op0(1) op1 CRn CRm op2 Rt
  if ((w & 0xffd00000) >>> 0 === 0xd5100000) {
    const op0 = 2 + ((w >>> 19) & 1);
    const op1 = (w >>> 16) & 7;
    const crn = (w >>> 12) & 15;
    const crm = (w >>> 8) & 15;
    const op2 = (w >>> 5) & 7;
    if (op0 !== 3) return false;
    if (crn === 14 && op1 === 3) return crm !== 0 || (o.timing && op2 !== 0);
    if (crn === 14 && op1 === 0 && crm === 1) return true; // CNTKCTL_EL1
    if (crn === 4 && op1 === 3 && crm === 2 && op2 === 1) return true; // DAIF
    if (crn === 12 && op1 === 0 && crm >= 8) return true; // ICC_* (GICv3 cpu interface), not VBAR_EL1 (C12_C0)
    if (crn === 4 && op1 === 0 && crm === 6 && op2 === 0) return true; // ICC_PMR_EL1
    if (crn === 9 && (op1 === 3 || op1 === 0) && crm >= 12) return true; // PMU: PMCR_EL0 .. PMINTENSET/CLR_EL1
    return false;
  }
  // MSR (immediate), PSTATE fields: DAIFSet/DAIFClr and the rest
  if ((w & 0xfff8f01f) >>> 0 === 0xd500401f) return true;
  if (w === 0xd503207f || w === 0xd503205f) return true; // WFI, WFE
  if ((w & 0xffe0001f) >>> 0 === 0xd4000002 || (w & 0xffe0001f) >>> 0 === 0xd4000003) return true; // HVC, SMC
  if (w === 0xd69f03e0) return true; // ERET
  // Loads and stores: op0 x1x0; the literal loads (xx01 1x00) read the image's own pool
  if ((w & 0x0a000000) === 0x08000000) return (w & 0x3b000000) !== 0x18000000;
  return false;
}

/** The addresses of the interesting instructions of an image (sorted, no duplicates). */
export function choiceAddresses(img: VcpuImage, o: ChoicePointOptions): number[] {
  const out: number[] = [];
  const b = img.bytes;
  for (let off = 0; off + 4 <= b.length; off += 4) {
    const w = b[off] | (b[off + 1] << 8) | (b[off + 2] << 16) | (b[off + 3] << 24);
    const addr = img.base + off;
    if (isInteresting(w, o) || (addr & 0x7f) === 0) out.push(addr);
  }
  return out;
}

/** The nearest label at or before `addr` in an image, as `label+0x10` (or the hex address). */
export function describeAddress(img: VcpuImage | undefined, addr: number): string {
  let best: string | undefined;
  let at = -1;
  for (const [name, a] of img?.symbols ?? []) {
    if (a <= addr && a > at && !/^\d/.test(name)) {
      best = name;
      at = a;
    }
  }
  const hex = `0x${addr.toString(16)}`;
  if (best === undefined) return hex;
  return addr === at ? `${best} (${hex})` : `${best}+0x${(addr - at).toString(16)} (${hex})`;
}
