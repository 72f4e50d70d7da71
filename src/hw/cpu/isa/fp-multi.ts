// LD1-LD4/ST1-ST4 (multiple structures): the opcode table shared by the
// decode table (which encodings are allocated) and the executor
// (exec-fp-mem.ts: how many registers, how many elements per structure).

/** Registers and structure size of LD1-LD4/ST1-ST4 (multiple structures) by opcode, or null. */
export const MULTI: Record<number, [regs: number, selem: number]> = {
  0: [4, 4],
  2: [4, 1],
  4: [3, 3],
  6: [3, 1],
  7: [1, 1],
  8: [2, 2],
  10: [2, 1],
};

export function multiValid(w: number): boolean {
  const m = MULTI[(w >>> 12) & 15];
  if (m === undefined) return false;
  // size 11 with Q 0 is reserved for LD2-LD4.
  return !(m[1] > 1 && ((w >>> 10) & 3) === 3 && ((w >>> 30) & 1) === 0);
}
