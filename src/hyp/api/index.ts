// The KVM-like userspace API: createVm, vcpus, the vgic device, KVM_IRQ_LINE,
// ONE_REG timer registers, KVM_RUN, save/restore, cost counters.

export { costsOf, diffCosts, type KvmCosts } from './costs.ts';
export { KvmVcpu } from './kvm-vcpu.ts';
export {
  createVm,
  type KvmExit,
  type KvmExitReason,
  type KvmRunLimits,
  KvmVgicDevice,
  KvmVm,
  type KvmVmConfig,
  KVM_VGIC_V2_ADDR_TYPE_CPU,
  KVM_VGIC_V2_ADDR_TYPE_DIST,
} from './kvm-vm.ts';
export * from './uapi.ts';
