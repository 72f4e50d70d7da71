// The vgic's ports to the rest of the machine: small interfaces, so the vgic
// depends on no implementation of the physical GIC, the run loop or the
// devices that own mapped lines.

import type { MmioDevice } from '../../hw/mmio.ts';
import type { IntId } from '../../hw/gic/intid.ts';

/** The physical distributor's active state (KVM: irq_get/set_irqchip_state(IRQCHIP_STATE_ACTIVE)). */
export interface PhysIrqChip {
  isActive(cpu: number, intid: IntId): boolean;
  setActive(cpu: number, intid: IntId, active: boolean): void;
}

/** kvm_vcpu_kick: force an exit if the vcpu runs, wake it if it is blocked in WFI. */
export interface VcpuKicker {
  kick(vcpu: number): void;
}

/** The current level of a mapped interrupt's source (KVM's irq->ops->get_input_level). */
export interface InputLevelSource {
  getInputLevel(vcpu: number, vintid: IntId): boolean;
}

/** kvm_notify_acked_irq: the guest deactivated a level SPI that carried the LR EOI bit. */
export interface AckNotifier {
  notifyAcked(intid: IntId): void;
}

/** The physical cpus' GICH frames; a vcpu loaded on pcpu p uses frames[p]. */
export interface GichFrames {
  gich(pcpu: number): MmioDevice;
}
