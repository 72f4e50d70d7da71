// Every stateful block of vgicsim (every class that implements Saveable),
// and where to find its instances in a machine. The generic round-trip test
// (saveable.test.ts) walks this list, and fails for a class in src/ that
// implements Saveable (or has save() and restore() without it) and is not
// listed here: a new block cannot be forgotten.

import { readFileSync } from 'node:fs';
import { assemble } from '../../src/hw/cpu/asm/index.ts';
import { Board, DEFAULT_BOARD } from '../../src/hw/board/board.ts';
import { GicV3 } from '../../src/hw/gic/v3/gic-v3.ts';
import type { GuestCpu, GuestPort } from '../../src/hw/cpu/guest-port.ts';
import { MMIO_BUS_FAULT, SYSREG_UNDEFINED } from '../../src/hw/cpu/guest-port.ts';
import { createVm, type KvmResult, type KvmVm } from '../../src/hyp/api/index.ts';
import { KVM_DEV_ARM_VGIC_CTRL_INIT, KVM_DEV_ARM_VGIC_GRP_CTRL } from '../../src/hyp/api/uapi.ts';
import { generationByName } from '../../src/hyp/generation/index.ts';
import { Vgic } from '../../src/hyp/vgic/kvm-vgic.ts';
import { LegacyVgic } from '../../src/hyp/vgic/legacy/legacy-vgic.ts';
import type { KvmPmu } from '../../src/hyp/pmu/kvm-pmu.ts';
import { PmuRegisterFile } from '../../src/hw/pmu/pmu-register-file.ts';
import { PmuReg } from '../../src/hw/pmu/pmu-regs.ts';
import type { Vm } from '../../src/hyp/vm.ts';
import { ReferenceMachine } from '../../src/reference/machine.ts';
import { DirectedChooser, ScriptedChooser, SeededChooser } from '../../src/sim/choice.ts';
import { ExploreChooser } from '../../src/explore/choice-tree.ts';
import type { Saveable } from '../../src/sim/saveable.ts';
import { IccReg, IchReg } from '../../src/hw/gic/v3/sysreg-encodings.ts';
import { NULL_SINK } from '../../src/sim/trace/sink.ts';

/** One machine of the test configuration, and the standalone blocks (choosers) next to it. */
export interface Rig {
  readonly vm: Vm;
  /**
   * The same guest on a VM of the other vgic design (a linux-4.3 VM beside
   * a new-vgic one, a linux-7.0 VM beside an old-vgic one), so that every
   * rig has both the Vgic and the LegacyVgic block.
   */
  readonly other: Vm;
  /** The bare-metal reference machine, running the same guest. */
  readonly ref: ReferenceMachine;
  /** The hardware blocks: the VM's board, or a bare board (no host kernel has programmed it). */
  readonly board: Board;
  readonly seeded: SeededChooser;
  readonly scripted: ScriptedChooser;
  /** `choose` host events over a seeded chooser (src/scenario/machines.ts) */
  readonly directed: DirectedChooser;
  /** the explorer's chooser (src/explore/choice-tree.ts) */
  readonly explore: ExploreChooser;
  /** a GICv3 (src/hw/gic/v3), driven through its registers */
  readonly gicV3: GicV3;
  /** a reference machine with a GICv3 board (gic: v3) running guests/asm/gicv3.s */
  readonly refV3: ReferenceMachine;
  /** a standalone PMU register file (a Pmu keeps its own private) */
  readonly pmuRegs: PmuRegisterFile;
}

export interface SaveableCase {
  /** The class name as declared in src/. */
  readonly cls: string;
  /** Its instances in `r`, in a stable order. */
  readonly pick: (r: Rig) => readonly Saveable<unknown>[];
}

