// KVM_DEV_ARM_VGIC_GRP_DIST_REGS on the new vgic (vgic_v2_dist_uaccess over
// vgic_v2_dist_registers, today's vgic-mmio-v2.c / vgic-mmio.c): the GICD
// table of the guest, with KVM's userspace accessors where they differ:
// - an offset with no register, a register KVM does not have (our
//   GICD_ICPIDR2), a misaligned word or INTIDs beyond the last: reads 0,
//   writes ignored, success (vgic_uaccess_read/write); only
//   KVM_HAS_DEVICE_ATTR says -ENXIO;
// - GICD_IIDR: a write must give back the value read (else -EINVAL); it
//   tells KVM that userspace knows IIDR revision 2, after which
//   userspace's GICD_IGROUPR writes count (before: ignored, so a VMM that
//   never writes IIDR restores every interrupt as group 0);
// - GICD_ISPENDR (vgic_uaccess_write_spending): sets the pending latch,
//   also of SGIs (the source cannot be told: the vcpu itself is taken);
//   the mapped interrupt's physical state is not touched;
// - GICD_ICPENDR: clears the latch only (an SGI loses every source); a
//   level interrupt whose line is high stays pending: the line level is
//   not a register (KVM's documented limit: a VMM restores line levels
//   with KVM_IRQ_LINE, and a read of ISPENDR shows line || latch);
// - GICD_IS/ICACTIVER: the active state, without halting the guest (no
//   vcpu runs) and without touching a physical active state.
// Everything else (CTLR, IS/ICENABLER, IPRIORITYR, ITARGETSR, ICFGR, SGIR,
// C/SPENDSGIR) behaves as the guest's access from the named vcpu.

import { isSgi } from '../../hw/gic/intid.ts';
import { accessAllowed, findRegion, intidOf, type MmioRegion, uread } from '../../hw/mmio/region.ts';
import type { VgicCore } from './vgic.ts';
import type { VgicDistMmio } from './vgic-mmio-v2.ts';
import { type UaccessResult, uaccessFail, uaccessOk } from './vgic-uaccess.ts';

const WORD = 4;

/** vgic_v2_dist_registers: what KVM's table has (the model's table adds GICD_ICPIDR2). */
const KVM_DIST_REGS: ReadonlySet<string> = new Set([
  'GICD_CTLR',
  'GICD_TYPER',
  'GICD_IIDR',
  'GICD_IGROUPR',
  'GICD_ISENABLER',
  'GICD_ICENABLER',
  'GICD_ISPENDR',
  'GICD_ICPENDR',
  'GICD_ISACTIVER',
  'GICD_ICACTIVER',
  'GICD_IPRIORITYR',
  'GICD_ITARGETSR',
  'GICD_ICFGR',
  'GICD_SGIR',
  'GICD_CPENDSGIR',
  'GICD_SPENDSGIR',
]);

/** vgic_get_mmio_region for a 32-bit access: the region, or null (RAZ/WI for get/set, -ENXIO for has). */
export function distUaccessRegion(core: VgicCore, dist: VgicDistMmio, offset: number): MmioRegion | null {
  const r = findRegion(dist.table, offset);
  if (r === null || !KVM_DIST_REGS.has(r.name)) return null;
  return accessAllowed(r, offset, WORD, core.nrIrqs) ? r : null;
}

export function distUaccess(
  core: VgicCore,
  dist: VgicDistMmio,
  vcpu: number,
  offset: number,
  write: boolean,
  value: number,
): UaccessResult {
  const r = distUaccessRegion(core, dist, offset);
  if (r === null) return uaccessOk(0);
  if (!write) return uaccessOk(uread(r, vcpu, offset));
  value >>>= 0;
  switch (r.name) {
    case 'GICD_IIDR': {
      const iidr = uread(r, vcpu, offset);
      if (value !== iidr)
        return uaccessFail('EINVAL', `GICD_IIDR 0x${value.toString(16)}: KVM's is 0x${iidr.toString(16)}`);
      core.v2GroupsUserWritable = true;
      break;
    }
    case 'GICD_TYPER':
      break;
    case 'GICD_IGROUPR':
      if (core.v2GroupsUserWritable) r.write(vcpu, offset, WORD, value);
      break;
    case 'GICD_ISPENDR':
    case 'GICD_ICPENDR':
    case 'GICD_ISACTIVER':
    case 'GICD_ICACTIVER':
      forEachBit(r, offset, value, (intid) => perIrq(core, r.name, vcpu, intid));
      break;
    default:
      r.write(vcpu, offset, WORD, value);
  }
  return uaccessOk(0);
}

function forEachBit(r: MmioRegion, offset: number, value: number, fn: (intid: number) => void): void {
  const first = intidOf(r, offset);
  for (let i = 0; i < 32; i++) if (((value >>> i) & 1) !== 0) fn(first + i);
}

function perIrq(core: VgicCore, reg: string, vcpu: number, intid: number): void {
  const irq = core.getIrq(vcpu, intid);
  if (irq === null) return;
  switch (reg) {
    case 'GICD_ISPENDR':
      irq.pendingLatch = true;
      if (isSgi(intid)) irq.source |= 1 << vcpu;
      core.queueIrq(irq);
      break;
    case 'GICD_ICPENDR':
      if (isSgi(intid)) irq.source = 0;
      irq.pendingLatch = false;
      break;
    case 'GICD_ISACTIVER':
      irq.active = true;
      if (isSgi(intid)) irq.activeSource = vcpu;
      core.queueIrq(irq);
      break;
    case 'GICD_ICACTIVER':
      irq.active = false;
      break;
  }
}
