// The targets of an ICC_SGI1R_EL1 / ICC_SGI0R_EL1 / ICC_ASGI1R_EL1 write
// (IHI 0069H 12.2.18), the one decoder of the physical GICv3 (gic-v3.ts
// generateSgi) and of both vgic designs (hyp/vgic/vgic-v3-sgi.ts,
// hyp/vgic/legacy/legacy-v3-sgi.ts: vgic_v3_dispatch_sgi of each era).
// IRM = 1 names every cpu but the writer; otherwise the cpus whose
// Aff3.Aff2.Aff1 are the register's and whose Aff0 is a set bit of
// TargetList. A cpu's affinity is the board's (src/hw/cpu/mpidr.ts, the
// one definition, which is KVM's vcpus' too). RS is ignored: RES0 with
// ICC_CTLR_EL1.RSS = 0 (Aff0 0-15 only, as KVM's vcpus have), and neither
// vgic era reads it.

import { getField, setField, testBit } from '../../../sim/bits.ts';
import { AFF_Aff1, AFF_Aff2, cpuOfAffinity, MPIDR_CLUSTER } from '../../cpu/mpidr.ts';
import {
  ICC_SGIR_Aff1,
  ICC_SGIR_HI_Aff2,
  ICC_SGIR_HI_Aff3,
  ICC_SGIR_HI_IRM,
  ICC_SGIR_INTID,
  ICC_SGIR_TargetList,
} from './icc-regs.ts';

/** The SGI number (INTID) of a write whose bits [31:0] are `lo`. */
export function sgiIntid(lo: number): number {
  return getField(lo, ICC_SGIR_INTID);
}

/**
 * The first cpu at or after `from` (of `cpus`) that the write `lo`/`hi`
 * (bits [31:0]/[63:32]) by `writer` targets, or -1. Targets come in
 * ascending cpu order: `for (let t = nextSgiTarget(.., 0); t >= 0; t =
 * nextSgiTarget(.., t + 1))`. Allocates nothing.
 */
export function nextSgiTarget(lo: number, hi: number, writer: number, cpus: number, from: number): number {
  if (testBit(hi, ICC_SGIR_HI_IRM.lsb)) {
    const t = from === writer ? from + 1 : from;
    return t < cpus ? t : -1;
  }
  // No cpu has an Aff3 but 0 (mpidr.ts).
  if (getField(hi, ICC_SGIR_HI_Aff3) !== 0) return -1;
  const cluster = setField(
    setField(0, AFF_Aff2, getField(hi, ICC_SGIR_HI_Aff2)),
    AFF_Aff1,
    getField(lo, ICC_SGIR_Aff1),
  );
  const list = getField(lo, ICC_SGIR_TargetList);
  for (let aff0 = 0; aff0 < MPIDR_CLUSTER; aff0++) {
    if (!testBit(list, aff0)) continue;
    // Ascending Aff0 in one cluster is ascending cpu; -1 (no such cpu) is below any `from`.
    const t = cpuOfAffinity(cluster | aff0, cpus);
    if (t >= from) return t;
  }
  return -1;
}
