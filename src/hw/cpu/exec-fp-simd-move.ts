// AdvSIMD element moves and permutes (Arm ARM C7.2): DUP, INS, UMOV/SMOV,
// UZP/ZIP/TRN, EXT, TBL/TBX. Split from exec-fp-simd.ts; same conventions.

import type { FpRegs } from './fp-state.ts';
import { commit, lane, setT, sx, t64, t8, f3 } from './exec-fp-lanes.ts';

/** Index and esize from an imm5 (lowest set bit), or null if reserved. */
function imm5(w: number): [es: number, index: number] | null {
  const i5 = (w >>> 16) & 31;
  if (i5 === 0 || i5 === 16) return null;
  const sz = 31 - Math.clz32(i5 & -i5);
  return [8 << sz, i5 >>> (sz + 1)];
}

/** AdvSIMD copy: DUP (element, general), SMOV, UMOV, INS (general, element). x: the cpu's X halves. */
export function simdCopy(v: FpRegs, w: number, x: Int32Array): number {
  const q = (w >>> 30) & 1;
  const op = (w >>> 29) & 1;
  const imm4 = (w >>> 11) & 15;
  const rn = (w >>> 5) & 31;
  const rd = w & 31;
  const d = imm5(w);
  if (d === null) return -1;
  const [es, idx] = d;
  if (op === 1) {
    if (!q) return -1;
    const src = imm4 >>> (31 - Math.clz32(es / 8));
    copyLane(v, rd, idx, rn, src, es);
    return 0;
  }
  switch (imm4) {
    case 0b0000:
    case 0b0001: {
      if (es === 64 && !q) return -1;
      const n = (q ? 128 : 64) / es;
      if (es === 64) {
        const val = imm4 === 0 ? v.u64[rn * 2 + idx] : xVal(x, rn);
        t64[0] = val;
        t64[1] = val;
      } else {
        const val =
          imm4 === 0 ? lane(v, rn, es, idx) : (x[rn * 2] >>> 0) & (es === 32 ? 0xffff_ffff : (1 << es) - 1);
        for (let i = 0; i < n; i++) setT(es, i, val);
      }
      commit(v, rd, q);
      return 0;
    }
    case 0b0011: {
      if (!q) return -1;
      if (es === 64) v.u64[rd * 2 + idx] = xVal(x, rn);
      else if (es === 32) v.u32[rd * 4 + idx] = x[rn * 2] >>> 0;
      else if (es === 16) v.u16[rd * 8 + idx] = x[rn * 2];
      else v.u8[rd * 16 + idx] = x[rn * 2];
      return 0;
    }
    case 0b0101:
    case 0b0111: {
      const signed = imm4 === 0b0101;
      if (signed ? es >= (q ? 64 : 32) : q !== (es === 64 ? 1 : 0)) return -1;
      if (rd === 31) return 0;
      if (es === 64) {
        x[rd * 2] = v.u32[rn * 4 + 2 * idx];
        x[rd * 2 + 1] = v.u32[rn * 4 + 2 * idx + 1];
        return 0;
      }
      const val = lane(v, rn, es, idx);
      const s = signed ? sx(val, es) : val;
      x[rd * 2] = s;
      x[rd * 2 + 1] = signed && q ? s >> 31 : 0;
      return 0;
    }
    default:
      return -1;
  }
}

function xVal(x: Int32Array, rn: number): bigint {
  return (BigInt(x[rn * 2 + 1] >>> 0) << 32n) | BigInt(x[rn * 2] >>> 0);
}
function copyLane(v: FpRegs, rd: number, di: number, rn: number, si: number, es: number): void {
  const b = es / 8;
  for (let k = 0; k < b; k++) v.u8[rd * 16 + di * b + k] = v.u8[rn * 16 + si * b + k];
}

/** UZP1/2, TRN1/2, ZIP1/2. */
export function simdPermute(v: FpRegs, w: number): number {
  const [q, , size, rm, rn, rd] = f3(w);
  const opc = (w >>> 12) & 7;
  if (size === 3 && !q) return -1;
  const es = 8 << size;
  const b = es / 8;
  const elems = (q ? 16 : 8) / b;
  const h = elems / 2;
  const part = opc >>> 2;
  for (let i = 0; i < elems; i++) {
    let src: number;
    let si: number;
    switch (opc & 3) {
      case 1: {
        // UZP: even (part 0) or odd elements of Rn:Rm concatenated.
        const j = 2 * i + part;
        src = j < elems ? rn : rm;
        si = j % elems;
        break;
      }
      case 2: {
        // TRN
        src = i & 1 ? rm : rn;
        si = (i & ~1) + part;
        break;
      }
      case 3: {
        // ZIP
        src = i & 1 ? rm : rn;
        si = (i >>> 1) + part * h;
        break;
      }
      default:
        return -1;
    }
    for (let k = 0; k < b; k++) t8[i * b + k] = v.u8[src * 16 + si * b + k];
  }
  commit(v, rd, q);
  return 0;
}

/** EXT: bytes imm4.. of Rm:Rn. */
export function simdExt(v: FpRegs, w: number): number {
  const [q, , , rm, rn, rd] = f3(w);
  const pos = (w >>> 11) & 15;
  const bytes = q ? 16 : 8;
  if (!q && pos >= 8) return -1;
  for (let i = 0; i < bytes; i++) {
    const j = pos + i;
    t8[i] = j < bytes ? v.u8[rn * 16 + j] : v.u8[rm * 16 + j - bytes];
  }
  commit(v, rd, q);
  return 0;
}

/** TBL/TBX with 1-4 table registers. */
export function simdTbl(v: FpRegs, w: number): number {
  const [q, , , rm, rn, rd] = f3(w);
  const regs = ((w >>> 13) & 3) + 1;
  const tbx = (w >>> 12) & 1;
  const bytes = q ? 16 : 8;
  for (let i = 0; i < bytes; i++) {
    const idx = v.u8[rm * 16 + i];
    if (idx < regs * 16) t8[i] = v.u8[((rn + (idx >>> 4)) & 31) * 16 + (idx & 15)];
    else t8[i] = tbx ? v.u8[rd * 16 + i] : 0;
  }
  commit(v, rd, q);
  return 0;
}
