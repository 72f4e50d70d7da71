// Data processing -- register (Arm ARM C4.1.88): logical and add/subtract
// (shifted, extended), with carry, conditional compare and select, 1- and
// 2-source, 3-source (multiply). Rows in priority order.

import {
  AS_S,
  AS_SF,
  AS_SUB,
  F_A,
  F_B,
  F_IMM,
  F_R3,
  F_RD,
  F_RM,
  F_RN,
  OP_ADC,
  OP_ADDSUB_EXT,
  OP_ADDSUB_SHIFT,
  OP_CCMP,
  OP_CSEL,
  OP_DIV,
  OP_LOGIC_SHIFT,
  OP_MADD,
  OP_MULH,
  OP_MULL,
  OP_ONE_SRC,
  OP_SHIFTV,
} from '../ops.ts';
import { rSP, rX, wX } from './fill-util.ts';
import { type Encoding, reject, row, undefRow } from './pattern.ts';

function asFlags(sf: number, op: number, s: number): number {
  return (op ? AS_SUB : 0) | (s ? AS_S : 0) | (sf ? AS_SF : 0);
}

/** The common Rd (XZR), Rn, Rm of this class. */
function regs3(f: Int32Array, k: number, rd: number, rn: number, rm: number): void {
  f[k + F_RD] = wX(rd);
  f[k + F_RN] = rX(rn);
  f[k + F_RM] = rX(rm);
}

