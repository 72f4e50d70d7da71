// Whether a machine translates guest code (src/hw/cpu/jit) unless its board
// says: the environment variable VGICSIM_JIT (0 off, 1 on), else the default.

/** Translation's default when VGICSIM_JIT is not set. */
export const JIT_DEFAULT = false;

export function jitDefault(): boolean {
  const v = typeof process === 'undefined' ? undefined : process.env.VGICSIM_JIT;
  if (v === '0') return false;
  if (v === '1') return true;
  return JIT_DEFAULT;
}

/** Entries into an untranslated slot before it is translated (VGICSIM_JIT_HOT, 0..255; tests use 0). */
export function jitHotDefault(): number {
  const v = typeof process === 'undefined' ? undefined : process.env.VGICSIM_JIT_HOT;
  const n = v === undefined ? Number.NaN : Number(v);
  return Number.isInteger(n) && n >= 0 && n <= 255 ? n : 8;
}
