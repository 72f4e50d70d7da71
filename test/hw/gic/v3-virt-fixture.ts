// Shared fixture for the GICv3 virtual CPU interface tests: a
// VirtCpuInterfaceV3 with a recording physical port, a settable clock and a
// memory trace sink, an LR builder (two halves) and shorthands for the
// ICH/ICV registers. No guest: the tests drive the registers directly.

import { VirtCpuInterfaceV3 } from '../../../src/hw/gic/v3/virt-cpu-interface-v3.ts';
import { IccReg, IchReg } from '../../../src/hw/gic/v3/sysreg-encodings.ts';
import {
  ICH_LR_EOI,
  ICH_LR_Group,
  ICH_LR_HW,
  ICH_LR_Priority,
  ICH_LR_State,
  ICH_LR_pINTID,
} from '../../../src/hw/gic/v3/ich-regs.ts';
import { setField } from '../../../src/sim/bits.ts';
import { MemorySink } from '../../../src/sim/trace/sink.ts';

export interface LrV3 {
  vid: number;
  /** 8-bit priority (ICH_LR_EL2[55:48]) */
  prio?: number;
  /** 0 invalid, 1 pending, 2 active, 3 pending+active; default pending */
  state?: number;
  grp1?: boolean;
  hw?: boolean;
  pid?: number;
  eoi?: boolean;
}

/** The high word of an LR. */
export function lrHi(s: LrV3): number {
  let h = setField(0, ICH_LR_Priority, s.prio ?? 0);
  h = setField(h, ICH_LR_State, s.state ?? 1);
  if (s.grp1) h = setField(h, ICH_LR_Group, 1);
  if (s.hw) h = setField(setField(h, ICH_LR_HW, 1), ICH_LR_pINTID, s.pid ?? 0);
  else if (s.eoi) h = setField(h, ICH_LR_EOI, 1);
  return h >>> 0;
}

export function makeVcif(nLR = 4, cpu = 0) {
  const clock = { now: 0 };
  const sink = new MemorySink();
  const deactivated: Array<[number, number]> = [];
  const v = new VirtCpuInterfaceV3({
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
    wLR: (n: number, s: LrV3) => v.writeLr(n, s.vid, lrHi(s)),
    state: (n: number) => v.readLrHi(n) >>> 30,
    rH: (r: IchReg) => v.readIch(r),
    wH: (r: IchReg, val: number) => v.writeIch(r, val >>> 0),
    rV: (r: IccReg) => v.readIcv(r),
    wV: (r: IccReg, val: number) => v.writeIcv(r, val >>> 0),
  };
}

/** ICH_VMCR_EL2: VENG0, VENG1, VEOIM, VCBPR; VPMR at [31:24]. */
export const VENG0 = 1;
export const VENG1 = 2;
export const VCBPR = 1 << 4;
export const VEOIM = 1 << 9;
export const vpmr = (p: number) => (p << 24) >>> 0;

/** A ready interface: ICH_HCR_EL2.En = 1, both groups enabled, VPMR = 0xF8. */
export function readyVcif(nLR = 4, vmcr = VENG0 | VENG1) {
  const f = makeVcif(nLR);
  f.wH(IchReg.ICH_HCR_EL2, 1);
  f.wH(IchReg.ICH_VMCR_EL2, vmcr | vpmr(0xf8));
  return f;
}

export { IccReg, IchReg };
