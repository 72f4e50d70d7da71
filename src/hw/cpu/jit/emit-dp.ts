// JavaScript source for more inline data-processing ops of a translated
// block: ADD/SUB(S) (extended register), ADC/SBC(S), MADD/MSUB, SBFM/BFM/UBFM
// and EXTR, with the decoded fields as constants. The same arithmetic as
// their executors (exec-alu.ts execAddSubExt execAdc execBitfield execExtr,
// exec-mul.ts execMadd); the conventions of emit-alu.ts: registers as
// `x[<constant>]`, every write `x[N] = <expression>;`, operands read into
// temporaries before Rd is written, NZCV in the locals nf zf cf vf.
// The multi-precision loops of a Linux boot (mpihelp_*: MUL, MADD, UXTW,
// SXTW, ADC) ran half of its instructions through these executors' calls.

import { AS_S, AS_SF, AS_SUB, F_RD, F_RM, F_RN, SLOT_ZR } from '../ops.ts';
import * as S from '../slots.ts';
import { addWithCarry } from './emit-alu.ts';

/** Extend options (alu.ts extend64): UXTB UXTH UXTW UXTX SXTB SXTH SXTW SXTX. */
const EXT_UXTB = 0;
const EXT_UXTH = 1;
const EXT_UXTW = 2;
const EXT_SXTB = 4;
const EXT_SXTH = 5;
const EXT_SXTW = 6;

/** Rm extended (option) and shifted left by s (0..4) into temporaries bl, bh (alu.ts extend64). */
function extendedOperand(m: number, option: number, s: number): string {
  const lo = `x[${m}]`;
  let e: string;
  switch (option) {
    case EXT_UXTB:
      e = `let bl = ${lo} & 255; let bh = 0;`;
      break;
    case EXT_UXTH:
      e = `let bl = ${lo} & 65535; let bh = 0;`;
      break;
    case EXT_UXTW:
      e = `let bl = ${lo}; let bh = 0;`;
      break;
    case EXT_SXTB:
      e = `let bl = (${lo} << 24) >> 24; let bh = bl >> 31;`;
      break;
    case EXT_SXTH:
      e = `let bl = (${lo} << 16) >> 16; let bh = bl >> 31;`;
      break;
    case EXT_SXTW:
      e = `let bl = ${lo}; let bh = bl >> 31;`;
      break;
    default:
      e = `let bl = ${lo}; let bh = x[${m + 1}];`;
  }
  if (s !== 0) e += ` bh = (bh << ${s}) | (bl >>> ${32 - s}); bl = bl << ${s};`;
  return e;
}

/** ADD/SUB(S) (extended register). */
export function emitAddSubExt(f: Int32Array, k: number, live: number): string {
  const a = f[k + S.F_AS_FLAGS];
  const b = f[k + S.F_AS_EXTEND];
  const sf = (a & AS_SF) !== 0;
  const sub = (a & AS_SUB) !== 0;
  const n = f[k + F_RN];
  let s = `{ const al = x[${n}]; const ah = x[${n + 1}]; ${extendedOperand(f[k + F_RM], b & S.EXTEND_OPTION_MASK, b >>> S.EXTEND_AMOUNT_LSB)}`;
  if (sub) s += ' bl = ~bl; bh = ~bh;';
  return `${s} ${addWithCarry(f[k + F_RD], sf, sub ? '1' : '0', live, (a & AS_S) !== 0)} }`;
}

/** ADC/SBC(S): the carry in is C (the block's cf local). */
export function emitAdc(f: Int32Array, k: number, live: number): string {
  const a = f[k + S.F_AS_FLAGS];
  const sub = (a & AS_SUB) !== 0;
  const n = f[k + F_RN];
  const m = f[k + F_RM];
  const b = sub
    ? `const bl = ~x[${m}]; const bh = ~x[${m + 1}];`
    : `const bl = x[${m}]; const bh = x[${m + 1}];`;
  return `{ const al = x[${n}]; const ah = x[${n + 1}]; ${b} ${addWithCarry(f[k + F_RD], (a & AS_SF) !== 0, 'cf', live, (a & AS_S) !== 0)} }`;
}

/**
 * Statements setting `ph` to the high 32 bits of the unsigned product of the
 * int32 locals nl and ml (alu.ts mulhu32: 16-bit pieces, exact in doubles)
 * plus `extra`.
 */
function mulhu32Code(extra: string): string {
  return (
    'const a0 = nl & 65535; const a1 = nl >>> 16; const b0 = ml & 65535; const b1 = ml >>> 16;' +
    ' const lh = a0 * b1; const hl = a1 * b0; const mid = ((a0 * b0) >>> 16) + (lh & 65535) + (hl & 65535);' +
    ` const ph = a1 * b1 + (lh >>> 16) + (hl >>> 16) + (mid >>> 16) + ${extra};`
  );
}

