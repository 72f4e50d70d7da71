// SGI generation by a GICv3 guest (KVM's vgic_v3_dispatch_sgi and
// vgic_v3_queue_sgi, arch/arm64/kvm/vgic/vgic-mmio-v3.c, Linux 6.x): with
// HCR_EL2.IMO/FMO set, the guest's ICC_SGI1R_EL1, ICC_SGI0R_EL1 and
// ICC_ASGI1R_EL1 writes trap to EL2 and the hypervisor pends the SGI on each
// target vcpu. Targets are named by affinity (IHI 0069H 12.2.18): IRM = 1 is
// every vcpu but the writer; otherwise the vcpus whose Aff3.Aff2.Aff1 match
// and whose Aff0 is a set bit of TargetList. RS is ignored: it is RES0 with
// ICC_CTLR_EL1.RSS = 0 (Aff0 0-15 only, as KVM's vcpus have), and KVM's
// vgic_v3_dispatch_sgi never reads it. A vcpu's affinity is
// KVM's (reset_mpidr): Aff0 = vcpu[3:0], Aff1 = vcpu[11:4], Aff2 =
// vcpu[19:12], Aff3 = 0. ICC_SGI1R_EL1 pends an SGI of either group, the
// other two only Group 0 ones (one Security state, as KVM's allow_group1).
// GICv3 SGIs have no source cpu: pending is the latch.

import {
  ICC_SGIR_Aff1,
  ICC_SGIR_HI_Aff2,
  ICC_SGIR_HI_Aff3,
  ICC_SGIR_HI_IRM,
  ICC_SGIR_INTID,
  ICC_SGIR_TargetList,
} from '../../hw/gic/v3/icc-regs.ts';
import { getField, testBit } from '../../sim/bits.ts';
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
  const sgi = getField(lo, ICC_SGIR_INTID);
  const broadcast = testBit(hi, ICC_SGIR_HI_IRM.lsb);
  const list = getField(lo, ICC_SGIR_TargetList);
  const aff1 = getField(lo, ICC_SGIR_Aff1);
  const aff2 = getField(hi, ICC_SGIR_HI_Aff2);
  const aff3 = getField(hi, ICC_SGIR_HI_Aff3);
  let pended = 0;
  for (let t = 0; t < core.nrVcpus; t++) {
    if (broadcast) {
      if (t === vcpu) continue;
    } else if (aff3 !== 0 || aff2 !== ((t >>> 12) & 0xff) || aff1 !== ((t >>> 4) & 0xff)) {
      continue;
    } else if (!testBit(list, t & 0xf)) continue;
    const irq = core.getIrq(t, sgi)!;
    // vgic_v3_queue_sgi: a Group 0 access only generates Group 0 SGIs
    if (irq.group !== 0 && !allowGroup1) continue;
    irq.pendingLatch = true;
    core.queueIrq(irq);
    pended++;
  }
  return pended;
}
