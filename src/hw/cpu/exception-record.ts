// The trace record of an exception entry (sim/trace ExceptionRecord), built
// from what the entry left in the core's registers: ELR_EL1, ESR_EL1,
// FAR_EL1, and the instruction that took it disassembled. Only a tracing
// machine calls it (CpuCore.onException); it allocates, an untraced run
// never gets here.

import type { ExceptionRecord } from '../../sim/trace/records.ts';
import type { CpuCore } from './cpu-state.ts';
import {
  EC_IABT_CURRENT,
  EC_IABT_LOWER,
  EC_PC_ALIGN,
  EC_SVC64,
  VEC_FIQ,
  VEC_IRQ,
  VEC_SYNC,
} from './exceptions.ts';
import { describeEsr, farValid, hex } from './exception-loop.ts';
import { IDX_ELR, IDX_ESR, IDX_FAR } from './sysregs.ts';

/** The offset of each kind of vector within its group of four (exceptions.ts VEC_*). */
function typeOf(vec: number): ExceptionRecord['type'] {
  return vec === VEC_SYNC ? 'sync' : vec === VEC_IRQ ? 'irq' : vec === VEC_FIQ ? 'fiq' : 'serror';
}

/**
 * The record of the exception `c` has just taken at vector offset `vec`
 * from EL `fromEl` (to EL1: the core has no EL2/EL3), at time `t`, for cpu `cpu`.
 */
export function exceptionRecord(
  c: CpuCore,
  vec: number,
  fromEl: number,
  t: number,
  cpu: number,
): ExceptionRecord {
  const type = typeOf(vec);
  const elr = c.getSysNum(IDX_ELR);
  const base = {
    kind: 'exception',
    t,
    cpu,
    type,
    from: fromEl,
    to: c.el,
    vector: hex(c.pc),
    elr: hex(elr),
  } as const;
  if (type !== 'sync') return base;
  const esr = c.sys[2 * IDX_ESR] >>> 0;
  const ec = (esr >>> 26) & 0x3f;
  const r: { -readonly [K in keyof ExceptionRecord]: ExceptionRecord[K] } = {
    ...base,
    esr: `0x${esr.toString(16).padStart(8, '0')}`,
    ec: describeEsr(esr),
  };
  if (farValid(ec)) r.far = hex(c.getSysNum(IDX_FAR));
  // No instruction to show where the fetch itself failed or the PC is misaligned.
  if (ec !== EC_IABT_LOWER && ec !== EC_IABT_CURRENT && ec !== EC_PC_ALIGN)
    r.insn = c.insnTextAt(ec === EC_SVC64 ? elr - 4 : elr);
  return r;
}
