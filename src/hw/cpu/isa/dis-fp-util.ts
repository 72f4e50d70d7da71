// Helpers of the FP/SIMD disassembly (dis-fp-*.ts), in GNU objdump's
// spelling: scalar and vector register names, arrangements, elements,
// register lists, and the floating-point immediates (VFPExpandImm).

/** Scalar register of log2(size in bytes) 0..4: b, h, s, d, q. */
export function fpr(n: number, log2: number): string {
  return `${'bhsdq'[log2]}${n}`;
}

/** s (sz 0) or d (sz 1). */
export function sd(n: number, sz: number): string {
  return `${sz ? 'd' : 's'}${n}`;
}

/** The arrangement of element size log2 (0..3) and Q: 8b, 16b, 4h, 8h, 2s, 4s, 1d, 2d. */
export function arr(size: number, q: number): string {
  return `${(q ? 128 : 64) >>> (3 + size)}${'bhsd'[size]}`;
}

/** `v<n>.<T>`. */
export function vr(n: number, size: number, q: number): string {
  return `v${n}.${arr(size, q)}`;
}

/** `v<n>.<e>[i]`. */
export function velem(n: number, size: number, i: number): string {
  return `v${n}.${'bhsd'[size]}[${i}]`;
}

/**
 * A register list `{v1.16b}`, `{v1.16b, v2.16b}`, `{v1.16b-v3.16b}`: objdump writes a range from three
 * registers on, unless the list wraps from v31 to v0 (then each register).
 */
export function vlist(first: number, count: number, t: string): string {
  const last = (first + count - 1) & 31;
  if (count >= 3 && last > first) return `{v${first}.${t}-v${last}.${t}}`;
  const regs: string[] = [];
  for (let i = 0; i < count; i++) regs.push(`v${(first + i) & 31}.${t}`);
  return `{${regs.join(', ')}}`;
}

/** The value of VFPExpandImm(imm8) (the same for single and double precision). */
export function fpImmValue(imm8: number): number {
  const sign = imm8 & 0x80 ? -1 : 1;
  const exp = ((imm8 >>> 4) & 7) ^ 4; // -3..4 biased: b'NOT(b)b'b' -> (imm8<6:4> XOR 100) - 3
  const frac = 16 + (imm8 & 15);
  return (sign * frac * 2 ** (exp - 3)) / 16;
}

/** `#1.000000000000000000e+00`: objdump's %.18e of an FP immediate. */
export function fpImm(imm8: number): string {
  const s = fpImmValue(imm8).toExponential(18);
  return `#${s.replace(/e([+-])(\d)$/, 'e$10$2')}`;
}

/** `, lsl #n` where n != 0. */
export function lslSuffix(n: number): string {
  return n === 0 ? '' : `, lsl #${n}`;
}
