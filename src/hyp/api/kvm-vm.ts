// A VM file descriptor: KVM's VM ioctls over the hypervisor's Vm
// (kvm-arm-notes.md §5.6, §6.1, §7.4, §7.5). createVm builds the board, so
// its size (cpus, SPIs) is fixed there; vcpus must then be created, each
// once, before the vgic is initialized (KVM refuses KVM_CREATE_VCPU after
// vgic init with -EBUSY). Every result is a KvmResult: a value, or -errno
// with a message. Host bugs (not guest or userspace mistakes) still throw.
//
// KVM_RUN runs the whole machine (every created vcpu, one deterministic
// scheduler) for a budget and reports why it stopped: a PSCI system event,
// the budget ('limit'), every vcpu waiting with nothing to wake it
// ('idle'), or a guest the hypervisor cannot handle ('internal-error').

import type { Generation } from '../generation/generation.ts';
import { type Chooser, SeededChooser } from '../../sim/choice.ts';
import { NEVER } from '../../sim/time.ts';
import type { TraceSink } from '../../sim/trace/sink.ts';
import { DEFAULT_BOARD, type GicVersion } from '../../hw/board/board.ts';
import { MEMMAP } from '../../hw/board/memory-map.ts';
import { type IntId, isPpi, isSgi, PRIVATE_COUNT } from '../../hw/gic/intid.ts';
import { LivelockError } from '../vcpu/run-loop.ts';
import { GuestError, Vm, type VmState } from '../vm.ts';
import { costsOf, diffCosts, type KvmCosts } from './costs.ts';
import type { KvmPmuEventFilter } from '../pmu/kvm-pmu.ts';
import { KvmVcpu } from './kvm-vcpu.ts';
import { pmuEnable } from './kvm-vcpu-pmu.ts';
import { KvmVgicDevice } from './kvm-vgic-device.ts';
import {
  decodeKvmIrq,
  fail,
  KVM_ARM_IRQ_TYPE_CPU,
  KVM_ARM_IRQ_TYPE_PPI,
  KVM_ARM_IRQ_TYPE_SPI,
  KVM_DEV_TYPE_ARM_VGIC_V2,
  KVM_DEV_TYPE_ARM_VGIC_V3,
  type KvmResult,
  ok,
} from './uapi.ts';

export { KVM_VGIC_V2_ADDR_TYPE_CPU, KVM_VGIC_V2_ADDR_TYPE_DIST } from './kvm-vgic-addr.ts';
export { KvmVgicDevice } from './kvm-vgic-device.ts';

export interface KvmVmConfig {
  /** generation (src/hyp/generation) or alias: 'linux-4.2', 'linux-4.3', 'linux-7.0', 'level', 'legacy-edge' */
  readonly policy: string;
  /** a generation object instead of the name (tests, hypothetical designs built on a release) */
  readonly generation?: Generation;
  /** vcpus the board has (each must be created with createVcpu); default 1 */
  readonly vcpus?: number;
  /** physical cpus of the host (vcpu threads may migrate to free ones); default = vcpus */
  readonly pcpus?: number;
  readonly spis?: number;
  /** the host's GIC: 'v3' needs a generation with vgic-v3 (linux-7.0) and the arm-vgic-v3 device; default 'v2' */
  readonly gic?: GicVersion;
  readonly nLR?: number;
  readonly counterHz?: number;
  readonly cpuHz?: number;
  readonly hostTickHz?: number;
  readonly exitCycles?: number;
  readonly entryCycles?: number;
  readonly preemptCycles?: number;
  readonly quantumTicks?: number;
  /** seed of the chooser (preemption points, migrations, slice order) */
  readonly seed?: number;
  /** a chooser instead of the seeded one (a script of decisions: tests, the explorer) */
  readonly chooser?: Chooser;
  readonly trace?: TraceSink;
}

export interface KvmRunLimits {
  /** run at most this many more ticks of virtual time */
  readonly ticks?: number;
  /** at most this many more instructions and exception entries (guest cycles, all vcpus) */
  readonly instructions?: number;
}

export type KvmExitReason = 'system-event' | 'limit' | 'idle' | 'internal-error';

/** struct kvm_run, as much of it as a model has. */
export interface KvmExit {
  readonly reason: KvmExitReason;
  /** KVM_SYSTEM_EVENT_SHUTDOWN / _RESET (PSCI SYSTEM_OFF / SYSTEM_RESET) */
  readonly systemEvent?: 'shutdown' | 'reset';
  readonly message?: string;
  /** virtual time at the end of the run, and how much this run took */
  readonly now: number;
  readonly ticks: number;
  readonly instructions: number;
  /** what this run cost (counters after minus before) */
  readonly costs: KvmCosts;
}