export const SAVEABLE_CASES: readonly SaveableCase[] = [
  // src/sim
  { cls: 'Kernel', pick: (r) => [r.board.kernel] },
  { cls: 'SeededChooser', pick: (r) => [r.seeded] },
  { cls: 'ScriptedChooser', pick: (r) => [r.scripted] },
  { cls: 'DirectedChooser', pick: (r) => [r.directed] },
  { cls: 'ExploreChooser', pick: (r) => [r.explore] },
  // src/hw
  { cls: 'GuestRam', pick: (r) => [r.board.ram] },
  { cls: 'Cpu', pick: (r) => r.board.cpus },
  { cls: 'Distributor', pick: (r) => [r.board.gic.dist] },
  // one per physical cpu (the VM's host has a spare one, so vcpus migrate)
  { cls: 'CpuInterface', pick: (r) => r.board.timers.map((_, i) => r.board.gic.cpuInterface(i)) },
  { cls: 'VirtInterface', pick: (r) => r.board.timers.map((_, i) => r.board.gic.virtInterface(i)) },
  { cls: 'GicV2', pick: (r) => [r.board.gic] },
  { cls: 'GicV3', pick: (r) => [r.gicV3, gicV3Of(r)] },
  { cls: 'DistributorV3', pick: (r) => [r.gicV3.dist, gicV3Of(r).dist] },
  { cls: 'Redistributor', pick: (r) => [...r.gicV3.redists, ...gicV3Of(r).redists] },
  { cls: 'CpuInterfaceV3', pick: (r) => r.gicV3.redists.map((_, i) => r.gicV3.cpuInterface(i)) },
  { cls: 'VirtCpuInterfaceV3', pick: (r) => r.gicV3.redists.map((_, i) => r.gicV3.virtInterface(i)) },
  { cls: 'GenericTimer', pick: (r) => r.board.timers },
  { cls: 'Pl011', pick: (r) => [r.board.uart] },
  { cls: 'Pl031', pick: (r) => [r.board.rtc] },
  { cls: 'Pmu', pick: (r) => [...r.ref.board.pmus, ...kvmPmus(r).map((p) => p.regs)] },
  // a Pmu's configuration registers (its own part of PmuState), standalone
  { cls: 'PmuRegisterFile', pick: (r) => [r.pmuRegs] },
  { cls: 'Board', pick: (r) => [r.board, r.refV3.board] },
  { cls: 'Scheduler', pick: (r) => [r.vm.scheduler] },
  { cls: 'BoardPower', pick: (r) => [r.vm.power] },
  { cls: 'AckLog', pick: (r) => [r.vm.acks] },
  // src/hyp
  { cls: 'Vgic', pick: (r) => vgics(r).filter((v) => v instanceof Vgic) },
  { cls: 'LegacyVgic', pick: (r) => vgics(r).filter((v) => v instanceof LegacyVgic) },
  { cls: 'ArchTimer', pick: (r) => r.vm.vcpus.map((v) => v.timer) },
  { cls: 'KvmPmu', pick: (r) => kvmPmus(r) },
  { cls: 'Vcpu', pick: (r) => r.vm.vcpus },
  { cls: 'VcpuPlacement', pick: (r) => [r.vm.placement] },
  { cls: 'Vm', pick: (r) => [r.vm] },
  // src/reference
  { cls: 'ReferenceMachine', pick: (r) => [r.ref, r.refV3] },
];

/**
 * Classes with save() and restore() that are deliberately not Saveable,
 * each with the reason.
 */
export const NOT_BLOCKS: ReadonlyMap<string, string> = new Map([
  ['TimerChannel', "a part of GenericTimer: its restore takes the timer's CNTVOFF"],
  ['IrqBank', "a part of Redistributor and DistributorV3: its defaultState takes the owner's reset values"],
  ['KvmVm', 'the userspace API: KvmResult-wrapped save/restore of the Vm, which is the block'],
]);

/** Each timer policy configures the vgic and the timers differently: both are driven. */
export const POLICIES = ['level', 'legacy-edge'] as const;
export const VCPUS = 2;

/** A generation with the other vgic design than `policy`'s. */
function otherDesign(policy: string): string {
  return generationByName(policy).vgic.kind === 'new' ? 'linux-4.3' : 'linux-7.0';
}

/** The vPMUs of both VMs (one of them is linux-7.0's, which emulates the registers the guest writes). */
function kvmPmus(r: Rig): KvmPmu[] {
  return [r.vm, r.other].flatMap((vm) => vm.vcpus.flatMap((v) => (v.pmu ? [v.pmu] : [])));
}

function vgics(r: Rig): unknown[] {
  return [r.vm.vgic, r.other.vgic];
}
const SEED = 11;
const SCRIPT = [1, 0, 1, 1];
const CODE_BASE = 0x4008_0000;

