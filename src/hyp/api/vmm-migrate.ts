// A migration done the way a VMM does it (QEMU's hw/intc/arm_gic_kvm.c and
// target/arm/kvm.c, in outline; a GICv3 VM's vgic as arm_gicv3_kvm.c moves
// it, through the arm-vgic-v3 groups: vmm-migrate-v3.ts), as opposed to the whole-VM snapshot of
// Vm.save/restore: every vcpu is brought out of KVM_RUN (a signal:
// KVM_EXIT_INTR), the vgic is read through the device's register groups
// (KVM_DEV_ARM_VGIC_GRP_DIST_REGS, _CPU_REGS), the timers through
// KVM_GET_ONE_REG; on a freshly created and initialized VM the vgic is
// written back in QEMU's order, then the timer registers, then the lines
// userspace's devices drive are raised again with KVM_IRQ_LINE, then the VM
// runs. What the register groups do not carry is lost, as on KVM:
// - a level interrupt's line level: ISPENDR reads line || latch, and
//   writing it back latches the interrupt; the line is what userspace
//   re-asserts (`lines`). An interrupt pending only through a high line
//   that userspace does not re-assert is delivered once (the latch) and
//   never again; one re-asserted keeps its level;
// - 4.2/4.3: the active priorities (GICC_APRn RAZ/WI) and interrupt groups
//   (GICD_IGROUPR RAZ/WI, every interrupt group 0 anyway);
// - the source of an SGI pending without being in SPENDSGIR (it is there).
// The vcpus' general and system registers, RAM, the PSCI power state and
// userspace's devices (PL011, PL031) move as a VMM moves them (KVM_GET_ONE_REG
// of the core registers, memory, KVM_GET_MP_STATE, its own device state):
// here through their internal state, which is what those ioctls would
// carry. The simulator's own bookkeeping (virtual clock and scheduler,
// chooser, acknowledgement log, cost counters) carries over so the run
// reads as one.

import { PRIVATE_COUNT, SGI_COUNT } from '../../hw/gic/intid.ts';
import {
  GICC_ABPR,
  GICC_APR0,
  GICC_BPR,
  GICC_CTLR,
  GICC_PMR,
  GICD_CPENDSGIR,
  GICD_CTLR,
  GICD_ICACTIVER,
  GICD_ICENABLER,
  GICD_ICFGR,
  GICD_ICPENDR,
  GICD_IGROUPR,
  GICD_IIDR,
  GICD_IPRIORITYR,
  GICD_ISACTIVER,
  GICD_ISENABLER,
  GICD_ISPENDR,
  GICD_ITARGETSR,
  GICD_SPENDSGIR,
} from '../../hw/gic/registers.ts';
import type { UaccessResult, VgicRegGroup } from '../vgic/facade.ts';
import type { Vm } from '../vm.ts';
import { KvmVcpu, type VcpuHost } from './kvm-vcpu.ts';
import { restoreGicV3, saveGicV3, type VmmGicV3State } from './vmm-migrate-v3.ts';
import {
  KVM_REG_ARM_PTIMER_CTL,
  KVM_REG_ARM_PTIMER_CVAL,
  KVM_REG_ARM_TIMER_CNT,
  KVM_REG_ARM_TIMER_CTL,
  KVM_REG_ARM_TIMER_CVAL,
} from './uapi.ts';

const WORD = 4;
const BITS = 32;

/** A distributor or CPU interface word as read through the device, and the vcpu it was read as. */
interface RegWord {
  readonly vcpu: number;
  readonly offset: number;
  readonly value: number;
}

/** A register class of the distributor: its base and bits per interrupt. */
interface DistClass {
  readonly base: number;
  readonly bitsPerIrq: number;
}

