// Data processing -- immediate (Arm ARM C4.1.86): PC-relative addressing,
// add/subtract, logical, move wide, bitfield, extract. Rows in priority
// order (the first matching row wins).

import {
  AS_S,
  AS_SF,
  AS_SUB,
  F_A,
  F_B,
  F_IMM,
  F_IMMHI,
  F_R3,
  F_RD,
  F_RM,
  F_RN,
  OP_ADDSUB_IMM,
  OP_ADR,
  OP_BITFIELD,
  OP_EXTR,
  OP_LOGIC_IMM,
  OP_MOVI,
  OP_MOVK,
  OP_SHIFT_IMM,
} from '../ops.ts';
import { decodeBitMasks, hi32, lo32, rSP, rX, sext, wX } from './fill-util.ts';
import { type Encoding, reject, row, undefRow } from './pattern.ts';

/** The logical immediate of (sf, N, immr, imms), or null where reserved. */
export function logicalImm(sf: number, n: number, immr: number, imms: number): bigint | null {
  if (!sf && n) return null;
  const m = decodeBitMasks(n, imms, immr, true, sf ? 64 : 32);
  return m === null ? null : m[0];
}

function fillLogicImm(f: Int32Array, k: number, imm: bigint): void {
  f[k + F_IMM] = lo32(imm);
  f[k + F_IMMHI] = hi32(imm);
}