export function createVm(config: KvmVmConfig): KvmVm {
  return new KvmVm(config);
}

export class KvmVm {
  readonly vm: Vm;
  private readonly created: (KvmVcpu | undefined)[];
  private device: KvmVgicDevice | null = null;
  private offsetLocked = false;
  private ran = false;
  /** KVM_ARM_VCPU_PMU_V3_FILTER's bitmap (kvm->arch.pmu_filter), once userspace set one */
  pmuFilter: KvmPmuEventFilter | null = null;

  constructor(readonly config: KvmVmConfig) {
    const cpus = config.vcpus ?? 1;
    this.vm = new Vm({
      board: {
        ...DEFAULT_BOARD,
        cpus,
        pcpus: config.pcpus ?? cpus,
        spis: config.spis ?? DEFAULT_BOARD.spis,
        nLR: config.nLR ?? DEFAULT_BOARD.nLR,
        gic: config.gic ?? 'v2',
        counterHz: config.counterHz ?? DEFAULT_BOARD.counterHz,
        cpuHz: config.cpuHz ?? DEFAULT_BOARD.cpuHz,
      },
      policy: config.policy,
      generation: config.generation,
      startAll: true,
      hostTickHz: config.hostTickHz,
      exitCycles: config.exitCycles,
      entryCycles: config.entryCycles,
      preemptCycles: config.preemptCycles,
      quantumTicks: config.quantumTicks,
      trace: config.trace,
      chooser: config.chooser ?? new SeededChooser(config.seed ?? 0),
    });
    this.created = new Array(cpus).fill(undefined);
  }

  get counterOffsetLocked(): boolean {
    return this.offsetLocked;
  }

  /** KVM_CREATE_VCPU */
  createVcpu(id: number): KvmResult<KvmVcpu> {
    if (!Number.isInteger(id) || id < 0 || id >= this.created.length)
      return fail('EINVAL', `vcpu id ${id} out of range 0..${this.created.length - 1}`);
    if (this.vm.vgic.initialized)
      return fail('EBUSY', 'the vgic is initialized: vcpus must be created before');
    if (this.created[id] !== undefined) return fail('EEXIST', `vcpu ${id} already exists`);
    const vcpu = new KvmVcpu(this, id);
    this.created[id] = vcpu;
    return ok(vcpu);
  }

  vcpu(id: number): KvmVcpu | undefined {
    return this.created[id];
  }

  /** KVM_CREATE_DEVICE: only the GICv2 vgic. */
  createDevice(type: string): KvmResult<KvmVgicDevice> {
    if (type !== KVM_DEV_TYPE_ARM_VGIC_V2 && type !== KVM_DEV_TYPE_ARM_VGIC_V3)
      return fail(
        'ENXIO',
        `no device type '${type}' (${KVM_DEV_TYPE_ARM_VGIC_V2} or ${KVM_DEV_TYPE_ARM_VGIC_V3})`,
      );
    // kvm_vgic_create: the model must be one the host GIC can emulate (a GICv3 host
    // without GICv2 compatibility, as here, cannot run a GICv2 guest): -ENODEV
    const v3 = this.vm.board.gicV3 !== undefined;
    if ((type === KVM_DEV_TYPE_ARM_VGIC_V3) !== v3)
      return fail('ENODEV', `${type} on a ${v3 ? 'GICv3' : 'GICv2'} host (machine.gic)`);
    if (this.device !== null) return fail('EEXIST', 'the VM already has a vgic');
    this.device = new KvmVgicDevice(this);
    return ok(this.device);
  }

  get hasVgic(): boolean {
    return this.device !== null;
  }

  /** kvm_vm_has_ran_once */
  get hasRun(): boolean {
    return this.ran;
  }

  /** The vgic device created by createDevice (the VMM keeps its fd), or null. */
  get vgicDevice(): KvmVgicDevice | null {
    return this.device;
  }

  /** vgic_init through the policy (timer PPI mapping), checking KVM's preconditions. */
  initVgic(): KvmResult {
    if (this.vm.vgic.initialized) return ok(undefined);
    if (this.device === null)
      return fail('ENXIO', 'no in-kernel irqchip (a userspace irqchip is not modelled)');
    const missing = this.created.indexOf(undefined);
    if (missing >= 0)
      return fail(
        'EINVAL',
        `vcpu ${missing} not created: the board was sized at createVm, create every vcpu first`,
      );
    this.vm.initVgic();
    return ok(undefined);
  }