const ENABLE: DistClass = { base: GICD_ISENABLER, bitsPerIrq: 1 };
const GROUP: DistClass = { base: GICD_IGROUPR, bitsPerIrq: 1 };
const PENDING: DistClass = { base: GICD_ISPENDR, bitsPerIrq: 1 };
const ACTIVE: DistClass = { base: GICD_ISACTIVER, bitsPerIrq: 1 };
const PRIORITY: DistClass = { base: GICD_IPRIORITYR, bitsPerIrq: 8 };
const TARGET: DistClass = { base: GICD_ITARGETSR, bitsPerIrq: 8 };
const CONFIG: DistClass = { base: GICD_ICFGR, bitsPerIrq: 2 };
/** The 4 words of GICD_SPENDSGIR/CPENDSGIR (a byte per SGI), banked per vcpu. */
const SGI_WORDS = (SGI_COUNT * 8) / BITS;

/** The CPU interface words a VMM saves per vcpu (GICC_APR0-3 included). */
const CPU_REGS = [
  GICC_CTLR,
  GICC_PMR,
  GICC_BPR,
  GICC_ABPR,
  GICC_APR0,
  GICC_APR0 + 4,
  GICC_APR0 + 8,
  GICC_APR0 + 12,
];

const TIMER_REGS = [
  // QEMU writes its cpreg list in index order: CVAL (3,3,14,0,2), CTL (3,3,14,3,1), CNT (3,3,14,3,2)
  KVM_REG_ARM_TIMER_CVAL,
  KVM_REG_ARM_TIMER_CTL,
  KVM_REG_ARM_TIMER_CNT,
  KVM_REG_ARM_PTIMER_CVAL,
  KVM_REG_ARM_PTIMER_CTL,
];

/** A level userspace drives into the vgic (KVM_IRQ_LINE): an SPI, or a PPI of `vcpu`. */
export interface UserLine {
  readonly intid: number;
  readonly vcpu?: number;
}

/** What a VMM takes from the source: the device's registers, ONE_REG, and the VM state it moves itself. */
export interface VmmSnapshot {
  readonly iidr: number;
  readonly dist: Map<number, RegWord[]>;
  readonly cpu: RegWord[];
  /** a GICv3 VM's vgic, through the arm-vgic-v3 groups (then `dist` and `cpu` are empty) */
  readonly gicV3?: VmmGicV3State;
  readonly timers: { readonly vcpu: number; readonly id: bigint; readonly value: bigint }[];
}

export class VmmMigrationError extends Error {
  override name = 'VmmMigrationError';
}

function must(r: UaccessResult, what: string): number {
  if (!r.ok) throw new VmmMigrationError(`${what}: -${r.errno} (${r.message})`);
  return r.value;
}

/** Word offsets of a class: the banked private words per vcpu, then the shared ones as vcpu 0. */
function classWords(vm: Vm, c: DistClass): { vcpu: number; offset: number }[] {
  const nrIrqs = PRIVATE_COUNT + vm.board.config.spis;
  const words = (nrIrqs * c.bitsPerIrq) / BITS;
  const privateWords = (PRIVATE_COUNT * c.bitsPerIrq) / BITS;
  const out: { vcpu: number; offset: number }[] = [];
  for (let v = 0; v < vm.vcpus.length; v++)
    for (let w = 0; w < privateWords; w++) out.push({ vcpu: v, offset: c.base + w * WORD });
  for (let w = privateWords; w < words; w++) out.push({ vcpu: 0, offset: c.base + w * WORD });
  return out;
}

function uread(vm: Vm, group: VgicRegGroup, vcpu: number, offset: number): number {
  return must(vm.vgic.uaccess(group, vcpu, offset, false, 0), `read ${group} 0x${offset.toString(16)}`);
}

function uwrite(vm: Vm, group: VgicRegGroup, vcpu: number, offset: number, value: number): void {
  must(vm.vgic.uaccess(group, vcpu, offset, true, value), `write ${group} 0x${offset.toString(16)}`);
}

const allVcpus = (vm: Vm) => vm.vcpus.map((v) => v.index);

