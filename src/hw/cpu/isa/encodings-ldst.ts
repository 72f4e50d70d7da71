// Loads and stores, general-purpose registers (Arm ARM C4.1.87): exclusive
// and ordered, literal, pair, single register (immediate, register offset).
// LSE atomics and the later extensions are UNDEFINED. Rows in priority order.

import {
  AM_OFFSET,
  AM_POST,
  AM_PRE,
  AM_UNPRIV,
  LK_LOAD,
  LK_LOADS32,
  LK_LOADS64,
  LK_STORE,
  LX_EXCL,
  LX_LOAD,
  LX_ORDERED,
  LX_PAIR,
  OP_LDR_LIT,
  OP_LDST,
  OP_LDST_REG,
  OP_LDSTP,
  OP_LDX,
  OP_NOP,
} from '../ops.ts';
import {
  F_LDX_RS,
  F_LS_ACCESS,
  F_LS_BASE,
  F_LS_INDEX,
  F_LS_INDEX_EXTEND,
  F_LS_ISS,
  F_LS_MODE,
  F_LS_OFFSET,
  F_LS_RT,
  F_LS_RT2,
  LS_INDEX_AMOUNT_LSB,
  LS_KIND_LSB,
} from '../slots.ts';
import { rSP, rX, sext, wX } from './fill-util.ts';
import { addr, addrReg, ldstName, ldstReg, prfop } from './dis-ldst.ts';
import { ins, target, xr, xs } from './dis-util.ts';
import { type Encoding, reject, row, undefRow } from './pattern.ts';

/**
 * The data-abort instruction syndrome a hypervisor sees for a single-register
 * access without writeback (ESR_EL2 ISS: ISV SAS SSE SRT SF AR). Decoded once.
 */
export function issFor(size: number, kind: number, rt: number, ar: boolean): number {
  const sse = kind === LK_LOADS32 || kind === LK_LOADS64 ? 1 : 0;
  const sf = size === 3 || kind === LK_LOADS64 ? 1 : 0;
  return (1 << 24) | (size << 22) | (sse << 21) | (rt << 16) | (sf << 15) | (ar ? 1 << 14 : 0);
}

/** Load/store exclusive and ordered: F_LS_ACCESS = size | LX_* flags. */
function fillLdx(
  v: Record<'size' | 'L' | 'Rs' | 'o0' | 'Rt2' | 'Rn' | 'Rt', number>,
  f: Int32Array,
  k: number,
  a: number,
): number {
  if (v.o0) a |= LX_ORDERED;
  if (v.L) a |= LX_LOAD;
  f[k + F_LS_RT] = v.L ? wX(v.Rt) : rX(v.Rt);
  f[k + F_LS_BASE] = rSP(v.Rn);
  f[k + F_LDX_RS] = wX(v.Rs);
  f[k + F_LS_RT2] = v.L ? wX(v.Rt2) : rX(v.Rt2);
  f[k + F_LS_ACCESS] = a;
  return OP_LDX;
}

/** Exclusive and ordered accesses: `stxr ws, Rt, [Xn|SP]`, `ldxp Rt, Rt2, [Xn|SP]`, `ldar Rt, [Xn|SP]`. */
function disLdx(
  v: Record<'size' | 'L' | 'Rs' | 'Rt2' | 'Rn' | 'Rt', number>,
  name: string,
  pair: boolean,
): string {
  const sf = v.size === 3 ? 1 : 0;
  const m = pair ? name : `${name}${['b', 'h', '', ''][v.size]}`;
  const regs = [xr(v.Rt, sf), ...(pair ? [xr(v.Rt2, sf)] : [])];
  const status = !v.L && m.includes('x') ? [xr(v.Rs, 0)] : [];
  return ins(m, ...status, ...regs, `[${xs(v.Rn, 1)}]`);
}