export const DP_REG: Encoding[] = [
  row({
    name: 'AND/BIC/ORR/ORN/EOR/EON/ANDS/BICS (shifted register)',
    pattern: 'sf:1 opc:2 01010 shift:2 N:1 Rm:5 imm6:6 Rn:5 Rd:5',
    fill(v, f, k) {
      if (!v.sf && v.imm6 >= 32) return reject(f, k, 'unallocated');
      regs3(f, k, v.Rd, v.Rn, v.Rm);
      f[k + F_A] = v.opc | (v.N << 2) | (v.sf << 3);
      f[k + F_B] = v.shift | (v.imm6 << 2);
      return OP_LOGIC_SHIFT;
    },
  }),
  row({
    name: 'ADD/ADDS/SUB/SUBS (shifted register)',
    pattern: 'sf:1 op:1 S:1 01011 shift:2 0 Rm:5 imm6:6 Rn:5 Rd:5',
    fill(v, f, k) {
      if (v.shift === 3 || (!v.sf && v.imm6 >= 32)) return reject(f, k, 'unallocated');
      regs3(f, k, v.Rd, v.Rn, v.Rm);
      f[k + F_A] = asFlags(v.sf, v.op, v.S);
      f[k + F_B] = v.shift | (v.imm6 << 2);
      return OP_ADDSUB_SHIFT;
    },
  }),
  row({
    name: 'ADD/ADDS/SUB/SUBS (extended register)',
    pattern: 'sf:1 op:1 S:1 01011 opt:2 1 Rm:5 option:3 imm3:3 Rn:5 Rd:5',
    fill(v, f, k) {
      if (v.opt !== 0 || v.imm3 > 4) return reject(f, k, 'unallocated');
      f[k + F_RD] = v.S ? wX(v.Rd) : rSP(v.Rd);
      f[k + F_RN] = rSP(v.Rn);
      f[k + F_RM] = rX(v.Rm);
      f[k + F_A] = asFlags(v.sf, v.op, v.S);
      f[k + F_B] = v.option | (v.imm3 << 3);
      return OP_ADDSUB_EXT;
    },
  }),
  row({
    name: 'ADC/ADCS/SBC/SBCS',
    pattern: 'sf:1 op:1 S:1 11010000 Rm:5 op3:6 Rn:5 Rd:5',
    fill(v, f, k) {
      // op3 != 0: RMIF, SETF8/16 (FEAT_FlagM).
      if (v.op3) return reject(f, k, 'flagm');
      regs3(f, k, v.Rd, v.Rn, v.Rm);
      f[k + F_A] = asFlags(v.sf, v.op, v.S);
      return OP_ADC;
    },
  }),
  row({
    name: 'CCMN/CCMP (register, immediate)',
    pattern: 'sf:1 op:1 S:1 11010010 Rm:5 cond:4 imm:1 o2:1 Rn:5 o3:1 nzcv:4',
    fill(v, f, k) {
      if (!v.S || v.o2 || v.o3) return reject(f, k, 'unallocated');
      regs3(f, k, v.nzcv, v.Rn, v.Rm);
      f[k + F_IMM] = v.Rm;
      f[k + F_A] = v.cond;
      f[k + F_B] = v.nzcv | (v.op << 4) | (v.sf << 5) | (v.imm << 6);
      return OP_CCMP;
    },
  }),
  row({
    name: 'CSEL/CSINC/CSINV/CSNEG',
    pattern: 'sf:1 op:1 S:1 11010100 Rm:5 cond:4 o2:2 Rn:5 Rd:5',
    fill(v, f, k) {
      if (v.S || v.o2 >= 2) return reject(f, k, 'unallocated');
      regs3(f, k, v.Rd, v.Rn, v.Rm);
      f[k + F_A] = v.cond;
      f[k + F_B] = (v.op << 1) | v.o2 | (v.sf << 2);
      return OP_CSEL;
    },
  }),
  row({
    name: 'RBIT/REV16/REV32/REV/CLZ/CLS',
    pattern: 'sf:1 1 S:1 11010110 opcode2:5 opcode:6 Rn:5 Rd:5',
    fill(v, f, k) {
      if (v.S || v.opcode2 !== 0 || v.opcode > 5 || (v.opcode === 3 && !v.sf))
        return reject(f, k, v.opcode2 === 1 ? 'pointer-auth' : 'unallocated');
      regs3(f, k, v.Rd, v.Rn, v.opcode2);
      // REV (32-bit) shares opcode 2 with REV32; make it "reverse the whole register".
      f[k + F_A] = !v.sf && v.opcode === 2 ? 3 : v.opcode;
      f[k + F_B] = v.sf;
      return OP_ONE_SRC;
    },
  }),
  undefRow('Data-processing (2 source), S = 1', 'x 0 1 11010110 xxxxx xxxxxx xxxxx xxxxx', 'unallocated'),
  row({
    name: 'UDIV/SDIV',
    pattern: 'sf:1 0 0 11010110 Rm:5 00001 o1:1 Rn:5 Rd:5',
    fill(v, f, k) {
      regs3(f, k, v.Rd, v.Rn, v.Rm);
      f[k + F_A] = v.o1 | (v.sf << 1);
      return OP_DIV;
    },
  }),
  row({
    name: 'LSLV/LSRV/ASRV/RORV',
    pattern: 'sf:1 0 0 11010110 Rm:5 0010 op2:2 Rn:5 Rd:5',
    fill(v, f, k) {
      regs3(f, k, v.Rd, v.Rn, v.Rm);
      f[k + F_A] = v.op2 | (v.sf << 2);
      return OP_SHIFTV;
    },
  }),
  undefRow('CRC32', 'x 0 0 11010110 xxxxx 010xxx xxxxx xxxxx', 'crc32'),
  undefRow('Data-processing (2 source), other', 'x 0 0 11010110 xxxxx xxxxxx xxxxx xxxxx', 'unallocated'),
  row({
    name: 'MADD/MSUB',
    pattern: 'sf:1 00 11011 000 Rm:5 o0:1 Ra:5 Rn:5 Rd:5',
    fill(v, f, k) {
      regs3(f, k, v.Rd, v.Rn, v.Rm);
      f[k + F_R3] = rX(v.Ra);
      f[k + F_A] = v.o0 | (v.sf << 1);
      return OP_MADD;
    },
  }),
  row({
    name: 'SMADDL/SMSUBL/UMADDL/UMSUBL',
    pattern: '1 00 11011 U:1 01 Rm:5 o0:1 Ra:5 Rn:5 Rd:5',
    fill(v, f, k) {
      regs3(f, k, v.Rd, v.Rn, v.Rm);
      f[k + F_R3] = rX(v.Ra);
      f[k + F_A] = v.o0 | (v.U ? 0 : 2);
      return OP_MULL;
    },
  }),
  row({
    name: 'SMULH/UMULH',
    pattern: '1 00 11011 U:1 10 Rm:5 0 Ra:5 Rn:5 Rd:5',
    fill(v, f, k) {
      regs3(f, k, v.Rd, v.Rn, v.Rm);
      f[k + F_R3] = rX(v.Ra);
      f[k + F_A] = v.U ? 0 : 1;
      return OP_MULH;
    },
  }),
  undefRow('Data-processing (register), unallocated', 'x x x 1 101 xxxxxxxxxxxxxxxxxxxxxxxxx', 'unallocated'),
];
