// Initial state of every virtual interrupt (vgic_init / kvm_vgic_vcpu_init,
// seed item 6): SGIs enabled and edge-triggered; PPIs level-sensitive
// (the timer relies on it) and disabled; SPIs disabled and level-sensitive;
// priority 0, group 0, SPIs targeted at vcpu0 (GICD_ITARGETSR 0: KVM routes
// an untargeted SPI to vcpu0). KVM itself leaves SPIs edge (a zeroed
// config); vgicsim follows the project's rule of level SPIs, like the
// physical distributor's reset in hw/gic, and guests program GICD_ICFGR.

import { isSgi, PRIVATE_COUNT } from '../../hw/gic/intid.ts';
import { NO_VCPU, VGIC_CONFIG_EDGE, VGIC_CONFIG_LEVEL, type VgicIrq } from './vgic-irq.ts';

/** vcpu that SPIs target at reset */
export const SPI_DEFAULT_TARGET = 0;

/** Reset `irq`, banked on vcpu `bank` (NO_VCPU for SPIs). Mappings and owners survive. */
export function initIrq(irq: VgicIrq, bank: number): void {
  irq.lineLevel = false;
  irq.pendingLatch = false;
  irq.active = false;
  irq.group = 0;
  irq.priority = 0;
  irq.source = 0;
  irq.activeSource = 0;
  irq.enabled = isSgi(irq.intid);
  irq.config = isSgi(irq.intid) ? VGIC_CONFIG_EDGE : VGIC_CONFIG_LEVEL;
  if (irq.intid < PRIVATE_COUNT && bank !== NO_VCPU) {
    irq.targetVcpu = bank;
    irq.targets = 1 << bank;
  } else {
    irq.targetVcpu = SPI_DEFAULT_TARGET;
    irq.targets = 0;
  }
}
