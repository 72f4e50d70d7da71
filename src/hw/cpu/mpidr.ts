// The affinity of the board's cpu k in MPIDR_EL1 (Arm ARM D23.2 MPIDR_EL1):
// clusters of 16, Aff0 = k mod 16, Aff1 = k / 16, Aff2 = Aff3 = 0. This is
// QEMU virt's with a GICv3 (virt_cpu_mp_affinity: clusters of
// GICV3_TARGETLIST_BITS = 16, arm_build_mp_affinity) and KVM's vcpus
// (reset_mpidr: Aff0 = vcpu_id[3:0], Aff1 = vcpu_id[11:4], Aff2 =
// vcpu_id[19:12], Aff3 = vcpu_id[27:20], the same for fewer than 4096
// vcpus: VGIC_V3_MAX_CPUS is 512), sized so that an ICC_SGI1R_EL1
// TargetList (16 bits per Aff3.Aff2.Aff1 cluster) names each cpu. A GICv2
// board has at most 8 cpus (QEMU: clusters of 8), all in cluster 0 either
// way.
//
// An affinity is a 32-bit word here: Aff2.Aff1.Aff0 as in MPIDR_EL1[23:0]
// (and GICD_IROUTER<n>[23:0]), Aff3 (MPIDR_EL1[39:32]) in [31:24], the
// layout of GICR_TYPER[63:32] and of KVM's irq->mpidr and attribute mpidr
// fields.

import { field, getField, setField } from '../../sim/bits.ts';

/** cpus per Aff1 cluster (one ICC_SGI1R_EL1 TargetList) */
export const MPIDR_CLUSTER = 16;

/** Aff0, Aff1, Aff2 of an affinity word (MPIDR_EL1[7:0], [15:8], [23:16]). */
export const AFF_Aff0 = field(0, 8);
export const AFF_Aff1 = field(8, 8);
export const AFF_Aff2 = field(16, 8);
/** Aff3 of an affinity word, [31:24] (MPIDR_EL1[39:32]). */
export const AFF_Aff3 = field(24, 8);
/** Aff2.Aff1.Aff0 of an affinity word: MPIDR_EL1[23:0]. */
export const AFF_Aff210 = field(0, 24);

/** Cpu `k`'s affinity word (Aff1 = k / 16, Aff0 = k mod 16; Aff3 = Aff2 = 0). */
export function mpidrAffinity(k: number): number {
  return setField(setField(0, AFF_Aff1, Math.floor(k / MPIDR_CLUSTER)), AFF_Aff0, k % MPIDR_CLUSTER);
}

/**
 * The cpu of affinity word `aff` among `cpus`, or -1: none has an Aff0 of
 * 16 or more, or an Aff2 or Aff3 but 0 (a caller that keeps Aff3 apart
 * passes Aff2.Aff1.Aff0 after checking it).
 */
export function cpuOfAffinity(aff: number, cpus: number): number {
  const aff0 = getField(aff, AFF_Aff0);
  // Aff2 and Aff3 (the bits from Aff2 up) both 0
  if (aff0 >= MPIDR_CLUSTER || aff >>> AFF_Aff2.lsb !== 0) return -1;
  const k = getField(aff, AFF_Aff1) * MPIDR_CLUSTER + aff0;
  return k < cpus ? k : -1;
}
