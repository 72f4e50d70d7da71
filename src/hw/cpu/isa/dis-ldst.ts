// Disassembly helpers of the load/store rows: mnemonics by size and opc,
// register names by access kind, addressing modes, PRFM operations.

import { EXTEND, xr, xs } from './dis-util.ts';

const SUFFIX = ['b', 'h', '', ''];

/** The mnemonic of a single-register access: base 'ldr'/'ldur'/'ldtr', by size and opc (C6.2). */
export function ldstName(base: string, size: number, opc: number): string {
  if (opc === 0) return `${base.replace('ld', 'st')}${SUFFIX[size]}`;
  if (opc === 1) return `${base}${SUFFIX[size]}`;
  return `${base}s${size === 2 ? 'w' : SUFFIX[size]}`;
}

/** Rt of a single-register access: X for 64-bit accesses and sign extension to 64 bits. */
export function ldstReg(rt: number, size: number, opc: number): string {
  return xr(rt, size === 3 || (opc === 2 && size < 3) ? 1 : 0);
}

/** `[Xn|SP, #imm]`, `[Xn|SP, #imm]!`, `[Xn|SP], #imm` (mode: 0 offset, 1 post, 3 pre). */
export function addr(rn: number, imm: number, mode: number): string {
  const b = xs(rn, 1);
  if (mode === 1) return `[${b}], #${imm}`;
  if (mode === 3) return `[${b}, #${imm}]!`;
  return imm === 0 ? `[${b}]` : `[${b}, #${imm}]`;
}

/** `[Xn|SP, Rm{, extend {#amount}}]` of the register-offset forms. */
export function addrReg(rn: number, rm: number, option: number, s: number, size: number): string {
  const m = xr(rm, option & 1);
  let ext: string;
  if (option === 3) ext = s ? `, lsl #${size}` : '';
  else ext = `, ${EXTEND[option]}${s ? ` #${size}` : ''}`;
  return `[${xs(rn, 1)}, ${m}${ext}]`;
}

const PRF_TYPE = ['pld', 'pli', 'pst'];

/** The PRFM operation (Rt field): `pldl1keep` ... or `#0x..`. */
export function prfop(rt: number): string {
  const type = rt >>> 3;
  const target = (rt >>> 1) & 3;
  if (type > 2 || target > 2) return `#0x${rt.toString(16).padStart(2, '0')}`;
  return `${PRF_TYPE[type]}l${target + 1}${rt & 1 ? 'strm' : 'keep'}`;
}