  /**
   * KVM_IRQ_LINE. `irq` in the 2013 layout ([31:24] type, [23:16] vcpu,
   * [15:0] number). SPIs (type 1) need INTID >= 32 and < 32 + SPIs; PPIs
   * (type 2) INTID 16..31 and an existing vcpu; SGIs cannot be injected;
   * type 0 (the vcpu's IRQ/FIQ pins) needs a userspace irqchip: -ENXIO with
   * an in-kernel one. Lines owned by the timer are silently left alone.
   * Lazily initializes the vgic (GICv2's vgic_lazy_init).
   */
  irqLine(irq: number, level: boolean | 0 | 1): KvmResult {
    const { type, vcpu, num } = decodeKvmIrq(irq);
    const high = level === true || level === 1;
    switch (type) {
      case KVM_ARM_IRQ_TYPE_CPU:
        if (this.device !== null) return fail('ENXIO', 'KVM_ARM_IRQ_TYPE_CPU with an in-kernel irqchip');
        return fail('ENXIO', 'no userspace irqchip in this model');
      case KVM_ARM_IRQ_TYPE_SPI: {
        if (this.device === null) return fail('ENXIO', 'SPI injection needs the in-kernel irqchip');
        if (num < PRIVATE_COUNT) return fail('EINVAL', `SPI number ${num} < 32`);
        if (num >= PRIVATE_COUNT + this.vm.board.config.spis) return fail('EINVAL', `no SPI ${num}`);
        const init = this.initVgic();
        if (!init.ok) return init;
        return this.injected(this.vm.vgic.injectIrq(null, num, high), num);
      }
      case KVM_ARM_IRQ_TYPE_PPI: {
        if (this.device === null) return fail('ENXIO', 'PPI injection needs the in-kernel irqchip');
        if (vcpu >= this.created.length || this.created[vcpu] === undefined)
          return fail('EINVAL', `no vcpu ${vcpu}`);
        if (isSgi(num)) return fail('EINVAL', `INTID ${num} is an SGI: SGIs cannot be injected`);
        if (!isPpi(num)) return fail('EINVAL', `INTID ${num} is not a PPI (16..31)`);
        const init = this.initVgic();
        if (!init.ok) return init;
        // The timers and the vPMU own their PPIs (kvm_vgic_set_owner): userspace is silently ignored.
        const v = this.vm.vcpus[vcpu];
        if (v.timer.intids.includes(num as IntId) || (v.pmu?.user.created && v.pmu.irq === num))
          return ok(undefined);
        return this.injected(this.vm.vgic.injectIrq(vcpu, num, high), num);
      }
      default:
        return fail('EINVAL', `irq type ${type}`);
    }
  }

  private injected(r: 'ok' | 'ignored' | 'invalid', num: number): KvmResult {
    // 'ignored' (no change, or a line owned by an in-kernel device) is success for userspace.
    return r === 'invalid' ? fail('EINVAL', `INTID ${num} rejected by the vgic`) : ok(undefined);
  }

  /**
   * KVM_ARM_SET_COUNTER_OFFSET (6.4+): the guest's virtual count is the
   * physical count minus `offset`, on every vcpu; afterwards ONE_REG writes
   * to the CNT registers are accepted and ignored. Deviation: only the
   * virtual counter is offset (the emulated physical timer keeps the
   * physical count), as with a pre-6.4 CNTVOFF.
   */
  setCounterOffset(offset: bigint, reserved = 0n): KvmResult {
    if (!this.vm.generation.api.counterOffsetIoctl)
      return fail(
        'ENOTTY',
        `KVM_ARM_SET_COUNTER_OFFSET does not exist in Linux ${this.vm.generation.release}`,
      );
    if (reserved !== 0n) return fail('EINVAL', 'kvm_arm_counter_offset.reserved must be 0');
    this.offsetLocked = true;
    // A VM ioctl under lock_all_vcpus (-EBUSY while one runs): every vcpu leaves KVM_RUN first.
    this.vm.userspace.stopNow(
      'KVM_ARM_SET_COUNTER_OFFSET',
      this.vm.vcpus.map((v) => v.index),
    );
    this.vm.setCounterOffset(offset);
    return ok(undefined);
  }

