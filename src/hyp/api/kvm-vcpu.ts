// A vcpu file descriptor: KVM_GET_ONE_REG / KVM_SET_ONE_REG for the timer
// registers (kvm-arm-notes.md §5.5-§5.7) and the PMU's system registers
// (src/hyp/pmu: the vPMU's, none before it), and the vPMU's device
// attributes (KVM_ARM_VCPU_PMU_V3_CTRL, kvm-vcpu-pmu.ts). A vcpu ioctl runs with the vcpu
// outside KVM_RUN. Between the API's KVM_RUNs the vcpu threads are still in
// KVM_RUN (in the guest, blocked in WFI or preempted where the budget left
// them), so each ioctl first signals its vcpu as a VMM must
// (src/hyp/vcpu/userspace-exit.ts: an 'intr' exit, KVM_EXIT_INTR; a WFI
// in progress ends); the next KVM_RUN re-enters it.
//
// Seed rule 4: after a write the timer re-evaluates its output
// (policy.afterUserWrite), except while the vgic is uninitialized: then no
// level is recorded and no vgic call is made, and the first flush catches up.

import { fieldMask } from '../../sim/bits.ts';
import { sub64, u64 } from '../../sim/u64.ts';
import { CTL, CTL_WRITABLE } from '../../hw/timer/sysregs.ts';
import { TimerId } from '../timer/arch-timer.ts';
import type { Vcpu } from '../vcpu/vcpu.ts';
import type { Vm } from '../vm.ts';
import { type PmuAttrArg, type PmuAttrHost, pmuGetAttr, pmuHasAttr, pmuSetAttr } from './kvm-vcpu-pmu.ts';
import {
  fail,
  KVM_REG_ARM_PTIMER_CNT,
  KVM_REG_ARM_PTIMER_CTL,
  KVM_REG_ARM_PTIMER_CVAL,
  KVM_REG_ARM_TIMER_CNT,
  KVM_REG_ARM_TIMER_CTL,
  KVM_REG_ARM_TIMER_CVAL,
  type KvmResult,
  ok,
  sysregOfId,
} from './uapi.ts';

const ISTATUS = fieldMask(CTL.ISTATUS);

/** What the VM tells a vcpu about VM-wide state (the counter offset ioctl freezes CNT writes). */
export interface VcpuHost extends PmuAttrHost {
  readonly vm: Vm;
  /** KVM_ARM_SET_COUNTER_OFFSET was used: CNT writes are accepted and ignored (6.4+). */
  readonly counterOffsetLocked: boolean;
}

export class KvmVcpu {
  constructor(
    private readonly host: VcpuHost,
    readonly id: number,
  ) {}

  private get v(): Vcpu {
    return this.host.vm.vcpus[this.id];
  }

  /** Bring the vcpu to userspace (see the header). */
  private stopped(ioctl: string): Vcpu {
    this.host.vm.userspace.stopNow(ioctl, [this.id]);
    return this.v;
  }

  /** KVM_GET_ONE_REG. Unknown ids: -ENOENT. */
  getOneReg(id: bigint): KvmResult<bigint> {
    const t = this.stopped('KVM_GET_ONE_REG').timer;
    switch (id) {
      case KVM_REG_ARM_TIMER_CTL:
        // read_timer_ctl: ISTATUS = "the condition is met", whatever ENABLE says.
        return ok(BigInt((t.cntvCtl | (t.cntvCval <= t.virtCount() ? ISTATUS : 0)) >>> 0));
      case KVM_REG_ARM_TIMER_CNT:
        return ok(t.virtCount());
      case KVM_REG_ARM_TIMER_CVAL:
        return ok(t.cntvCval);
      case KVM_REG_ARM_PTIMER_CTL:
        return ok(BigInt((t.cntpCtl | (t.cntpCval <= t.physCount() ? ISTATUS : 0)) >>> 0));
      case KVM_REG_ARM_PTIMER_CNT:
        return ok(t.physCount());
      case KVM_REG_ARM_PTIMER_CVAL:
        return ok(t.cntpCval);
      default: {
        // the PMU's system registers (src/hyp/pmu: the vPMU's, none before it)
        const enc = sysregOfId(id);
        const v = enc === undefined ? undefined : this.v.pmu?.getUser(enc);
        return v === undefined ? fail('ENOENT', `no register 0x${id.toString(16)}`) : ok(v);
      }
    }
  }

  /** KVM_SET_ONE_REG. Unknown ids: -ENOENT. */
  setOneReg(id: bigint, value: bigint): KvmResult {
    const vm = this.host.vm;
    const v = this.stopped('KVM_SET_ONE_REG');
    const t = v.timer;
    const initialized = vm.vgic.initialized;
    switch (id) {
      case KVM_REG_ARM_TIMER_CTL:
        t.cntvCtl = Number(value & BigInt(CTL_WRITABLE)); // ISTATUS is read-only
        if (vm.generation.api.oneRegUpdatesTimer) vm.policy.afterUserWrite(t);
        return ok(undefined);
      case KVM_REG_ARM_TIMER_CVAL:
        t.cntvCval = u64(value);
        if (vm.generation.api.oneRegUpdatesTimer) vm.policy.afterUserWrite(t);
        return ok(undefined);
      case KVM_REG_ARM_TIMER_CNT:
        // offset = physical count - value, for every vcpu (one counter per VM).
        if (!this.host.counterOffsetLocked) vm.setCounterOffset(sub64(t.physCount(), u64(value)));
        return ok(undefined);
      case KVM_REG_ARM_PTIMER_CTL:
      case KVM_REG_ARM_PTIMER_CVAL:
        if (id === KVM_REG_ARM_PTIMER_CTL) t.cntpCtl = Number(value & BigInt(CTL_WRITABLE));
        else t.cntpCval = u64(value);
        // timer_emulate; before vgic init only the soft timer is (re)armed, the flush catches up.
        if (initialized) vm.policy.ptimerChanged(t);
        else t.armPtimer();
        return ok(undefined);
      case KVM_REG_ARM_PTIMER_CNT:
        return fail('EINVAL', 'the physical counter has no offset in this model (as before Linux 6.4)');
      default: {
        const enc = sysregOfId(id);
        if (enc !== undefined && v.pmu?.setUser(enc, u64(value))) return ok(undefined);
        return fail('ENOENT', `no register 0x${id.toString(16)}`);
      }
    }
  }

  /** KVM_HAS_DEVICE_ATTR on the vcpu fd (group KVM_ARM_VCPU_PMU_V3_CTRL: kvm-vcpu-pmu.ts). */
  hasDeviceAttr(group: number, attr: number): KvmResult {
    return pmuHasAttr(this.host, this.id, group, attr);
  }

  /** KVM_GET_DEVICE_ATTR: the value the kernel would put_user(). */
  getDeviceAttr(group: number, attr: number): KvmResult<number> {
    this.stopped('KVM_GET_DEVICE_ATTR');
    return pmuGetAttr(this.host, this.id, group, attr);
  }

  /** KVM_SET_DEVICE_ATTR: `arg` is what kvm_device_attr.addr points to (an int, or a struct kvm_pmu_event_filter). */
  setDeviceAttr(group: number, attr: number, arg?: PmuAttrArg): KvmResult {
    this.stopped('KVM_SET_DEVICE_ATTR');
    return pmuSetAttr(this.host, this.id, group, attr, arg);
  }

  /** The last level the timer signalled to the vgic (irq.level of the seed), for tests and tools. */
  timerLevel(which: 'virt' | 'phys'): boolean {
    return this.v.timer.level[which === 'virt' ? TimerId.Virt : TimerId.Phys];
  }
}
