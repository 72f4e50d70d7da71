// The vgic's ports to the rest of the machine: small interfaces, so the vgic
// depends on no implementation of the physical GIC, the run loop or the
// devices that own mapped lines.

import type { MmioDevice } from '../../hw/mmio.ts';
import type { IntId } from '../../hw/gic/intid.ts';
import type { GichRegisters } from '../../hw/gic/virt-ops.ts';
import type { IchReg } from '../../hw/gic/v3/sysreg-encodings.ts';

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

/**
 * One physical cpu's GICv2 virtual interface control registers as the
 * hypervisor programs them: src/hw/gic's VirtInterface is one; its GICH frame
 * (an MmioDevice) decodes guest/test memory accesses onto the same methods.
 */
export type { GichRegisters };

/** The physical cpus' GICH frames as memory (the old vgic's accesses); a vcpu loaded on pcpu p uses frames[p]. */
export interface GichFrames {
  gich(pcpu: number): MmioDevice;
}

/** The same interfaces as typed registers (the new vgic's GICv2 backend): gichRegs(p) for pcpu p. */
export interface GichRegFrames {
  gichRegs(pcpu: number): GichRegisters;
}

/**
 * One physical cpu's GICv3 virtualization registers as the hypervisor
 * accesses them with MRS/MSR (ICH_*_EL2; the LRs as two 32-bit halves, no
 * BigInt on the per-exit path). src/hw/gic/v3's VirtCpuInterfaceV3 is one.
 */
export interface IchRegisters {
  readIch(r: IchReg): number;
  writeIch(r: IchReg, v: number): void;
  readLrLo(n: number): number;
  readLrHi(n: number): number;
  writeLr(n: number, lo: number, hi: number): void;
}

/** The physical cpus' GICv3 virtual CPU interfaces; a vcpu loaded on pcpu p uses ich(p). */
export interface IchFrames {
  ich(pcpu: number): IchRegisters;
}
