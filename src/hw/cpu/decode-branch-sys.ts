// Decoding of branches, exception generation and system instructions
// (Arm ARM C4.1.93).

import { clear, rX, sext, undef, wX } from './decode-util.ts';
import {
  EXC_BRK,
  EXC_HVC,
  EXC_SMC,
  EXC_SVC,
  F_A,
  F_B,
  F_IMM,
  F_RD,
  F_RN,
  OP_B,
  OP_BCOND,
  OP_BL,
  OP_BR,
  OP_CBZ,
  OP_CLREX,
  OP_ERET,
  OP_EXC,
  OP_HINT,
  OP_MRS,
  OP_MSR,
  OP_MSR_IMM,
  OP_NOP,
  OP_SYS,
  OP_TBZ,
  PSF_DAIFCLR,
  PSF_DAIFSET,
  PSF_SPSEL,
  SYS_AT,
  SYS_DC_ZVA,
  SYS_NOP,
  SYS_TLBI,
} from './ops.ts';
import { lookupSysreg } from './sysregs.ts';

export function decodeBranchSys(w: number, ops: Uint16Array, f: Int32Array, i: number): void {
  const k = clear(f, i);
  const rt = w & 31;
  if (((w >>> 26) & 0x1f) === 0x05) {
    ops[i] = w >>> 31 ? OP_BL : OP_B;
    f[k + F_IMM] = sext(w & 0x3ff_ffff, 26) * 4;
    return;
  }
  const b30_25 = (w >>> 25) & 0x3f;
  if (b30_25 === 0x1a) {
    ops[i] = OP_CBZ;
    f[k + F_RN] = rX(rt);
    f[k + F_IMM] = sext((w >>> 5) & 0x7ffff, 19) * 4;
    f[k + F_A] = ((w >>> 24) & 1) | ((w >>> 31) << 1);
    return;
  }
  if (b30_25 === 0x1b) {
    ops[i] = OP_TBZ;
    f[k + F_RN] = rX(rt);
    f[k + F_IMM] = sext((w >>> 5) & 0x3fff, 14) * 4;
    f[k + F_A] = (w >>> 24) & 1;
    f[k + F_B] = ((w >>> 31) << 5) | ((w >>> 19) & 31);
    return;
  }
  const top8 = w >>> 24;
  if (top8 === 0x54) {
    if ((w >>> 4) & 1) {
      undef(ops, f, i, 'other-extension');
      return;
    }
    ops[i] = OP_BCOND;
    f[k + F_IMM] = sext((w >>> 5) & 0x7ffff, 19) * 4;
    f[k + F_A] = w & 15;
    return;
  }
  if (top8 === 0xd4) {
    decodeException(w, ops, f, i, k);
    return;
  }
  if (w >>> 22 === 0x354) {
    decodeSystem(w, ops, f, i, k);
    return;
  }
  if (w >>> 25 === 0x6b) {
    const opc = (w >>> 21) & 15;
    const rn = (w >>> 5) & 31;
    if (((w >>> 16) & 31) !== 31) {
      undef(ops, f, i, 'unallocated');
      return;
    }
    if ((w >>> 10) & 63 || rt !== 0) {
      undef(ops, f, i, 'pointer-auth');
      return;
    }
    if (opc <= 2) {
      ops[i] = OP_BR;
      f[k + F_RN] = rX(rn);
      f[k + F_A] = opc;
      return;
    }
    if (opc === 4 && rn === 31) {
      ops[i] = OP_ERET;
      return;
    }
    undef(ops, f, i, 'unallocated');
    return;
  }
  undef(ops, f, i, 'unallocated');
}

function decodeException(w: number, ops: Uint16Array, f: Int32Array, i: number, k: number): void {
  const opc = (w >>> 21) & 7;
  const ll = w & 3;
  if ((w >>> 2) & 7) {
    undef(ops, f, i, 'unallocated');
    return;
  }
  let kind = 0;
  if (opc === 0 && ll !== 0) kind = ll === 1 ? EXC_SVC : ll === 2 ? EXC_HVC : EXC_SMC;
  else if (opc === 1 && ll === 0) kind = EXC_BRK;
  // HLT: halting debug is not enabled (EDSCR.HDE = 0), so HLT is UNDEFINED (Arm ARM C6.2 HLT).
  else if (opc === 2 && ll === 0) {
    undef(ops, f, i, 'hlt');
    return;
  } else {
    undef(ops, f, i, 'unallocated');
    return;
  }
  ops[i] = OP_EXC;
  f[k + F_A] = kind;
  f[k + F_IMM] = (w >>> 5) & 0xffff;
}

function decodeSystem(w: number, ops: Uint16Array, f: Int32Array, i: number, k: number): void {
  const l = (w >>> 21) & 1;
  const op0 = (w >>> 19) & 3;
  const op1 = (w >>> 16) & 7;
  const crn = (w >>> 12) & 15;
  const crm = (w >>> 8) & 15;
  const op2 = (w >>> 5) & 7;
  const rt = w & 31;
  if (op0 >= 2) {
    const enc = (w >>> 5) & 0xffff;
    ops[i] = l ? OP_MRS : OP_MSR;
    f[k + F_RD] = l ? wX(rt) : rX(rt);
    f[k + F_IMM] = enc;
    f[k + F_A] = lookupSysreg(enc);
    return;
  }
  if (op0 === 1) {
    if (l) {
      undef(ops, f, i, 'unallocated');
      return;
    }
    ops[i] = OP_SYS;
    f[k + F_RD] = rX(rt);
    f[k + F_IMM] = (w >>> 5) & 0x3fff;
    if (crn === 7) {
      if (op1 === 3 && crm === 4 && op2 === 1) f[k + F_A] = SYS_DC_ZVA;
      else if (crm === 8) f[k + F_A] = SYS_AT;
      // IC and other DC maintenance: the decode cache is coherent by construction (CTR_EL0.DIC/IDC).
      else f[k + F_A] = SYS_NOP;
      return;
    }
    if (crn === 8) {
      f[k + F_A] = SYS_TLBI;
      return;
    }
    undef(ops, f, i, 'unallocated');
    return;
  }
  if (l) {
    undef(ops, f, i, 'unallocated');
    return;
  }
  if (crn === 4) {
    if (rt !== 31) {
      undef(ops, f, i, 'unallocated');
      return;
    }
    let field: number;
    if (op1 === 0 && op2 === 5) field = PSF_SPSEL;
    else if (op1 === 3 && op2 === 6) field = PSF_DAIFSET;
    else if (op1 === 3 && op2 === 7) field = PSF_DAIFCLR;
    else {
      undef(ops, f, i, 'other-extension');
      return;
    }
    ops[i] = OP_MSR_IMM;
    f[k + F_A] = field;
    f[k + F_IMM] = crm;
    return;
  }
  if (crn === 2) {
    // Hints; unallocated hints execute as NOP (Arm ARM C6.2 HINT), which covers PACIASP/BTI.
    const n = (crm << 3) | op2;
    if (n >= 2 && n <= 5) {
      ops[i] = OP_HINT;
      f[k + F_A] = n;
    } else ops[i] = OP_NOP;
    return;
  }
  if (crn === 3 && rt === 31) {
    if (op2 === 2) ops[i] = OP_CLREX;
    else if (op2 >= 4 && op2 <= 6)
      ops[i] = OP_NOP; // DSB, DMB, ISB: accesses are in order already
    else undef(ops, f, i, 'other-extension');
    return;
  }
  undef(ops, f, i, 'unallocated');
}
