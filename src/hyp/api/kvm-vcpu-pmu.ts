// KVM_{HAS,GET,SET}_DEVICE_ATTR on a vcpu fd, group KVM_ARM_VCPU_PMU_V3_CTRL
// (Documentation/virt/kvm/devices/vcpu.rst §1; Linux 7.0's
// kvm_arm_pmu_v3_{has,get,set}_attr in arch/arm64/kvm/pmu-emul.c, read
// and written here in our own words), with KVM's errnos and order of checks:
//
// - set: a vcpu without the vPMU -ENODEV; after KVM_ARM_VCPU_PMU_V3_INIT
//   succeeded, every set -EBUSY. IRQ: no in-kernel irqchip -EINVAL; not a
//   PPI (16..31) or SPI (32..1019) -EINVAL; a PPI must be the one every
//   other vcpu already set, an SPI one no other vcpu has (-EINVAL); already
//   set on this vcpu -EBUSY. FILTER: base_event + nevents beyond the 1024
//   events of the host's PMUv3, or an action other than ALLOW/DENY, -EINVAL;
//   after the VM ran -EBUSY; the first filter makes the default (ALLOW: all
//   else denied; DENY: all else allowed); VM-wide. SET_PMU: an id that is no
//   host PMU's perf type -ENXIO; after the VM ran -EBUSY. INIT: with an
//   in-kernel irqchip, the vgic not initialized -ENODEV, no IRQ set -ENXIO.
//   Other attributes -ENXIO.
// - get: IRQ only (no irqchip -EINVAL, no vPMU -ENODEV, not set -ENXIO).
// - has: IRQ, INIT, FILTER, SET_PMU answer 0 with the vPMU, else -ENXIO.
// - first KVM_RUN (kvm_arm_pmu_v3_enable): a vPMU not initialized -EINVAL;
//   an SPI beyond the vgic's -EINVAL; then the timer claims its PPIs
//   (kvm_vgic_set_owner): a PMU on PPI 27 or 30 makes that fail, -EBUSY.
//
// The model's vcpus always have the PMU feature (QEMU's default -cpu), so a
// VMM that never touches this group gets what QEMU would have set (PPI 23,
// INIT) at its first KVM_RUN instead of KVM's -EINVAL. Linux 4.2/4.3 have no
// vcpu device attributes at all (the vPMU came in 4.6): their
// kvm_arch_vcpu_ioctl answers the unknown ioctl with -EINVAL. Not modelled:
// KVM_ARM_VCPU_PMU_V3_SET_NR_COUNTERS (6.16; KVM_HAS_DEVICE_ATTR says no),
// a userspace irqchip (the vPMU without a vgic).

import { isPpi, isSgi, PPI } from '../../hw/gic/intid.ts';
import { KvmPmuEventFilter } from '../pmu/kvm-pmu.ts';
import type { Vm } from '../vm.ts';
import {
  fail,
  HOST_PMU_TYPE,
  KVM_ARM_VCPU_PMU_V3_CTRL,
  KVM_ARM_VCPU_PMU_V3_FILTER,
  KVM_ARM_VCPU_PMU_V3_INIT,
  KVM_ARM_VCPU_PMU_V3_IRQ,
  KVM_ARM_VCPU_PMU_V3_SET_PMU,
  KVM_PMU_EVENT_ALLOW,
  KVM_PMU_EVENT_DENY,
  type KvmPmuEventFilterArg,
  type KvmResult,
  ok,
} from './uapi.ts';

/** The VM-wide state the attributes read and write (KvmVm). */
export interface PmuAttrHost {
  readonly vm: Vm;
  /** an in-kernel irqchip exists (irqchip_in_kernel: the vgic device was created) */
  readonly hasVgic: boolean;
  /** some vcpu entered KVM_RUN (kvm_vm_has_ran_once) */
  readonly hasRun: boolean;
  /** kvm->arch.pmu_filter */
  pmuFilter: KvmPmuEventFilter | null;
}

export type PmuAttrArg = number | KvmPmuEventFilterArg;

