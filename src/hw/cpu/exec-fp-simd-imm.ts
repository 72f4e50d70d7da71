// AdvSIMD modified-immediate and shift-by-immediate instructions (Arm ARM
// C7.2): MOVI/MVNI/ORR/BIC/FMOV (vector, immediate), SSHR/USHR/SSRA/USRA/
// SHL/SLI/SRI, SHRN, SSHLL/USHLL. Split from exec-fp-simd.ts; same conventions.

import type { FpRegs } from './fp-state.ts';
import { commit, lane, setT, sx, t32, t64 } from './exec-fp-lanes.ts';

/** AdvSIMDExpandImm (Arm ARM shared pseudocode) as [lo, hi] 32-bit halves, or null if reserved. */
function expandImm(op: number, cmode: number, imm8: number): [number, number] | null {
  let w32: number;
  switch (cmode >>> 1) {
    case 0:
    case 1:
    case 2:
    case 3:
      w32 = imm8 << (8 * (cmode >>> 1));
      return [w32 >>> 0, w32 >>> 0];
    case 4:
    case 5: {
      const h = imm8 << (8 * ((cmode >>> 1) & 1));
      w32 = (h << 16) | h;
      return [w32 >>> 0, w32 >>> 0];
    }
    case 6:
      w32 = cmode & 1 ? (imm8 << 16) | 0xffff : (imm8 << 8) | 0xff;
      return [w32 >>> 0, w32 >>> 0];
    default: {
      if ((cmode & 1) === 0 && op === 0) {
        w32 = imm8 * 0x0101_0101;
        return [w32 >>> 0, w32 >>> 0];
      }
      if ((cmode & 1) === 0) {
        let lo = 0;
        let hi = 0;
        for (let i = 0; i < 4; i++) if ((imm8 >>> i) & 1) lo |= 0xff << (8 * i);
        for (let i = 0; i < 4; i++) if ((imm8 >>> (i + 4)) & 1) hi |= 0xff << (8 * i);
        return [lo >>> 0, hi >>> 0];
      }
      if (op === 0) {
        // FMOV (vector, single): aBbbbbbc defgh000 0..0
        const a = (imm8 >>> 7) & 1;
        const b = (imm8 >>> 6) & 1;
        const f = ((a << 31) | ((b ? 0 : 1) << 30) | ((b ? 0x1f : 0) << 25) | ((imm8 & 0x3f) << 19)) >>> 0;
        return [f, f];
      }
      const a = (imm8 >>> 7) & 1;
      const b = (imm8 >>> 6) & 1;
      const hi = ((a << 31) | ((b ? 0 : 1) << 30) | ((b ? 0xff : 0) << 22) | ((imm8 & 0x3f) << 16)) >>> 0;
      return [0, hi];
    }
  }
}

/** MOVI/MVNI/ORR/BIC (vector, immediate), FMOV (vector, immediate). */
export function simdModImm(v: FpRegs, w: number): number {
  const q = (w >>> 30) & 1;
  const op = (w >>> 29) & 1;
  const cmode = (w >>> 12) & 15;
  const o2 = (w >>> 11) & 1;
  const rd = w & 31;
  const imm8 = (((w >>> 16) & 7) << 5) | ((w >>> 5) & 31);
  if (o2) return -1;
  if (cmode === 15 && op === 1 && !q) return -1;
  const e = expandImm(op, cmode, imm8);
  if (e === null) return -1;
  const [lo, hi] = e;
  const words = q ? 4 : 2;
  const orrBic = (cmode & 1) === 1 && cmode < 12;
  const invert = op === 1 && cmode < 14;
  for (let i = 0; i < words; i++) {
    const imm = i & 1 ? hi : lo;
    const d = v.u32[rd * 4 + i];
    t32[i] = orrBic ? (op ? d & ~imm : d | imm) : invert ? ~imm : imm;
  }
  commit(v, rd, q);
  return 0;
}

/** AdvSIMD shift by immediate: SSHR/USHR, SSRA/USRA, SHL, SLI, SRI, SHRN, SSHLL/USHLL. */
export function simdShiftImm(v: FpRegs, w: number): number {
  const q = (w >>> 30) & 1;
  const u = (w >>> 29) & 1;
  const immh = (w >>> 19) & 15;
  const immb = (w >>> 16) & 7;
  const opc = (w >>> 11) & 31;
  const rn = (w >>> 5) & 31;
  const rd = w & 31;
  const hsb = 31 - Math.clz32(immh);
  const es = 8 << hsb;
  const ib = (immh << 3) | immb;
  const right = 2 * es - ib;
  const left = ib - es;
  if (opc === 0b10000 || opc === 0b10100) {
    // SHRN (U=0) / SSHLL, USHLL: narrowing or widening.
    if (hsb === 3) return -1;
    if (opc === 0b10000) {
      if (u) return -1;
      const n = 64 / es;
      t32[0] = v.u32[rd * 4];
      t32[1] = v.u32[rd * 4 + 1];
      for (let i = 0; i < n; i++) {
        const src = es === 32 ? v.u64[rn * 2 + i] : BigInt(lane(v, rn, es * 2, i));
        setT(es, (q ? n : 0) + i, Number(BigInt.asUintN(es, src >> BigInt(right))));
      }
      // t32[0..1] were loaded from Vd: Q = 1 (the '2' form) keeps the lower half.
      commit(v, rd, q);
      return 0;
    }
    const n = 64 / es;
    for (let i = 0; i < n; i++) {
      const x = lane(v, rn, es, (q ? n : 0) + i);
      const ext = u ? x : sx(x, es);
      const r = BigInt.asUintN(es * 2, BigInt(ext) << BigInt(left));
      if (es === 32) t64[i] = r;
      else setT(es * 2, i, Number(r));
    }
    commit(v, rd, 1);
    return 0;
  }
  if (hsb === 3 && !q) return -1;
  const elems = (q ? 128 : 64) / es;
  const E = BigInt(es);
  for (let i = 0; i < elems; i++) {
    const a = es === 64 ? v.u64[rn * 2 + i] : BigInt(lane(v, rn, es, i));
    const d = es === 64 ? v.u64[rd * 2 + i] : BigInt(lane(v, rd, es, i));
    const sa = BigInt.asIntN(es, a);
    let r: bigint;
    switch ((u << 5) | opc) {
      case 0b0_00000:
        r = sa >> BigInt(Math.min(right, es - 1));
        break;
      case 0b1_00000:
        r = right >= es ? 0n : a >> BigInt(right);
        break;
      case 0b0_00010:
        r = d + (sa >> BigInt(Math.min(right, es - 1)));
        break;
      case 0b1_00010:
        r = d + (right >= es ? 0n : a >> BigInt(right));
        break;
      case 0b0_01010:
        r = a << BigInt(left);
        break;
      case 0b1_01010: {
        const m = ((1n << E) - 1n) >> E === 0n ? ((1n << E) - 1n) ^ ((1n << BigInt(left)) - 1n) : 0n;
        r = (d & ~m) | ((a << BigInt(left)) & m);
        break;
      }
      case 0b1_01000: {
        const m = right >= es ? 0n : ((1n << E) - 1n) >> BigInt(right);
        r = (d & ~m) | (right >= es ? 0n : (a >> BigInt(right)) & m);
        break;
      }
      default:
        return -1;
    }
    r = BigInt.asUintN(es, r);
    if (es === 64) t64[i] = r;
    else setT(es, i, Number(r));
  }
  commit(v, rd, q);
  return 0;
}
