// Helpers of the disassembler (GNU objdump's spelling): register names,
// immediates, branch targets, conditions, shifts and extends.

import { CONDITION_NAMES } from '../asm/conditions.ts';

/** A general-purpose register where 31 is the zero register. */
export function xr(n: number, sf: number): string {
  if (n === 31) return sf ? 'xzr' : 'wzr';
  return `${sf ? 'x' : 'w'}${n}`;
}

/** A general-purpose register where 31 is the stack pointer. */
export function xs(n: number, sf: number): string {
  if (n === 31) return sf ? 'sp' : 'wsp';
  return `${sf ? 'x' : 'w'}${n}`;
}

/** `#0x..` of a non-negative number (objdump prints most immediates in hex). */
export function hex(n: number): string {
  return `#0x${n.toString(16)}`;
}

/** `#0x..` of a 64-bit value given as two 32-bit halves. */
export function hex64(lo: number, hi: number): string {
  if (hi === 0) return hex(lo >>> 0);
  return `#0x${(hi >>> 0).toString(16)}${(lo >>> 0).toString(16).padStart(8, '0')}`;
}

/** `#n` in decimal (shift amounts, bit positions, load/store offsets). */
export function dec(n: number): string {
  return `#${n}`;
}

/** A PC-relative target as objdump prints it for a binary without symbols. */
export function target(pc: number, off: number): string {
  const a = pc + off;
  return `0x${(a < 0 ? a + 2 ** 64 : a).toString(16)}`;
}

/** Condition names by code (the assembler's definition). */
export const COND = CONDITION_NAMES;
export const SHIFT = ['lsl', 'lsr', 'asr', 'ror'];
export const EXTEND = ['uxtb', 'uxth', 'uxtw', 'uxtx', 'sxtb', 'sxth', 'sxtw', 'sxtx'];

/** `, <shift> #<amount>`, or nothing for LSL #0. */
export function shiftSuffix(shift: number, amount: number): string {
  return shift === 0 && amount === 0 ? '' : `, ${SHIFT[shift]} #${amount}`;
}

/** The mnemonic and operands, as one string (a space between them, not objdump's tab). */
export function ins(mnemonic: string, ...operands: string[]): string {
  return operands.length === 0 ? mnemonic : `${mnemonic} ${operands.join(', ')}`;
}
