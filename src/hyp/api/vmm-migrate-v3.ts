// The vgic part of a VMM-style migration of a GICv3 VM, as QEMU's
// hw/intc/arm_gicv3_kvm.c (kvm_arm_gicv3_get / kvm_arm_gicv3_put) moves it,
// in outline: everything goes through the arm-vgic-v3 device's register
// groups (vgic.guestV3: KVM_DEV_ARM_VGIC_GRP_DIST_REGS, _REDIST_REGS,
// _LEVEL_INFO, _CPU_SYSREGS), with every vcpu out of the guest.
// Unlike GICv2's ABI, the line levels are registers (LEVEL_INFO) and the
// pending state is the latch alone (ISPENDR), so a level interrupt's high
// line survives without userspace re-asserting it. Written back in QEMU's
// order: GICD_CTLR; per redistributor its CTLR, WAKER, IGROUPR0, enables
// (ICENABLER0 all ones first), ICFGR1 before the PPI line levels and the
// pending latches (ICPENDR0 first), active (ICACTIVER0 first),
// priorities; then the distributor's enables, groups, GICD_IROUTER (both
// words) before pending so that pended SPIs queue where they route,
// ICFGR, SPI line levels, pending, active, priorities; then each vcpu's
// ICC_SRE, CTLR, IGRPEN0/1, PMR, BPR0/1 and the AP0R<n>/AP1R<n> its
// priority bits have.

import { PRIVATE_COUNT } from '../../hw/gic/intid.ts';
import {
  GICD_CTLR,
  GICD_ICACTIVER,
  GICD_ICENABLER,
  GICD_ICFGR,
  GICD_ICPENDR,
  GICD_IGROUPR,
  GICD_IPRIORITYR,
  GICD_ISACTIVER,
  GICD_ISENABLER,
  GICD_ISPENDR,
} from '../../hw/gic/registers.ts';
import { GICD_IROUTER } from '../../hw/gic/v3/gicd-regs.ts';
import {
  GICR_CTLR,
  GICR_ICACTIVER0,
  GICR_ICENABLER0,
  GICR_ICFGR0,
  GICR_ICPENDR0,
  GICR_IGROUPR0,
  GICR_IPRIORITYR0,
  GICR_ISACTIVER0,
  GICR_ISENABLER0,
  GICR_ISPENDR0,
  GICR_SGI_BASE,
  GICR_WAKER,
} from '../../hw/gic/v3/gicr-regs.ts';
import type { UaccessResult, VgicGuestV3 } from '../vgic/facade.ts';
import type { Vm } from '../vm.ts';

const WORD = 4;
const IROUTER_BYTES = 8;

/** op0:op1:CRn:CRm:op2 of the ICC_*_EL1 registers a VMM saves, in QEMU's order. */
const enc = (crn: number, crm: number, op2: number, op0 = 3, op1 = 0) =>
  (op0 << 14) | (op1 << 11) | (crn << 7) | (crm << 3) | op2;
const ICC_SRE_EL1 = enc(12, 12, 5);
const ICC_CTLR_EL1 = enc(12, 12, 4);
const ICC_IGRPEN0_EL1 = enc(12, 12, 6);
const ICC_IGRPEN1_EL1 = enc(12, 12, 7);
const ICC_PMR_EL1 = enc(4, 6, 0);
const ICC_BPR0_EL1 = enc(12, 8, 3);
const ICC_BPR1_EL1 = enc(12, 12, 3);
const ICC_AP0R = (n: number) => enc(12, 8, 4 + n);
const ICC_AP1R = (n: number) => enc(12, 9, n);
/** ICC_CTLR_EL1.PRIbits, [10:8] */
const PRIBITS_SHIFT = 8;

/** One 32-bit word of a register group: the vcpu (REDIST_REGS, LEVEL_INFO, CPU_SYSREGS), offset / INTID base / encoding, value. */
export interface GroupWord {
  readonly vcpu: number;
  readonly at: number;
  readonly value: number;
}

