// What the hypervisor's timer code counts, per VM, for the run's report
// (costs and counters of `vgicsim run`, scenario expectations).

export interface TimerCounters {
  /** calls from the timer into the vgic (kvm_vgic_inject_mapped_irq / inject_irq) */
  vgicCalls: number;
  /** background timer expiries that woke a blocked vcpu */
  bgWakeups: number;
  /** emulated physical timer expiries */
  ptimerExpiries: number;
  /** physical active-state writes of the timer PPI made by the timer code */
  physActiveWrites: number;
  /** WARN_ON()s the era's timer code would have printed (also traced as notes) */
  warnings: number;
}

export function newTimerCounters(): TimerCounters {
  return { vgicCalls: 0, bgWakeups: 0, ptimerExpiries: 0, physActiveWrites: 0, warnings: 0 };
}