/**
 * Two vcpus. vcpu 0: the UART enabled and written, SPI 40 edge-triggered
 * and enabled, a periodic virtual timer and a one-shot emulated physical
 * timer, WFI between interrupts. vcpu 1: its own periodic virtual timer;
 * after three ticks it turns itself off (PSCI CPU_OFF).
 */
export const GUEST = `
_start:
    ldr     x0, =vectors
    msr     vbar_el1, x0
    ldr     x1, =0x08000000         // GICD
    ldr     x9, =0x08010000         // GICC
    mov     x20, #0                 // interrupts taken
    mrs     x0, mpidr_el1
    and     x0, x0, #0xff
    cbnz    x0, secondary
    mov     w2, #1
    str     w2, [x1]                // GICD_CTLR
    ldr     w2, =${(1 << 27) | (1 << 30)}
    str     w2, [x1, #0x100]        // GICD_ISENABLER0: virtual and physical timer
    ldr     w2, =0x20000
    str     w2, [x1, #0xc08]        // GICD_ICFGR2: SPI 40 edge
    mov     w2, #1
    strb    w2, [x1, #0x828]        // GICD_ITARGETSR40: vcpu 0
    mov     w2, #0x100
    str     w2, [x1, #0x104]        // GICD_ISENABLER1: SPI 40
    bl      cpuif
    ldr     x7, =0x09000000         // PL011
    ldr     w2, =0x301
    str     w2, [x7, #0x30]         // UARTCR: UARTEN, TXE, RXE
    mov     w2, #83               // 'S'
    str     w2, [x7]                // UARTDR
    ldr     x7, =0x09010000         // PL031
    mov     w2, #1
    str     w2, [x7, #0x10]         // RTCIMSC: match interrupt enabled
    mrs     x3, cntpct_el0
    add     x3, x3, #500
    msr     cntp_cval_el0, x3
    mov     x4, #1
    msr     cntp_ctl_el0, x4
    mov     x11, #200
    bl      vtimer
1:  wfi
    b       1b

secondary:
    ldr     w2, =${1 << 27}
    str     w2, [x1, #0x100]        // GICD_ISENABLER0 (banked)
    bl      cpuif
    mov     x11, #300
    bl      vtimer
2:  wfi
    cmp     x20, #3
    b.lo    2b
    mov     x2, #1
    msr     pmcr_el0, x2            // PMCR_EL0.E (the PMU blocks leave their defaults)
    ldr     x0, =0x84000002         // PSCI CPU_OFF
    hvc     #0
3:  b       3b

cpuif:
    mov     w2, #0xf0
    str     w2, [x9, #0x4]          // GICC_PMR
    mov     w2, #1
    str     w2, [x9]                // GICC_CTLR
    msr     daifclr, #2
    ret

vtimer:                             // x11 = period
    mrs     x3, cntvct_el0
    add     x3, x3, x11
    msr     cntv_cval_el0, x3
    mov     x4, #1
    msr     cntv_ctl_el0, x4
    ret

    .balign 2048
vectors:
    .skip   0x280
    b       irq
    .balign 2048
irq:
    ldr     w2, [x9, #0xc]          // GICC_IAR
    add     x20, x20, #1
    and     w5, w2, #0x3ff
    cmp     w5, #27
    b.ne    4f
    mrs     x3, cntv_cval_el0
    add     x3, x3, x11
    msr     cntv_cval_el0, x3
4:  cmp     w5, #30
    b.ne    5f
    msr     cntp_ctl_el0, xzr
5:  str     w2, [x9, #0x10]         // GICC_EOIR
    eret
`;

function unwrapOk<T>(r: KvmResult<T>): T {
  if (!r.ok) throw new Error(`${r.errno}: ${r.message}`);
  return r.value;
}

/** A VM of the test configuration with GUEST loaded; not run. */
export function buildKvm(policy: string): KvmVm {
  const kvm = createVm({
    policy,
    vcpus: VCPUS,
    pcpus: VCPUS + 1,
    preemptCycles: 40,
    hostTickHz: 100_000,
    seed: SEED,
  });
  for (let i = 0; i < VCPUS; i++) unwrapOk(kvm.createVcpu(i));
  const dev = unwrapOk(kvm.createDevice('arm-vgic-v2'));
  unwrapOk(dev.setAttr(KVM_DEV_ARM_VGIC_GRP_CTRL, KVM_DEV_ARM_VGIC_CTRL_INIT));
  const img = assemble(GUEST, { base: CODE_BASE });
  unwrapOk(kvm.loadImage(img.bytes, img.entry, CODE_BASE));
  return kvm;
}

