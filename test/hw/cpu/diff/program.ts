// The test program: a static AArch64 Linux user program (no libc) that runs
// a batch of generated sequences. For each sequence it loads the scratch
// buffer, NZCV, SP and x0-x30 from the sequence's seed block, runs the
// sequence, stores x0-x30, NZCV, SP and the scratch buffer to the result
// block and writes the result block to stdout with write(2); after the last
// sequence it calls exit(0). The same source runs under qemu-aarch64 (GNU
// as + ld) and in vgicsim (our assembler), at the same addresses, so
// register values that are addresses (ADR, BL, the scratch pointer) agree.

import { SCRATCH } from './gen-int.ts';
import type { Rng } from './rng.ts';

/** Where the program's text starts, in both worlds (2 MiB-aligned: its own block in vm.ts's tables). */
export const PROGRAM_BASE = 0x4040_0000;
/** Result block: x0-x30, NZCV, SP, scratch. */
export const RESULT_BYTES = 31 * 8 + 8 + 8 + SCRATCH;
/** Offset of the scratch copy in a result block. */
export const RESULT_SCRATCH = 264;
/** Seed block: x0-x30, NZCV, scratch. */
const SEED_NZCV = 248;
const SEED_SCRATCH = 256;

export interface Sequence {
  /** Instruction lines (labels included). */
  lines: string[];
  /** Initial x0..x29 (x28 is replaced by the scratch address; x30 starts as a return address). */
  regs: bigint[];
  nzcv: number;
  /** Initial scratch contents, SCRATCH / 8 quads. */
  scratch: bigint[];
  /** Two literal quads the sequence may load (`@LIT`). */
  lits: [bigint, bigint];
}

/** Random initial state for a sequence. */
export function seedState(r: Rng, lines: string[]): Sequence {
  const regs: bigint[] = [];
  for (let n = 0; n < 31; n++) regs.push(r.interesting64());
  const scratch: bigint[] = [];
  for (let n = 0; n < SCRATCH / 8; n++) scratch.push(r.bool(0.2) ? r.interesting64() : r.u64());
  return { lines, regs, nzcv: r.int(0, 15) * 2 ** 28, scratch, lits: [r.u64(), r.interesting64()] };
}

const hex = (v: bigint | number): string => `0x${v.toString(16)}`;

function quads(vs: readonly (bigint | string)[]): string {
  const out: string[] = [];
  for (let i = 0; i < vs.length; i += 8)
    out.push(
      `  .quad ${vs
        .slice(i, i + 8)
        .map((v) => (typeof v === 'string' ? v : hex(v)))
        .join(', ')}`,
    );
  return out.join('\n');
}

/**
 * The whole program for a batch. Per sequence: point TPIDR_EL0 at the seed
 * block, `bl load` (x30 starts as that return address, the same in both
 * worlds), the sequence, then stash x30 in TPIDR_EL0, store x0/x1 and
 * `bl store` for the rest.
 */
export function programSource(seqs: readonly Sequence[]): string {
  const t: string[] = ['.text', '.global _start', '_start:', '  b s0'];
  t.push('load:', '  mrs x29, tpidr_el0', '  adrp x0, scratch', '  add x0, x0, :lo12:scratch');
  for (let j = 0; j < SCRATCH; j += 16)
    t.push(`  ldp x1, x2, [x29, #${SEED_SCRATCH + j}]`, `  stp x1, x2, [x0, #${j}]`);
  t.push('  add x1, x0, #64', '  mov sp, x1');
  t.push(`  ldr x1, [x29, #${SEED_NZCV}]`, '  msr nzcv, x1');
  for (let n = 0; n < 28; n += 2) t.push(`  ldp x${n}, x${n + 1}, [x29, #${n * 8}]`);
  t.push('  ldp x28, x29, [x29, #224]', '  ret');
  t.push('store:', '  adrp x0, result', '  add x0, x0, :lo12:result');
  for (let n = 2; n < 30; n += 2) t.push(`  stp x${n}, x${n + 1}, [x0, #${n * 8}]`);
  t.push('  mov x1, x0');
  t.push('  mrs x0, tpidr_el0', '  str x0, [x1, #240]');
  t.push('  mrs x0, nzcv', '  str x0, [x1, #248]');
  t.push('  mov x0, sp', '  str x0, [x1, #256]');
  t.push('  adrp x0, scratch', '  add x0, x0, :lo12:scratch');
  for (let j = 0; j < SCRATCH; j += 16)
    t.push(`  ldp x2, x3, [x0, #${j}]`, `  stp x2, x3, [x1, #${RESULT_SCRATCH + j}]`);
  t.push('  mov x0, #1', `  mov x2, #${RESULT_BYTES}`, '  mov x8, #64', '  svc #0', '  ret');
  seqs.forEach((s, i) => {
    t.push(
      `s${i}:`,
      `  adrp x0, seed${i}`,
      `  add x0, x0, :lo12:seed${i}`,
      '  msr tpidr_el0, x0',
      '  bl load',
    );
    for (const l of s.lines) t.push(l.endsWith(':') ? l : `  ${l.replace('@LIT', `lit${i}`)}`);
    t.push(
      '  msr tpidr_el0, x30',
      '  adrp x30, result',
      '  add x30, x30, :lo12:result',
      '  stp x0, x1, [x30]',
    );
    t.push('  bl store', `  b s${i + 1}`, '  .balign 8', `lit${i}:`, quads(s.lits));
  });
  t.push(`s${seqs.length}:`, '  mov x0, #0', '  mov x8, #93', '  svc #0');
  const d: string[] = ['.data', '.balign 16', `scratch: .skip ${SCRATCH}`, `result: .skip ${RESULT_BYTES}`];
  seqs.forEach((s, i) => {
    const regs: (bigint | string)[] = [...s.regs];
    regs[28] = 'scratch';
    d.push(`seed${i}:`, quads([...regs, BigInt(s.nzcv), ...s.scratch]));
  });
  return `${t.join('\n')}\n${d.join('\n')}\n`;
}
