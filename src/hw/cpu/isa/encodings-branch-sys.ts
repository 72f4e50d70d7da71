// Branches, exception generation and system instructions (Arm ARM C4.1.85).
// Rows in priority order (FP's MRS/MSR FPCR/FPSR come first, encodings-fp.ts).

import {
  EXC_BRK,
  EXC_HVC,
  EXC_SMC,
  EXC_SVC,
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
} from '../ops.ts';
import {
  CBZ_NZ,
  CBZ_SF,
  F_BCOND_COND,
  F_BR_KIND,
  F_BRANCH_OFFSET,
  F_CBZ_BITS,
  F_EXC_IMM16,
  F_EXC_KIND,
  F_HINT,
  F_PSTATE_FIELD,
  F_PSTATE_IMM,
  F_SYS_KIND,
  F_SYS_OPS,
  F_SYS_RT,
  F_SYSREG_ENC,
  F_SYSREG_INDEX,
  F_SYSREG_RT,
  F_TBZ_BIT,
  F_TBZ_IF,
} from '../slots.ts';
import { lookupSysreg } from '../sysregs.ts';
import { rX, sext, wX } from './fill-util.ts';
import { barrierOption, hintName, pstateName, sysregGeneric, sysregText, sysText } from './dis-sys.ts';
import { COND, dec, hex, ins, target, xr } from './dis-util.ts';
import { type Encoding, reject, row, undefRow } from './pattern.ts';

/** MSR (immediate) PSTATE fields by op1:op2 (C5.2, "MSR (immediate)"); -1: not implemented. */
function pstateField(op1: number, op2: number): number {
  if (op1 === 0 && op2 === 5) return PSF_SPSEL;
  if (op1 === 3 && op2 === 6) return PSF_DAIFSET;
  if (op1 === 3 && op2 === 7) return PSF_DAIFCLR;
  return -1;
}

/** `msr s0_..., Xt`: how objdump reads the op0 = 00 encodings it has no name for. */
function msrGeneric(w: number): string {
  return ins('msr', sysregGeneric(w), xr(w & 31, 1));
}

