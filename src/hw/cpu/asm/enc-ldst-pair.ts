// Load/store pair (Arm ARM C4.1.94 "Load/store register pair") and the
// exclusive and acquire/release single-copy atomics ("Load/store exclusive",
// "Load-acquire/store-release").

import { fail } from './diagnostics.ts';
import { constant, type Encoder, enc, expectCount, imm, RN, RS_LSB, RT2, reg } from './encoding.ts';
import { baseReg } from './enc-ldst.ts';
import type { MemOp, Operand } from './operands.ts';

const PAIR_BASE = 0x28000000;
const PAIR_POST = 1 << 23;
const PAIR_OFFSET = 2 << 23;
const PAIR_PRE = 3 << 23;
const LOAD = 1 << 22;
const IMM7_MIN = -64;
const IMM7_MAX = 63;
const IMM7_MASK = 0x7f;
const IMM7_LSB = 15;

/** opc: 00 32-bit, 01 LDPSW, 10 64-bit. */
const pair =
  (load: boolean, signedWord = false): Encoder =>
  (ops, ctx, m) => {
    expectCount(ops, [3, 4], m);
    const rt = reg(ops[0], 'zr', signedWord ? 1 : undefined);
    const rt2 = reg(ops[1], 'zr', rt.sf);
    const mem = ops[2];
    if (mem.kind !== 'mem' || mem.index !== null)
      fail(`expected a memory operand '[xN, #imm]', found '${mem.text}'`, mem.col);
    const opc = signedWord ? 1 : rt.sf ? 2 : 0;
    const scale = signedWord || rt.sf === 0 ? 4n : 8n;
    let mode = PAIR_OFFSET;
    let offOp: Operand | null = null;
    let off = mem.offset === null ? 0n : constant(mem.offset, ctx, mem.text, mem.col);
    if (ops.length === 4) {
      if (mem.writeback || mem.offset !== null)
        fail(`expected '[xN], #imm' for post-index, found '${mem.text}'`, mem.col);
      mode = PAIR_POST;
      offOp = ops[3];
      off = imm(ops[3], ctx, 'an offset');
    } else if (mem.writeback) mode = PAIR_PRE;
    const col = offOp?.col ?? mem.col;
    if (off % scale !== 0n) fail(`offset ${off} is not a multiple of ${scale} for ${m.toUpperCase()}`, col);
    const scaled = off / scale;
    if (scaled < BigInt(IMM7_MIN) || scaled > BigInt(IMM7_MAX)) {
      fail(
        `offset ${off} out of range for ${m.toUpperCase()} (${IMM7_MIN * Number(scale)}..${IMM7_MAX * Number(scale)})`,
        col,
      );
    }
    return enc(
      PAIR_BASE | mode | (load ? LOAD : 0),
      [opc, 30],
      [Number(scaled) & IMM7_MASK, IMM7_LSB],
      [rt2.num, RT2],
      [baseReg(mem).num, RN],
      [rt.num, 0],
    );
  };

const EXCL_BASE = 0x08000000;
const O2 = 1 << 23;
const O1 = 1 << 21;
const O0 = 1 << 15;
const UNUSED = 31;

/** `[xN]` or `[xN, #0]`: the only addressing of exclusives and acquire/release. */
function plainBase(op: Operand | undefined, ctxValue: (op: MemOp) => bigint): number {
  if (op?.kind !== 'mem' || op.index !== null || op.writeback)
    fail(`expected '[xN]', found '${op?.text ?? 'nothing'}'`, op?.col);
  if (op.offset !== null && ctxValue(op) !== 0n)
    fail(`expected '[xN]' or '[xN, #0]', found '${op.text}'`, op.col);
  return baseReg(op).num;
}

interface Excl {
  /** log2 access size, or undefined: from Rt (W 2, X 3). */
  size?: number;
  load: boolean;
  /** Status register Ws first (stores exclusive). */
  status: boolean;
  pairRegs: boolean;
  o0: boolean;
  o2: boolean;
}

const exclusive =
  (x: Excl): Encoder =>
  (ops, ctx, m) => {
    const n = 2 + (x.status ? 1 : 0) + (x.pairRegs ? 1 : 0);
    expectCount(ops, [n], m);
    let i = 0;
    const rs = x.status ? reg(ops[i++], 'zr', 0).num : UNUSED;
    const rt = reg(ops[i++], 'zr', x.size === undefined ? undefined : 0);
    const rt2 = x.pairRegs ? reg(ops[i++], 'zr', rt.sf).num : UNUSED;
    const rn = plainBase(ops[i], (mem) => constant(mem.offset!, ctx, mem.text, mem.col));
    const size = x.size ?? (rt.sf ? 3 : 2);
    return enc(
      EXCL_BASE | (x.o2 ? O2 : 0) | (x.load ? LOAD : 0) | (x.pairRegs ? O1 : 0) | (x.o0 ? O0 : 0),
      [size, 30],
      [rs, RS_LSB],
      [rt2, RT2],
      [rn, RN],
      [rt.num, 0],
    );
  };

const BYTE = 0;
const HALF = 1;
const sizes: [string, number | undefined][] = [
  ['', undefined],
  ['b', BYTE],
  ['h', HALF],
];

export const LDST_PAIR_ENCODERS: Record<string, Encoder> = {
  ldp: pair(true),
  stp: pair(false),
  ldpsw: pair(true, true),
  ldxp: exclusive({ load: true, status: false, pairRegs: true, o0: false, o2: false }),
  ldaxp: exclusive({ load: true, status: false, pairRegs: true, o0: true, o2: false }),
  stxp: exclusive({ load: false, status: true, pairRegs: true, o0: false, o2: false }),
  stlxp: exclusive({ load: false, status: true, pairRegs: true, o0: true, o2: false }),
};
for (const [suffix, size] of sizes) {
  const base = { size, pairRegs: false };
  LDST_PAIR_ENCODERS[`ldxr${suffix}`] = exclusive({
    ...base,
    load: true,
    status: false,
    o0: false,
    o2: false,
  });
  LDST_PAIR_ENCODERS[`ldaxr${suffix}`] = exclusive({
    ...base,
    load: true,
    status: false,
    o0: true,
    o2: false,
  });
  LDST_PAIR_ENCODERS[`stxr${suffix}`] = exclusive({
    ...base,
    load: false,
    status: true,
    o0: false,
    o2: false,
  });
  LDST_PAIR_ENCODERS[`stlxr${suffix}`] = exclusive({
    ...base,
    load: false,
    status: true,
    o0: true,
    o2: false,
  });
  LDST_PAIR_ENCODERS[`ldar${suffix}`] = exclusive({ ...base, load: true, status: false, o0: true, o2: true });
  LDST_PAIR_ENCODERS[`stlr${suffix}`] = exclusive({
    ...base,
    load: false,
    status: false,
    o0: true,
    o2: true,
  });
}