/** The access kind of a single-register load/store, by opc (size 1x with opc 11 is rejected before). */
const KIND_BY_OPC = [LK_STORE, LK_LOAD, LK_LOADS64, LK_LOADS32];

/** Rt, Rn, F_LS_ACCESS of a single-register access. */
function fillSingle(f: Int32Array, k: number, size: number, opc: number, rt: number, rn: number): number {
  const kind = KIND_BY_OPC[opc];
  f[k + F_LS_RT] = kind === LK_STORE ? rX(rt) : wX(rt);
  f[k + F_LS_BASE] = rSP(rn);
  f[k + F_LS_ACCESS] = size | (kind << LS_KIND_LSB);
  return kind;
}

const EXCL = 'size:2 001000 o2=0 L:1 o1=0 Rs:5 o0:1 Rt2:5 Rn:5 Rt:5';
const EXCL_PAIR = 'size:2 001000 o2=0 L:1 o1=1 Rs:5 o0:1 Rt2:5 Rn:5 Rt:5';
const ORDERED = 'size:2 001000 o2=1 L:1 o1=0 Rs:5 o0=1 Rt2:5 Rn:5 Rt:5';

export const LDST: Encoding[] = [
  undefRow('Load/store exclusive, bit 24 set', 'xx 001001 xxxxxxxxxxxxxxxxxxxxxxxx', 'other-extension'),
  row({
    name: 'STXR/STLXR/LDXR/LDAXR',
    pattern: EXCL,
    fill: (v, f, k) => fillLdx(v, f, k, LX_EXCL | v.size),
    dis: (v) => disLdx(v, v.L ? (v.o0 ? 'ldaxr' : 'ldxr') : v.o0 ? 'stlxr' : 'stxr', false),
  }),
  undefRow('CASP', '0x 001000 0 x 1 xxxxx x xxxxx xxxxx xxxxx', 'lse-atomic'),
  row({
    name: 'STXP/STLXP/LDXP/LDAXP',
    pattern: EXCL_PAIR,
    fill: (v, f, k) => fillLdx(v, f, k, LX_EXCL | LX_PAIR | v.size),
    dis: (v) => disLdx(v, v.L ? (v.o0 ? 'ldaxp' : 'ldxp') : v.o0 ? 'stlxp' : 'stxp', true),
  }),
  undefRow('STLLR/LDLAR (FEAT_LOR)', 'xx 001000 1 x 0 xxxxx 0 xxxxx xxxxx xxxxx', 'other-extension'),
  row({
    name: 'STLR/LDAR',
    pattern: ORDERED,
    fill: (v, f, k) => fillLdx(v, f, k, v.size),
    dis: (v) => (v.Rs === 31 && v.Rt2 === 31 ? disLdx(v, v.L ? 'ldar' : 'stlr', false) : null),
  }),
  undefRow('CAS', 'xx 001000 1 x 1 xxxxxxxxxxxxxxxxxxxxx', 'lse-atomic'),
  undefRow('LDAPR/STLUR (FEAT_LRCPC)', 'xx 011001 xxxxxxxxxxxxxxxxxxxxxxxx', 'lrcpc'),
  row({
    name: 'PRFM (literal)',
    pattern: '11 011000 imm19:19 Rt:5',
    fill: () => OP_NOP,
    dis: (v, pc) => ins('prfm', prfop(v.Rt), target(pc, sext(v.imm19, 19) * 4)),
  }),
  row({
    name: 'LDR/LDRSW (literal)',
    pattern: 'opc:2 011000 imm19:19 Rt:5',
    fill(v, f, k) {
      f[k + F_LS_RT] = wX(v.Rt);
      f[k + F_LS_OFFSET] = sext(v.imm19, 19) * 4;
      const sz = v.opc === 1 ? 3 : 2;
      const kind = v.opc === 2 ? LK_LOADS64 : LK_LOAD;
      f[k + F_LS_ACCESS] = sz | (kind << LS_KIND_LSB);
      f[k + F_LS_ISS] = issFor(sz, kind, v.Rt, false);
      return OP_LDR_LIT;
    },
    dis(v, pc) {
      return ins(v.opc === 2 ? 'ldrsw' : 'ldr', xr(v.Rt, v.opc ? 1 : 0), target(pc, sext(v.imm19, 19) * 4));
    },
  }),
  undefRow('STGP', '01 10100 xx 0 xxxxxxx xxxxx xxxxx xxxxx', 'mte'),
  undefRow('Load/store pair, opc 11', '11 10100 xxxxxxxxxxxxxxxxxxxxxxxxx', 'unallocated'),
  row({
    // mode 00 (STNP/LDNP, no-allocate) is a plain offset access here.
    name: 'STP/LDP/LDPSW/STNP/LDNP',
    pattern: 'opc:2 10100 mode:2 L:1 imm7:7 Rt2:5 Rn:5 Rt:5',
    fill(v, f, k) {
      // LDNP with opc 01 (an LDPSW without allocation) is unallocated (C4.1.87, load/store no-allocate pair).
      if (v.opc === 1 && v.mode === 0) return reject(f, k, 'unallocated');
      const sz = v.opc === 2 ? 3 : 2;
      const kind = v.opc === 1 ? LK_LOADS64 : v.L ? LK_LOAD : LK_STORE;
      f[k + F_LS_RT] = v.L ? wX(v.Rt) : rX(v.Rt);
      f[k + F_LS_RT2] = v.L ? wX(v.Rt2) : rX(v.Rt2);
      f[k + F_LS_BASE] = rSP(v.Rn);
      f[k + F_LS_OFFSET] = sext(v.imm7, 7) << sz;
      f[k + F_LS_ACCESS] = sz | (kind << LS_KIND_LSB);
      f[k + F_LS_MODE] = v.mode === 1 ? AM_POST : v.mode === 3 ? AM_PRE : AM_OFFSET;
      return OP_LDSTP;
    },
    dis(v) {
      if (v.opc === 1 && v.mode === 0) return null;
      // objdump refuses a load pair with writeback into one of its registers (CONSTRAINED UNPREDICTABLE).
      if (v.L && v.mode & 1 && v.Rn !== 31 && (v.Rn === v.Rt || v.Rn === v.Rt2)) return null;
      const sf = v.opc === 0 ? 0 : 1;
      const sz = v.opc === 2 ? 3 : 2;
      const name = v.opc === 1 ? 'ldpsw' : `${v.L ? 'ld' : 'st'}${v.mode === 0 ? 'np' : 'p'}`;
      return ins(name, xr(v.Rt, sf), xr(v.Rt2, sf), addr(v.Rn, sext(v.imm7, 7) << sz, v.mode));
    },
  }),
  undefRow('Load/store register, size 1x opc 11', '1x 11100 x 11 xxxxxxxxxxxxxxxxxxxxxx', 'unallocated'),
  row({
    name: 'PRFM (immediate)',
    pattern: '11 111001 10 imm12:12 Rn:5 Rt:5',
    fill: () => OP_NOP,
    dis: (v) => ins('prfm', prfop(v.Rt), addr(v.Rn, v.imm12 << 3, 0)),
  }),
  row({
    name: 'STR/LDR/LDRS (immediate, unsigned offset)',
    pattern: 'size:2 111001 opc:2 imm12:12 Rn:5 Rt:5',
    fill(v, f, k) {
      const kind = fillSingle(f, k, v.size, v.opc, v.Rt, v.Rn);
      f[k + F_LS_OFFSET] = v.imm12 << v.size;
      f[k + F_LS_MODE] = AM_OFFSET;
      f[k + F_LS_ISS] = issFor(v.size, kind, v.Rt, false);
      return OP_LDST;
    },
    dis(v) {
      const rt = ldstReg(v.Rt, v.size, v.opc);
      return ins(ldstName('ldr', v.size, v.opc), rt, addr(v.Rn, v.imm12 << v.size, 0));
    },
  }),
  row({
    name: 'PRFUM',
    pattern: '11 111000 10 0 imm9:9 00 Rn:5 Rt:5',
    fill: () => OP_NOP,
    dis: (v) => ins('prfum', prfop(v.Rt), addr(v.Rn, sext(v.imm9, 9), 0)),
  }),
  undefRow('PRFM, writeback forms', '11 111000 10 0 xxxxxxxxx xx xxxxx xxxxx', 'unallocated'),
  row({
    // mode 00 unscaled (STUR/LDUR), 01 post-index, 10 unprivileged (STTR/LDTR), 11 pre-index
    name: 'STUR/LDUR, STR/LDR (post-, pre-index), STTR/LDTR',
    pattern: 'size:2 111000 opc:2 0 imm9:9 mode:2 Rn:5 Rt:5',
    fill(v, f, k) {
      const kind = fillSingle(f, k, v.size, v.opc, v.Rt, v.Rn);
      f[k + F_LS_OFFSET] = sext(v.imm9, 9);
      f[k + F_LS_MODE] =
        v.mode === 1 ? AM_POST : v.mode === 3 ? AM_PRE : v.mode === 2 ? AM_UNPRIV : AM_OFFSET;
      // Writeback forms have ISV = 0: a hypervisor cannot emulate them from the syndrome.
      f[k + F_LS_ISS] = v.mode === 1 || v.mode === 3 ? 0 : issFor(v.size, kind, v.Rt, false);
      return OP_LDST;
    },
    dis(v) {
      const base = v.mode === 0 ? 'ldur' : v.mode === 2 ? 'ldtr' : 'ldr';
      const mode = v.mode === 2 ? 0 : v.mode;
      return ins(
        ldstName(base, v.size, v.opc),
        ldstReg(v.Rt, v.size, v.opc),
        addr(v.Rn, sext(v.imm9, 9), mode),
      );
    },
  }),
  undefRow('Atomic memory operations', 'xx 111000 xx 1 xxxxx xxxx 00 xxxxx xxxxx', 'lse-atomic'),
  undefRow('LDRAA/LDRAB', 'xx 111000 xx 1 xxxxx xxxx x1 xxxxx xxxxx', 'pointer-auth'),
  row({
    name: 'PRFM (register)',
    pattern: '11 111000 10 1 Rm:5 option:3 S:1 10 Rn:5 Rt:5',
    fill: (v, f, k) => (v.option & 2 ? OP_NOP : reject(f, k, 'unallocated')),
    dis: (v) => (v.option & 2 ? ins('prfm', prfop(v.Rt), addrReg(v.Rn, v.Rm, v.option, v.S, 3)) : null),
  }),
  row({
    name: 'STR/LDR/LDRS (register)',
    pattern: 'size:2 111000 opc:2 1 Rm:5 option:3 S:1 10 Rn:5 Rt:5',
    fill(v, f, k) {
      if (!(v.option & 2)) return reject(f, k, 'unallocated');
      const kind = fillSingle(f, k, v.size, v.opc, v.Rt, v.Rn);
      f[k + F_LS_INDEX] = rX(v.Rm);
      f[k + F_LS_INDEX_EXTEND] = v.option | ((v.S ? v.size : 0) << LS_INDEX_AMOUNT_LSB);
      f[k + F_LS_ISS] = issFor(v.size, kind, v.Rt, false);
      return OP_LDST_REG;
    },
    dis(v) {
      if (!(v.option & 2)) return null;
      const rt = ldstReg(v.Rt, v.size, v.opc);
      return ins(ldstName('ldr', v.size, v.opc), rt, addrReg(v.Rn, v.Rm, v.option, v.S, v.size));
    },
  }),
];
