// Checks of DESIGN.md's correctness properties on a run's trace records.

import type { TraceRecord } from '../sim/trace/records.ts';
import { getField } from '../sim/bits.ts';
import { GICH_LR_CPUID, GICH_LR_VirtualID } from '../hw/gic/virt-regs.ts';

export interface TraceViolation {
  /** index of the record where the violation shows */
  readonly index: number;
  readonly t: number;
  readonly cpu: number;
  readonly message: string;
}

/**
 * Under `level`, after every vgic sync the physical active state of mapped
 * INTID `intid` (the timer PPI) is clear on that cpu.
 *
 * The physical state is followed through the physical distributor's `irq`
 * records (every change of a physical interrupt's state is one, whoever
 * makes it). A sync is the `vgic-sync` record (written when the sync starts)
 * and the records the fold writes after it: virtual `irq` changes, `line`
 * changes of the virtual interface, physical state changes that CLEAR the
 * active bit, `vgic-phys-active` and `vgic-maint`. The sync has ended at the
 * first other record on the physical cpu the vcpu runs on, whichever vcpu
 * it names (one thread runs on a cpu at a time: a record of another vcpu
 * placed there, its timer's registers loaded, its entry, comes after the
 * exit path): `vcpu`, `reg`, `vgic-inject`, `vgic-lr`, another `vgic-sync`,
 * acknowledgements, notes, or a physical `irq` record that SETS the active
 * bit (only a flush, handle_exit or the host does that, never a sync). At
 * that point the tracked state must be inactive. A sync still open when the
 * trace ends is checked there.
 */
export function physActiveAfterSync(records: readonly TraceRecord[], intid = 27): TraceViolation[] {
  const out: TraceViolation[] = [];
  /** physical cpu -> the interrupt's physical active state there */
  const active = new Map<number, boolean>();
  /** vcpu -> index of the vgic-sync record whose end is not reached yet */
  const open = new Map<number, number>();
  // The physical GIC's records (and the hardware timer's registers, and the
  // hypervisor's writes of a physical state) name physical cpus, the
  // hypervisor's name vcpus; a vcpu thread may move or time-share a cpu
  // (src/hyp/vcpu/vcpu-placement.ts), and its entries and migrations (`vcpu`
  // records with `pcpu`) say where it runs. Until a vcpu says, it is on the
  // physical cpu of its own index.
  const pcpuOf = new Map<number, number>();
  const where = (vcpu: number) => pcpuOf.get(vcpu) ?? vcpu;
  const check = (cpu: number, at: number) => {
    const from = open.get(cpu);
    if (from === undefined) return;
    open.delete(cpu);
    if (active.get(where(cpu)) === true)
      out.push({
        index: at,
        t: records[from].t,
        cpu,
        message: `physical INTID ${intid} still active after the vgic sync of record #${from} (t=${records[from].t})`,
      });
  };
  /** every open sync of a vcpu on physical cpu `p` has ended */
  const endOn = (p: number, at: number) => {
    for (const cpu of open.keys()) if (where(cpu) === p) check(cpu, at);
  };
  records.forEach((r, i) => {
    const physical =
      r.kind === 'irq' ||
      r.kind === 'ack' ||
      r.kind === 'eoi' ||
      r.kind === 'dir' ||
      r.kind === 'vgic-phys-active' ||
      (r.kind === 'reg' && r.block === 'timer');
    const insideSync =
      (r.kind === 'irq' && (r.gic === 'virt' || r.intid !== intid || !r.active)) ||
      r.kind === 'line' ||
      r.kind === 'vgic-phys-active' ||
      r.kind === 'vgic-maint';
    if (r.kind === 'vcpu') {
      // its own sync is judged where it ran, before a migration record moves it
      check(r.cpu, i);
      if (r.pcpu !== undefined) pcpuOf.set(r.cpu, r.pcpu);
    }
    if (!insideSync) endOn(physical ? r.cpu : where(r.cpu), i);
    if (r.kind === 'irq' && r.gic === 'phys' && r.intid === intid) active.set(r.cpu, r.active);
    if (r.kind === 'vgic-sync') open.set(r.cpu, i);
  });
  for (const cpu of [...open.keys()]) check(cpu, records.length);
  return out;
}

/**
 * List registers never hold one INTID twice: within one flush (the
 * `vgic-lr` records of a cpu between two of its `vgic-sync` records), no
 * VirtualID appears in two LRs, unless it is an SGI with different CPUIDs.
 */
export function duplicateLrs(records: readonly TraceRecord[]): TraceViolation[] {
  const out: TraceViolation[] = [];
  const flush = new Map<number, Map<number, number>>();
  records.forEach((r, i) => {
    if (r.kind === 'vgic-sync') flush.delete(r.cpu);
    if (r.kind !== 'vgic-lr') return;
    let seen = flush.get(r.cpu);
    if (seen === undefined) {
      seen = new Map();
      flush.set(r.cpu, seen);
    }
    const vid = getField(r.value, GICH_LR_VirtualID);
    const key = vid < 16 ? vid * 8 + getField(r.value, GICH_LR_CPUID) : vid * 8;
    const lr = seen.get(key);
    if (lr !== undefined && lr !== r.lr)
      out.push({
        index: i,
        t: r.t,
        cpu: r.cpu,
        message: `INTID ${vid} in LR${lr} and LR${r.lr} of one flush`,
      });
    seen.set(key, r.lr);
  });
  return out;
}
