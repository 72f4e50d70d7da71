// JavaScript source for the inline integer ops of a translated block: the
// same arithmetic as the interpreter's switch (cpu-exec.ts) and exec-alu.ts,
// with the decoded fields as constants. Registers stay in `x` (the cpu's
// Int32Array); NZCV live in the block's locals nf zf cf vf. Every emitter
// reads its operands into temporaries before writing Rd (Rd may be Rn).

import { AS_S, AS_SF, AS_SUB, F_RD, F_RM, F_RN } from '../ops.ts';
import * as S from '../slots.ts';

/** Flag bits of a liveness mask. */
const FL_N = 8;
const FL_Z = 4;
const FL_C = 2;
const FL_V = 1;
export const FL_ALL = 15;

/** Arm ARM ConditionHolds over the flag locals. */
export function condExpr(cond: number): string {
  let r: string;
  switch (cond >>> 1) {
    case 0:
      r = 'zf === 1';
      break;
    case 1:
      r = 'cf === 1';
      break;
    case 2:
      r = 'nf === 1';
      break;
    case 3:
      r = 'vf === 1';
      break;
    case 4:
      r = '(cf === 1 && zf === 0)';
      break;
    case 5:
      r = 'nf === vf';
      break;
    case 6:
      r = '(nf === vf && zf === 0)';
      break;
    default:
      return 'true';
  }
  return (cond & 1) === 1 ? `!(${r})` : `(${r})`;
}

/**
 * AddWithCarry into Rd from operands already in temporaries (al, ah, bl, bh,
 * the carry in as a constant or `cf`), setting the live flags in `live`.
 */
export function addWithCarry(d: number, sf: boolean, cin: string, live: number, setFlags: boolean): string {
  if (sf) {
    let s =
      `const l = (al >>> 0) + (bl >>> 0) + ${cin}; const h = (ah >>> 0) + (bh >>> 0) + (l > 0xffffffff ? 1 : 0);` +
      ` const rl = l | 0; const rh = h | 0; x[${d}] = rl; x[${d + 1}] = rh;`;
    if (setFlags) {
      if (live & FL_N) s += ' nf = rh >>> 31;';
      if (live & FL_Z) s += ' zf = (rl | rh) === 0 ? 1 : 0;';
      if (live & FL_C) s += ' cf = h > 0xffffffff ? 1 : 0;';
      if (live & FL_V) s += ' vf = ((ah ^ rh) & (bh ^ rh)) >>> 31;';
    }
    return s;
  }
  let s = `const l = (al >>> 0) + (bl >>> 0) + ${cin}; const r = l | 0; x[${d}] = r; x[${d + 1}] = 0;`;
  if (setFlags) {
    if (live & FL_N) s += ' nf = r >>> 31;';
    if (live & FL_Z) s += ' zf = r === 0 ? 1 : 0;';
    if (live & FL_C) s += ' cf = l > 0xffffffff ? 1 : 0;';
    if (live & FL_V) s += ' vf = ((al ^ r) & (bl ^ r)) >>> 31;';
  }
  return s;
}

/** ADD/SUB(S) (immediate). */
export function emitAddSubImm(f: Int32Array, k: number, live: number): string {
  const d = f[k + F_RD];
  const n = f[k + F_RN];
  const a = f[k + S.F_AS_FLAGS];
  const imm = f[k + S.F_AS_IMM];
  // The interpreter's fast forms (no flags): the same values.
  if (a === AS_SF)
    return `{ const lo = (x[${n}] >>> 0) + ${imm}; const hi = (x[${n + 1}] + (lo > 0xffffffff ? 1 : 0)) | 0; x[${d}] = lo | 0; x[${d + 1}] = hi; }`;
  if (a === (AS_SF | AS_SUB))
    return `{ const lo = (x[${n}] >>> 0) - ${imm}; const hi = (x[${n + 1}] - (lo < 0 ? 1 : 0)) | 0; x[${d}] = lo | 0; x[${d + 1}] = hi; }`;
  if (a === 0) return `x[${d}] = (x[${n}] + ${imm}) | 0; x[${d + 1}] = 0;`;
  if (a === AS_SUB) return `x[${d}] = (x[${n}] - ${imm}) | 0; x[${d + 1}] = 0;`;
  const sub = (a & AS_SUB) !== 0;
  const sf = (a & AS_SF) !== 0;
  const bl = sub ? ~imm : imm;
  const bh = sub ? -1 : 0;
  return `{ const al = x[${n}]; const ah = x[${n + 1}]; const bl = ${bl}; const bh = ${bh}; ${addWithCarry(d, sf, sub ? '1' : '0', live, (a & AS_S) !== 0)} }`;
}

