// A fluent runner for hypervisor tests, in the style of the CPU tests'
// guest() helper: configure a VM, hook host actions to labels or ticks, run,
// then assert on what the guest saw.
//
//   vmGuest(src).policy('level').vcpus(2).exitAfter('step3')
//     .hostAt(5000, { irqLine: { intid: 40, level: 1 } })
//     .run({ ticks: 20_000 })
//     .assertExit('poweroff').assertAcked([27]).assertReg('x20', 1n);
//
// The VM is built (createVm, every vcpu, the vgic device and CTRL_INIT, the
// image at CODE_BASE) when first needed. This is the one place the
// hypervisor tests reach into the VM's internals (breakpoints, kernel
// events, registers); the tests say what they check.

import assert from 'node:assert/strict';
import type { AckEntry } from '../../../src/hw/board/acks.ts';
import { isPrivate } from '../../../src/hw/gic/intid.ts';
import {
  createVm,
  type KvmCosts,
  type KvmExit,
  type KvmRunLimits,
  type KvmVm,
  type KvmVmConfig,
} from '../../../src/hyp/api/index.ts';
import { KVM_ARM_IRQ_TYPE_PPI, KVM_ARM_IRQ_TYPE_SPI, kvmIrq } from '../../../src/hyp/api/uapi.ts';
import type { ExitReason } from '../../../src/hyp/vcpu/exits.ts';
import { type Built, buildGuestVm, sym, unwrap, vgicDeviceOf } from './guest-vm.ts';

/** What the host does at a tick or a label. */
export type HostAction =
  /** KVM_IRQ_LINE: an SPI (intid >= 32), or a PPI of `vcpu` (default 0) */
  | { readonly irqLine: { readonly intid: number; readonly level: boolean | 0 | 1; readonly vcpu?: number } }
  /** userspace needs the vcpu: a forced exit (reason 'host') */
  | { readonly exit: number }
  /** anything else, with the runner at hand */
  | ((g: VmGuest) => void);

/** How a run ended: 'poweroff' and 'reset' are KVM_SYSTEM_EVENT_SHUTDOWN / _RESET. */
export type RunEnd = 'poweroff' | 'reset' | 'limit' | 'idle' | 'internal-error';

type Reg = number | `x${number}` | 'pc';

export class VmGuest {
  private config: KvmVmConfig = { policy: 'level' };
  private init = true;
  private built: Built | null = null;
  /** Breakpoints and host events, applied to every VM this runner builds (saveRestore builds another). */
  private readonly arms: ((b: Built) => void)[] = [];
  private hostEvents = 0;
  private last: KvmExit | null = null;
  private readonly costsAtLabel = new Map<string, KvmCosts>();

  constructor(private readonly src: string) {}

  // ---- configuration (before the VM is built) ----

  policy(name: string): this {
    return this.configure({ policy: name });
  }

  vcpus(n: number): this {
    return this.configure({ vcpus: n });
  }

  /** A GICv3 host and the arm-vgic-v3 device: the guest drives ICC_* and the redistributors (linux-7.0). */
  gicV3(): this {
    return this.configure({ gic: 'v3' });
  }

  /** Any other createVm option (spis, nLR, preemptCycles, seed, ...). */
  configure(c: Partial<KvmVmConfig>): this {
    if (this.built !== null) throw new Error('vmGuest: configure before the first run');
    this.config = { ...this.config, ...c };
    return this;
  }

  /** Do not send KVM_DEV_ARM_VGIC_CTRL_INIT (the first KVM_RUN or KVM_IRQ_LINE initializes lazily). */
  lazyVgicInit(): this {
    if (this.built !== null) throw new Error('vmGuest: lazyVgicInit before the first run');
    this.init = false;
    return this;
  }

  // ---- host actions ----

  /** A forced exit of `vcpu` when it reaches `label` (a breakpoint, as a scenario's `after:`). */
  exitAfter(label: string, vcpu = 0): this {
    return this.atLabel(label, { exit: vcpu }, vcpu);
  }