/** What a VMM holds of a GICv3 vgic after kvm_arm_gicv3_get. */
export interface VmmGicV3State {
  readonly gicdCtlr: number;
  /** per vcpu: its redistributor's words */
  readonly redist: GroupWord[];
  /** the distributor's words (as vcpu 0), by register */
  readonly dist: GroupWord[];
  /** LEVEL_INFO bitmaps: the PPIs of each vcpu (base 0), the SPIs as vcpu 0 */
  readonly levels: GroupWord[];
  /** CPU_SYSREGS per vcpu */
  readonly icc: GroupWord[];
}

export class VmmGicV3Error extends Error {
  override name = 'VmmMigrationError';
}

function must(r: UaccessResult, what: string): number {
  if (!r.ok) throw new VmmGicV3Error(`${what}: -${r.errno} (${r.message})`);
  return r.value;
}

function guest(vm: Vm): VgicGuestV3 {
  const g = vm.vgic.guestV3;
  if (g === undefined || g === null) throw new VmmGicV3Error('not a GICv3 VM');
  return g;
}

/** The per-redistributor words, in QEMU's put order (the clear-all registers are written from these). */
const REDIST_WORDS = [
  GICR_CTLR,
  GICR_WAKER,
  GICR_SGI_BASE + GICR_IGROUPR0,
  GICR_SGI_BASE + GICR_ISENABLER0,
  GICR_SGI_BASE + GICR_ICFGR0 + WORD, // ICFGR1: the PPIs
  GICR_SGI_BASE + GICR_ISPENDR0,
  GICR_SGI_BASE + GICR_ISACTIVER0,
  ...Array.from({ length: PRIVATE_COUNT / 4 }, (_, i) => GICR_SGI_BASE + GICR_IPRIORITYR0 + WORD * i),
];

/** The distributor's per-INTID registers of the SPIs, QEMU's put order: [set register, clear register, bits per INTID]. */
const DIST_CLASSES: readonly (readonly [number, number | null, number])[] = [
  [GICD_ISENABLER, GICD_ICENABLER, 1],
  [GICD_IGROUPR, null, 1],
  [GICD_IROUTER, null, 64],
  [GICD_ICFGR, null, 2],
  [GICD_ISPENDR, GICD_ICPENDR, 1],
  [GICD_ISACTIVER, GICD_ICACTIVER, 1],
  [GICD_IPRIORITYR, null, 8],
];

/** The SPI words of a class (32-bit offsets from the first SPI's). */
function spiWords(vm: Vm, base: number, bitsPerIrq: number): number[] {
  const nrIrqs = PRIVATE_COUNT + vm.board.config.spis;
  const out: number[] = [];
  if (base === GICD_IROUTER) {
    for (let id = PRIVATE_COUNT; id < nrIrqs; id++)
      out.push(GICD_IROUTER + IROUTER_BYTES * id, GICD_IROUTER + IROUTER_BYTES * id + WORD);
    return out;
  }
  const first = (PRIVATE_COUNT * bitsPerIrq) / 8;
  for (let off = first; off < (nrIrqs * bitsPerIrq) / 8; off += WORD) out.push(base + off);
  return out;
}

