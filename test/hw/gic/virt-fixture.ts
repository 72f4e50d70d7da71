// Shared fixture for the virtual interface tests: a VirtInterface with a
// recording physical port, a settable clock and a memory trace sink, plus
// word accessors for both frames and an LR value builder.

import { setField } from '../../../src/sim/bits.ts';
import { MemorySink } from '../../../src/sim/trace/sink.ts';
import { VirtInterface } from '../../../src/hw/gic/virt-interface.ts';
import {
  GICH_LR_CPUID,
  GICH_LR_EOI,
  GICH_LR_Grp1,
  GICH_LR_HW,
  GICH_LR_PhysicalID,
  GICH_LR_Priority,
  GICH_LR_State,
  GICH_LR_VirtualID,
} from '../../../src/hw/gic/virt-regs.ts';

export interface LrSpec {
  vid: number;
  prio?: number; // 5-bit priority field value (LR[27:23])
  state?: number; // 0 invalid, 1 pending, 2 active, 3 pending+active
  grp1?: boolean;
  hw?: boolean;
  pid?: number; // HW=1 PhysicalID
  eoi?: boolean; // HW=0 EOI
  cpuid?: number; // HW=0 SGI source
}

export function lr(s: LrSpec): number {
  let v = setField(0, GICH_LR_VirtualID, s.vid);
  v = setField(v, GICH_LR_Priority, s.prio ?? 0);
  v = setField(v, GICH_LR_State, s.state ?? 1);
  if (s.grp1) v = setField(v, GICH_LR_Grp1, 1);
  if (s.hw) {
    v = setField(v, GICH_LR_HW, 1);
    v = setField(v, GICH_LR_PhysicalID, s.pid ?? 0);
  } else {
    if (s.eoi) v = setField(v, GICH_LR_EOI, 1);
    v = setField(v, GICH_LR_CPUID, s.cpuid ?? 0);
  }
  return v >>> 0;
}

export function makeVif(nLR = 4, cpu = 0) {
  const clock = { now: 0 };
  const sink = new MemorySink();
  const deactivated: Array<[number, number]> = [];
  const v = new VirtInterface({
    cpu,
    nLR,
    clock,
    trace: sink,
    phys: { deactivatePhysical: (c, id) => void deactivated.push([c, id]) },
  });
  return {
    v,
    clock,
    sink,
    deactivated,
    rH: (off: number) => v.gich.read(off, 4, cpu),
    wH: (off: number, val: number) => v.gich.write(off, 4, val >>> 0, cpu),
    rV: (off: number) => v.gicv.read(off, 4, cpu),
    wV: (off: number, val: number) => v.gicv.write(off, 4, val >>> 0, cpu),
    wLR: (n: number, s: LrSpec) => v.gich.write(0x100 + 4 * n, 4, lr(s), cpu),
    rLR: (n: number) => v.gich.read(0x100 + 4 * n, 4, cpu),
  };
}

/** GICH_HCR.En */
export const HCR_EN = 1;
/** GICV_CTLR EnableGrp0 | EnableGrp1 */
export const CTLR_GRP0 = 1;
export const CTLR_GRP1 = 2;
export const CTLR_ACKCTL = 4;
export const CTLR_FIQEN = 8;
export const CTLR_CBPR = 16;
export const CTLR_EOIMODE = 1 << 9;

/** A ready interface: GICH_HCR_En=1, group 0 enabled, PMR=0xF8 (everything but priority 0xF8 unmasked). */
export function readyVif(nLR = 4, ctlr = CTLR_GRP0) {
  const f = makeVif(nLR);
  f.wH(0x000, HCR_EN);
  f.wV(0x0000, ctlr);
  f.wV(0x0004, 0xf8);
  return f;
}
