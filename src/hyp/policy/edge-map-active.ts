// The timer the seed replaced (Linux 4.2 virt/kvm/arm/arch_timer.c, with
// the mapped timer interrupt of 4.2):
// - kvm_timer_irq_can_fire: ENABLE, !IMASK and !map->active
//   (kvm_vgic_get_phys_irq_active): while the guest holds the interrupt the
//   timer "cannot fire", so a blocked vcpu is not woken by it;
// - kvm_timer_inject_irq: map->active = 1, then kvm_vgic_inject_mapped_irq
//   with the constant level 1 of the timer's kvm_irq_level, into a PPI that
//   vgic_init configured edge: the vgic latches it and never samples again;
// - kvm_timer_flush_hwstate (after kvm_vgic_flush_hwstate in the run loop):
//   disarm the soft timer, inject if it should fire, set the physical
//   active state of the host timer PPI to map->active;
// - kvm_timer_sync_hwstate (after preempt_enable()): inject if it should
//   fire, otherwise arm the soft timer (an hrtimer, armed at every exit) for
//   the expiry; its expiry only kicks the vcpu (the injection happens at the
//   next flush or sync);
// - map->active is cleared by the vgic (vgic_sync_hwirq) once it reads the
//   physical interrupt inactive;
// - KVM_SET_ONE_REG does not re-evaluate anything.
// The emulated physical timer did not exist then (it came in 4.15); it is
// injected edge-like here, once per expiry, so every generation runs the
// same guests.

import { type ArchTimer, TimerId } from '../timer/arch-timer.ts';
import type { VgicFacade } from '../vgic/facade.ts';
import type { TimerPolicy } from './policy.ts';

/** kvm_timer_irq_can_fire of 4.2 (the seed's diff calls it kvm_timer_irq_enabled). */
function canFire42(t: ArchTimer): boolean {
  return t.canFire(TimerId.Virt) && !t.opts.vgic.getMapActive(t.vcpu, t.intids[TimerId.Virt]);
}

/** kvm_timer_should_fire of 4.2. */
function shouldFire42(t: ArchTimer): boolean {
  return canFire42(t) && t.shouldFire(TimerId.Virt);
}

/** kvm_timer_inject_irq of 4.2. */
function inject42(t: ArchTimer): void {
  const id = t.intids[TimerId.Virt];
  t.opts.vgic.setMapActive(t.vcpu, id, true);
  // timer->irq->level is the constant 1 of the vcpu reset's kvm_irq_level
  const r = t.signal(TimerId.Virt, true);
  if (r === 'invalid') t.warn('kvm_timer_inject_irq: kvm_vgic_inject_mapped_irq failed (WARN_ON(ret))');
}

export const edgeMapActivePolicy: TimerPolicy = {
  name: 'edge-map-active',
  summary:
    'before the seed: timer injected once as an edge, map->active blocks re-firing until the vgic sees it inactive',

  vgicInit(vgic: VgicFacade, timers: readonly ArchTimer[]): void {
    // the PPIs' trigger modes are the legacy vgic_init's own (edge, pre-seed)
    for (const t of timers) vgic.mapPhysIrq(t.vcpu, t.intids[TimerId.Virt], t.intids[TimerId.Virt]);
  },

  flush(t: ArchTimer): void {
    t.unblocking(); // timer_disarm
    if (shouldFire42(t)) inject42(t);
    t.setPhysActive(t.opts.vgic.getMapActive(t.vcpu, t.intids[TimerId.Virt]));
  },

  sync(t: ArchTimer): void {
    if (shouldFire42(t)) inject42(t);
    else if (canFire42(t)) t.armSoftTimer(t.expiryTick(TimerId.Virt));
  },

  afterUserWrite(): void {},

  ptimerChanged(t: ArchTimer): void {
    // One edge per expiry; a still-pending edge suppresses it.
    if (t.shouldFire(TimerId.Phys) && t.opts.vgic.irqState(t.vcpu, t.intids[TimerId.Phys])?.pending !== true)
      t.signal(TimerId.Phys, true);
    t.level[TimerId.Phys] = false;
    t.armPtimer();
  },

  /**
   * 4.2's kvm_timer_vcpu_reset only wrote cntv_ctl = 0 (and mapped the PPI):
   * an expiry the vgic already holds as a pending edge stays there. The
   * emulated physical timer's soft timer is cancelled with its CTL.
   */
  vcpuReset(t: ArchTimer): void {
    t.resetCtl();
    t.level[TimerId.Phys] = false;
    t.armPtimer();
  },

  pendingTimer(t: ArchTimer): boolean {
    return shouldFire42(t) || t.shouldFire(TimerId.Phys);
  },

  blocking(t: ArchTimer): void {
    // no kvm_timer_schedule in 4.2: the soft timer armed at the exit's sync
    // wakes it; the emulated physical timer (not of 4.2) keeps its own event
    void t;
  },
};
