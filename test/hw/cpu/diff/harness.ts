// Differential testing of the interpreter against qemu-aarch64: generate a
// batch of random sequences, build one program for the batch, run it in
// both, compare every result block (registers, NZCV, SP, scratch memory).
// A mismatching sequence is narrowed down to its first diverging
// instruction by re-running its prefixes (one more batch).

import { assemble } from '../../../../src/hw/cpu/asm/index.ts';
import { IntGen } from './gen-int.ts';
import { FpGen } from './gen-fp.ts';
import {
  PROGRAM_BASE,
  programSource,
  RESULT_BYTES,
  RESULT_BYTES_FP,
  RESULT_FPSR,
  RESULT_SCRATCH,
  RESULT_V,
  type Sequence,
  seedFp,
  seedState,
} from './program.ts';
import { runInQemu } from './qemu.ts';
import { Rng } from './rng.ts';
import { runInVgicsim } from './vm.ts';

export interface Mismatch {
  /** Sequence index in the batch. */
  index: number;
  lines: string[];
  /** What differs, e.g. `x3: qemu 0x1 vgicsim 0x2`. */
  diffs: string[];
  /** The shortest prefix (in lines) that already diverges, if narrowed. */
  prefix?: string[];
}

export interface BatchReport {
  sequences: number;
  instructions: number;
  mismatches: Mismatch[];
  /** Our assembler and GNU as disagree on the program's bytes. */
  imageMismatch?: string;
  /** A world did not run the program to the end. */
  crash?: string;
}

const NAMES = [...Array.from({ length: 31 }, (_, i) => `x${i}`), 'nzcv', 'sp'];

/** FP programs are linked by GNU ld with .data here (our assembler has no FP/SIMD forms yet). */
const FP_DATA = 0x40c0_0000;

function fieldName(off: number): string {
  if (off < NAMES.length * 8) return NAMES[off / 8];
  if (off < RESULT_BYTES) return `mem[scratch+${off - RESULT_SCRATCH}]`;
  if (off >= RESULT_V && off < RESULT_FPSR)
    return `v${(off - RESULT_V) >> 4}.d[${((off - RESULT_V) >> 3) & 1}]`;
  return off === RESULT_FPSR ? 'fpsr' : `+${off}`;
}

function compareBlock(q: Uint8Array, v: Uint8Array, size: number): string[] {
  const dq = new DataView(q.buffer, q.byteOffset, q.byteLength);
  const dv = new DataView(v.buffer, v.byteOffset, v.byteLength);
  const diffs: string[] = [];
  for (let i = 0; i < size / 8; i++) {
    const a = dq.getBigUint64(i * 8, true);
    const b = dv.getBigUint64(i * 8, true);
    if (a === b) continue;
    const name = fieldName(i * 8);
    diffs.push(`${name}: qemu 0x${a.toString(16)} vgicsim 0x${b.toString(16)}`);
  }
  return diffs;
}

function instructionCount(lines: readonly string[]): number {
  return lines.filter((l) => !l.endsWith(':')).length;
}

/** Run sequences in both worlds; per sequence, the diffs (empty = equal), or a crash. */
async function runBoth(
  seqs: Sequence[],
  what: string,
): Promise<{ diffs: (string[] | null)[]; imageMismatch?: string; crash?: string }> {
  const src = programSource(seqs);
  const fp = seqs.some((s) => s.v !== undefined);
  const RB = fp ? RESULT_BYTES_FP : RESULT_BYTES;
  if (fp) {
    // GNU as builds the program for both worlds.
    const qemu = await runInQemu(src, PROGRAM_BASE, FP_DATA, what);
    const budget = seqs.reduce((n, s) => n + s.lines.length * 4 + 300, 1000);
    const vm = runInVgicsim(qemu.image, PROGRAM_BASE, PROGRAM_BASE, budget);
    const diffs = seqs.map((_, i) => {
      const o = i * RB;
      const q = qemu.out.subarray(o, o + RB);
      const v = vm.out.subarray(o, o + RB);
      if (q.length < RB || v.length < RB)
        return q.length === v.length ? null : ['only one world completed it'];
      return compareBlock(q, v, RB);
    });
    let crash: string | undefined;
    if (vm.error) crash = `vgicsim: ${vm.error.message} at 0x${vm.error.pc.toString(16)}`;
    if (qemu.error) crash = `${crash ? `${crash}; ` : ''}qemu: ${qemu.error.split('\n')[0]}`;
    if (!crash && (qemu.out.length !== seqs.length * RB || vm.out.length !== seqs.length * RB))
      crash = `short output: qemu ${qemu.out.length}, vgicsim ${vm.out.length}`;
    return { diffs, crash };
  }
  const ours = assemble(src, { base: PROGRAM_BASE });
  const dataAddr = ours.symbols.get('scratch');
  if (dataAddr === undefined) throw new Error('program has no scratch symbol');
  const budget = seqs.reduce((n, s) => n + s.lines.length * 4 + 200, 1000);
  const vm = runInVgicsim(ours.bytes, ours.base, ours.entry, budget);
  const qemu = await runInQemu(src, PROGRAM_BASE, dataAddr, what);
  let imageMismatch: string | undefined;
  const n = Math.min(qemu.image.length, ours.bytes.length);
  for (let i = 0; i < n; i++) {
    if (qemu.image[i] !== ours.bytes[i]) {
      const at = ours.base + i;
      const pos = ours.lineOf(at);
      imageMismatch = `byte at 0x${at.toString(16)} (line ${pos?.line}: ${src.split('\n')[(pos?.line ?? 1) - 1]?.trim()}) differs from GNU as`;
      break;
    }
  }
  if (!imageMismatch && qemu.image.length !== ours.bytes.length)
    imageMismatch = `image sizes differ: GNU ${qemu.image.length}, ours ${ours.bytes.length}`;
  const diffs: (string[] | null)[] = [];
  for (let i = 0; i < seqs.length; i++) {
    const o = i * RESULT_BYTES;
    const q = qemu.out.subarray(o, o + RESULT_BYTES);
    const v = vm.out.subarray(o, o + RESULT_BYTES);
    if (q.length < RESULT_BYTES || v.length < RESULT_BYTES) {
      diffs.push(
        q.length === v.length
          ? null
          : [`only one world completed it (qemu ${q.length > 0}, vgicsim ${v.length > 0})`],
      );
      continue;
    }
    diffs.push(compareBlock(q, v, RB));
  }
  let crash: string | undefined;
  const where = (pc: number): string => {
    let best = '';
    for (const [name, addr] of ours.symbols) if (/^s\d+$/.test(name) && addr <= pc) best = name;
    const pos = ours.lineOf(pc);
    return `${best} line ${pos?.line}: ${src.split('\n')[(pos?.line ?? 1) - 1]?.trim()}`;
  };
  if (vm.error)
    crash = `vgicsim: ${vm.error.message} at 0x${vm.error.pc.toString(16)} (${where(vm.error.pc)})`;
  if (qemu.error) crash = `${crash ? `${crash}; ` : ''}qemu: ${qemu.error.split('\n')[0]}`;
  const want = seqs.length * RESULT_BYTES;
  if (!crash && (qemu.out.length !== want || vm.out.length !== want))
    crash = `short output: qemu ${qemu.out.length}, vgicsim ${vm.out.length}, expected ${want} bytes`;
  return { diffs, imageMismatch, crash };
}