/** MADD/MSUB (MUL, MNEG): Ra +/- Rn * Rm, the low 64 (or 32) bits. */
export function emitMadd(f: Int32Array, k: number): string {
  const a = f[k + S.F_MUL_BITS];
  const n = f[k + F_RN];
  const m = f[k + F_RM];
  const ra = f[k + S.F_MUL_RA];
  const d = f[k + F_RD];
  const msub = (a & S.MUL_SUB) !== 0;
  const noAcc = ra === 2 * SLOT_ZR; // MUL / MNEG: Ra is XZR, which reads as zero
  if ((a & S.MADD_SF) === 0) {
    const p = `Math.imul(x[${n}], x[${m}])`;
    if (noAcc) return `x[${d}] = ${msub ? `-${p} | 0` : p}; x[${d + 1}] = 0;`;
    return `x[${d}] = (x[${ra}] ${msub ? '-' : '+'} ${p}) | 0; x[${d + 1}] = 0;`;
  }
  let s =
    `{ const nl = x[${n}]; const ml = x[${m}]; const pl = Math.imul(nl, ml); ` +
    mulhu32Code(`Math.imul(nl, x[${m + 1}]) + Math.imul(x[${n + 1}], ml)`);
  if (noAcc && !msub) return `${s} x[${d}] = pl; x[${d + 1}] = ph | 0; }`;
  const al = noAcc ? '0' : `(x[${ra}] >>> 0)`;
  const ah = noAcc ? '0' : `x[${ra + 1}]`;
  if (msub)
    s += ` const lo = ${al} - (pl >>> 0); const hi = (${ah} - ph - (lo < 0 ? 1 : 0)) | 0; x[${d}] = lo | 0; x[${d + 1}] = hi; }`;
  else
    s += ` const lo = ${al} + (pl >>> 0); const hi = (${ah} + ph + (lo > 0xffffffff ? 1 : 0)) | 0; x[${d}] = lo | 0; x[${d + 1}] = hi; }`;
  return s;
}

/** Rn rotated right by r (0..63, a constant) into temporaries rl, rh (alu.ts ror64). */
function ror64Code(n: number, r: number): string {
  let lo = `x[${n}]`;
  let hi = `x[${n + 1}]`;
  if (r >= 32) {
    [lo, hi] = [hi, lo];
    r -= 32;
  }
  if (r === 0) return `const rl = ${lo}; const rh = ${hi};`;
  return `const rl = (${lo} >>> ${r}) | (${hi} << ${32 - r}); const rh = (${hi} >>> ${r}) | (${lo} << ${32 - r});`;
}

/** SBFM/BFM/UBFM (SXTW, SBFIZ, UBFX, LSL, BFI, ...) with the decode-time masks (execBitfield). */
export function emitBitfield(f: Int32Array, k: number): string {
  const p = f[k + S.F_BFM_PARAMS];
  const immr = p & S.BFM_IMMR_MASK;
  const imms = (p >>> S.BFM_IMMS_LSB) & S.BFM_IMMS_MASK;
  const opc = (p >>> S.BFM_OPC_LSB) & S.BFM_OPC_MASK;
  const sf = ((p >>> S.BFM_SF_LSB) & 1) === 1;
  const n = f[k + F_RN];
  const d = f[k + F_RD];
  const wlo = f[k + S.F_BFM_WMASK_LO];
  const whi = f[k + S.F_BFM_WMASK_HI];
  const tlo = f[k + S.F_BFM_TMASK_LO];
  const thi = f[k + S.F_BFM_TMASK_HI];
  let s = '{ ';
  if (sf) s += ror64Code(n, immr);
  else
    s +=
      immr === 0
        ? `const rl = x[${n}]; const rh = 0;`
        : `const rl = (x[${n}] >>> ${immr}) | (x[${n}] << ${32 - immr}); const rh = 0;`;
  s += ` let bl = rl & ${wlo}; let bh = rh & ${whi};`;
  let lo: string;
  let hi: string;
  if (opc === S.BFM_SBFM) {
    // Bits above the field are copies of source bit <imms>.
    const top = imms < 32 ? `(x[${n}] << ${31 - imms}) >> 31` : `(x[${n + 1}] << ${63 - imms}) >> 31`;
    s += ` const top = ${top};`;
    lo = `(top & ${~tlo}) | (bl & ${tlo})`;
    hi = `(top & ${~thi}) | (bh & ${thi})`;
  } else if (opc === S.BFM_BFM) {
    s += ` const dl = x[${d}]; const dh = x[${d + 1}]; bl |= dl & ${~wlo}; bh |= dh & ${~whi};`;
    lo = `(dl & ${~tlo}) | (bl & ${tlo})`;
    hi = `(dh & ${~thi}) | (bh & ${thi})`;
  } else {
    lo = `bl & ${tlo}`;
    hi = `bh & ${thi}`;
  }
  return `${s} const lo = ${lo}; const hi = ${sf ? hi : '0'}; x[${d}] = lo; x[${d + 1}] = hi; }`;
}

/** EXTR (ROR immediate): the 128-bit (Rn:Rm) >> lsb, low 64 (or 32) bits. */
export function emitExtr(f: Int32Array, k: number): string {
  const n = f[k + F_RN];
  const m = f[k + F_RM];
  const lsb = f[k + S.F_EXTR_LSB];
  const d = f[k + F_RD];
  if (!f[k + S.F_EXTR_SF])
    return lsb === 0
      ? `x[${d}] = x[${m}]; x[${d + 1}] = 0;`
      : `{ const lo = (x[${m}] >>> ${lsb}) | (x[${n}] << ${32 - lsb}); x[${d}] = lo; x[${d + 1}] = 0; }`;
  if (lsb === 0) return `{ const lo = x[${m}]; const hi = x[${m + 1}]; x[${d}] = lo; x[${d + 1}] = hi; }`;
  // Words of (n:m) from the bottom: m.lo, m.hi, n.lo, n.hi; 64 bits at lsb.
  const w0 = lsb < 32 ? `x[${m}]` : `x[${m + 1}]`;
  const w1 = lsb < 32 ? `x[${m + 1}]` : `x[${n}]`;
  const w2 = lsb < 32 ? `x[${n}]` : `x[${n + 1}]`;
  const sh = lsb & 31;
  if (sh === 0) return `{ const lo = ${w0}; const hi = ${w1}; x[${d}] = lo; x[${d + 1}] = hi; }`;
  return `{ const lo = (${w0} >>> ${sh}) | (${w1} << ${32 - sh}); const hi = (${w1} >>> ${sh}) | (${w2} << ${32 - sh}); x[${d}] = lo; x[${d + 1}] = hi; }`;
}