  /** Load a guest image into RAM and reset every vcpu to `entry`. */
  loadImage(bytes: Uint8Array, entry: number, base: number = MEMMAP.RAM.base + 0x8_0000): KvmResult {
    if (this.ran) return fail('EBUSY', 'the VM has already run');
    this.vm.load(base, bytes, entry);
    return ok(undefined);
  }

  /** KVM_RUN for every vcpu, for at most the given budget. */
  run(limits: KvmRunLimits = {}): KvmResult<KvmExit> {
    const missing = this.created.indexOf(undefined);
    if (missing >= 0) return fail('EINVAL', `vcpu ${missing} not created`);
    // vgic_v3_map_resources (every release since 3.19): a GICv3 vgic is never
    // initialized on demand; vgic_v2_map_resources initializes GICv2's lazily
    const v3 = this.device !== null && this.vm.board.gicV3 !== undefined;
    if (!v3) {
      const init = this.initVgic();
      if (!init.ok) return init;
    }
    // vgic_v3_map_resources at the first KVM_RUN: a vcpu without a redistributor
    // in the regions userspace set is -ENXIO (none set: the board's, a model default)
    const rds = this.device?.addrs.redistributors();
    if (!this.ran && rds !== undefined && rds < this.created.length)
      return fail('ENXIO', `vcpu ${rds} has no redistributor: the regions hold ${rds}`);
    // then -EBUSY until userspace has sent KVM_DEV_ARM_VGIC_CTRL_INIT
    if (v3 && !this.vm.vgic.initialized)
      return fail('EBUSY', 'the arm-vgic-v3 device is not initialized: KVM_DEV_ARM_VGIC_CTRL_INIT first');
    if (!this.ran)
      for (let i = 0; i < this.created.length; i++) {
        const enabled = pmuEnable(this, i); // kvm_vcpu_first_run_init
        if (!enabled.ok) return enabled as KvmResult<KvmExit>;
      }
    this.ran = true;
    const vm = this.vm;
    // vcpus an ioctl brought to userspace call KVM_RUN again (the entry path flushes)
    vm.userspace.reenter();
    const before = costsOf(vm);
    const t0 = vm.board.kernel.now;
    const i0 = vm.scheduler.retired;
    const ticks = limits.ticks === undefined ? NEVER : t0 + limits.ticks;
    // The limit counts guest cycles (instructions and exception entries).
    const c0 = vm.scheduler.guestCycles;
    const instructions = limits.instructions === undefined ? NEVER : c0 + limits.instructions;
    let reason: KvmExitReason;
    let systemEvent: KvmExit['systemEvent'];
    let message: string | undefined;
    try {
      const end = vm.run({ ticks, instructions });
      if (end === 'poweroff' || end === 'reset') {
        reason = 'system-event';
        systemEvent = end === 'poweroff' ? 'shutdown' : 'reset';
      } else reason = end;
    } catch (e) {
      if (!(e instanceof GuestError || e instanceof LivelockError)) throw e;
      reason = 'internal-error';
      message = e.message;
    }
    const now = vm.board.kernel.now;
    return ok({
      reason,
      systemEvent,
      message,
      now,
      ticks: now - t0,
      instructions: vm.scheduler.retired - i0,
      costs: diffCosts(costsOf(vm), before),
    });
  }

  /** Every counter since the VM was created (restored counters included). */
  costs(): KvmCosts {
    return costsOf(this.vm);
  }

  /** Stop every vcpu and save the whole VM (board, vgic, timers, run-loop state). */
  save(): KvmResult<VmState> {
    if (!this.vm.vgic.initialized) return fail('EBUSY', 'save before the vgic is initialized');
    return ok(this.vm.save());
  }

  /**
   * Restore a snapshot into this VM, which must be freshly created with the
   * same configuration, every vcpu created and the vgic device present (a
   * VMM recreates the VM before restoring) and must not have run.
   */
  restore(state: VmState): KvmResult {
    if (this.ran) return fail('EBUSY', 'the VM has already run');
    if (this.device === null) return fail('ENXIO', 'create the vgic device before restoring');
    const missing = this.created.indexOf(undefined);
    if (missing >= 0) return fail('EINVAL', `vcpu ${missing} not created`);
    try {
      this.vm.restore(state);
    } catch (e) {
      if (e instanceof RangeError) return fail('EINVAL', e.message);
      throw e;
    }
    return ok(undefined);
  }
}