/** The shifted second operand (Rm shifted by a constant, type S.SHIFT_*) into temporaries bl, bh. */
function shiftedOperand(m: number, type: number, s: number, sf: boolean): string {
  if (!sf) {
    const v = `x[${m}]`;
    let e: string;
    if (s === 0) e = `${v}`;
    else if (type === S.SHIFT_LSL) e = `${v} << ${s}`;
    else if (type === S.SHIFT_LSR) e = `${v} >>> ${s}`;
    else if (type === S.SHIFT_ASR) e = `${v} >> ${s}`;
    else e = `(${v} >>> ${s}) | (${v} << ${32 - s})`;
    return `let bl = (${e}) | 0; let bh = 0;`;
  }
  const lo = `x[${m}]`;
  const hi = `x[${m + 1}]`;
  if (s === 0) return `let bl = ${lo}; let bh = ${hi};`;
  switch (type) {
    case S.SHIFT_LSL:
      return s < 32
        ? `let bh = (${hi} << ${s}) | (${lo} >>> ${32 - s}); let bl = ${lo} << ${s};`
        : `let bh = ${lo} << ${s - 32}; let bl = 0;`;
    case S.SHIFT_LSR:
      return s < 32
        ? `let bl = (${lo} >>> ${s}) | (${hi} << ${32 - s}); let bh = ${hi} >>> ${s};`
        : `let bl = ${hi} >>> ${s - 32}; let bh = 0;`;
    case S.SHIFT_ASR:
      return s < 32
        ? `let bl = (${lo} >>> ${s}) | (${hi} << ${32 - s}); let bh = ${hi} >> ${s};`
        : `let bl = ${hi} >> ${s - 32}; let bh = ${hi} >> 31;`;
    default: {
      // ROR: swap halves for s >= 32, then rotate by s & 31.
      const [a, b] = s >= 32 ? [hi, lo] : [lo, hi];
      const r = s & 31;
      if (r === 0) return `let bl = ${a}; let bh = ${b};`;
      return `let bl = (${a} >>> ${r}) | (${b} << ${32 - r}); let bh = (${b} >>> ${r}) | (${a} << ${32 - r});`;
    }
  }
}

/** ADD/SUB(S) (shifted register). */
export function emitAddSubShift(f: Int32Array, k: number, live: number): string {
  const b = f[k + S.F_AS_SHIFT];
  const a = f[k + S.F_AS_FLAGS];
  const sf = (a & AS_SF) !== 0;
  const sub = (a & AS_SUB) !== 0;
  const n = f[k + F_RN];
  const m = f[k + F_RM];
  let s = `{ const al = x[${n}]; const ah = x[${n + 1}]; ${shiftedOperand(m, b & S.SHIFT_TYPE_MASK, b >>> S.SHIFT_AMOUNT_LSB, sf)}`;
  if (sub) s += ' bl = ~bl; bh = ~bh;';
  return `${s} ${addWithCarry(f[k + F_RD], sf, sub ? '1' : '0', live, (a & AS_S) !== 0)} }`;
}

/** Rd = Rn op (bl, bh): opc S.LOGIC_AND, _ORR, _EOR, _ANDS (N, Z; C = V = 0). */
function logicOp(d: number, n: number, opc: number, sf: boolean, live: number): string {
  const op = opc === S.LOGIC_ORR ? '|' : opc === S.LOGIC_EOR ? '^' : '&';
  let s = `const lo = x[${n}] ${op} bl; const hi = ${sf ? `x[${n + 1}] ${op} bh` : '0'}; x[${d}] = lo; x[${d + 1}] = hi;`;
  if (opc === S.LOGIC_ANDS) {
    if (live & FL_N) s += sf ? ' nf = hi >>> 31;' : ' nf = lo >>> 31;';
    if (live & FL_Z) s += ' zf = (lo | hi) === 0 ? 1 : 0;';
    if (live & FL_C) s += ' cf = 0;';
    if (live & FL_V) s += ' vf = 0;';
  }
  return s;
}