/** kvm_arm_gicv3_get: every vcpu out of the guest. */
export function saveGicV3(vm: Vm): VmmGicV3State {
  const g = guest(vm);
  if (g.regGroups === false)
    throw new VmmGicV3Error(
      `Linux ${vm.generation.release} cannot migrate a GICv3 VM: its arm-vgic-v3 device has no register groups (DIST_REGS, REDIST_REGS, CPU_SYSREGS: -ENXIO before Linux 4.11)`,
    );
  const dist = (off: number) => must(g.uaccess('dist', 0, off, false, 0), `GICD 0x${off.toString(16)}`);
  const redist: GroupWord[] = [];
  const levels: GroupWord[] = [];
  const icc: GroupWord[] = [];
  for (const v of vm.vcpus.map((c) => c.index)) {
    for (const at of REDIST_WORDS)
      redist.push({
        vcpu: v,
        at,
        value: must(g.uaccess('redist', v, at, false, 0), `GICR 0x${at.toString(16)}`),
      });
    levels.push({ vcpu: v, at: 0, value: must(g.lineLevel(v, 0, false, 0), 'LEVEL_INFO 0') });
    const sysreg = (at: number) =>
      icc.push({ vcpu: v, at, value: must(g.sysregUaccess(v, at, false, 0), `ICC 0x${at.toString(16)}`) });
    for (const at of [ICC_SRE_EL1, ICC_CTLR_EL1, ICC_IGRPEN0_EL1, ICC_IGRPEN1_EL1, ICC_PMR_EL1, ICC_BPR0_EL1])
      sysreg(at);
    sysreg(ICC_BPR1_EL1);
    const priBits =
      ((icc.find((w) => w.vcpu === v && w.at === ICC_CTLR_EL1)!.value >>> PRIBITS_SHIFT) & 7) + 1;
    const aprs = priBits >= 7 ? 4 : priBits === 6 ? 2 : 1;
    for (let n = 0; n < aprs; n++) sysreg(ICC_AP0R(n));
    for (let n = 0; n < aprs; n++) sysreg(ICC_AP1R(n));
  }
  const words: GroupWord[] = [];
  for (const [base, , bits] of DIST_CLASSES)
    for (const at of spiWords(vm, base, bits)) words.push({ vcpu: 0, at, value: dist(at) });
  for (let base = PRIVATE_COUNT; base < PRIVATE_COUNT + vm.board.config.spis; base += 32)
    levels.push({ vcpu: 0, at: base, value: must(g.lineLevel(0, base, false, 0), `LEVEL_INFO ${base}`) });
  return { gicdCtlr: dist(GICD_CTLR), redist, dist: words, levels, icc };
}

/** kvm_arm_gicv3_put into a VM whose vgic is initialized and which has not run. */
export function restoreGicV3(vm: Vm, s: VmmGicV3State): void {
  const g = guest(vm);
  const put = (frame: 'dist' | 'redist', v: number, at: number, value: number) =>
    must(g.uaccess(frame, v, at, true, value), `${frame} 0x${at.toString(16)}`);
  const level = (w: GroupWord) => must(g.lineLevel(w.vcpu, w.at, true, w.value), `LEVEL_INFO ${w.at}`);
  put('dist', 0, GICD_CTLR, s.gicdCtlr);
  const clearOf: ReadonlyMap<number, number> = new Map([
    [GICR_SGI_BASE + GICR_ISENABLER0, GICR_SGI_BASE + GICR_ICENABLER0],
    [GICR_SGI_BASE + GICR_ISPENDR0, GICR_SGI_BASE + GICR_ICPENDR0],
    [GICR_SGI_BASE + GICR_ISACTIVER0, GICR_SGI_BASE + GICR_ICACTIVER0],
  ]);
  for (const w of s.redist) {
    const clear = clearOf.get(w.at);
    if (clear !== undefined) put('redist', w.vcpu, clear, 0xffff_ffff);
    put('redist', w.vcpu, w.at, w.value);
    // the PPI line levels after ICFGR1, before the pending latches
    if (w.at === GICR_SGI_BASE + GICR_ICFGR0 + WORD)
      for (const l of s.levels) if (l.at === 0 && l.vcpu === w.vcpu) level(l);
  }
  for (const [base, clear, bits] of DIST_CLASSES) {
    if (base === GICD_ISPENDR) for (const l of s.levels) if (l.at !== 0) level(l);
    for (const w of s.dist) {
      if (!inClass(w.at, base, bits)) continue;
      if (clear !== null) put('dist', 0, clear + (w.at - base), 0xffff_ffff);
      put('dist', 0, w.at, w.value);
    }
  }
  for (const w of s.icc) must(g.sysregUaccess(w.vcpu, w.at, true, w.value), `ICC 0x${w.at.toString(16)}`);
}

function inClass(at: number, base: number, bitsPerIrq: number): boolean {
  return at >= base && at < base + (1024 * bitsPerIrq) / 8;
}
