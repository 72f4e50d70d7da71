// Bitfield moves (Arm ARM C4.1.92 "Bitfield", "Extract") and their aliases:
// shifts by immediate, bitfield extract/insert, zero/sign extension, plus the
// shifts by register (C4.1.95 "Data-processing (2 source)").

import { fail } from './diagnostics.ts';
import {
  type EncodeContext,
  type Encoder,
  enc,
  expectCount,
  immRange,
  RD,
  RM,
  RN,
  reg,
  SF,
} from './encoding.ts';
import type { Operand, RegOp } from './operands.ts';

const BITFIELD_BASE = 0x13000000; // SBFM, 32-bit
const N_LSB = 22;
const EXTR_BASE = 0x13800000;
const SHIFT_REG_BASE = 0x1ac02000; // LSLV
type BfOpc = 0 | 1 | 2; // SBFM, BFM, UBFM
const SBFM: BfOpc = 0;
const BFM: BfOpc = 1;
const UBFM: BfOpc = 2;
const BYTE_BITS = 8;
const HALF_BITS = 16;
const WORD_BITS = 32;

function bitfield(opc: BfOpc, rd: RegOp, rn: RegOp, immr: number, imms: number): number {
  return enc(
    BITFIELD_BASE,
    [rd.sf, SF],
    [opc, 29],
    [rd.sf, N_LSB],
    [immr, 16],
    [imms, 10],
    [rn.num, RN],
    [rd.num, RD],
  );
}

function width(r: RegOp): number {
  return r.sf ? 64 : 32;
}

function dstSrc(ops: Operand[]): [RegOp, RegOp] {
  const rd = reg(ops[0], 'zr');
  return [rd, reg(ops[1], 'zr', rd.sf)];
}

/** SBFM/BFM/UBFM Rd, Rn, #immr, #imms */
const bfm =
  (opc: BfOpc): Encoder =>
  (ops, ctx, m) => {
    expectCount(ops, [4], m);
    const [rd, rn] = dstSrc(ops);
    const w = width(rd);
    return bitfield(
      opc,
      rd,
      rn,
      immRange(ops[2], ctx, 0, w - 1, 'immr'),
      immRange(ops[3], ctx, 0, w - 1, 'imms'),
    );
  };

/** lsb and width operands of the BFI/UBFX family, checked against the register size. */
function lsbWidth(ops: Operand[], ctx: EncodeContext, w: number): [number, number] {
  const lsb = immRange(ops[2], ctx, 0, w - 1, 'lsb');
  const bits = immRange(ops[3], ctx, 1, w - lsb, 'width');
  return [lsb, bits];
}

/** UBFX/SBFX/BFXIL: extract `width` bits at `lsb` to the bottom. */
const extract =
  (opc: BfOpc): Encoder =>
  (ops, ctx, m) => {
    expectCount(ops, [4], m);
    const [rd, rn] = dstSrc(ops);
    const [lsb, bits] = lsbWidth(ops, ctx, width(rd));
    return bitfield(opc, rd, rn, lsb, lsb + bits - 1);
  };

/** BFI/UBFIZ/SBFIZ: insert the low `width` bits at `lsb`. */
const insert =
  (opc: BfOpc): Encoder =>
  (ops, ctx, m) => {
    expectCount(ops, [4], m);
    const [rd, rn] = dstSrc(ops);
    const w = width(rd);
    const [lsb, bits] = lsbWidth(ops, ctx, w);
    return bitfield(opc, rd, rn, (w - lsb) % w, bits - 1);
  };

/** UXTB/UXTH (W only), SXTB/SXTH (W or X destination), SXTW (X destination). */
const extend =
  (opc: BfOpc, bits: number, xOnly: boolean, wOnly: boolean): Encoder =>
  (ops, _ctx, m) => {
    expectCount(ops, [2], m);
    const rd = reg(ops[0], 'zr', xOnly ? 1 : wOnly ? 0 : undefined);
    const rn = reg(ops[1], 'zr', 0);
    return bitfield(opc, rd, rn, 0, bits - 1);
  };

const SHIFT_OPS = { lsl: 0, lsr: 1, asr: 2, ror: 3 } as const;

/** LSL/LSR/ASR/ROR by immediate (bitfield or EXTR alias) or by register (LSLV...). */
const shift =
  (kind: keyof typeof SHIFT_OPS): Encoder =>
  (ops, ctx, m) => {
    expectCount(ops, [3], m);
    const [rd, rn] = dstSrc(ops);
    if (ops[2].kind === 'reg') {
      const rm = reg(ops[2], 'zr', rd.sf);
      return enc(
        SHIFT_REG_BASE,
        [rd.sf, SF],
        [rm.num, RM],
        [SHIFT_OPS[kind], 10],
        [rn.num, RN],
        [rd.num, RD],
      );
    }
    const w = width(rd);
    const s = immRange(ops[2], ctx, 0, w - 1, 'shift amount');
    switch (kind) {
      case 'lsl':
        return bitfield(UBFM, rd, rn, (w - s) % w, w - 1 - s);
      case 'lsr':
        return bitfield(UBFM, rd, rn, s, w - 1);
      case 'asr':
        return bitfield(SBFM, rd, rn, s, w - 1);
      case 'ror':
        return enc(EXTR_BASE, [rd.sf, SF], [rd.sf, N_LSB], [rn.num, RM], [s, 10], [rn.num, RN], [rd.num, RD]);
    }
  };

/** EXTR Rd, Rn, Rm, #lsb */
const extr: Encoder = (ops, ctx, m) => {
  expectCount(ops, [4], m);
  const [rd, rn] = dstSrc(ops);
  const rm = reg(ops[2], 'zr', rd.sf);
  const lsb = immRange(ops[3], ctx, 0, width(rd) - 1, 'lsb');
  return enc(EXTR_BASE, [rd.sf, SF], [rd.sf, N_LSB], [rm.num, RM], [lsb, 10], [rn.num, RN], [rd.num, RD]);
};

const shiftv =
  (kind: keyof typeof SHIFT_OPS): Encoder =>
  (ops, ctx, m) => {
    if (ops[2]?.kind !== 'reg')
      fail(`expected a register, found '${ops[2]?.text ?? 'nothing'}'`, ops[2]?.col);
    return shift(kind)(ops, ctx, m);
  };

export const BITFIELD_ENCODERS: Record<string, Encoder> = {
  sbfm: bfm(SBFM),
  bfm: bfm(BFM),
  ubfm: bfm(UBFM),
  sbfx: extract(SBFM),
  bfxil: extract(BFM),
  ubfx: extract(UBFM),
  sbfiz: insert(SBFM),
  bfi: insert(BFM),
  ubfiz: insert(UBFM),
  uxtb: extend(UBFM, BYTE_BITS, false, true),
  uxth: extend(UBFM, HALF_BITS, false, true),
  sxtb: extend(SBFM, BYTE_BITS, false, false),
  sxth: extend(SBFM, HALF_BITS, false, false),
  sxtw: extend(SBFM, WORD_BITS, true, false),
  lsl: shift('lsl'),
  lsr: shift('lsr'),
  asr: shift('asr'),
  ror: shift('ror'),
  lslv: shiftv('lsl'),
  lsrv: shiftv('lsr'),
  asrv: shiftv('asr'),
  rorv: shiftv('ror'),
  extr,
};