const SPI_LIMIT = 1020;

function noAttrIoctls(host: PmuAttrHost): KvmResult | undefined {
  if (host.vm.generation.pmu === 'vpmu') return undefined;
  return fail(
    'EINVAL',
    `Linux ${host.vm.generation.release} has no vcpu device attributes (KVM's vPMU came in 4.6)`,
  );
}

function hasPmu(host: PmuAttrHost, vcpu: number): boolean {
  return host.vm.vcpus[vcpu].pmu?.vpmu === true;
}

/** KVM_HAS_DEVICE_ATTR */
export function pmuHasAttr(host: PmuAttrHost, vcpu: number, group: number, attr: number): KvmResult {
  const none = noAttrIoctls(host);
  if (none) return none;
  if (group !== KVM_ARM_VCPU_PMU_V3_CTRL)
    return fail('ENXIO', `vcpu attribute group ${group} is not modelled`);
  const known =
    attr === KVM_ARM_VCPU_PMU_V3_IRQ ||
    attr === KVM_ARM_VCPU_PMU_V3_INIT ||
    attr === KVM_ARM_VCPU_PMU_V3_FILTER ||
    attr === KVM_ARM_VCPU_PMU_V3_SET_PMU;
  return known && hasPmu(host, vcpu) ? ok(undefined) : fail('ENXIO', `no PMU attribute ${attr}`);
}

/** KVM_GET_DEVICE_ATTR */
export function pmuGetAttr(host: PmuAttrHost, vcpu: number, group: number, attr: number): KvmResult<number> {
  const none = noAttrIoctls(host);
  if (none) return none as KvmResult<number>;
  if (group !== KVM_ARM_VCPU_PMU_V3_CTRL)
    return fail('ENXIO', `vcpu attribute group ${group} is not modelled`);
  if (attr !== KVM_ARM_VCPU_PMU_V3_IRQ) return fail('ENXIO', `PMU attribute ${attr} cannot be read`);
  if (!host.hasVgic) return fail('EINVAL', 'no in-kernel irqchip');
  if (!hasPmu(host, vcpu)) return fail('ENODEV', `vcpu ${vcpu} has no vPMU`);
  const irq = host.vm.vcpus[vcpu].pmu?.user.irq ?? 0;
  return irq >= 16 ? ok(irq) : fail('ENXIO', `vcpu ${vcpu}: no PMU interrupt set`);
}

