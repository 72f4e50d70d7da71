// FP/SIMD loads and stores (Arm ARM C3.2.x, C7.2 LDR/STR (SIMD&FP), LDP/STP
// (SIMD&FP), LD1-LD4/ST1-ST4 (multiple structures)). Handlers take the raw
// instruction word (isa/encodings-fp.ts checked the encoding class). As for the
// integer forms: every memory access first, then base writeback, then the
// registers, so a fault or an MMIO exit changes no register. Accesses are
// split into pieces of at most 8 bytes, low address first (a 16-byte MMIO
// access is two 8-byte ones; ISV = 0).

import { R } from './alu.ts';
import type { CpuCore } from './cpu-state.ts';
import { spMisaligned, writeback } from './exec-mem-regs.ts';
import { MEM_EXIT, MEM_FAULT, MEM_PORT, memRead, memWrite } from './mem-access.ts';
import { MULTI } from './isa/fp-multi.ts';
import { SLOT_SP, ST_FAULT, ST_RETIRE, ST_STOP } from './ops.ts';

const TWO32 = 4294967296;
const SP2 = SLOT_SP * 2;
/** Bytes moved by one instruction (LD4 of four Q registers: 64). */
const tmp = new Uint8Array(64);
/** Result of an access sequence: a MEM_* code, MEM_PORT if any part went to the port. */
let anyPort = false;

function baseSlot(w: number): number {
  const rn = (w >>> 5) & 31;
  return rn === 31 ? SP2 : rn << 1;
}

/** Read `n` bytes at va into tmp[at..], in naturally sized pieces of up to 8 bytes. */
function readBytes(c: CpuCore, va: number, n: number, at: number, esize: number): number {
  const piece = Math.min(esize, 8);
  for (let o = 0; o < n; o += piece) {
    const r = memRead(c, va + o, piece, 0);
    if (r === MEM_FAULT || r === MEM_EXIT) return r;
    if (r === MEM_PORT) anyPort = true;
    let lo = R[0];
    let hi = R[1];
    for (let b = 0; b < piece; b++) {
      tmp[at + o + b] = lo & 0xff;
      lo = b === 3 ? hi : lo >>> 8;
      if (b === 3) hi = 0;
    }
  }
  return 0;
}

function writeBytes(c: CpuCore, va: number, n: number, at: number, esize: number): number {
  const piece = Math.min(esize, 8);
  for (let o = 0; o < n; o += piece) {
    let lo = 0;
    let hi = 0;
    for (let b = 0; b < piece; b++) {
      const v = tmp[at + o + b];
      if (b < 4) lo |= v << (8 * b);
      else hi |= v << (8 * (b - 4));
    }
    const r = memWrite(c, va + o, piece, lo, hi, 0);
    if (r === MEM_FAULT || r === MEM_EXIT) return r;
    if (r === MEM_PORT) anyPort = true;
  }
  return 0;
}

function done(c: CpuCore): number {
  if (!anyPort) return ST_RETIRE;
  c.stopReason = c.stopRequested ? 'stopped' : 'port';
  return ST_RETIRE | ST_STOP;
}

/** Copy tmp[at..at+n) into V<rt> (zero-extending) or V<rt> into tmp. */
function toReg(c: CpuCore, rt: number, n: number, at: number): void {
  const v = c.fp.u8;
  const b = rt * 16;
  for (let i = 0; i < 16; i++) v[b + i] = i < n ? tmp[at + i] : 0;
}
function fromReg(c: CpuCore, rt: number, n: number, at: number): void {
  const v = c.fp.u8;
  const b = rt * 16;
  for (let i = 0; i < n; i++) tmp[at + i] = v[b + i];
}

/** One register at va (size bytes), then writeback, then the register. */
function single(
  c: CpuCore,
  w: number,
  va: number,
  size: number,
  load: boolean,
  wb: number,
  doWb: boolean,
): number {
  const rt = w & 31;
  anyPort = false;
  if (!load) fromReg(c, rt, size, 0);
  const r = load ? readBytes(c, va, size, 0, size) : writeBytes(c, va, size, 0, size);
  if (r === MEM_FAULT) return ST_FAULT;
  if (r === MEM_EXIT) return ST_STOP;
  if (doWb) writeback(c.x, baseSlot(w), wb);
  if (load) toReg(c, rt, size, 0);
  return done(c);
}

function base(c: CpuCore, rn: number): number {
  return c.x[rn + 1] * TWO32 + (c.x[rn] >>> 0);
}

/** LDR/STR (SIMD&FP, immediate, unsigned offset). size:opc give the register size. */
export function fpLdStUimm(c: CpuCore, w: number): number {
  const sc = scaleOf(w);
  const rn = baseSlot(w);
  if (spMisaligned(c, rn)) return ST_FAULT;
  const va = base(c, rn) + ((w >>> 10) & 0xfff) * (1 << sc);
  return single(c, w, va, 1 << sc, ((w >>> 22) & 1) === 1, 0, false);
}

/** log2 of the register size: size, or 4 for Q (opc<1> set, size 00). */
export function scaleOf(w: number): number {
  return (w >>> 23) & 1 ? 4 : w >>> 30;
}

