// The targets of a GICv3 guest's ICC_SGI1R_EL1 / ICC_SGI0R_EL1 /
// ICC_ASGI1R_EL1 write (IHI 0069H 12.2.18), shared by both vgic designs
// (vgic-v3-sgi.ts, legacy/legacy-v3-sgi.ts: vgic_v3_dispatch_sgi of each
// era). IRM = 1 names every vcpu but the writer; otherwise the vcpus whose
// Aff3.Aff2.Aff1 are the register's and whose Aff0 is a set bit of
// TargetList. A vcpu's affinity is the board's (src/hw/cpu/mpidr.ts:
// cpuOfAffinity, the one definition; KVM's reset_mpidr gives the same for
// fewer than 4096 vcpus). RS is ignored: RES0 with ICC_CTLR_EL1.RSS = 0
// (Aff0 0-15 only, as KVM's vcpus have), and neither era reads it.

import { cpuOfAffinity, MPIDR_CLUSTER } from '../../hw/cpu/mpidr.ts';
import {
  ICC_SGIR_Aff1,
  ICC_SGIR_HI_Aff2,
  ICC_SGIR_HI_Aff3,
  ICC_SGIR_HI_IRM,
  ICC_SGIR_INTID,
  ICC_SGIR_TargetList,
} from '../../hw/gic/v3/icc-regs.ts';
import { getField, testBit } from '../../sim/bits.ts';

const AFF1_SHIFT = 8;
const AFF2_SHIFT = 16;

/** The SGI number (INTID) of a write whose bits [31:0] are `lo`. */
export function sgiIntid(lo: number): number {
  return getField(lo, ICC_SGIR_INTID);
}

/**
 * The first vcpu at or after `from` (of `nrVcpus`) that the write `lo`/`hi`
 * (bits [31:0]/[63:32]) by `writer` targets, or -1. Targets come in
 * ascending vcpu order: `for (let t = nextSgiTarget(.., 0); t >= 0; t =
 * nextSgiTarget(.., t + 1))`. Allocates nothing.
 */
export function nextSgiTarget(lo: number, hi: number, writer: number, nrVcpus: number, from: number): number {
  if (testBit(hi, ICC_SGIR_HI_IRM.lsb)) {
    const t = from === writer ? from + 1 : from;
    return t < nrVcpus ? t : -1;
  }
  // No vcpu has an Aff3 but 0 (mpidr.ts).
  if (getField(hi, ICC_SGIR_HI_Aff3) !== 0) return -1;
  const cluster =
    (getField(hi, ICC_SGIR_HI_Aff2) << AFF2_SHIFT) | (getField(lo, ICC_SGIR_Aff1) << AFF1_SHIFT);
  const list = getField(lo, ICC_SGIR_TargetList);
  for (let aff0 = 0; aff0 < MPIDR_CLUSTER; aff0++) {
    if (!testBit(list, aff0)) continue;
    // Ascending Aff0 in one cluster is ascending vcpu; -1 (no such vcpu) is below any `from`.
    const t = cpuOfAffinity(cluster | aff0, nrVcpus);
    if (t >= from) return t;
  }
  return -1;
}
