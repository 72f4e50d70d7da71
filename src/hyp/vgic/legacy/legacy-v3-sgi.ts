// SGIs of a GICv3 guest under the legacy vgic (Linux 4.2/4.3
// vgic_v3_dispatch_sgi, virt/kvm/arm/vgic-v3-emul.c; called from
// access_gic_sgi in arch/arm64/kvm/sys_regs.c for a trapped ICC_SGI1R_EL1
// write). IRM = 1: every vcpu but the writer; otherwise each vcpu whose
// Aff3.Aff2.Aff1 match the register's and whose Aff0 is a set bit of
// TargetList (match_mpidr; the loop stops once every listed bit found its
// vcpu). The SGI is flagged pending on the target (vgic_dist_irq_set_pending)
// with **no source**: "GICv3 does not keep track of SGI sources anymore"
// (vgic_v3_add_sgi_source does nothing), so the same SGI sent by two vcpus
// before the target takes it is one interrupt, and the LR says source 0.
// Then vgic_update_state and vgic_kick_vcpus if anything was flagged.
// No group check: every interrupt is Group 1 in this emulation.

import {
  ICC_SGIR_Aff1,
  ICC_SGIR_HI_Aff2,
  ICC_SGIR_HI_Aff3,
  ICC_SGIR_HI_IRM,
  ICC_SGIR_INTID,
  ICC_SGIR_TargetList,
} from '../../../hw/gic/v3/icc-regs.ts';
import { getField, testBit } from '../../../sim/bits.ts';
import type { LegacyDist } from './legacy-dist.ts';

/** vgic_v3_dispatch_sgi of `vcpu`'s write of `lo`/`hi` ([31:0]/[63:32]); returns how many vcpus were flagged. */
export function legacyDispatchSgiV3(d: LegacyDist, vcpu: number, lo: number, hi: number): number {
  const sgi = getField(lo, ICC_SGIR_INTID);
  const broadcast = testBit(hi, ICC_SGIR_HI_IRM.lsb);
  let targets = getField(lo, ICC_SGIR_TargetList);
  const aff1 = getField(lo, ICC_SGIR_Aff1);
  const aff2 = getField(hi, ICC_SGIR_HI_Aff2);
  const aff3 = getField(hi, ICC_SGIR_HI_Aff3);
  let flagged = 0;
  for (let c = 0; c < d.nrVcpus; c++) {
    if (!broadcast && targets === 0) break;
    if (broadcast && c === vcpu) continue;
    if (!broadcast) {
      // match_mpidr against reset_mpidr's affinity: Aff0 = c[3:0], Aff1 = c[11:4], Aff2 = c[19:12], Aff3 = 0
      const aff0 = c & 0xf;
      if (aff3 !== 0 || aff2 !== ((c >>> 12) & 0xff) || aff1 !== ((c >>> 4) & 0xff)) continue;
      if (!testBit(targets, aff0)) continue;
      targets &= ~(1 << aff0);
    }
    d.irqPending.set(c, sgi, true);
    flagged++;
  }
  if (flagged > 0) {
    d.updateState();
    d.kickVcpus();
  }
  return flagged;
}