/** AND/ORR/EOR/ANDS (immediate). */
export function emitLogicImm(f: Int32Array, k: number, live: number): string {
  const a = f[k + S.F_LOGIC_OP];
  const body = logicOp(f[k + F_RD], f[k + F_RN], a & S.LOGIC_OPC_MASK, (a & S.LOGIC_IMM_SF) !== 0, live);
  return `{ const bl = ${f[k + S.F_LOGIC_IMM_LO]}; const bh = ${f[k + S.F_LOGIC_IMM_HI]}; ${body} }`;
}

/** AND BIC ORR ORN EOR EON ANDS BICS (shifted register). */
export function emitLogicShift(f: Int32Array, k: number, live: number): string {
  const a = f[k + S.F_LOGIC_OP];
  const b = f[k + S.F_LOGIC_SHIFT];
  const sf = (a & S.LOGIC_SHIFT_SF) !== 0;
  let s = `{ ${shiftedOperand(f[k + F_RM], b & S.SHIFT_TYPE_MASK, b >>> S.SHIFT_AMOUNT_LSB, sf)}`;
  if (a & S.LOGIC_NOT) s += sf ? ' bl = ~bl; bh = ~bh;' : ' bl = ~bl; bh = 0;';
  return `${s} ${logicOp(f[k + F_RD], f[k + F_RN], a & S.LOGIC_OPC_MASK, sf, live)} }`;
}

/** LSL/LSR/ASR (immediate). */
export function emitShiftImm(f: Int32Array, k: number): string {
  const a = f[k + S.F_SHIFTOP];
  const n = f[k + F_RN];
  const d = f[k + F_RD];
  const amount = f[k + S.F_SHIFTOP_AMOUNT];
  return `{ ${shiftedOperand(n, a & S.SHIFTOP_TYPE_MASK, amount, (a & S.SHIFTOP_SF) !== 0)} x[${d}] = bl; x[${d + 1}] = bh; }`;
}

export function emitMovi(f: Int32Array, k: number): string {
  const d = f[k + F_RD];
  return `x[${d}] = ${f[k + S.F_MOVI_LO]}; x[${d + 1}] = ${f[k + S.F_MOVI_HI]};`;
}

export function emitMovk(f: Int32Array, k: number): string {
  const d = f[k + F_RD];
  const pos = f[k + S.F_MOVK_POS];
  const imm = f[k + S.F_MOVK_IMM16];
  let s =
    pos < 32
      ? `x[${d}] = (x[${d}] & ${~(0xffff << pos)}) | ${imm << pos};`
      : `x[${d + 1}] = (x[${d + 1}] & ${~(0xffff << (pos - 32))}) | ${imm << (pos - 32)};`;
  if (!f[k + S.F_MOVK_SF]) s += ` x[${d + 1}] = 0;`;
  return s;
}

/** CSEL CSINC CSINV CSNEG. */
export function emitCsel(f: Int32Array, k: number): string {
  const b = f[k + S.F_CSEL_BITS];
  const d = f[k + F_RD];
  const n = f[k + F_RN];
  const m = f[k + F_RM];
  const kind = b & S.CSEL_KIND_MASK;
  let other = `lo = x[${m}]; hi = x[${m + 1}];`;
  if (kind === S.CSEL_KIND_INC) other += ' lo = (lo + 1) | 0; if (lo === 0) hi = (hi + 1) | 0;';
  else if (kind === S.CSEL_KIND_INV) other += ' lo = ~lo; hi = ~hi;';
  else if (kind === S.CSEL_KIND_NEG) other += ' lo = -lo | 0; hi = lo === 0 ? -hi | 0 : ~hi;';
  const cond = condExpr(f[k + S.F_CSEL_COND]);
  return `{ let lo; let hi; if (${cond}) { lo = x[${n}]; hi = x[${n + 1}]; } else { ${other} } x[${d}] = lo; x[${d + 1}] = ${b & S.CSEL_SF ? 'hi' : '0'}; }`;
}

/** Write the signed-64-bit Number expression `v` into register slot d (setPairNum). */
export function setPairCode(d: number, v: string): string {
  return `{ const v = ${v}; const h = Math.floor(v / 4294967296); x[${d}] = (v - h * 4294967296) | 0; x[${d + 1}] = h | 0; }`;
}

/** ADR / ADRP at `pc` (an expression). */
export function emitAdr(f: Int32Array, k: number, pc: string): string {
  const imm = f[k + S.F_ADR_OFFSET];
  const v = f[k + S.F_ADR_PAGE] ? `Math.floor((${pc}) / 4096) * 4096 + ${imm * 4096}` : `${pc} + ${imm}`;
  return setPairCode(f[k + F_RD], v);
}
