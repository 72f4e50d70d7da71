// The A64 decode table: every row of encodings-*.ts in priority order, and
// the matcher. At load, the rows are sorted into 16 buckets by op0 (bits
// 28:25, Arm ARM C4.1 "A64 instruction set encoding"): a bucket holds, in
// table order, the rows whose pattern allows that op0. A word is matched by
// a linear mask/value scan of its bucket; the first matching row wins. The
// last row matches every word (UNDEFINED, 'unallocated').

import { STRIDE } from '../ops.ts';
import { BRANCH_SYS } from './encodings-branch-sys.ts';
import { DP_IMM } from './encodings-dp-imm.ts';
import { DP_REG } from './encodings-dp-reg.ts';
import { FP_DATA, FP_LDST, FP_SYSREG } from './encodings-fp.ts';
import { LDST } from './encodings-ldst.ts';
import { type Encoding, undefRow } from './pattern.ts';

/** The whole table, in priority order. */
export const ENCODINGS: readonly Encoding[] = [
  ...DP_IMM,
  ...FP_SYSREG,
  ...BRANCH_SYS,
  ...LDST,
  ...FP_LDST,
  ...DP_REG,
  ...FP_DATA,
  undefRow('SME, SVE', 'xxx 0010 xxxxxxxxxxxxxxxxxxxxxxxxx', 'sve-sme'),
  undefRow('Unallocated', 'xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx', 'unallocated'),
];

const OP0_SHIFT = 25;
const OP0_MASK = 0xf << OP0_SHIFT;

const buckets: Encoding[][] = [];
for (let op0 = 0; op0 < 16; op0++) {
  const bits = op0 << OP0_SHIFT;
  buckets.push(ENCODINGS.filter((e) => (e.mask & OP0_MASK & (e.value ^ bits)) === 0));
}

/** The row of word `w` (never null: the last row matches everything). */
export function lookup(w: number): Encoding {
  const rows = buckets[(w >>> OP0_SHIFT) & 0xf];
  for (let j = 0; j < rows.length; j++) {
    const e = rows[j];
    if ((w & e.mask) === e.value) return e;
  }
  throw new Error('unreachable: the table has a catch-all row');
}

/** Decode word `w` into slot `i` of (ops, f): the matching row's fill, fields zeroed first. */
export function decodeWord(w: number, ops: Uint16Array, f: Int32Array, i: number): void {
  const e = lookup(w);
  const k = i * STRIDE;
  f.fill(0, k, k + STRIDE);
  ops[i] = e.fill(e.fields(w), f, k, w);
}

/** The rows of one bucket (tests, isa/README.md statistics). */
export function bucket(op0: number): readonly Encoding[] {
  return buckets[op0];
}