/** The reference machine of the test configuration with GUEST loaded; not run. */
function buildRef(): ReferenceMachine {
  const ref = new ReferenceMachine({ board: { ...DEFAULT_BOARD, cpus: VCPUS }, startAll: true });
  const img = assemble(GUEST, { base: CODE_BASE });
  ref.load(CODE_BASE, img.bytes, img.entry);
  return ref;
}

/** Run the guest into the middle of things: both timers, an SPI from the host, vcpu 1 off. */
function driven(policy: string): KvmVm {
  const kvm = buildKvm(policy);
  unwrapOk(kvm.run({ ticks: 1500 }));
  unwrapOk(kvm.irqLine((1 << 24) | 40, 1)); // KVM_ARM_IRQ_TYPE_SPI: an edge on SPI 40
  unwrapOk(kvm.irqLine((1 << 24) | 40, 0));
  unwrapOk(kvm.run({ ticks: 737 }));
  kvm.vm.quiesce();
  return kvm;
}

function directedChooser(): DirectedChooser {
  return new DirectedChooser(new SeededChooser(SEED), [{ kind: 'test', at: 0, nth: 2, option: 1 }]);
}

export function drivenRig(policy: string): Rig {
  const ref = buildRef();
  ref.run({ ticks: 2237, instructions: 1_000_000 });
  const kvm = driven(policy);
  const other = driven(otherDesign(policy)).vm;
  const seeded = new SeededChooser(SEED);
  const scripted = new ScriptedChooser(SCRIPT);
  const explore = exploreChooser();
  const directed = directedChooser();
  for (let i = 0; i < 5; i++) {
    seeded.choose('test', 3);
    scripted.choose('test', 3);
    directed.choose('test', 3);
    explore.choose('test', 3);
  }
  return {
    vm: kvm.vm,
    other,
    ref,
    board: kvm.vm.board,
    seeded,
    scripted,
    directed,
    explore,
    gicV3: drivenGicV3(),
    refV3: drivenRefV3(),
    pmuRegs: drivenPmuRegs(),
  };
}

function newGicV3(): GicV3 {
  return new GicV3({ cpus: VCPUS, spis: 64, clock: { now: 0 }, trace: NULL_SINK });
}

/**
 * A GICv3 left in the middle of things: both redistributors awake, SPI 40
 * routed to cpu 1 and taken there, an SGI pending on cpu 0, a PPI line high.
 */
function drivenGicV3(): GicV3 {
  const g = newGicV3();
  g.gicd.write(0x0, 4, 3, 0); // GICD_CTLR: EnableGrp0, EnableGrp1
  g.gicd.write(0x104, 4, 1 << 8, 0); // GICD_ISENABLER1: SPI 40
  g.gicd.write(0x6000 + 8 * 40, 4, 1, 0); // GICD_IROUTER40: cpu 1
  for (let c = 0; c < VCPUS; c++) {
    g.gicr.write(c * 0x20000 + 0x14, 4, 0, 0); // GICR_WAKER
    g.gicr.write(c * 0x20000 + 0x10100, 4, 0xffff, 0); // GICR_ISENABLER0: SGIs
    g.cpuInterface(c).writeReg(IccReg.ICC_PMR_EL1, 0xf0, 0);
    g.cpuInterface(c).writeReg(IccReg.ICC_IGRPEN1_EL1, 1, 0);
  }
  g.setSpiLine(40, true);
  g.cpuInterface(1).readReg(IccReg.ICC_IAR1_EL1);
  g.cpuInterface(1).writeReg(IccReg.ICC_SGI1R_EL1, (3 << 24) | 1, 0);
  g.setPpiLine(0, 27, true);
  // cpu 1's virtual interface: an LR pending, one acknowledged (active, AP1R0 bit), En and a VMCR set
  const v = g.virtInterface(1);
  v.writeIch(IchReg.ICH_HCR_EL2, 1);
  v.writeIch(IchReg.ICH_VMCR_EL2, 0xf0000003);
  v.writeLr(0, 27, 0x7020001b); // pending, Group 1, HW (pINTID 27), priority 0x20
  v.writeLr(1, 40, 0x50100200); // pending, Group 1, EOI, priority 0x10
  v.readIcv(IccReg.ICC_IAR1_EL1);
  return g;
}

