// `legacy-edge`: the design the seed replaced (Linux 4.2), reconstructed
// from the seed's diff and commit message:
// - private interrupts (hence the timer PPIs) are edge-triggered in the vgic;
// - when the timer should fire at flush or sync, it is injected as an edge
//   (kvm_timer_inject_irq) and a software "mapped active" flag is set; the
//   timer cannot fire again while that flag is set (kvm_timer_irq_enabled);
// - the flag clears once the guest is done with the interrupt (the vgic's
//   HW sync found the physical interrupt deactivated);
// - lowering the line is never signalled: nothing tells the vgic when the
//   guest disables or masks the timer;
// - the timer is synced after the vgic, outside the non-preemptible section;
// - userspace ONE_REG writes do not re-evaluate the timer.
// The emulated physical timer did not exist then; it is injected the same
// edge-like way here so both policies run the same guests.

import { VGIC_CONFIG_EDGE } from '../vgic/vgic-irq.ts';
import type { Vgic } from '../vgic/kvm-vgic.ts';
import { type ArchTimer, TimerId } from '../timer/arch-timer.ts';
import type { TimerPolicy } from './policy.ts';
import { PRIVATE_COUNT, SGI_COUNT } from '../../hw/gic/intid.ts';

/** The guest still holds the interrupt: pending in the vgic or active. */
function guestHolds(t: ArchTimer, which: TimerId): boolean {
  const irq = t.opts.vgic.core.getIrq(t.vcpu, t.intids[which]);
  return irq !== null && (irq.active || irq.pendingLatch);
}

/** An edge is latched in the vgic and not yet acknowledged. */
function edgePending(t: ArchTimer, which: TimerId): boolean {
  const irq = t.opts.vgic.core.getIrq(t.vcpu, t.intids[which]);
  return irq?.pendingLatch === true;
}

/** kvm_timer_should_fire of 4.2: enabled, unmasked, not mapped-active, expired. */
function legacyInject(t: ArchTimer): void {
  if (!t.mappedActive && t.shouldFire(TimerId.Virt)) {
    t.mappedActive = true;
    // An edge: the vgic latches it; the level argument is the rising edge.
    t.signal(TimerId.Virt, true);
    t.opts.vgic.injectIrq(t.vcpu, t.intids[TimerId.Virt], false);
    t.level[TimerId.Virt] = false;
  }
}

export const legacyEdgePolicy: TimerPolicy = {
  name: 'legacy-edge',
  summary:
    'before the seed: timer injected as an edge with a software mapped-active flag, synced after the vgic',

  vgicInit(vgic: Vgic, timers: readonly ArchTimer[]): void {
    for (const t of timers) {
      for (let id = SGI_COUNT; id < PRIVATE_COUNT; id++) {
        const irq = vgic.core.getIrq(t.vcpu, id);
        if (irq !== null) irq.config = VGIC_CONFIG_EDGE;
      }
      vgic.mapPhysIrq(t.vcpu, t.intids[TimerId.Virt], t.intids[TimerId.Virt]);
    }
  },

  flush(t: ArchTimer): void {
    legacyInject(t);
    t.setPhysActive(t.mappedActive);
  },

  syncBeforeVgic(): void {},

  syncAfterVgic(t: ArchTimer): void {
    if (t.mappedActive && !guestHolds(t, TimerId.Virt)) t.mappedActive = false;
    legacyInject(t);
  },

  afterUserWrite(): void {},

  ptimerChanged(t: ArchTimer): void {
    // One edge per expiry. Only a still-pending edge suppresses it: the
    // vgic's `active` may be stale (the guest's EOI since the last sync is
    // still in the LR) and no later exit would re-evaluate, so checking it
    // lost the interrupt of a guest that re-arms in its handler before EOI.
    // An edge may be pending while active.
    if (t.shouldFire(TimerId.Phys) && !edgePending(t, TimerId.Phys)) {
      t.signal(TimerId.Phys, true);
      t.opts.vgic.injectIrq(t.vcpu, t.intids[TimerId.Phys], false);
      t.level[TimerId.Phys] = false;
    }
    t.armPtimer();
  },
};
