// Whether a machine translates guest code (src/hw/cpu/jit) unless its board
// says: the environment variable VGICSIM_JIT (0 off, 1 on), else the default.

/** Translation's default when VGICSIM_JIT is not set. */
const JIT_DEFAULT = true;

export function jitDefault(): boolean {
  const v = typeof process === 'undefined' ? undefined : process.env.VGICSIM_JIT;
  if (v === '0') return false;
  if (v === '1') return true;
  return JIT_DEFAULT;
}

/** Entries into an untranslated slot before it is translated (VGICSIM_JIT_HOT, 0..65535; tests use 0). */
export function jitHotDefault(): number {
  const v = typeof process === 'undefined' ? undefined : process.env.VGICSIM_JIT_HOT;
  const n = v === undefined ? Number.NaN : Number(v);
  return Number.isInteger(n) && n >= 0 && n <= 65535 ? n : 8;
}

/**
 * Which blocks are translated: VGICSIM_JIT_BLOCKS=loops (default) only those
 * whose branch targets their own entry, =all every block. A block that does
 * not loop runs a few instructions per call, and a fresh V8 function costs
 * about a millisecond to make and stays slow for its first thousands of
 * calls: on a Linux boot translating every block is slower than interpreting.
 */
export function jitLoopsOnlyDefault(): boolean {
  const v = typeof process === 'undefined' ? undefined : process.env.VGICSIM_JIT_BLOCKS;
  return v !== 'all';
}
