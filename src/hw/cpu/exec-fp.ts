// Entry point of every FP/SIMD instruction (OP_FP): the CPACR_EL1.FPEN
// trap (Arm ARM D19.2.30: 0b00/0b10 trap EL0 and EL1, 0b01 traps EL0, 0b11
// none; EC 0x07), then the handler the decode table (isa/encodings-fp.ts)
// chose. A handler that finds a reserved field combination makes the
// instruction UNDEFINED ('fp-simd').

import type { CpuCore } from './cpu-state.ts';
import * as D from './ops.ts';
import { takeSync, takeUndefined } from './exceptions.ts';
import { fpLdrLit, fpLdStImm9, fpLdStMulti, fpLdStPair, fpLdStReg, fpLdStUimm } from './exec-fp-mem.ts';
import {
  fpArith1,
  fpArith2,
  fpCompare,
  fpCondCompare,
  fpCondSelect,
  fpConvInt,
  fpMovImm,
} from './exec-fp-scalar.ts';
import { fpScalarConvSimd } from './exec-fp-conv.ts';
import { simd2Misc, simd3Same, simdAcross } from './exec-fp-simd.ts';
import { simdModImm, simdShiftImm } from './exec-fp-simd-imm.ts';
import { simdCopy, simdExt, simdPermute, simdTbl } from './exec-fp-simd-move.ts';
import { FPCR_MASK, FPSR_MASK } from './fp-state.ts';
import { ST_FAULT, ST_RETIRE, undefId } from './ops.ts';
import { F_FP_HANDLER, F_FP_WORD } from './slots.ts';
import { IDX_CPACR } from './sysregs.ts';

/** EC for an access to SIMD/FP functionality trapped by CPACR_EL1.FPEN. */
export const EC_FP_ACCESS = 0x07;
/** ISS of that trap from AArch64: CV = 1, COND = 0b1110 (as hardware reports it). */
const FP_ACCESS_ISS = 0x1e0_0000;
const FP_UNDEF = undefId('fp-simd');

export function fpTrapped(c: CpuCore): boolean {
  const fpen = (c.sys[2 * IDX_CPACR] >>> 20) & 3;
  return fpen === 0 || fpen === 2 || (fpen === 1 && c.el === 0);
}

export function execFp(c: CpuCore, f: Int32Array, k: number): number {
  if (fpTrapped(c)) {
    takeSync(c, EC_FP_ACCESS, FP_ACCESS_ISS);
    return ST_FAULT;
  }
  const w = f[k + F_FP_WORD] >>> 0;
  const v = c.fp;
  let r: number;
  switch (f[k + F_FP_HANDLER]) {
    case D.FPH_LDST_UIMM:
      return fpLdStUimm(c, w);
    case D.FPH_LDST_IMM9:
      return fpLdStImm9(c, w);
    case D.FPH_LDST_REG:
      return fpLdStReg(c, w);
    case D.FPH_LDR_LIT:
      return fpLdrLit(c, w);
    case D.FPH_LDSTP:
      return fpLdStPair(c, w);
    case D.FPH_LDST_MULTI:
      return fpLdStMulti(c, w);
    case D.FPH_SYSREG:
      fpSysreg(c, w);
      return ST_RETIRE;
    case D.FPH_SIMD_3SAME:
      r = simd3Same(v, w);
      break;
    case D.FPH_SIMD_2MISC:
      r = simd2Misc(v, w);
      break;
    case D.FPH_SIMD_ACROSS:
      r = simdAcross(v, w);
      break;
    case D.FPH_SIMD_COPY:
      r = simdCopy(v, w, c.x);
      break;
    case D.FPH_SIMD_PERMUTE:
      r = simdPermute(v, w);
      break;
    case D.FPH_SIMD_EXT:
      r = simdExt(v, w);
      break;
    case D.FPH_SIMD_TBL:
      r = simdTbl(v, w);
      break;
    case D.FPH_SIMD_MODIMM:
      r = simdModImm(v, w);
      break;
    case D.FPH_SIMD_SHIFTIMM:
      r = simdShiftImm(v, w);
      break;
    case D.FPH_FP_ARITH2:
      r = fpArith2(v, w);
      break;
    case D.FPH_FP_ARITH1:
      r = fpArith1(v, w);
      break;
    case D.FPH_FP_CMP:
      r = fpCompare(c, w);
      break;
    case D.FPH_FP_CCMP:
      r = fpCondCompare(c, w);
      break;
    case D.FPH_FP_CSEL:
      r = fpCondSelect(c, w);
      break;
    case D.FPH_FP_MOVIMM:
      r = fpMovImm(v, w);
      break;
    case D.FPH_FP_CONV:
      r = fpConvInt(c, w);
      break;
    case D.FPH_SIMD_SCALAR_2MISC:
      r = fpScalarConvSimd(v, w);
      break;
    default:
      r = -1;
  }
  if (r === 0) return ST_RETIRE;
  c.undefCounts[FP_UNDEF]++;
  takeUndefined(c);
  return ST_FAULT;
}

/** MRS/MSR FPCR (op2 0) / FPSR (op2 1). */
function fpSysreg(c: CpuCore, w: number): void {
  const fpsr = ((w >>> 5) & 1) === 1;
  const rt = w & 31;
  const x = c.x;
  if ((w >>> 21) & 1) {
    if (rt === 31) return;
    x[rt * 2] = fpsr ? c.fp.fpsr : c.fp.fpcr;
    x[rt * 2 + 1] = 0;
    return;
  }
  const val = rt === 31 ? 0 : x[rt * 2];
  if (fpsr) c.fp.fpsr = (val & FPSR_MASK) >>> 0;
  else c.fp.fpcr = (val & FPCR_MASK) >>> 0;
}