/** LDUR/STUR and the pre-/post-index forms (imm9). */
export function fpLdStImm9(c: CpuCore, w: number): number {
  const sc = scaleOf(w);
  const rn = baseSlot(w);
  if (spMisaligned(c, rn)) return ST_FAULT;
  const imm = ((w >>> 12) << 23) >> 23;
  const type = (w >>> 10) & 3;
  const b = base(c, rn);
  const va = type === 1 ? b : b + imm;
  return single(c, w, va, 1 << sc, ((w >>> 22) & 1) === 1, imm, type !== 0);
}

/** LDR/STR (SIMD&FP, register offset): option uxtw/lsl/sxtw/sxtx, S scales by the size. */
export function fpLdStReg(c: CpuCore, w: number): number {
  const sc = scaleOf(w);
  const rn = baseSlot(w);
  if (spMisaligned(c, rn)) return ST_FAULT;
  const x = c.x;
  const rm = ((w >>> 16) & 31) << 1;
  const option = (w >>> 13) & 7;
  const shift = (w >>> 12) & 1 ? sc : 0;
  // Register 31 is XZR here (slot 31 always reads zero).
  const lo = x[rm] >>> 0;
  const off = option === 2 ? lo : option === 6 ? x[rm] | 0 : x[rm + 1] * TWO32 + lo;
  const va = base(c, rn) + off * 2 ** shift;
  return single(c, w, va, 1 << sc, ((w >>> 22) & 1) === 1, 0, false);
}

/** LDR (literal, SIMD&FP): opc 00 S, 01 D, 10 Q. */
export function fpLdrLit(c: CpuCore, w: number): number {
  const size = 4 << (w >>> 30);
  const va = c.pc + (((w >>> 5) << 13) >> 13) * 4;
  return single(c, w, va, size, true, 0, false);
}

/** LDP/STP/LDNP/STNP (SIMD&FP): opc 00 S, 01 D, 10 Q; Rt == Rt2 on a load: Rt2 wins. */
export function fpLdStPair(c: CpuCore, w: number): number {
  const size = 4 << (w >>> 30);
  const rn = baseSlot(w);
  if (spMisaligned(c, rn)) return ST_FAULT;
  const mode = (w >>> 23) & 3;
  const load = ((w >>> 22) & 1) === 1;
  const imm = (((w >>> 15) << 25) >> 25) * size;
  const rt = w & 31;
  const rt2 = (w >>> 10) & 31;
  const b = base(c, rn);
  const va = mode === 1 ? b : b + imm;
  anyPort = false;
  if (!load) {
    fromReg(c, rt, size, 0);
    fromReg(c, rt2, size, size);
  }
  const r = load ? readBytes(c, va, 2 * size, 0, size) : writeBytes(c, va, 2 * size, 0, size);
  if (r === MEM_FAULT) return ST_FAULT;
  if (r === MEM_EXIT) return ST_STOP;
  if (mode === 1 || mode === 3) writeback(c.x, rn, imm);
  if (load) {
    toReg(c, rt, size, 0);
    toReg(c, rt2, size, size);
  }
  return done(c);
}

/** LD1-LD4 / ST1-ST4 (multiple structures), no offset or post-index (immediate = bytes moved, or Rm). */
export function fpLdStMulti(c: CpuCore, w: number): number {
  const [regs, selem] = MULTI[(w >>> 12) & 15];
  const q = (w >>> 30) & 1;
  const esize = 1 << ((w >>> 10) & 3);
  const bytes = q ? 16 : 8;
  const total = regs * bytes;
  const load = ((w >>> 22) & 1) === 1;
  const rn = baseSlot(w);
  if (spMisaligned(c, rn)) return ST_FAULT;
  const rt = w & 31;
  const va = base(c, rn);
  anyPort = false;
  const elems = bytes / esize;
  // tmp holds memory order; registers interleave per structure element.
  if (!load) {
    for (let r = 0; r < regs; r++) {
      const reg = (rt + r) & 31;
      for (let e = 0; e < elems; e++) {
        const m = selem === 1 ? r * bytes + e * esize : (e * selem + r) * esize;
        for (let b = 0; b < esize; b++) tmp[m + b] = c.fp.u8[reg * 16 + e * esize + b];
      }
    }
  }
  const res = load ? readBytes(c, va, total, 0, esize) : writeBytes(c, va, total, 0, esize);
  if (res === MEM_FAULT) return ST_FAULT;
  if (res === MEM_EXIT) return ST_STOP;
  if ((w >>> 23) & 1) {
    const rm = (w >>> 16) & 31;
    if (rm === 31) writeback(c.x, rn, total);
    else {
      const x = c.x;
      const lo = (x[rn] >>> 0) + (x[rm * 2] >>> 0);
      x[rn + 1] = (x[rn + 1] + x[rm * 2 + 1] + (lo > 0xffff_ffff ? 1 : 0)) | 0;
      x[rn] = lo | 0;
    }
  }
  if (load) {
    for (let r = 0; r < regs; r++) {
      const reg = (rt + r) & 31;
      const v = c.fp.u8;
      for (let e = 0; e < elems; e++) {
        const m = selem === 1 ? r * bytes + e * esize : (e * selem + r) * esize;
        for (let b = 0; b < esize; b++) v[reg * 16 + e * esize + b] = tmp[m + b];
      }
      if (!q) c.fp.clearHigh(reg);
    }
  }
  return done(c);
}