/** KVM_SET_DEVICE_ATTR */
export function pmuSetAttr(
  host: PmuAttrHost,
  vcpu: number,
  group: number,
  attr: number,
  arg?: PmuAttrArg,
): KvmResult {
  const none = noAttrIoctls(host);
  if (none) return none;
  if (group !== KVM_ARM_VCPU_PMU_V3_CTRL)
    return fail('ENXIO', `vcpu attribute group ${group} is not modelled`);
  const pmu = host.vm.vcpus[vcpu].pmu;
  if (pmu === null || !pmu.vpmu) return fail('ENODEV', `vcpu ${vcpu} has no vPMU`);
  const user = pmu.user;
  if (user.created) return fail('EBUSY', `vcpu ${vcpu}: the PMU is initialized`);
  user.touched = true;
  switch (attr) {
    case KVM_ARM_VCPU_PMU_V3_IRQ: {
      if (!host.hasVgic) return fail('EINVAL', 'no in-kernel irqchip');
      const irq = typeof arg === 'number' ? arg : Number.NaN;
      if (!Number.isInteger(irq) || irq < 16 || irq >= SPI_LIMIT)
        return fail('EINVAL', `PMU interrupt ${arg}: a PPI (16..31) or an SPI (32..1019)`);
      for (const other of host.vm.vcpus) {
        const o = other.pmu?.user.irq ?? 0;
        if (o < 16) continue;
        if (isPpi(irq) ? o !== irq : o === irq)
          return fail(
            'EINVAL',
            isPpi(irq)
              ? `PMU PPI ${irq}: vcpu ${other.index} uses ${o}, a PPI must be the same on every vcpu`
              : `PMU SPI ${irq} is vcpu ${other.index}'s already`,
          );
      }
      if (user.irq >= 16) return fail('EBUSY', `vcpu ${vcpu}: the PMU interrupt is set (${user.irq})`);
      user.irq = irq;
      return ok(undefined);
    }
    case KVM_ARM_VCPU_PMU_V3_FILTER: {
      if (typeof arg !== 'object') return fail('EINVAL', 'FILTER takes a struct kvm_pmu_event_filter');
      const { base_event: base, nevents: n, action } = arg;
      if (
        !Number.isInteger(base) ||
        !Number.isInteger(n) ||
        base < 0 ||
        n < 0 ||
        base + n > KvmPmuEventFilter.EVENTS ||
        (action !== KVM_PMU_EVENT_ALLOW && action !== KVM_PMU_EVENT_DENY)
      )
        return fail('EINVAL', `filter ${base}+${n} (events 0..1023), action ${action} (ALLOW 0 or DENY 1)`);
      if (host.hasRun) return fail('EBUSY', 'the VM has run: the event filter is fixed');
      const allow = action === KVM_PMU_EVENT_ALLOW;
      if (host.pmuFilter === null) {
        host.pmuFilter = new KvmPmuEventFilter(allow);
        for (const v of host.vm.vcpus) v.pmu?.setEventFilter(host.pmuFilter);
      }
      host.pmuFilter.apply(base, n, allow);
      for (const v of host.vm.vcpus) v.pmu?.setEventFilter(host.pmuFilter); // counting restarts under it
      return ok(undefined);
    }
    case KVM_ARM_VCPU_PMU_V3_SET_PMU:
      if (arg !== HOST_PMU_TYPE)
        return fail('ENXIO', `no host PMU of perf type ${arg} (the host's is ${HOST_PMU_TYPE})`);
      if (host.hasRun) return fail('EBUSY', 'the VM has run: the PMU is fixed');
      return ok(undefined);
    case KVM_ARM_VCPU_PMU_V3_INIT:
      if (host.hasVgic) {
        if (!host.vm.vgic.initialized)
          return fail('ENODEV', 'the vgic is not initialized (KVM_DEV_ARM_VGIC_CTRL_INIT first)');
        if (user.irq < 16)
          return fail('ENXIO', `vcpu ${vcpu}: no PMU interrupt set (KVM_ARM_VCPU_PMU_V3_IRQ first)`);
        pmu.irq = user.irq;
      }
      user.created = true;
      return ok(undefined);
    default:
      return fail('ENXIO', `no PMU attribute ${attr}`);
  }
}

/**
 * kvm_arm_pmu_v3_enable at a vcpu's first KVM_RUN, then the timer's claim
 * of its PPIs. A vPMU userspace never configured gets QEMU's (PPI 23).
 */
export function pmuEnable(host: PmuAttrHost, vcpu: number): KvmResult {
  const v = host.vm.vcpus[vcpu];
  const pmu = v.pmu;
  if (pmu === null || !pmu.vpmu) return ok(undefined);
  const user = pmu.user;
  if (!user.created && !user.touched) {
    user.irq = PPI.PMU;
    user.created = true;
    pmu.irq = PPI.PMU;
  }
  if (!user.created)
    return fail('EINVAL', `vcpu ${vcpu}: the vPMU is not initialized (KVM_ARM_VCPU_PMU_V3_INIT)`);
  if (!isPpi(pmu.irq) && !isSgi(pmu.irq) && pmu.irq >= 32 + host.vm.board.config.spis)
    return fail(
      'EINVAL',
      `vcpu ${vcpu}: PMU SPI ${pmu.irq} beyond the vgic's ${host.vm.board.config.spis} SPIs`,
    );
  if ((v.timer.intids as readonly number[]).includes(pmu.irq))
    return fail(
      'EBUSY',
      `vcpu ${vcpu}: PPI ${pmu.irq} is the PMU's, the timer cannot own it (kvm_vgic_set_owner)`,
    );
  return ok(undefined);
}