function gicV3Of(r: Rig): GicV3 {
  const g = r.refV3.board.gicV3;
  if (g === undefined) throw new Error('refV3 has no GICv3');
  return g;
}

/** The reference machine with a GICv3 board and guests/asm/gicv3.s loaded; not run. */
function buildRefV3(): ReferenceMachine {
  const ref = new ReferenceMachine({ board: { ...DEFAULT_BOARD, gic: 'v3' } });
  const src = readFileSync(new URL('../../guests/asm/gicv3.s', import.meta.url), 'utf8');
  const img = assemble(src, { base: CODE_BASE });
  ref.load(CODE_BASE, img.bytes, img.entry);
  return ref;
}

/** gicv3.s run part of the way: the GIC programmed through MMIO and ICC_*, interrupts taken. */
function drivenRefV3(): ReferenceMachine {
  const ref = buildRefV3();
  ref.run({ ticks: 1_000_000, instructions: 200 });
  return ref;
}

/** PMCR_EL0.E, counters 0 and C enabled, an overflow flag, PMEVTYPER2 and PMUSERENR set. */
function drivenPmuRegs(): PmuRegisterFile {
  const f = new PmuRegisterFile(6, 0xc000_03ff, 0);
  f.write(PmuReg.PMCR_EL0, 1, 0);
  f.write(PmuReg.PMCNTENSET_EL0, 0x8000_0001, 0);
  f.write(PmuReg.PMOVSSET_EL0, 1, 0);
  f.write(PmuReg.PMEVTYPER_EL0, 0x8000_0011, 2);
  f.write(PmuReg.PMUSERENR_EL0, 5, 0);
  return f;
}

function exploreChooser(): ExploreChooser {
  const c = new ExploreChooser();
  c.begin(SCRIPT);
  return c;
}

/** A machine to restore into: built like the driven one, never run. */
export function targetRig(policy: string): Rig {
  const kvm = buildKvm(policy);
  return {
    vm: kvm.vm,
    other: buildKvm(otherDesign(policy)).vm,
    ref: buildRef(),
    board: kvm.vm.board,
    seeded: new SeededChooser(SEED),
    scripted: new ScriptedChooser(SCRIPT),
    directed: directedChooser(),
    explore: exploreChooser(),
    gicV3: newGicV3(),
    refV3: buildRefV3(),
    pmuRegs: new PmuRegisterFile(6, 0xc000_03ff, 0),
  };
}

const NO_PORT: GuestPort = {
  mmioRead: (_c: GuestCpu) => MMIO_BUS_FAULT,
  mmioWrite: (_c: GuestCpu) => MMIO_BUS_FAULT,
  sysregRead: (_c: GuestCpu) => SYSREG_UNDEFINED,
  sysregWrite: (_c: GuestCpu) => SYSREG_UNDEFINED,
};

/** Blocks just as construction leaves them: a bare board, a VM without vgic init or image. */
export function constructedRig(policy: string): Rig {
  const kvm = createVm({
    policy,
    vcpus: VCPUS,
    pcpus: VCPUS + 1,
    preemptCycles: 40,
    hostTickHz: 100_000,
    seed: SEED,
  });
  const board = new Board({ ...DEFAULT_BOARD, cpus: VCPUS }, NULL_SINK, new SeededChooser(SEED), NO_PORT);
  const ref = new ReferenceMachine({ board: { ...DEFAULT_BOARD, cpus: VCPUS }, startAll: true });
  const other = createVm({
    policy: otherDesign(policy),
    vcpus: VCPUS,
    preemptCycles: 40,
    hostTickHz: 100_000,
    seed: SEED,
  }).vm;
  return {
    vm: kvm.vm,
    other,
    ref,
    board,
    seeded: new SeededChooser(SEED),
    scripted: new ScriptedChooser(SCRIPT),
    directed: directedChooser(),
    explore: exploreChooser(),
    gicV3: newGicV3(),
    refV3: new ReferenceMachine({ board: { ...DEFAULT_BOARD, gic: 'v3' } }),
    pmuRegs: new PmuRegisterFile(6, 0xc000_03ff, 0),
  };
}
