// Data processing -- register (Arm ARM C4.1.88): logical and add/subtract
// (shifted, extended), with carry, conditional compare and select, 1- and
// 2-source, 3-source (multiply). Rows in priority order.

import {
  AS_S,
  AS_SF,
  AS_SUB,
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
import {
  CCMP_IMM,
  CCMP_SF,
  CCMP_SUB_LSB,
  CSEL_SF,
  DIV_SF,
  DIV_SIGNED,
  EXTEND_AMOUNT_LSB,
  F_AS_EXTEND,
  F_AS_FLAGS,
  F_AS_SHIFT,
  F_CCMP_BITS,
  F_CCMP_COND,
  F_CCMP_IMM5,
  F_CSEL_BITS,
  F_CSEL_COND,
  F_LOGIC_OP,
  F_LOGIC_SHIFT,
  F_MUL_BITS,
  F_MUL_RA,
  F_ONE_SRC_OP,
  F_ONE_SRC_SF,
  F_SHIFTOP,
  LOGIC_NOT,
  LOGIC_SHIFT_SF,
  MADD_SF,
  MUL_SUB,
  MULH_SIGNED,
  MULL_SIGNED,
  ONE_SRC_REV,
  SHIFT_AMOUNT_LSB,
  SHIFTOP_SF,
} from '../slots.ts';
import { rSP, rX, wX } from './fill-util.ts';
import { COND, EXTEND, hex, ins, SHIFT, shiftSuffix, xr, xs } from './dis-util.ts';
import { type Encoding, reject, row, undefRow } from './pattern.ts';

const LOGIC = ['and', 'bic', 'orr', 'orn', 'eor', 'eon', 'ands', 'bics'];

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
      f[k + F_LOGIC_OP] = v.opc | (v.N ? LOGIC_NOT : 0) | (v.sf ? LOGIC_SHIFT_SF : 0);
      f[k + F_LOGIC_SHIFT] = v.shift | (v.imm6 << SHIFT_AMOUNT_LSB);
      return OP_LOGIC_SHIFT;
    },
    dis(v) {
      if (!v.sf && v.imm6 >= 32) return null;
      const [d, n, m] = [xr(v.Rd, v.sf), xr(v.Rn, v.sf), xr(v.Rm, v.sf)];
      const sh = shiftSuffix(v.shift, v.imm6);
      if (v.opc === 1 && !v.N && v.Rn === 31 && sh === '') return ins('mov', d, m);
      if (v.opc === 1 && v.N && v.Rn === 31) return ins('mvn', d, m) + sh;
      if (v.opc === 3 && !v.N && v.Rd === 31) return ins('tst', n, m) + sh;
      return ins(LOGIC[v.opc * 2 + v.N], d, n, m) + sh;
    },
  }),
  row({
    name: 'ADD/ADDS/SUB/SUBS (shifted register)',
    pattern: 'sf:1 op:1 S:1 01011 shift:2 0 Rm:5 imm6:6 Rn:5 Rd:5',
    fill(v, f, k) {
      if (v.shift === 3 || (!v.sf && v.imm6 >= 32)) return reject(f, k, 'unallocated');
      regs3(f, k, v.Rd, v.Rn, v.Rm);
      f[k + F_AS_FLAGS] = asFlags(v.sf, v.op, v.S);
      f[k + F_AS_SHIFT] = v.shift | (v.imm6 << SHIFT_AMOUNT_LSB);
      return OP_ADDSUB_SHIFT;
    },
    dis(v) {
      if (v.shift === 3 || (!v.sf && v.imm6 >= 32)) return null;
      const [d, n, m] = [xr(v.Rd, v.sf), xr(v.Rn, v.sf), xr(v.Rm, v.sf)];
      const sh = shiftSuffix(v.shift, v.imm6);
      if (v.S && v.Rd === 31) return ins(v.op ? 'cmp' : 'cmn', n, m) + sh;
      if (v.op && v.Rn === 31) return ins(v.S ? 'negs' : 'neg', d, m) + sh;
      return ins((v.op ? 'sub' : 'add') + (v.S ? 's' : ''), d, n, m) + sh;
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
      f[k + F_AS_FLAGS] = asFlags(v.sf, v.op, v.S);
      f[k + F_AS_EXTEND] = v.option | (v.imm3 << EXTEND_AMOUNT_LSB);
      return OP_ADDSUB_EXT;
    },
    dis(v) {
      if (v.opt !== 0 || v.imm3 > 4) return null;
      const d = v.S ? xr(v.Rd, v.sf) : xs(v.Rd, v.sf);
      const n = xs(v.Rn, v.sf);
      const m = xr(v.Rm, v.sf && (v.option & 3) === 3 ? 1 : 0);
      // LSL is preferred for UXTW (32-bit) / UXTX (64-bit) when Rd or Rn is the stack pointer.
      const sp = v.Rn === 31 || (!v.S && v.Rd === 31);
      let ext: string;
      if (sp && v.option === (v.sf ? 3 : 2)) ext = v.imm3 ? `lsl #${v.imm3}` : '';
      else ext = EXTEND[v.option] + (v.imm3 ? ` #${v.imm3}` : '');
      const tail = ext ? [ext] : [];
      if (v.S && v.Rd === 31) return ins(v.op ? 'cmp' : 'cmn', n, m, ...tail);
      return ins((v.op ? 'sub' : 'add') + (v.S ? 's' : ''), d, n, m, ...tail);
    },
  }),
  row({
    name: 'ADC/ADCS/SBC/SBCS',
    pattern: 'sf:1 op:1 S:1 11010000 Rm:5 op3:6 Rn:5 Rd:5',
    fill(v, f, k) {
      // op3 != 0: RMIF, SETF8/16 (FEAT_FlagM).
      if (v.op3) return reject(f, k, 'flagm');
      regs3(f, k, v.Rd, v.Rn, v.Rm);
      f[k + F_AS_FLAGS] = asFlags(v.sf, v.op, v.S);
      return OP_ADC;
    },
    dis(v) {
      if (v.op3) return null;
      const [d, n, m] = [xr(v.Rd, v.sf), xr(v.Rn, v.sf), xr(v.Rm, v.sf)];
      if (v.op && v.Rn === 31) return ins(v.S ? 'ngcs' : 'ngc', d, m);
      return ins((v.op ? 'sbc' : 'adc') + (v.S ? 's' : ''), d, n, m);
    },
  }),
  row({
    name: 'CCMN/CCMP (register, immediate)',
    pattern: 'sf:1 op:1 S:1 11010010 Rm:5 cond:4 imm:1 o2:1 Rn:5 o3:1 nzcv:4',
    fill(v, f, k) {
      if (!v.S || v.o2 || v.o3) return reject(f, k, 'unallocated');
      regs3(f, k, v.nzcv, v.Rn, v.Rm);
      f[k + F_CCMP_IMM5] = v.Rm;
      f[k + F_CCMP_COND] = v.cond;
      f[k + F_CCMP_BITS] = v.nzcv | (v.op << CCMP_SUB_LSB) | (v.sf ? CCMP_SF : 0) | (v.imm ? CCMP_IMM : 0);
      return OP_CCMP;
    },
    dis(v) {
      if (!v.S || v.o2 || v.o3) return null;
      const b = v.imm ? hex(v.Rm) : xr(v.Rm, v.sf);
      return ins(v.op ? 'ccmp' : 'ccmn', xr(v.Rn, v.sf), b, hex(v.nzcv), COND[v.cond]);
    },
  }),
  row({
    name: 'CSEL/CSINC/CSINV/CSNEG',
    pattern: 'sf:1 op:1 S:1 11010100 Rm:5 cond:4 o2:2 Rn:5 Rd:5',
    fill(v, f, k) {
      if (v.S || v.o2 >= 2) return reject(f, k, 'unallocated');
      regs3(f, k, v.Rd, v.Rn, v.Rm);
      f[k + F_CSEL_COND] = v.cond;
      // The kind (CSEL_KIND_*) is op:o2.
      f[k + F_CSEL_BITS] = (v.op << 1) | v.o2 | (v.sf ? CSEL_SF : 0);
      return OP_CSEL;
    },
    dis(v) {
      if (v.S || v.o2 >= 2) return null;
      const [d, n, m] = [xr(v.Rd, v.sf), xr(v.Rn, v.sf), xr(v.Rm, v.sf)];
      const kind = (v.op << 1) | v.o2; // 0 CSEL, 1 CSINC, 2 CSINV, 3 CSNEG
      const inv = COND[v.cond ^ 1];
      if (kind !== 0 && v.cond < 14 && v.Rn === v.Rm) {
        if (v.Rn === 31 && kind !== 3) return ins(kind === 1 ? 'cset' : 'csetm', d, inv);
        if (v.Rn !== 31 || kind === 3) return ins(['', 'cinc', 'cinv', 'cneg'][kind], d, n, inv);
      }
      return ins(['csel', 'csinc', 'csinv', 'csneg'][kind], d, n, m, COND[v.cond]);
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
      f[k + F_ONE_SRC_OP] = !v.sf && v.opcode === 2 ? ONE_SRC_REV : v.opcode;
      f[k + F_ONE_SRC_SF] = v.sf;
      return OP_ONE_SRC;
    },
    dis(v) {
      if (v.S || v.opcode2 !== 0 || v.opcode > 5 || (v.opcode === 3 && !v.sf)) return null;
      const m = ['rbit', 'rev16', v.sf ? 'rev32' : 'rev', 'rev', 'clz', 'cls'][v.opcode];
      return ins(m, xr(v.Rd, v.sf), xr(v.Rn, v.sf));
    },
  }),
  undefRow('Data-processing (2 source), S = 1', 'x 0 1 11010110 xxxxx xxxxxx xxxxx xxxxx', 'unallocated'),
  row({
    name: 'UDIV/SDIV',
    pattern: 'sf:1 0 0 11010110 Rm:5 00001 o1:1 Rn:5 Rd:5',
    fill(v, f, k) {
      regs3(f, k, v.Rd, v.Rn, v.Rm);
      f[k + F_MUL_BITS] = (v.o1 ? DIV_SIGNED : 0) | (v.sf ? DIV_SF : 0);
      return OP_DIV;
    },
    dis: (v) => ins(v.o1 ? 'sdiv' : 'udiv', xr(v.Rd, v.sf), xr(v.Rn, v.sf), xr(v.Rm, v.sf)),
  }),
  row({
    name: 'LSLV/LSRV/ASRV/RORV',
    pattern: 'sf:1 0 0 11010110 Rm:5 0010 op2:2 Rn:5 Rd:5',
    fill(v, f, k) {
      regs3(f, k, v.Rd, v.Rn, v.Rm);
      f[k + F_SHIFTOP] = v.op2 | (v.sf ? SHIFTOP_SF : 0);
      return OP_SHIFTV;
    },
    dis: (v) => ins(SHIFT[v.op2], xr(v.Rd, v.sf), xr(v.Rn, v.sf), xr(v.Rm, v.sf)),
  }),
  undefRow('CRC32', 'x 0 0 11010110 xxxxx 010xxx xxxxx xxxxx', 'crc32'),
  undefRow('Data-processing (2 source), other', 'x 0 0 11010110 xxxxx xxxxxx xxxxx xxxxx', 'unallocated'),
  row({
    name: 'MADD/MSUB',
    pattern: 'sf:1 00 11011 000 Rm:5 o0:1 Ra:5 Rn:5 Rd:5',
    fill(v, f, k) {
      regs3(f, k, v.Rd, v.Rn, v.Rm);
      f[k + F_MUL_RA] = rX(v.Ra);
      f[k + F_MUL_BITS] = (v.o0 ? MUL_SUB : 0) | (v.sf ? MADD_SF : 0);
      return OP_MADD;
    },
    dis(v) {
      const [d, n, m] = [xr(v.Rd, v.sf), xr(v.Rn, v.sf), xr(v.Rm, v.sf)];
      if (v.Ra === 31) return ins(v.o0 ? 'mneg' : 'mul', d, n, m);
      return ins(v.o0 ? 'msub' : 'madd', d, n, m, xr(v.Ra, v.sf));
    },
  }),
  row({
    name: 'SMADDL/SMSUBL/UMADDL/UMSUBL',
    pattern: '1 00 11011 U:1 01 Rm:5 o0:1 Ra:5 Rn:5 Rd:5',
    fill(v, f, k) {
      regs3(f, k, v.Rd, v.Rn, v.Rm);
      f[k + F_MUL_RA] = rX(v.Ra);
      f[k + F_MUL_BITS] = (v.o0 ? MUL_SUB : 0) | (v.U ? 0 : MULL_SIGNED);
      return OP_MULL;
    },
    dis(v) {
      const u = v.U ? 'u' : 's';
      const [d, n, m] = [xr(v.Rd, 1), xr(v.Rn, 0), xr(v.Rm, 0)];
      if (v.Ra === 31) return ins(u + (v.o0 ? 'mnegl' : 'mull'), d, n, m);
      return ins(u + (v.o0 ? 'msubl' : 'maddl'), d, n, m, xr(v.Ra, 1));
    },
  }),
  row({
    name: 'SMULH/UMULH',
    pattern: '1 00 11011 U:1 10 Rm:5 0 Ra:5 Rn:5 Rd:5',
    fill(v, f, k) {
      regs3(f, k, v.Rd, v.Rn, v.Rm);
      f[k + F_MUL_RA] = rX(v.Ra);
      f[k + F_MUL_BITS] = v.U ? 0 : MULH_SIGNED;
      return OP_MULH;
    },
    dis: (v) => ins(v.U ? 'umulh' : 'smulh', xr(v.Rd, 1), xr(v.Rn, 1), xr(v.Rm, 1)),
  }),
  undefRow('Data-processing (register), unallocated', 'x x x 1 101 xxxxxxxxxxxxxxxxxxxxxxxxx', 'unallocated'),
];
