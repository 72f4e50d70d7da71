// The affinity of the board's cpu k in MPIDR_EL1 (Arm ARM D23.2 MPIDR_EL1):
// clusters of 16, Aff0 = k mod 16, Aff1 = k / 16, Aff2 = Aff3 = 0. This is
// QEMU virt's with a GICv3 (virt_cpu_mp_affinity: clusters of
// GICV3_TARGETLIST_BITS = 16, arm_build_mp_affinity) and KVM's vcpus
// (reset_mpidr: Aff0 = vcpu_id[3:0], Aff1 = vcpu_id[11:4]), sized so that
// an ICC_SGI1R_EL1 TargetList (16 bits per Aff3.Aff2.Aff1 cluster) names
// each cpu. A GICv2 board has at most 8 cpus (QEMU: clusters of 8), all in
// cluster 0 either way.

/** cpus per Aff1 cluster (one ICC_SGI1R_EL1 TargetList) */
export const MPIDR_CLUSTER = 16;

/** Cpu `k`'s Aff2.Aff1.Aff0 packed as MPIDR_EL1[23:0] (Aff1 << 8 | Aff0); Aff3 is 0. */
export function mpidrAffinity(k: number): number {
  return (Math.floor(k / MPIDR_CLUSTER) << 8) | (k % MPIDR_CLUSTER);
}

/** The cpu of `aff210` (MPIDR_EL1[23:0]) among `cpus`, or -1 (Aff3 is checked by the caller). */
export function cpuOfAffinity(aff210: number, cpus: number): number {
  const aff0 = aff210 & 0xff;
  if (aff0 >= MPIDR_CLUSTER || aff210 >>> 16 !== 0) return -1;
  const k = (aff210 >>> 8) * MPIDR_CLUSTER + aff0;
  return k < cpus ? k : -1;
}
