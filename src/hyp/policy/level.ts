// `level`: the seed's design (Linux 4.3, "Rework the arch timer to use
// level-triggered semantics"). The timer remembers the level it last
// signalled and tells the vgic about every change, raising and lowering;
// it is flushed and synced before the vgic because the vgic samples its
// line; the physical active state of the timer PPI is set on entry when the
// line is high or the guest has the virtual interrupt active, so the
// hardware timer cannot interrupt the host pointlessly, and cleared
// otherwise, so its firing makes the guest exit.

import { VGIC_CONFIG_LEVEL } from '../vgic/vgic-irq.ts';
import type { Vgic } from '../vgic/kvm-vgic.ts';
import { type ArchTimer, TimerId } from '../timer/arch-timer.ts';
import type { TimerPolicy } from './policy.ts';
import { PRIVATE_COUNT, SGI_COUNT } from '../../hw/gic/intid.ts';

export const levelPolicy: TimerPolicy = {
  name: 'level',
  summary: 'the seed: level-tracked timer output, timer synced before the vgic, mapped PPI 27',

  vgicInit(vgic: Vgic, timers: readonly ArchTimer[]): void {
    // Seed item 6: PPIs are level-triggered (vgic-init already does it; made explicit here).
    for (const t of timers) {
      for (let id = SGI_COUNT; id < PRIVATE_COUNT; id++) {
        const irq = vgic.core.getIrq(t.vcpu, id);
        if (irq !== null) irq.config = VGIC_CONFIG_LEVEL;
      }
      vgic.mapPhysIrq(t.vcpu, t.intids[TimerId.Virt], t.intids[TimerId.Virt]);
    }
  },

  flush(t: ArchTimer): void {
    // "If the timer expired while we were not scheduled, now is the time to inject it."
    t.updateState(TimerId.Virt);
    t.updateState(TimerId.Phys);
    t.setPhysActive(t.level[TimerId.Virt] || t.virtActive(TimerId.Virt));
  },

  syncBeforeVgic(t: ArchTimer): void {
    // The guest could have modified the timer registers or the timer could have expired.
    t.updateState(TimerId.Virt);
    t.updateState(TimerId.Phys);
  },

  syncAfterVgic(): void {},

  afterUserWrite(t: ArchTimer): void {
    t.updateState(TimerId.Virt);
  },

  ptimerChanged(t: ArchTimer): void {
    t.updateState(TimerId.Phys);
    t.armPtimer();
  },
};
