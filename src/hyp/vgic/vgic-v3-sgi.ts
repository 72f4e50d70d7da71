// SGI generation by a GICv3 guest (KVM's vgic_v3_dispatch_sgi and
// vgic_v3_queue_sgi, arch/arm64/kvm/vgic/vgic-mmio-v3.c, Linux 6.x): with
// HCR_EL2.IMO/FMO set, the guest's ICC_SGI1R_EL1, ICC_SGI0R_EL1 and
// ICC_ASGI1R_EL1 writes trap to EL2 and the hypervisor pends the SGI on each
// target vcpu (by affinity: hw/gic/v3/sgi-targets.ts). ICC_SGI1R_EL1 pends an SGI of
// either group, the other two only Group 0 ones (one Security state, as
// KVM's allow_group1). GICv3 SGIs have no source cpu: pending is the latch.

import { nextSgiTarget, sgiIntid } from '../../hw/gic/v3/sgi-targets.ts';
import type { VgicCore } from './vgic.ts';

/**
 * vgic_v3_dispatch_sgi: the trapped write of `lo`/`hi` (bits [31:0]/[63:32])
 * by `vcpu`; `allowGroup1` for ICC_SGI1R_EL1. Returns how many vcpus got
 * the SGI pended.
 */
export function dispatchSgiV3(
  core: VgicCore,
  vcpu: number,
  lo: number,
  hi: number,
  allowGroup1: boolean,
): number {
  const sgi = sgiIntid(lo);
  const n = core.nrVcpus;
  let pended = 0;
  for (let t = nextSgiTarget(lo, hi, vcpu, n, 0); t >= 0; t = nextSgiTarget(lo, hi, vcpu, n, t + 1)) {
    const irq = core.getIrq(t, sgi)!;
    // vgic_v3_queue_sgi: a Group 0 access only generates Group 0 SGIs
    if (irq.group !== 0 && !allowGroup1) continue;
    irq.pendingLatch = true;
    core.queueIrq(irq);
    pended++;
  }
  return pended;
}
