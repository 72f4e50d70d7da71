// Data processing -- immediate (Arm ARM C4.1.86): PC-relative addressing,
// add/subtract, logical, move wide, bitfield, extract. Rows in priority
// order (the first matching row wins).

import {
  AS_S,
  AS_SF,
  AS_SUB,
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
import {
  BFM_IMMS_LSB,
  BFM_OPC_LSB,
  BFM_SF_LSB,
  F_ADR_OFFSET,
  F_ADR_PAGE,
  F_AS_FLAGS,
  F_AS_IMM,
  F_BFM_PARAMS,
  F_BFM_TMASK_HI,
  F_BFM_TMASK_LO,
  F_BFM_WMASK_HI,
  F_BFM_WMASK_LO,
  F_EXTR_LSB,
  F_EXTR_SF,
  F_LOGIC_IMM_HI,
  F_LOGIC_IMM_LO,
  F_LOGIC_OP,
  F_MOVI_HI,
  F_MOVI_LO,
  F_MOVK_IMM16,
  F_MOVK_POS,
  F_MOVK_SF,
  F_SHIFTOP,
  F_SHIFTOP_AMOUNT,
  LOGIC_IMM_SF_LSB,
  SHIFT_ASR,
  SHIFT_LSL,
  SHIFT_LSR,
  SHIFTOP_SF,
} from '../slots.ts';
import { decodeBitMasks, hi32, lo32, rSP, rX, sext, wX } from './fill-util.ts';
import { dec, hex, hex64, ins, target, xr, xs } from './dis-util.ts';
import { disBitfield, moveWidePreferred } from './dis-bitfield.ts';
import { type Encoding, reject, row, undefRow } from './pattern.ts';

/** The logical immediate of (sf, N, immr, imms), or null where reserved. */
export function logicalImm(sf: number, n: number, immr: number, imms: number): bigint | null {
  if (!sf && n) return null;
  const m = decodeBitMasks(n, imms, immr, true, sf ? 64 : 32);
  return m === null ? null : m[0];
}

/** The value of MOVZ (opc 10) / MOVN (opc 00) as two 32-bit halves (a 32-bit MOVN has a zero upper half). */
function moveWide(sf: number, opc: number, hw: number, imm16: number): [number, number] {
  let lo = hw === 0 ? imm16 : hw === 1 ? imm16 << 16 : 0;
  let hi = hw === 2 ? imm16 : hw === 3 ? imm16 << 16 : 0;
  if (opc === 0) {
    lo = ~lo;
    hi = sf ? ~hi : 0;
  }
  return [lo | 0, hi | 0];
}

/** A 64-bit immediate into the fields at f[lo] and f[hi]. */
function fillImm64(f: Int32Array, lo: number, hi: number, imm: bigint): void {
  f[lo] = lo32(imm);
  f[hi] = hi32(imm);
}

export const DP_IMM: Encoding[] = [
  row({
    name: 'ADR, ADRP',
    pattern: 'op:1 immlo:2 10000 immhi:19 Rd:5',
    fill(v, f, k) {
      f[k + F_RD] = wX(v.Rd);
      f[k + F_ADR_OFFSET] = sext((v.immhi << 2) | v.immlo, 21);
      f[k + F_ADR_PAGE] = v.op;
      return OP_ADR;
    },
    dis(v, pc) {
      const imm = sext((v.immhi << 2) | v.immlo, 21);
      if (!v.op) return ins('adr', xr(v.Rd, 1), target(pc, imm));
      return ins('adrp', xr(v.Rd, 1), target(Math.floor(pc / 4096) * 4096, imm * 4096));
    },
  }),
  row({
    name: 'ADD/ADDS/SUB/SUBS (immediate)',
    pattern: 'sf:1 op:1 S:1 100010 sh:1 imm12:12 Rn:5 Rd:5',
    fill(v, f, k) {
      f[k + F_RD] = v.S ? wX(v.Rd) : rSP(v.Rd);
      f[k + F_RN] = rSP(v.Rn);
      f[k + F_AS_IMM] = v.imm12 << (v.sh * 12);
      f[k + F_AS_FLAGS] = (v.op ? AS_SUB : 0) | (v.S ? AS_S : 0) | (v.sf ? AS_SF : 0);
      return OP_ADDSUB_IMM;
    },
    dis(v) {
      const imm = [hex(v.imm12), ...(v.sh ? ['lsl #12'] : [])];
      const rn = xs(v.Rn, v.sf);
      if (!v.op && !v.S && !v.sh && !v.imm12 && (v.Rd === 31 || v.Rn === 31))
        return ins('mov', xs(v.Rd, v.sf), rn);
      if (v.S && v.Rd === 31) return ins(v.op ? 'cmp' : 'cmn', rn, ...imm);
      const m = (v.op ? 'sub' : 'add') + (v.S ? 's' : '');
      return ins(m, v.S ? xr(v.Rd, v.sf) : xs(v.Rd, v.sf), rn, ...imm);
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
      fillImm64(f, k + F_MOVI_LO, k + F_MOVI_HI, imm);
      return OP_MOVI;
    },
    dis(v) {
      const imm = logicalImm(v.sf, v.N, v.immr, v.imms);
      if (imm === null) return null;
      // MOVZ/MOVN cannot write SP: MOV is the alias there whatever the value.
      const m = v.Rd !== 31 && moveWidePreferred(v.sf, v.N, v.imms, v.immr) ? 'orr' : 'mov';
      const ops = m === 'orr' ? [xs(v.Rd, v.sf), xr(31, v.sf)] : [xs(v.Rd, v.sf)];
      return ins(m, ...ops, hex64(lo32(imm), hi32(imm)));
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
      f[k + F_LOGIC_OP] = v.opc | (v.sf << LOGIC_IMM_SF_LSB);
      fillImm64(f, k + F_LOGIC_IMM_LO, k + F_LOGIC_IMM_HI, imm);
      return OP_LOGIC_IMM;
    },
    dis(v) {
      const imm = logicalImm(v.sf, v.N, v.immr, v.imms);
      if (imm === null) return null;
      const h = hex64(lo32(imm), hi32(imm));
      if (v.opc === 3 && v.Rd === 31) return ins('tst', xr(v.Rn, v.sf), h);
      const rd = v.opc === 3 ? xr(v.Rd, v.sf) : xs(v.Rd, v.sf);
      return ins(['and', 'orr', 'eor', 'ands'][v.opc], rd, xr(v.Rn, v.sf), h);
    },
  }),
  undefRow('Move wide (immediate), opc 01', 'x 01 100101 xxxxxxxxxxxxxxxxxxxxxxx', 'unallocated'),
  row({
    name: 'MOVK',
    pattern: 'sf:1 opc=11 100101 hw:2 imm16:16 Rd:5',
    fill(v, f, k) {
      if (!v.sf && v.hw >= 2) return reject(f, k, 'unallocated');
      f[k + F_RD] = wX(v.Rd);
      f[k + F_MOVK_IMM16] = v.imm16;
      f[k + F_MOVK_POS] = v.hw * 16;
      f[k + F_MOVK_SF] = v.sf;
      return OP_MOVK;
    },
    dis(v) {
      if (!v.sf && v.hw >= 2) return null;
      return ins('movk', xr(v.Rd, v.sf), hex(v.imm16), ...(v.hw ? [`lsl #${v.hw * 16}`] : []));
    },
  }),
  row({
    name: 'MOVN, MOVZ',
    pattern: 'sf:1 opc:2 100101 hw:2 imm16:16 Rd:5',
    fill(v, f, k) {
      if (!v.sf && v.hw >= 2) return reject(f, k, 'unallocated');
      f[k + F_RD] = wX(v.Rd);
      const [lo, hi] = moveWide(v.sf, v.opc, v.hw, v.imm16);
      f[k + F_MOVI_LO] = lo;
      f[k + F_MOVI_HI] = hi;
      return OP_MOVI;
    },
    dis(v) {
      if (!v.sf && v.hw >= 2) return null;
      const rd = xr(v.Rd, v.sf);
      // MOV (wide immediate) / MOV (inverted wide immediate) unless the move is of zero in a shifted halfword.
      const plain = (v.imm16 === 0 && v.hw !== 0) || (v.opc === 0 && !v.sf && v.imm16 === 0xffff);
      if (plain)
        return ins(v.opc ? 'movz' : 'movn', rd, hex(v.imm16), ...(v.hw ? [`lsl #${v.hw * 16}`] : []));
      const [lo, hi] = moveWide(v.sf, v.opc, v.hw, v.imm16);
      return ins('mov', rd, hex64(lo, hi));
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
        f[k + F_SHIFTOP] = (opc === 2 ? SHIFT_LSR : SHIFT_ASR) | (sf ? SHIFTOP_SF : 0);
        f[k + F_SHIFTOP_AMOUNT] = immr;
        return OP_SHIFT_IMM;
      }
      if (opc === 2 && imms + 1 === immr) {
        // LSL (immediate)
        f[k + F_SHIFTOP] = SHIFT_LSL | (sf ? SHIFTOP_SF : 0);
        f[k + F_SHIFTOP_AMOUNT] = top - imms;
        return OP_SHIFT_IMM;
      }
      const m = decodeBitMasks(n, imms, immr, false, sf ? 64 : 32);
      if (m === null) return reject(f, k, 'unallocated');
      f[k + F_BFM_PARAMS] = immr | (imms << BFM_IMMS_LSB) | (opc << BFM_OPC_LSB) | (sf << BFM_SF_LSB);
      f[k + F_BFM_WMASK_LO] = lo32(m[0]);
      f[k + F_BFM_WMASK_HI] = hi32(m[0]);
      f[k + F_BFM_TMASK_LO] = lo32(m[1]);
      f[k + F_BFM_TMASK_HI] = hi32(m[1]);
      return OP_BITFIELD;
    },
    dis: (v) => disBitfield(v.sf, v.opc, v.N, v.immr, v.imms, v.Rn, v.Rd),
  }),
  row({
    name: 'EXTR',
    pattern: 'sf:1 op21:2 100111 N:1 o0:1 Rm:5 imms:6 Rn:5 Rd:5',
    fill(v, f, k) {
      if (v.op21 || v.o0 || v.N !== v.sf || (!v.sf && v.imms >= 32)) return reject(f, k, 'unallocated');
      f[k + F_RD] = wX(v.Rd);
      f[k + F_RN] = rX(v.Rn);
      f[k + F_RM] = rX(v.Rm);
      f[k + F_EXTR_LSB] = v.imms;
      f[k + F_EXTR_SF] = v.sf;
      return OP_EXTR;
    },
    dis(v) {
      if (v.op21 || v.o0 || v.N !== v.sf || (!v.sf && v.imms >= 32)) return null;
      if (v.Rn === v.Rm) return ins('ror', xr(v.Rd, v.sf), xr(v.Rn, v.sf), dec(v.imms));
      return ins('extr', xr(v.Rd, v.sf), xr(v.Rn, v.sf), xr(v.Rm, v.sf), dec(v.imms));
    },
  }),
];
