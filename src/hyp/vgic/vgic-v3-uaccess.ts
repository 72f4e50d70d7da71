// Userspace access to a GICv3 guest's distributor and redistributors
// (KVM_DEV_ARM_VGIC_GRP_DIST_REGS, _REDIST_REGS, _LEVEL_INFO of the
// arm-vgic-v3 device): vgic_v3_dist_uaccess / vgic_v3_redist_uaccess over
// vgic_v3_dist_registers / vgic_v3_rd_registers and
// vgic_v3_line_level_info_uaccess (vgic-mmio-v3.c, vgic-mmio.c, Linux
// 6.x). 32-bit accesses as the vcpu the attribute names (the
// redistributor's own for REDIST_REGS); every vcpu is out of the guest, so
// the vgic's software state is all there is. Where KVM's userspace
// accessors differ from the guest's:
// - no region at the offset, a misaligned word, INTIDs beyond the last:
//   read 0, write ignored, success (vgic_uaccess_read/write); only
//   KVM_HAS_DEVICE_ATTR says -ENXIO (`v3UaccessRegion`);
// - GICD_CTLR: EnableGrp1 only, no kick; GICD_TYPER: WI; GICD_TYPER2: a
//   write must give back the value read (-EINVAL); GICD_IIDR: only the
//   Revision may differ and must be 2 or 3 (KVM_VGIC_IMP_REV_2/3), it sets
//   the implementation revision (-EINVAL otherwise);
// - IS/ICENABLER: the enable alone (no line resampling of a mapped
//   interrupt), a set one is queued;
// - ISPENDR reads and writes the pending latch alone, whatever the trigger
//   (a 0 bit clears it): a level interrupt's line is LEVEL_INFO's;
//   ICPENDR reads 0, writes are ignored;
// - IS/ICACTIVER: the active state without halting the guest and without
//   a physical active state;
// - GICR_CTLR, GICR_TYPER: WI. KVM's LPI registers (GICR_PROPBASER,
//   PENDBASER, INVLPIR, INVALLR, SYNCR) and GICR_IGRPMODR0/NSACR exist for
//   KVM_HAS_DEVICE_ATTR and are RAZ/WI here (no LPIs are modelled; KVM keeps
//   PROPBASER/PENDBASER values).
// IGROUPR, IPRIORITYR, ICFGR (private words read-only), GICD_IROUTER are
// the guest's handlers.

import { isPrivate, isSgi } from '../../hw/gic/intid.ts';
import { IIDR_Revision } from '../../hw/gic/registers.ts';
import { GICD_IROUTER } from '../../hw/gic/v3/gicd-regs.ts';
import { GICR_SGI_BASE } from '../../hw/gic/v3/gicr-regs.ts';
import { accessAllowed, findRegion, intidOf, type MmioRegion, uread } from '../../hw/mmio/region.ts';
import { getField } from '../../sim/bits.ts';
import type { VgicCore } from './vgic.ts';
import { VGIC_CONFIG_LEVEL, type VgicIrq } from './vgic-irq.ts';
import { type UaccessResult, uaccessFail, uaccessOk } from './vgic-uaccess.ts';

const WORD = 4;
const BITS = 32;
const IROUTER_BYTES = 8;
/** KVM_VGIC_IMP_REV_2 and _3: the revisions userspace may write to GICD_IIDR. */
const USER_REVISIONS: ReadonlySet<number> = new Set([2, 3]);

/** The frame a v3 register group addresses. */
export type VgicV3Frame = 'dist' | 'redist';

/** KVM's RD_base / SGI_base regions the model's table lacks: [offset, length], RAZ/WI. */
const KVM_RD_ONLY: readonly (readonly [number, number])[] = [
  [0x0070, 8], // GICR_PROPBASER
  [0x0078, 8], // GICR_PENDBASER
  [0x00a0, 8], // GICR_INVLPIR
  [0x00b0, 8], // GICR_INVALLR
  [0x00c0, 4], // GICR_SYNCR
  [GICR_SGI_BASE + 0x0d00, 4], // GICR_IGRPMODR0
  [GICR_SGI_BASE + 0x0e00, 4], // GICR_NSACR
];

/** A 32-bit userspace access found a region: the model's, or one of KVM's it has only as RAZ/WI. */
type Found = MmioRegion | 'raz-wi';

/**
 * vgic_get_mmio_region for a 32-bit access at `offset` of the frame (its
 * table given), or null (get/set: RAZ/WI; has: -ENXIO).
 */
export function v3UaccessRegion(
  core: VgicCore,
  frame: VgicV3Frame,
  table: readonly MmioRegion[],
  offset: number,
): Found | null {
  if (offset % WORD !== 0 || offset < 0) return null;
  const r = findRegion(table, offset);
  if (r === null)
    return frame === 'redist' && KVM_RD_ONLY.some(([o, len]) => offset >= o && offset < o + len)
      ? 'raz-wi'
      : null;
  if (!accessAllowed(r, offset, WORD, core.nrIrqs)) return null;
  // KVM's IROUTER region has 64 bits per INTID: beyond nr_irqs there is none
  if (r.name === 'GICD_IROUTER' && Math.floor((offset - GICD_IROUTER) / IROUTER_BYTES) >= core.nrIrqs)
    return null;
  return r;
}

/** The register a region's name stands for in both frames (GICR_ISPENDR0 -> ISPENDR). */
function kind(name: string): string {
  return name.replace(/^GIC[DR]_/, '').replace(/0$/, '');
}