export const BRANCH_SYS: Encoding[] = [
  row({
    name: 'B, BL',
    pattern: 'op:1 00101 imm26:26',
    fill(v, f, k) {
      f[k + F_BRANCH_OFFSET] = sext(v.imm26, 26) * 4;
      return v.op ? OP_BL : OP_B;
    },
    dis: (v, pc) => ins(v.op ? 'bl' : 'b', target(pc, sext(v.imm26, 26) * 4)),
  }),
  row({
    name: 'CBZ, CBNZ',
    pattern: 'sf:1 011010 op:1 imm19:19 Rt:5',
    fill(v, f, k) {
      f[k + F_RN] = rX(v.Rt);
      f[k + F_BRANCH_OFFSET] = sext(v.imm19, 19) * 4;
      f[k + F_CBZ_BITS] = (v.op ? CBZ_NZ : 0) | (v.sf ? CBZ_SF : 0);
      return OP_CBZ;
    },
    dis: (v, pc) => ins(v.op ? 'cbnz' : 'cbz', xr(v.Rt, v.sf), target(pc, sext(v.imm19, 19) * 4)),
  }),
  row({
    name: 'TBZ, TBNZ',
    pattern: 'b5:1 011011 op:1 b40:5 imm14:14 Rt:5',
    fill(v, f, k) {
      f[k + F_RN] = rX(v.Rt);
      f[k + F_BRANCH_OFFSET] = sext(v.imm14, 14) * 4;
      f[k + F_TBZ_IF] = v.op;
      f[k + F_TBZ_BIT] = (v.b5 << 5) | v.b40;
      return OP_TBZ;
    },
    dis: (v, pc) =>
      ins(v.op ? 'tbnz' : 'tbz', xr(v.Rt, v.b5), dec((v.b5 << 5) | v.b40), target(pc, sext(v.imm14, 14) * 4)),
  }),
  undefRow('BC.cond (FEAT_HBC)', '01010100 xxxxxxxxxxxxxxxxxxx 1 xxxx', 'other-extension'),
  row({
    name: 'B.cond',
    pattern: '01010100 imm19:19 o0=0 cond:4',
    fill(v, f, k) {
      f[k + F_BRANCH_OFFSET] = sext(v.imm19, 19) * 4;
      f[k + F_BCOND_COND] = v.cond;
      return OP_BCOND;
    },
    dis: (v, pc) => ins(`b.${COND[v.cond]}`, target(pc, sext(v.imm19, 19) * 4)),
  }),
  row({
    name: 'SVC, HVC, SMC',
    pattern: '11010100 000 imm16:16 000 LL:2',
    fill(v, f, k) {
      if (v.LL === 0) return reject(f, k, 'unallocated');
      f[k + F_EXC_KIND] = v.LL === 1 ? EXC_SVC : v.LL === 2 ? EXC_HVC : EXC_SMC;
      f[k + F_EXC_IMM16] = v.imm16;
      return OP_EXC;
    },
    dis: (v) => (v.LL ? ins(['', 'svc', 'hvc', 'smc'][v.LL], hex(v.imm16)) : null),
  }),
  row({
    name: 'BRK',
    pattern: '11010100 001 imm16:16 000 00',
    fill(v, f, k) {
      f[k + F_EXC_KIND] = EXC_BRK;
      f[k + F_EXC_IMM16] = v.imm16;
      return OP_EXC;
    },
    dis: (v) => ins('brk', hex(v.imm16)),
  }),
  // Halting debug is not enabled (EDSCR.HDE = 0), so HLT is UNDEFINED (Arm ARM C6.2 HLT).
  row({
    name: 'HLT',
    pattern: '11010100 010 imm16:16 000 00',
    feature: 'undef',
    fill: (_v, f, k) => reject(f, k, 'hlt'),
    dis: (v) => ins('hlt', hex(v.imm16)),
  }),
  row({
    // UDF (C6.2): permanently UNDEFINED, op0 0000 with bits 31:16 zero; objdump prints the immediate in decimal.
    name: 'UDF',
    pattern: '0000000000000000 imm16:16',
    feature: 'undef',
    fill: (_v, f, k) => reject(f, k, 'unallocated'),
    dis: (v) => ins('udf', dec(v.imm16)),
  }),
  undefRow('Exception generation, other', '11010100 xxxxxxxxxxxxxxxxxxxxxxxx', 'unallocated'),
  row({
    name: 'MSR (register)',
    pattern: '1101010100 L=0 1 o0:1 op1:3 CRn:4 CRm:4 op2:3 Rt:5',
    fill(v, f, k, w) {
      const enc = (w >>> 5) & 0xffff;
      f[k + F_SYSREG_RT] = rX(v.Rt);
      f[k + F_SYSREG_ENC] = enc;
      f[k + F_SYSREG_INDEX] = lookupSysreg(enc);
      return OP_MSR;
    },
    dis: (_v, _pc, w) => ins('msr', sysregText((w >>> 5) & 0xffff), xr(w & 31, 1)),
  }),
  row({
    name: 'MRS',
    pattern: '1101010100 L=1 1 o0:1 op1:3 CRn:4 CRm:4 op2:3 Rt:5',
    fill(v, f, k, w) {
      const enc = (w >>> 5) & 0xffff;
      f[k + F_SYSREG_RT] = wX(v.Rt);
      f[k + F_SYSREG_ENC] = enc;
      f[k + F_SYSREG_INDEX] = lookupSysreg(enc);
      return OP_MRS;
    },
    dis: (_v, _pc, w) => ins('mrs', xr(w & 31, 1), sysregText((w >>> 5) & 0xffff)),
  }),
  undefRow('SYSL', '1101010100 1 01 xxxxxxxxxxxxxxxxxxx', 'unallocated'),
  row({
    name: 'DC ZVA',
    pattern: '1101010100 0 01 op1=011 CRn=0111 CRm=0100 op2=001 Rt:5',
    fill(v, f, k, w) {
      f[k + F_SYS_RT] = rX(v.Rt);
      f[k + F_SYS_OPS] = (w >>> 5) & 0x3fff;
      f[k + F_SYS_KIND] = SYS_DC_ZVA;
      return OP_SYS;
    },
    dis: (v) => sysText(v.op1, v.CRn, v.CRm, v.op2, v.Rt),
  }),
  row({
    name: 'AT',
    pattern: '1101010100 0 01 op1:3 CRn=0111 CRm=1000 op2:3 Rt:5',
    fill(v, f, k, w) {
      f[k + F_SYS_RT] = rX(v.Rt);
      f[k + F_SYS_OPS] = (w >>> 5) & 0x3fff;
      f[k + F_SYS_KIND] = SYS_AT;
      return OP_SYS;
    },
    dis: (v) => sysText(v.op1, v.CRn, v.CRm, v.op2, v.Rt),
  }),
  row({
    // IC and other DC maintenance: the decode cache is coherent by construction (CTR_EL0.DIC/IDC).
    name: 'DC, IC',
    pattern: '1101010100 0 01 op1:3 CRn=0111 CRm:4 op2:3 Rt:5',
    fill(v, f, k, w) {
      f[k + F_SYS_RT] = rX(v.Rt);
      f[k + F_SYS_OPS] = (w >>> 5) & 0x3fff;
      f[k + F_SYS_KIND] = SYS_NOP;
      return OP_SYS;
    },
    dis: (v) => sysText(v.op1, v.CRn, v.CRm, v.op2, v.Rt),
  }),
  row({
    name: 'TLBI',
    pattern: '1101010100 0 01 op1:3 CRn=1000 CRm:4 op2:3 Rt:5',
    fill(v, f, k, w) {
      f[k + F_SYS_RT] = rX(v.Rt);
      f[k + F_SYS_OPS] = (w >>> 5) & 0x3fff;
      f[k + F_SYS_KIND] = SYS_TLBI;
      return OP_SYS;
    },
    dis: (v) => sysText(v.op1, v.CRn, v.CRm, v.op2, v.Rt),
  }),
  undefRow('SYS, other', '1101010100 0 01 xxxxxxxxxxxxxxxxxxx', 'unallocated'),
  undefRow('System, op0 00 with L = 1', '1101010100 1 00 xxxxxxxxxxxxxxxxxxx', 'unallocated'),
  row({
    name: 'MSR (immediate)',
    pattern: '1101010100 0 00 op1:3 0100 CRm:4 op2:3 Rt:5',
    fill(v, f, k) {
      if (v.Rt !== 31) return reject(f, k, 'unallocated');
      const field = pstateField(v.op1, v.op2);
      if (field < 0) return reject(f, k, 'other-extension');
      f[k + F_PSTATE_FIELD] = field;
      f[k + F_PSTATE_IMM] = v.CRm;
      return OP_MSR_IMM;
    },
    dis(v, _pc, w) {
      const name = pstateName(v.op1, v.op2);
      return v.Rt === 31 && name !== null ? ins('msr', name, hex(v.CRm)) : msrGeneric(w);
    },
  }),
  row({
    // Hints are op1 = 011, Rt = 11111 only (Arm ARM C4.1 "System instructions": other op1 or Rt in
    // CRn = 0010 are unallocated, "System, other"). Unallocated hints execute as NOP (C6.2 HINT),
    // which covers PACIASP/BTI.
    name: 'HINT (NOP, YIELD, WFE, WFI, SEV, SEVL, ...)',
    pattern: '1101010100 0 00 op1=011 0010 CRm:4 op2:3 Rt=11111',
    fill(v, f, k) {
      const n = (v.CRm << 3) | v.op2;
      if (n < 2 || n > 5) return OP_NOP;
      f[k + F_HINT] = n;
      return OP_HINT;
    },
    dis: (v) => hintName((v.CRm << 3) | v.op2),
  }),
  row({
    // DSB, DMB, ISB: accesses are in order already. Barriers are op1 = 011 only (as hints).
    name: 'CLREX, DSB, DMB, ISB',
    pattern: '1101010100 0 00 op1=011 0011 CRm:4 op2:3 11111',
    fill(v, f, k) {
      if (v.op2 === 2) return OP_CLREX;
      if (v.op2 >= 4 && v.op2 <= 6) return OP_NOP;
      return reject(f, k, 'other-extension');
    },
    dis(v) {
      const opt = v.CRm === 15 ? [] : [hex(v.CRm)];
      if (v.op2 === 2) return ins('clrex', ...opt);
      if (v.op2 === 4 && (v.CRm === 0 || v.CRm === 4)) return v.CRm ? 'pssbb' : 'ssbb';
      if (v.op2 === 4 || v.op2 === 5) return ins(v.op2 === 4 ? 'dsb' : 'dmb', barrierOption(v.CRm));
      if (v.op2 === 6) return ins('isb', ...opt);
      return null;
    },
  }),
  undefRow('System, other', '1101010100 xxxxxxxxxxxxxxxxxxxxxx', 'unallocated'),
  row({
    name: 'BR, BLR, RET',
    pattern: '1101011 00 opc:2 11111 000000 Rn:5 00000',
    fill(v, f, k) {
      if (v.opc === 3) return reject(f, k, 'unallocated');
      f[k + F_RN] = rX(v.Rn);
      f[k + F_BR_KIND] = v.opc; // BR_BR, BR_BLR, BR_RET
      return OP_BR;
    },
    dis(v) {
      if (v.opc === 3) return null;
      if (v.opc === 2) return v.Rn === 30 ? 'ret' : ins('ret', xr(v.Rn, 1));
      return ins(v.opc ? 'blr' : 'br', xr(v.Rn, 1));
    },
  }),
  row({
    name: 'ERET',
    pattern: '1101011 0100 11111 000000 11111 00000',
    fill: () => OP_ERET,
    dis: () => 'eret',
  }),
  row({
    // The authenticated branches and returns (FEAT_PAuth) have op3 or op4 != 0.
    name: 'Unconditional branch (register), other',
    pattern: '1101011 opc:4 op2=11111 op3:6 Rn:5 op4:5',
    fill: (v, f, k) => reject(f, k, v.op3 || v.op4 ? 'pointer-auth' : 'unallocated'),
  }),
];