  /** Run `action` each time `vcpu` reaches `label`. */
  atLabel(label: string, action: HostAction, vcpu = 0): this {
    return this.arm((b) => {
      b.kvm.vm.board.cpus[vcpu].addBreakpoint(sym(b, label), () => this.perform(action));
    });
  }

  /**
   * Call `check` at every handle_exit, before the exit is handled (after the
   * timer sync, the vgic sync and put, and the host's interrupts).
   */
  onEachExit(
    check: (vcpu: { readonly index: number; readonly pcpu: number }, reason: ExitReason) => void,
  ): this {
    return this.arm((b) => {
      const vm = b.kvm.vm;
      const handleExit = vm.handleExit.bind(vm);
      vm.handleExit = (v, reason) => {
        check(v, reason);
        handleExit(v, reason);
      };
    });
  }

  /** Record the VM's cost counters each time `vcpu` reaches `label` (see costsAt). */
  recordCostsAt(label: string, vcpu = 0): this {
    return this.atLabel(label, (g) => g.costsAtLabel.set(label, g.kvm.costs()), vcpu);
  }

  /** Run `action` at virtual time `ticks` (absolute), inside the run (a named kernel event). */
  hostAt(ticks: number, action: HostAction): this {
    const name = `test.host.${this.hostEvents++}`;
    return this.arm((b) => {
      const kernel = b.kvm.vm.board.kernel;
      const id = kernel.createEvent(name, { onEvent: () => this.perform(action) });
      kernel.schedule(id, ticks); // a time already past is a test bug: the kernel throws
    });
  }

  /**
   * What a VMM does for migration: save the VM (every vcpu stopped), create
   * a VM of the same configuration (vcpus and the vgic device, no init, no
   * image), restore the snapshot (through structuredClone) and continue
   * there. Breakpoints and host events are armed on the new VM too.
   */
  saveRestore(): this {
    const old = this.ensureBuilt();
    const snap = unwrap(old.kvm.save());
    const kvm = createVm(this.config);
    for (let i = 0; i < (this.config.vcpus ?? 1); i++) unwrap(kvm.createVcpu(i));
    unwrap(kvm.createDevice(vgicDeviceOf(this.config)));
    this.built = { kvm, symbols: old.symbols };
    for (const fn of this.arms) fn(this.built);
    unwrap(kvm.restore(structuredClone(snap)));
    return this;
  }

  /** Do `action` now, between runs (KVM_IRQ_LINE from userspace, a forced exit, ...). */
  host(action: HostAction): this {
    this.ensureBuilt();
    this.perform(action);
    return this;
  }

  /** KVM_IRQ_LINE now (between runs). */
  irqLine(intid: number, level: boolean | 0 | 1, vcpu = 0): this {
    return this.host({ irqLine: { intid, level, vcpu } });
  }

  // ---- running ----

  /** KVM_RUN until a limit (relative to now) or a system event; default: 1 M instructions. */
  run(limits: KvmRunLimits = { instructions: 1_000_000 }): this {
    this.last = unwrap(this.ensureBuilt().kvm.run(limits));
    return this;
  }

  // ---- what happened ----

  get kvm(): KvmVm {
    return this.ensureBuilt().kvm;
  }

  /** The last run's KVM exit. */
  get exit(): KvmExit {
    if (this.last === null) assert.fail('vmGuest: no run yet');
    return this.last;
  }

  /** Address of a label of the guest. */
  sym(label: string): number {
    return sym(this.ensureBuilt(), label);
  }

  /** Every acknowledgement (GICC_IAR read) so far, in order. */
  acks(): readonly AckEntry[] {
    return this.kvm.vm.acks.entries;
  }

  /** INTIDs acknowledged, in order (all vcpus, or one). */
  acked(vcpu?: number): number[] {
    return this.acks()
      .filter((e) => vcpu === undefined || e.cpu === vcpu)
      .map((e) => e.intid);
  }

  reg(r: Reg, vcpu = 0): bigint {
    const cpu = this.kvm.vm.board.cpus[vcpu];
    if (r === 'pc') return BigInt(cpu.pc);
    return cpu.getX(typeof r === 'number' ? r : Number(r.slice(1)));
  }