/**
 * A 32-bit DIST_REGS (frame 'dist', as vcpu 0) or REDIST_REGS (frame
 * 'redist', `vcpu` = the redistributor's) access; `table` is the frame's
 * table.
 */
export function v3Uaccess(
  core: VgicCore,
  frame: VgicV3Frame,
  table: readonly MmioRegion[],
  vcpu: number,
  offset: number,
  write: boolean,
  value: number,
): UaccessResult {
  const r = v3UaccessRegion(core, frame, table, offset);
  if (r === null || r === 'raz-wi') return uaccessOk(0);
  value >>>= 0;
  const k = kind(r.name);
  switch (k) {
    case 'ISENABLER':
    case 'ICENABLER':
    case 'ISPENDR':
    case 'ICPENDR':
    case 'ISACTIVER':
    case 'ICACTIVER':
      return uaccessOk(perIrqBits(core, frame, r, vcpu, offset, k, write, value));
  }
  if (!write) return uaccessOk(uread(r, vcpu, offset));
  switch (r.name) {
    case 'GICD_CTLR':
      r.uwrite!(vcpu, offset, value);
      break;
    case 'GICD_TYPER2': {
      const typer2 = uread(r, vcpu, offset);
      if (value !== typer2)
        return uaccessFail(
          'EINVAL',
          `GICD_TYPER2 0x${value.toString(16)}: KVM's is 0x${typer2.toString(16)}`,
        );
      break;
    }
    case 'GICD_IIDR': {
      const iidr = uread(r, vcpu, offset);
      const rev = getField(value, IIDR_Revision);
      if (((iidr ^ value) & ~(0xf << IIDR_Revision.lsb)) !== 0 || !USER_REVISIONS.has(rev))
        return uaccessFail(
          'EINVAL',
          `GICD_IIDR 0x${value.toString(16)}: KVM's is 0x${iidr.toString(16)}, with Revision 2 or 3`,
        );
      core.v3ImplementationRev = rev;
      break;
    }
    case 'GICD_TYPER':
    case 'GICR_CTLR':
    case 'GICR_TYPER':
      break;
    default:
      r.write(vcpu, offset, WORD, value);
  }
  return uaccessOk(0);
}

/** The 1-bit-per-INTID registers with userspace accessors of their own. */
function perIrqBits(
  core: VgicCore,
  frame: VgicV3Frame,
  r: MmioRegion,
  vcpu: number,
  offset: number,
  k: string,
  write: boolean,
  value: number,
): number {
  const first = intidOf(r, offset);
  let out = 0;
  for (let b = 0; b < BITS; b++) {
    const intid = first + b;
    // the GICD words of INTIDs 0-31 are RAZ/WI (the redistributors own them)
    if (frame === 'dist' && isPrivate(intid)) continue;
    const irq = core.getIrq(vcpu, intid);
    if (irq === null) continue;
    const bit = ((value >>> b) & 1) !== 0;
    if (!write) {
      if (readBit(irq, k)) out |= 1 << b;
      continue;
    }
    switch (k) {
      case 'ISENABLER':
        if (bit) {
          irq.enabled = true;
          core.queueIrq(irq);
        }
        break;
      case 'ICENABLER':
        if (bit) irq.enabled = false;
        break;
      case 'ISPENDR':
        // vgic_v3_uaccess_write_pending: the latch, whatever the trigger
        irq.pendingLatch = bit;
        if (bit) core.queueIrq(irq);
        break;
      case 'ISACTIVER':
        if (bit) {
          irq.active = true;
          core.queueIrq(irq);
        }
        break;
      case 'ICACTIVER':
        if (bit) irq.active = false;
        break;
      // ICPENDR: vgic_mmio_uaccess_write_wi
    }
  }
  return write ? 0 : out >>> 0;
}

function readBit(irq: VgicIrq, k: string): boolean {
  switch (k) {
    case 'ISENABLER':
    case 'ICENABLER':
      return irq.enabled;
    case 'ISPENDR':
      return irq.pendingLatch;
    case 'ISACTIVER':
    case 'ICACTIVER':
      return irq.active;
    default:
      return false; // ICPENDR: vgic_mmio_read_raz
  }
}

/**
 * KVM_DEV_ARM_VGIC_GRP_LEVEL_INFO, info 0 (VGIC_LEVEL_INFO_LINE_LEVEL):
 * the line levels of the 32 INTIDs from `intid` (a multiple of 32, else
 * -EINVAL) as `vcpu` sees them. Read: a bit per level-triggered interrupt
 * whose line is high; write: every line set as given, whatever the
 * trigger (so the configuration may be restored after), a raised one
 * queued. SGIs and INTIDs beyond the last are skipped
 * (vgic_read/write_irq_line_level_info).
 */
export function lineLevelUaccess(
  core: VgicCore,
  vcpu: number,
  intid: number,
  write: boolean,
  value: number,
): UaccessResult {
  if (intid % BITS !== 0)
    return uaccessFail('EINVAL', `LEVEL_INFO INTID base ${intid}: not a multiple of 32`);
  let out = 0;
  for (let b = 0; b < BITS; b++) {
    const id = intid + b;
    if (isSgi(id) || id >= core.nrIrqs) continue;
    const irq = core.getIrq(vcpu, id)!;
    if (!write) {
      if (irq.config === VGIC_CONFIG_LEVEL && irq.lineLevel) out |= 1 << b;
      continue;
    }
    irq.lineLevel = ((value >>> b) & 1) !== 0;
    if (irq.lineLevel) core.queueIrq(irq);
  }
  return uaccessOk(out);
}