/** Stop every vcpu (KVM_EXIT_INTR) and read what a VMM reads. Call outside a run. */
/** A vcpu fd for ONE_REG on a VM whose vgic is initialized (the PMU attributes are not used here). */
function oneRegHost(vm: Vm): VcpuHost {
  return { vm, counterOffsetLocked: false, hasVgic: true, hasRun: true, pmuFilter: null };
}

export function vmmSave(vm: Vm): VmmSnapshot {
  vm.userspace.stopNow('migration: stop every vcpu', allVcpus(vm));
  vm.initVgic();
  if (vm.vgic.guestV3 !== undefined && vm.vgic.guestV3 !== null)
    return { iidr: 0, dist: new Map(), cpu: [], gicV3: saveGicV3(vm), timers: saveTimers(vm) };
  const dist = new Map<number, RegWord[]>();
  const read = (c: DistClass) =>
    dist.set(
      c.base,
      classWords(vm, c).map(({ vcpu, offset }) => ({ vcpu, offset, value: uread(vm, 'dist', vcpu, offset) })),
    );
  for (const c of [ENABLE, GROUP, PENDING, ACTIVE, PRIORITY, TARGET, CONFIG]) read(c);
  dist.set(GICD_CTLR, [{ vcpu: 0, offset: GICD_CTLR, value: uread(vm, 'dist', 0, GICD_CTLR) }]);
  const sgis: RegWord[] = [];
  for (let v = 0; v < vm.vcpus.length; v++)
    for (let w = 0; w < SGI_WORDS; w++) {
      const offset = GICD_SPENDSGIR + w * WORD;
      sgis.push({ vcpu: v, offset, value: uread(vm, 'dist', v, offset) });
    }
  dist.set(GICD_SPENDSGIR, sgis);
  const cpu: RegWord[] = [];
  for (let v = 0; v < vm.vcpus.length; v++)
    for (const offset of CPU_REGS) cpu.push({ vcpu: v, offset, value: uread(vm, 'cpu', v, offset) });
  return { iidr: uread(vm, 'dist', 0, GICD_IIDR), dist, cpu, timers: saveTimers(vm) };
}

/** The timer registers of every vcpu through KVM_GET_ONE_REG. */
function saveTimers(vm: Vm): VmmSnapshot['timers'] {
  const timers: VmmSnapshot['timers'] = [];
  for (let v = 0; v < vm.vcpus.length; v++) {
    const k = new KvmVcpu(oneRegHost(vm), v);
    for (const id of TIMER_REGS) {
      const r = k.getOneReg(id);
      if (!r.ok) throw new VmmMigrationError(`KVM_GET_ONE_REG 0x${id.toString(16)}: ${r.message}`);
      timers.push({ vcpu: v, id, value: r.value });
    }
  }
  return timers;
}

/** Clear a whole class first (QEMU writes the clear register with all ones), then set what was saved. */
function putClass(vm: Vm, s: VmmSnapshot, c: DistClass, clearBase?: number): void {
  const words = s.dist.get(c.base) ?? [];
  if (clearBase !== undefined)
    for (const w of words) uwrite(vm, 'dist', w.vcpu, clearBase + (w.offset - c.base), 0xffff_ffff);
  for (const w of words) uwrite(vm, 'dist', w.vcpu, w.offset, w.value);
}

/**
 * Restore into `dst`, a VM freshly built with the same configuration (vgic
 * initialized, nothing run), at the source's virtual time: the vgic in
 * QEMU's order (GICD_CTLR, IIDR written back as arm-vgic.rst asks, enables,
 * groups, targets, configuration before pending, pending, active,
 * priorities, SGI sources; then each vcpu's CPU interface), then the timer
 * registers through KVM_SET_ONE_REG, then `lines` raised with KVM_IRQ_LINE.
 */
