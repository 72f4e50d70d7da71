// The trap-timer design's timer (a hypothetical design on linux-7.0, not a
// release; docs/generations.md "Designs"): today's level timer, plus the
// hypervisor traps the guest's virtual timer accesses (CNTHCTL_EL2.EL1TVT,
// FEAT_ECV; set at vcpu load by ArchTimer.loadHw when Generation.traps.vtimer)
// and, at each trapped write, emulates it on the vcpu's copy of CNTV (the
// next entry's world switch writes it into the hardware timer) and
// resamples the output at once: the level is re-evaluated and a change is
// signalled to the vgic before the guest runs another instruction. So the
// seed's residual window (an LR still pending after the guest lowered the
// line, with no exit before it unmasks) cannot open: the write that lowers
// the line is itself an exit, and the flush before the guest resumes
// rebuilds the LRs from the new level.

import { TimerId } from '../timer/arch-timer.ts';
import type { ArchTimer } from '../timer/arch-timer.ts';
import { levelPolicy } from './level.ts';
import type { TimerPolicy } from './policy.ts';

export const trapTimerPolicy: TimerPolicy = {
  ...levelPolicy,
  name: 'trap-timer',
  summary: "the seed's level timer, the guest's CNTV_* accesses trapped and the line resampled at each write",

  vtimerWritten(t: ArchTimer): void {
    t.updateState(TimerId.Virt);
  },
};
