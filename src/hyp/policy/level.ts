// The seed's timer (Linux 4.3, "Rework the arch timer to use level-triggered
// semantics", commit 4b4b4512da2a), used by linux-4.3 and by today's KVM
// (whose timer behaves the same at the points vgicsim models). The timer
// remembers the level it last signalled and tells the vgic about every
// change, raising and lowering (kvm_timer_update_state); it is flushed and
// synced before the vgic because the vgic samples its line; the physical
// active state of the timer PPI is set on entry when the line is high or
// the guest has the virtual interrupt active (kvm_vgic_map_is_active; 4.3
// itself looked at the line only), so the hardware timer cannot interrupt
// the host pointlessly, and cleared otherwise, so its firing makes the
// guest exit.

import { PRIVATE_COUNT, SGI_COUNT } from '../../hw/gic/intid.ts';
import { type ArchTimer, TimerId } from '../timer/arch-timer.ts';
import type { VgicFacade } from '../vgic/facade.ts';
import type { TimerPolicy } from './policy.ts';

/**
 * The seed's timer. `keepActiveWhileVirtActive`: at flush the physical
 * active state is `irq.level || kvm_vgic_map_is_active` (commit
 * 0e3dfda91d9f, "arch_timer: Preserve physical dist. active state on
 * LR.active", after 4.3) rather than the seed's `irq.level` alone, which
 * cleared it under an active HW LR once the line dropped.
 */
function levelTimer(keepActiveWhileVirtActive: boolean): TimerPolicy {
  return {
    name: keepActiveWhileVirtActive ? 'level' : 'level-4.3',
    summary: keepActiveWhileVirtActive
      ? 'the seed: level-tracked timer output, timer synced before the vgic, mapped PPI 27'
      : 'the seed as merged in 4.3: level-tracked timer output; phys active = line level only',

    vgicInit(vgic: VgicFacade, timers: readonly ArchTimer[]): void {
      // Seed item 6: PPIs are level-triggered at vgic_init.
      for (const t of timers) {
        for (let id = SGI_COUNT; id < PRIVATE_COUNT; id++) vgic.setTrigger(t.vcpu, id, 'level');
        vgic.mapPhysIrq(t.vcpu, t.intids[TimerId.Virt], t.intids[TimerId.Virt]);
      }
    },

    flush(t: ArchTimer): void {
      // "If the timer expired while we were not scheduled, now is the time to inject it."
      t.updateState(TimerId.Virt);
      t.updateState(TimerId.Phys);
      const level = t.level[TimerId.Virt];
      t.setPhysActive(keepActiveWhileVirtActive ? level || t.virtActive(TimerId.Virt) : level);
    },

    sync(t: ArchTimer): void {
      // The guest could have modified the timer registers or the timer could have expired.
      t.updateState(TimerId.Virt);
      t.updateState(TimerId.Phys);
    },

    afterUserWrite(t: ArchTimer): void {
      t.updateState(TimerId.Virt);
    },

    ptimerChanged(t: ArchTimer): void {
      t.updateState(TimerId.Phys);
      t.armPtimer();
    },

    /**
     * 4.3: cntv_ctl = 0, then kvm_timer_update_state (the line drops if it
     * was high). Today (kvm_timer_vcpu_reset): both CTLs 0, both lines low
     * (kvm_timer_update_irq), the mapped interrupt's state cleared
     * (kvm_vgic_reset_mapped_irq: active, pending, line), the soft timers
     * cancelled.
     */
    vcpuReset(t: ArchTimer): void {
      t.resetCtl();
      if (keepActiveWhileVirtActive) {
        if (t.opts.vgic.initialized) {
          t.signal(TimerId.Virt, false);
          t.signal(TimerId.Phys, false);
          t.opts.vgic.resetMappedIrq(t.vcpu, t.intids[TimerId.Virt]);
        }
        t.unblocking();
      } else {
        t.updateState(TimerId.Virt);
        t.updateState(TimerId.Phys);
      }
      t.armPtimer();
    },

    pendingTimer(t: ArchTimer): boolean {
      return t.shouldFire(TimerId.Virt) || t.shouldFire(TimerId.Phys);
    },

    blocking(t: ArchTimer): void {
      t.blocking();
    },
  };
}

export const levelPolicy: TimerPolicy = levelTimer(true);
/** The seed as merged (Linux 4.3). */
export const level43Policy: TimerPolicy = levelTimer(false);
