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
/** FP programs: V0-V31 follow at this offset of the result block, then FPSR. */
export const RESULT_V = 400;
export const RESULT_FPSR = RESULT_V + 512;
export const RESULT_BYTES_FP = RESULT_FPSR + 8;
/** Seed block: x0-x30, NZCV, scratch; FP programs: V0-V31, FPCR. */
const SEED_NZCV = 248;
const SEED_SCRATCH = 256;
const SEED_V = 384;
const SEED_FPCR = SEED_V + 512;

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
  /** FP programs: V0-V31 as 64 quads (low first), FPCR. */
  v?: bigint[];
  fpcr?: number;
}

const F32 = [
  0, 0x8000_0000, 0x3f80_0000, 0xbf80_0000, 0x7f80_0000, 0xff80_0000, 0x7fc0_0000, 0x7fa0_0001, 0xffc1_2345,
  0x0000_0001, 0x807f_ffff, 0x0080_0000, 0x7f7f_ffff, 0x4f00_0000, 0xcf00_0001, 0x3eaa_aaab, 0x5f00_0000,
];
const F64 = [
  0n,
  0x8000_0000_0000_0000n,
  0x3ff0_0000_0000_0000n,
  0x7ff0_0000_0000_0000n,
  0xfff8_0000_0000_0000n,
  0x7ff4_0000_0000_0001n,
  0x0000_0000_0000_0001n,
  0x0010_0000_0000_0000n,
  0x7fef_ffff_ffff_ffffn,
  0x43e0_0000_0000_0000n,
  0xc3e0_0000_0000_0001n,
  0x41df_ffff_ffc0_0000n,
  0x3fd5_5555_5555_5555n,
  0x3690_0000_0000_0000n,
];

/** A random 64-bit half of a V register: raw bits, two singles or a double from edge-case lists. */
function vHalf(r: Rng): bigint {
  switch (r.int(0, 3)) {
    case 0:
      return r.u64();
    case 1: {
      const f = (): bigint =>
        BigInt(r.bool(0.7) ? r.pick(F32) : (r.int(0x3000, 0x5000) << 16) | r.int(0, 0xffff));
      return (f() << 32n) | f();
    }
    case 2:
      return r.bool(0.7)
        ? r.pick(F64)
        : (BigInt(r.int(0x3c0, 0x440)) << 52n) | (r.u64() & 0xf_ffff_ffff_ffffn);
    default:
      return r.interesting64();
  }
}

/** Add FP state to a sequence's seed. */
export function seedFp(r: Rng, s: Sequence): Sequence {
  const v: bigint[] = [];
  for (let i = 0; i < 64; i++) v.push(vHalf(r));
  return { ...s, v, fpcr: r.bool(0.2) ? 1 << 25 : 0 };
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
  const fp = seqs.some((s) => s.v !== undefined);
  const t: string[] = ['.text', '.global _start', '_start:', '  b s0'];
  t.push('load:', '  mrs x29, tpidr_el0', '  adrp x0, scratch', '  add x0, x0, :lo12:scratch');
  if (fp) {
    for (let n = 0; n < 32; n += 2) t.push(`  ldp q${n}, q${n + 1}, [x29, #${SEED_V + n * 16}]`);
    t.push(`  ldr x1, [x29, #${SEED_FPCR}]`, '  msr fpcr, x1', '  msr fpsr, xzr');
  }
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
  if (fp) {
    for (let n = 0; n < 32; n += 2) t.push(`  stp q${n}, q${n + 1}, [x1, #${RESULT_V + n * 16}]`);
    t.push('  mrs x0, fpsr', `  str x0, [x1, #${RESULT_FPSR}]`);
  }
  t.push(
    '  mov x0, #1',
    `  mov x2, #${fp ? RESULT_BYTES_FP : RESULT_BYTES}`,
    '  mov x8, #64',
    '  svc #0',
    '  ret',
  );
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
  const d: string[] = [
    '.data',
    '.balign 16',
    `scratch: .skip ${SCRATCH}`,
    `result: .skip ${fp ? RESULT_BYTES_FP : RESULT_BYTES}`,
  ];
  seqs.forEach((s, i) => {
    const regs: (bigint | string)[] = [...s.regs];
    regs[28] = 'scratch';
    d.push('.balign 16', `seed${i}:`, quads([...regs, BigInt(s.nzcv), ...s.scratch]));
    if (s.v) d.push(quads([...s.v, BigInt(s.fpcr ?? 0), 0n]));
  });
  return `${t.join('\n')}\n${d.join('\n')}\n`;
}
