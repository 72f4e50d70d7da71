// The trap-timer design (issue 15, "Designs to compare"): a hypothetical
// design on top of a release (today's, linux-7.0), not a release. The
// hypervisor sets CNTHCTL_EL2.EL1TVT (FEAT_ECV) at vcpu load, so every guest
// access to CNTV_CTL_EL0, CNTV_CVAL_EL0 and CNTV_TVAL_EL0 (MRS and MSR)
// traps to EL2; a write is emulated on the vcpu's timer state and the line
// resampled at once (src/hyp/policy/trap-timer.ts). The price is an exit
// per access; the seed's residual window closes. docs/generations.md
// "Designs".

import { trapTimerPolicy } from '../policy/trap-timer.ts';
import type { Generation } from './generation.ts';

export function trapTimer(base: Generation): Generation {
  return {
    ...base,
    name: 'trap-timer',
    summary: `a design on ${base.name}: guest CNTV_* accesses trap (CNTHCTL_EL2.EL1TVT, FEAT_ECV), each write resamples the timer line at once`,
    timer: trapTimerPolicy,
    traps: { vtimer: true },
  };
}