  /** Every cost counter since the VM was created. */
  costs(): KvmCosts {
    return this.kvm.costs();
  }

  /** The cost counters when `label` was last reached (recordCostsAt). */
  costsAt(label: string): KvmCosts {
    const c = this.costsAtLabel.get(label);
    if (c === undefined) assert.fail(`vmGuest: label ${label} not reached (or not recorded)`);
    return c;
  }

  /** Virtual time now (counter ticks). */
  now(): number {
    return this.kvm.vm.board.kernel.now;
  }

  /** The physical GIC's active state of `intid` on `pcpu` (the host's view, not the guest's). */
  physActive(pcpu: number, intid: number): boolean {
    return this.kvm.vm.board.gic.isActive(pcpu, intid);
  }

  /** How the last run ended. */
  end(): RunEnd {
    const e = this.exit;
    return e.reason === 'system-event' ? (e.systemEvent === 'shutdown' ? 'poweroff' : 'reset') : e.reason;
  }

  blocked(vcpu = 0): boolean {
    return this.kvm.vm.vcpus[vcpu].blocked;
  }

  /** When the background timer of `vcpu` (kvm_timer's bg_timer) is due, or undefined if not armed. */
  bgTimerAt(vcpu = 0): number | undefined {
    return this.kvm.vm.board.kernel.save().events.find((e) => e.name === `vcpu${vcpu}.bg-timer`)?.at;
  }

  // ---- assertions ----

  assertExit(end: RunEnd, msg?: string): this {
    const got = this.end();
    const why = this.exit.message ? ` (${this.exit.message})` : '';
    assert.equal(got, end, msg ?? `run ended ${got}${why}`);
    return this;
  }

  assertAcked(intids: readonly number[], msg?: string): this {
    assert.deepEqual(this.acked(), intids, msg ?? 'INTIDs acknowledged');
    return this;
  }

  assertAckedBy(vcpu: number, intids: readonly number[], msg?: string): this {
    assert.deepEqual(this.acked(vcpu), intids, msg ?? `INTIDs acknowledged by vcpu ${vcpu}`);
    return this;
  }

  assertReg(r: Reg, v: bigint | number, vcpu = 0, msg?: string): this {
    assert.equal(this.reg(r, vcpu), BigInt.asUintN(64, BigInt(v)), msg ?? `vcpu ${vcpu} ${r}`);
    return this;
  }

  assertBlocked(blocked: boolean, vcpu = 0): this {
    assert.equal(this.blocked(vcpu), blocked, `vcpu ${vcpu} blocked`);
    return this;
  }

  assertBgTimerAt(at: number | undefined, vcpu = 0): this {
    assert.equal(this.bgTimerAt(vcpu), at, `vcpu ${vcpu} background timer`);
    return this;
  }

  /** Check the last run's costs (`exit.costs`) with a callback. */
  assertCosts(check: (c: KvmCosts) => void): this {
    check(this.exit.costs);
    return this;
  }

  // ---- internals ----

  private arm(fn: (b: Built) => void): this {
    this.arms.push(fn);
    if (this.built !== null) fn(this.built);
    return this;
  }

  private ensureBuilt(): Built {
    if (this.built === null) {
      this.built = buildGuestVm(this.src, this.config, this.init);
      for (const fn of this.arms) fn(this.built);
    }
    return this.built;
  }

  private perform(a: HostAction): void {
    if (typeof a === 'function') a(this);
    else if ('exit' in a) this.kvm.vm.forceExit(a.exit);
    else {
      const { intid, level, vcpu = 0 } = a.irqLine;
      const irq = isPrivate(intid)
        ? kvmIrq(KVM_ARM_IRQ_TYPE_PPI, vcpu, intid)
        : kvmIrq(KVM_ARM_IRQ_TYPE_SPI, 0, intid);
      unwrap(this.kvm.irqLine(irq, level));
    }
  }
}

/** A fluent VM-level test of the guest `src` (assembly, loaded at CODE_BASE). */
export function vmGuest(src: string): VmGuest {
  return new VmGuest(src);
}
