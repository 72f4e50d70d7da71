// KVM_DEV_ARM_VGIC_GRP_DIST_REGS / CPU_REGS on the legacy vgic (Linux
// 4.2/4.3 vgic-v2-emul.c vgic_attr_regs_access): the offset must fall in one
// of the ranges the emulation has (vgic_find_range with a 4-byte access),
// else -ENXIO; then every vcpu's LRs are unqueued (vgic_unqueue_irqs: an
// LR's pending and active state go back to the distributor, SGIs get their
// source back, the LR is retired) and the guest's MMIO handler runs as the
// named vcpu: userspace sees and sets exactly what a guest access would
// (ISPENDR soft-pends a level interrupt, ISENABLER is write-1-to-set).
// CPU_REGS: CTLR/PMR/BPR, ABPR, the APRs (RAZ/WI), IIDR (vgic-uaccess.ts).

import { SGI_COUNT } from '../../../hw/gic/intid.ts';
import { findRegion } from '../../../hw/mmio/region.ts';
import {
  cpuifUaccess,
  isCpuifReg,
  type UaccessResult,
  uaccessFail,
  uaccessOk,
  type VgicRegGroup,
} from '../vgic-uaccess.ts';
import type { LegacyDist } from './legacy-dist.ts';
import {
  LR_ACTIVE_BIT,
  LR_EMPTY,
  LR_PENDING_BIT,
  type LegacyCpuIf,
  lrCleared,
  lrIrq,
  lrSource,
} from './legacy-lr.ts';
import type { LegacyDistMmio } from './legacy-mmio.ts';

const WORD = 4;

/** vgic_has_attr_regs: is there a range holding a 4-byte access at `offset`? */
export function legacyHasUaccess(gicd: LegacyDistMmio, group: VgicRegGroup, offset: number): boolean {
  if (offset % WORD !== 0) return false; // (4.x accepted some unaligned offsets inside a range; not modelled)
  if (group === 'cpu') return isCpuifReg(offset);
  const r = findRegion(gicd.table, offset);
  return r !== null && offset + WORD <= r.offset + r.len;
}

export function legacyUaccess(
  d: LegacyDist,
  cpus: readonly LegacyCpuIf[],
  gicd: LegacyDistMmio,
  group: VgicRegGroup,
  vcpu: number,
  offset: number,
  write: boolean,
  value: number,
): UaccessResult {
  if (!legacyHasUaccess(gicd, group, offset))
    return uaccessFail(
      'ENXIO',
      `no ${group === 'cpu' ? 'CPU interface' : 'distributor'} register at 0x${offset.toString(16)} (Linux 4.2/4.3)`,
    );
  cpus.forEach((c, v) => {
    unqueueIrqs(d, c, v);
  });
  if (group === 'cpu') return uaccessOk(cpuifUaccess(cpus[vcpu], offset, write, value, false));
  if (!write) return uaccessOk(gicd.read(offset, WORD, vcpu));
  gicd.write(offset, WORD, value >>> 0, vcpu);
  return uaccessOk(0);
}

/** vgic_unqueue_irqs (4.2/4.3): every used LR of `v` back into the distributor, the LR retired. */
function unqueueIrqs(d: LegacyDist, c: LegacyCpuIf, v: number): void {
  if (c.inGuest) throw new RangeError(`vcpu ${v} is in the guest: userspace cannot unqueue its LRs`);
  let changed = false;
  for (let n = 0; n < c.used.length; n++) {
    if (c.used[n] === 0) continue;
    const val = c.lr[n];
    const irq = lrIrq(val);
    if (irq < SGI_COUNT) d.sgiSources[v][irq] |= 1 << lrSource(val);
    if ((val & LR_ACTIVE_BIT) !== 0) d.irqActive.set(v, irq, true);
    if ((val & LR_PENDING_BIT) !== 0) d.irqPending.set(v, irq, true);
    c.setLr(n, lrCleared(val));
    c.used[n] = 0;
    c.lrMap[irq] = LR_EMPTY;
    d.irqQueued.set(v, irq, false);
    changed = true;
  }
  if (changed) d.updateState();
}