export type SequenceGen = (r: Rng, tag: string) => string[];

export const intSequences =
  (minLen = 4, maxLen = 16): SequenceGen =>
  (r, tag) =>
    new IntGen(r).sequence(r.int(minLen, maxLen), tag);

/** FP/SIMD sequences (with integer forms mixed in). */
export const fpSequences =
  (minLen = 4, maxLen = 16): SequenceGen =>
  (r, tag) =>
    new FpGen(r).sequence(r.int(minLen, maxLen), tag);

/** One batch: `count` sequences from `seed`; `fp` seeds V0-V31/FPCR and compares them and FPSR. */
export async function runBatch(
  seed: number,
  count: number,
  gen: SequenceGen,
  fp = false,
): Promise<BatchReport> {
  const r = new Rng(seed);
  const seqs: Sequence[] = [];
  for (let i = 0; i < count; i++) {
    const s = seedState(r, gen(r, `${i}`));
    seqs.push(fp ? seedFp(r, s) : s);
  }
  const what = `${count} ${fp ? 'FP/SIMD' : 'integer'} sequences from seed 0x${seed.toString(16)}`;
  const res = await runBoth(seqs, what);
  const mismatches: Mismatch[] = [];
  res.diffs.forEach((d, i) => {
    if (d === null || d.length === 0) return;
    mismatches.push({ index: i, lines: seqs[i].lines, diffs: d });
  });
  // Narrow the first mismatch: every prefix of the sequence, same initial state.
  if (mismatches.length > 0 && !res.crash) {
    const m = mismatches[0];
    const s = seqs[m.index];
    const cuts: number[] = [];
    s.lines.forEach((l, j) => {
      if (!l.endsWith(':')) cuts.push(j + 1);
    });
    const tag = new RegExp(`\\bL${m.index}_`, 'g');
    const prefixes = cuts.map((c, j) => ({
      ...s,
      lines: closeLabels(s.lines.slice(0, c), s.lines).map((l) => l.replace(tag, `L${m.index}p${j}_`)),
    }));
    try {
      const p = await runBoth(prefixes, `the prefixes of sequence ${m.index} of ${what}`);
      const first = p.diffs.findIndex((d) => d !== null && d.length > 0);
      if (first >= 0) m.prefix = prefixes[first].lines;
    } catch {
      /* the full report stands */
    }
  }
  return {
    sequences: count,
    instructions: seqs.reduce((n, s) => n + instructionCount(s.lines), 0),
    mismatches,
    imageMismatch: res.imageMismatch,
    crash: res.crash,
  };
}

/** A prefix of a sequence keeps the labels its branches name (at its end). */
function closeLabels(prefix: string[], all: string[]): string[] {
  const defined = new Set(prefix.filter((l) => l.endsWith(':')).map((l) => l.slice(0, -1)));
  const labels = all.filter((l) => l.endsWith(':')).map((l) => l.slice(0, -1));
  const out = [...prefix];
  for (const l of labels) {
    const use = new RegExp(`\\b${l}\\b`);
    if (!defined.has(l) && prefix.some((p) => use.test(p))) out.push(`${l}:`);
  }
  return out;
}

export function formatMismatch(m: Mismatch): string {
  const body = (m.prefix ?? m.lines).map((l) => `    ${l}`).join('\n');
  return `sequence ${m.index}${m.prefix ? ' (shortest diverging prefix)' : ''}:\n${body}\n  ${m.diffs.join('\n  ')}`;
}