export function vmmRestore(dst: Vm, s: VmmSnapshot, lines: readonly UserLine[]): void {
  // a fresh VM: no vcpu has entered KVM_RUN yet
  if (dst.vcpus.some((v) => v.mode !== 'outside' || v.blocked))
    throw new VmmMigrationError('restore into a VM that has run');
  dst.initVgic();
  if (s.gicV3 !== undefined) restoreGicV3(dst, s.gicV3);
  else restoreGicV2(dst, s);
  for (const t of s.timers) {
    const r = new KvmVcpu(oneRegHost(dst), t.vcpu).setOneReg(t.id, t.value);
    if (!r.ok) throw new VmmMigrationError(`KVM_SET_ONE_REG 0x${t.id.toString(16)}: ${r.message}`);
  }
  for (const l of lines) dst.irqLine(l.intid, true, l.vcpu);
  // the VMM calls KVM_RUN: the vcpus its ONE_REG writes held in userspace enter
  dst.userspace.reenter();
}

/** The arm-vgic-v2 device's registers in QEMU's order (arm_gic_kvm.c). */
function restoreGicV2(dst: Vm, s: VmmSnapshot): void {
  const ctlr = s.dist.get(GICD_CTLR)?.[0]?.value ?? 0;
  uwrite(dst, 'dist', 0, GICD_CTLR, ctlr);
  const iidr = dst.vgic.uaccess('dist', 0, GICD_IIDR, true, s.iidr);
  if (!iidr.ok && iidr.errno !== 'EINVAL') must(iidr, 'write GICD_IIDR');
  putClass(dst, s, ENABLE, GICD_ICENABLER);
  putClass(dst, s, GROUP);
  putClass(dst, s, TARGET);
  putClass(dst, s, CONFIG);
  putClass(dst, s, PENDING, GICD_ICPENDR);
  putClass(dst, s, ACTIVE, GICD_ICACTIVER);
  putClass(dst, s, PRIORITY);
  for (const w of s.dist.get(GICD_SPENDSGIR) ?? []) {
    uwrite(dst, 'dist', w.vcpu, GICD_CPENDSGIR + (w.offset - GICD_SPENDSGIR), 0xffff_ffff);
    uwrite(dst, 'dist', w.vcpu, w.offset, w.value);
  }
  for (const w of s.cpu) uwrite(dst, 'cpu', w.vcpu, w.offset, w.value);
}

/**
 * The whole migration, outside a run: read `src` (its vcpus stopped), bring
 * `dst`'s clock to the source's instant, move what the VMM moves itself,
 * write the vgic and timers back, raise `lines`. `dst` then runs on.
 */
export function vmmMigrate(src: Vm, dst: Vm, lines: readonly UserLine[]): void {
  const snap = vmmSave(src);
  const now = src.board.kernel.now;
  if (dst.board.kernel.now > now) throw new VmmMigrationError('the destination is ahead of the source');
  dst.board.kernel.runUntil(now);
  moveVmmOwnedState(src, dst);
  vmmRestore(dst, snap, lines);
}

/**
 * The state a VMM moves itself (core and system registers, memory, MP
 * state, its devices) and the simulator's bookkeeping, from `src` to `dst`
 * (built with the same configuration; its clock already at the source's).
 */
export function moveVmmOwnedState(src: Vm, dst: Vm): void {
  dst.board.ram.restore(src.board.ram.save());
  src.board.cpus.forEach((c, i) => {
    dst.board.cpus[i].restore(c.save());
  });
  dst.power.restore(src.power.save());
  // the vPMU's registers (a VMM moves them with ONE_REG, as the core registers)
  src.vcpus.forEach((v, i) => {
    const d = dst.vcpus[i].pmu;
    if (v.pmu !== null && d !== null) d.restore(v.pmu.save());
  });
  dst.board.uart.restore(src.board.uart.save());
  dst.board.rtc.restore(src.board.rtc.save());
  dst.board.chooser.restore(src.board.chooser.save());
  dst.scheduler.restore(src.scheduler.save());
  dst.acks.restore(src.acks.save());
  Object.assign(dst.counters, structuredClone(src.counters));
  Object.assign(dst.timerCounters, src.timerCounters);
  Object.assign(dst.vgic.counters, src.vgic.counters);
  Object.assign(dst.pmuCounters, src.pmuCounters);
}
