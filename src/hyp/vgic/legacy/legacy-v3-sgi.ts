// SGIs of a GICv3 guest under the legacy vgic (Linux 4.2/4.3
// vgic_v3_dispatch_sgi, virt/kvm/arm/vgic-v3-emul.c; called from
// access_gic_sgi in arch/arm64/kvm/sys_regs.c for a trapped ICC_SGI1R_EL1
// write). The targets are the new vgic's (hw/gic/v3/sgi-targets.ts: IRM, or
// Aff3.Aff2.Aff1 and TargetList as match_mpidr reads them; KVM's loop also
// stops once every listed bit found its vcpu, which changes nothing seen).
// The SGI is flagged pending on the target (vgic_dist_irq_set_pending)
// with **no source**: "GICv3 does not keep track of SGI sources anymore"
// (vgic_v3_add_sgi_source does nothing), so the same SGI sent by two vcpus
// before the target takes it is one interrupt, and the LR says source 0.
// Then vgic_update_state and vgic_kick_vcpus if anything was flagged.
// No group check: every interrupt is Group 1 in this emulation.

import { nextSgiTarget, sgiIntid } from '../../../hw/gic/v3/sgi-targets.ts';
import type { LegacyDist } from './legacy-dist.ts';

/** vgic_v3_dispatch_sgi of `vcpu`'s write of `lo`/`hi` ([31:0]/[63:32]); returns how many vcpus were flagged. */
export function legacyDispatchSgiV3(d: LegacyDist, vcpu: number, lo: number, hi: number): number {
  const sgi = sgiIntid(lo);
  const n = d.nrVcpus;
  let flagged = 0;
  for (let c = nextSgiTarget(lo, hi, vcpu, n, 0); c >= 0; c = nextSgiTarget(lo, hi, vcpu, n, c + 1)) {
    d.irqPending.set(c, sgi, true);
    flagged++;
  }
  if (flagged > 0) {
    d.updateState();
    d.kickVcpus();
  }
  return flagged;
}
