// The interpreter loop's less frequent ops in one out-of-line dispatch, so
// that its own switch (cpu-exec.ts) holds only the hot cases: system
// instructions, exception generation, hints, FP/SIMD, literal loads,
// exclusives, the rarer multiply/divide and one-source ops, UNDEFINED.
// PC and instret are the instruction's (the loop updates them after it).

import type { CpuCore } from './cpu-state.ts';
import { takeUndefined } from './exceptions.ts';
import { execOneSrc } from './exec-alu.ts';
import { execFp } from './exec-fp.ts';
import { execLdrLit, execLdx } from './exec-mem.ts';
import { execDiv, execMulh, execMull } from './exec-mul.ts';
import { execClrex, execEret, execException, execHint, execSys } from './exec-sys.ts';
import { execMrs, execMsr, execMsrImm } from './exec-sysreg.ts';
import * as O from './ops.ts';
import { F_UNDEF_REASON } from './slots.ts';

const UNALLOCATED = O.undefId('unallocated');

/** Execute op (not one of the loop's inline cases) from slot `k` of `f`: its ST_* status. */
export function execCold(c: CpuCore, op: number, f: Int32Array, k: number): number {
  switch (op) {
    case O.OP_MULL:
      execMull(c, f, k);
      return O.ST_RETIRE;
    case O.OP_MULH:
      execMulh(c, f, k);
      return O.ST_RETIRE;
    case O.OP_DIV:
      execDiv(c, f, k);
      return O.ST_RETIRE;
    case O.OP_ONE_SRC:
      execOneSrc(c, f, k);
      return O.ST_RETIRE;
    case O.OP_LDR_LIT:
      return execLdrLit(c, f, k);
    case O.OP_LDX:
      return execLdx(c, f, k);
    case O.OP_MRS:
      return execMrs(c, f, k);
    case O.OP_MSR:
      return execMsr(c, f, k);
    case O.OP_MSR_IMM:
      return execMsrImm(c, f, k);
    case O.OP_HINT:
      return execHint(c, f, k);
    case O.OP_EXC:
      return execException(c, f, k);
    case O.OP_ERET:
      return execEret(c);
    case O.OP_SYS:
      return execSys(c, f, k);
    case O.OP_CLREX:
      return execClrex(c);
    case O.OP_FP:
      return execFp(c, f, k);
    default:
      c.undefCounts[op === O.OP_UNDEF ? f[k + F_UNDEF_REASON] : UNALLOCATED]++;
      takeUndefined(c);
      return O.ST_FAULT;
  }
}