export const DP_IMM: Encoding[] = [
  row({
    name: 'ADR, ADRP',
    pattern: 'op:1 immlo:2 10000 immhi:19 Rd:5',
    fill(v, f, k) {
      f[k + F_RD] = wX(v.Rd);
      f[k + F_IMM] = sext((v.immhi << 2) | v.immlo, 21);
      f[k + F_A] = v.op;
      return OP_ADR;
    },
  }),
  row({
    name: 'ADD/ADDS/SUB/SUBS (immediate)',
    pattern: 'sf:1 op:1 S:1 100010 sh:1 imm12:12 Rn:5 Rd:5',
    fill(v, f, k) {
      f[k + F_RD] = v.S ? wX(v.Rd) : rSP(v.Rd);
      f[k + F_RN] = rSP(v.Rn);
      f[k + F_IMM] = v.imm12 << (v.sh * 12);
      f[k + F_A] = (v.op ? AS_SUB : 0) | (v.S ? AS_S : 0) | (v.sf ? AS_SF : 0);
      return OP_ADDSUB_IMM;
    },
  }),
  undefRow('Add/subtract (immediate, with tags)', 'xxx 100011 xxxxxxxxxxxxxxxxxxxxxxx', 'mte'),
  row({
    // ORR with XZR is a constant: its own op.
    name: 'MOV (bitmask immediate)',
    pattern: 'sf:1 opc=01 100100 N:1 immr:6 imms:6 Rn=11111 Rd:5',
    fill(v, f, k) {
      const imm = logicalImm(v.sf, v.N, v.immr, v.imms);
      if (imm === null) return reject(f, k, 'unallocated');
      f[k + F_RD] = rSP(v.Rd);
      fillLogicImm(f, k, imm);
      return OP_MOVI;
    },
  }),
  row({
    name: 'AND/ORR/EOR/ANDS (immediate)',
    pattern: 'sf:1 opc:2 100100 N:1 immr:6 imms:6 Rn:5 Rd:5',
    fill(v, f, k) {
      const imm = logicalImm(v.sf, v.N, v.immr, v.imms);
      if (imm === null) return reject(f, k, 'unallocated');
      f[k + F_RD] = v.opc === 3 ? wX(v.Rd) : rSP(v.Rd);
      f[k + F_RN] = rX(v.Rn);
      f[k + F_A] = v.opc | (v.sf << 2);
      fillLogicImm(f, k, imm);
      return OP_LOGIC_IMM;
    },
  }),
  undefRow('Move wide (immediate), opc 01', 'x 01 100101 xxxxxxxxxxxxxxxxxxxxxxx', 'unallocated'),
  row({
    name: 'MOVK',
    pattern: 'sf:1 opc=11 100101 hw:2 imm16:16 Rd:5',
    fill(v, f, k) {
      if (!v.sf && v.hw >= 2) return reject(f, k, 'unallocated');
      f[k + F_RD] = wX(v.Rd);
      f[k + F_IMM] = v.imm16;
      f[k + F_A] = v.hw * 16;
      f[k + F_B] = v.sf;
      return OP_MOVK;
    },
  }),
  row({
    name: 'MOVN, MOVZ',
    pattern: 'sf:1 opc:2 100101 hw:2 imm16:16 Rd:5',
    fill(v, f, k) {
      if (!v.sf && v.hw >= 2) return reject(f, k, 'unallocated');
      f[k + F_RD] = wX(v.Rd);
      // imm16 << hw*16 as two halves; MOVN inverts, and a 32-bit MOVN has a zero upper half.
      let lo = v.hw === 0 ? v.imm16 : v.hw === 1 ? v.imm16 << 16 : 0;
      let hi = v.hw === 2 ? v.imm16 : v.hw === 3 ? v.imm16 << 16 : 0;
      if (v.opc === 0) {
        lo = ~lo;
        hi = v.sf ? ~hi : 0;
      }
      f[k + F_IMM] = lo | 0;
      f[k + F_IMMHI] = hi | 0;
      return OP_MOVI;
    },
  }),
  undefRow('Bitfield, opc 11', 'x 11 100110 xxxxxxxxxxxxxxxxxxxxxxx', 'unallocated'),
  row({
    // SBFM / BFM / UBFM, with the shift aliases (LSL, LSR, ASR) as their own fast op.
    name: 'SBFM, BFM, UBFM',
    pattern: 'sf:1 opc:2 100110 N:1 immr:6 imms:6 Rn:5 Rd:5',
    fill(v, f, k) {
      const { sf, opc, N: n, immr, imms } = v;
      if (n !== sf || (!sf && (immr >= 32 || imms >= 32))) return reject(f, k, 'unallocated');
      const top = sf ? 63 : 31;
      f[k + F_RD] = wX(v.Rd);
      f[k + F_RN] = rX(v.Rn);
      if (opc !== 1 && imms === top) {
        // LSR / ASR (immediate)
        f[k + F_A] = (opc === 2 ? 1 : 2) | (sf << 2);
        f[k + F_B] = immr;
        return OP_SHIFT_IMM;
      }
      if (opc === 2 && imms + 1 === immr) {
        // LSL (immediate)
        f[k + F_A] = sf << 2;
        f[k + F_B] = top - imms;
        return OP_SHIFT_IMM;
      }
      const m = decodeBitMasks(n, imms, immr, false, sf ? 64 : 32);
      if (m === null) return reject(f, k, 'unallocated');
      f[k + F_RM] = immr | (imms << 8) | (opc << 16) | (sf << 20);
      f[k + F_R3] = 0;
      f[k + F_IMM] = lo32(m[0]);
      f[k + F_IMMHI] = hi32(m[0]);
      f[k + F_A] = lo32(m[1]);
      f[k + F_B] = hi32(m[1]);
      return OP_BITFIELD;
    },
  }),
  row({
    name: 'EXTR',
    pattern: 'sf:1 op21:2 100111 N:1 o0:1 Rm:5 imms:6 Rn:5 Rd:5',
    fill(v, f, k) {
      if (v.op21 || v.o0 || v.N !== v.sf || (!v.sf && v.imms >= 32)) return reject(f, k, 'unallocated');
      f[k + F_RD] = wX(v.Rd);
      f[k + F_RN] = rX(v.Rn);
      f[k + F_RM] = rX(v.Rm);
      f[k + F_A] = v.imms;
      f[k + F_B] = v.sf;
      return OP_EXTR;
    },
  }),
];
