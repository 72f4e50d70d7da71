// The WebAssembly backend of the translator (src/hw/cpu/jit/wasm) against
// the interpreter: the lockstep of jit.test.ts (two bare machines, one
// interpreting, one translating every slot at first entry, run(n) by run(n),
// whole cpu state, stop reasons and RAM compared after each) with
// VGICSIM_JIT_BACKEND=wasm's switch on, on random blocks of the ops it
// takes (MOVZ/MOVN/MOVK, ADD/SUB(S) immediate and shifted register, the
// logical ops, shifts, the CSEL family, B.cond/CBZ/CBNZ/TBZ/TBNZ/B), from
// random registers and flags, with random budgets ending inside blocks.

import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import fc from 'fast-check';
import { encodeModuleForTest } from '../../../src/hw/cpu/jit/wasm/selftest.ts';
import { setWasmBackend, wasmStats } from '../../../src/hw/cpu/jit/wasm/compile-wasm.ts';
import { twin, lockstep } from './helpers/jit-twin.ts';

const R = ['x0', 'x1', 'x2', 'x3', 'x4', 'x5', 'x6', 'x7'];
const W = R.map((r) => `w${r.slice(1)}`);
const CONDS = ['eq', 'ne', 'cs', 'cc', 'mi', 'pl', 'vs', 'vc', 'hi', 'ls', 'ge', 'lt', 'gt', 'le', 'al'];
const BITMASK_W = [
  '0xff',
  '0xffff0000',
  '0xf0f0f0f0',
  '0x7ffffffe',
  '0x1',
  '0x3c',
  '0x55555555',
  '0x80000000',
];
const BITMASK_X = [
  '0xff',
  '0xffff0000',
  '0xf0f0f0f0f0f0f0f0',
  '0x7ffffffe',
  '0x1',
  '0x3c',
  '0x5555555555555555',
  '0xffffffff00000000',
  '0x0ff00ff00ff00ff0',
  '0x8000000000000000',
];

/** One random instruction of the ops the backend takes (never x28, the loop counter). */
const insn: fc.Arbitrary<string> = fc
  .tuple(
    fc.integer({ min: 0, max: 13 }),
    fc.boolean(),
    fc.array(fc.integer({ min: 0, max: 8 }), { minLength: 3, maxLength: 3 }),
    fc.integer({ min: 0, max: 63 }),
    fc.integer({ min: 0, max: 4095 }),
    fc.integer({ min: 0, max: CONDS.length - 1 }),
    fc.integer({ min: 0, max: BITMASK_X.length - 1 }),
  )
  .map(([kind, sf, [d, n, m], sh, imm, cond, mask]) => {
    const regs = sf ? R : W;
    const zr = sf ? 'xzr' : 'wzr';
    const rd = d === 8 ? zr : regs[d];
    const rn = n === 8 ? zr : regs[n];
    const rm = m === 8 ? zr : regs[m];
    const width = sf ? 64 : 32;
    const s = sh % width;
    const shifts = ['lsl', 'lsr', 'asr'];
    const bm = sf ? BITMASK_X[mask] : BITMASK_W[mask % BITMASK_W.length];
    const rdSp = d === 8 ? regs[0] : rd; // ADD/SUB immediate: register 31 is SP there, not ZR
    const rnSp = n === 8 ? regs[1] : rn;
    switch (kind) {
      case 0:
        return `movz ${regs[d % 8]}, #${imm}, lsl #${16 * (sh % (sf ? 4 : 2))}`;
      case 1:
        return `movn ${regs[d % 8]}, #${imm}, lsl #${16 * (sh % (sf ? 4 : 2))}`;
      case 2:
        return `movk ${regs[d % 8]}, #${imm * 16 + (sh & 15)}, lsl #${16 * (sh % (sf ? 4 : 2))}`;
      case 3:
        return `${['add', 'sub'][sh & 1]} ${rdSp}, ${rnSp}, #${imm}${sh & 2 ? ', lsl #12' : ''}`;
      case 4:
        return `${['adds', 'subs'][sh & 1]} ${rd}, ${rnSp}, #${imm}`;
      case 5:
        return `${['add', 'sub', 'adds', 'subs'][imm & 3]} ${rd}, ${rn}, ${rm}, ${shifts[imm % 3]} #${s}`;
      case 6:
        return `${['and', 'orr', 'eor', 'ands'][imm & 3]} ${(imm & 3) === 3 ? rd : rdSp}, ${rn}, #${bm}`;
      case 7:
        return `${['and', 'bic', 'orr', 'orn', 'eor', 'eon', 'ands', 'bics'][imm & 7]} ${rd}, ${rn}, ${rm}, ${[...shifts, 'ror'][(imm >> 3) & 3]} #${s}`;
      case 8:
        return `${shifts[imm % 3]} ${rd}, ${rn}, #${s}`;
      case 9:
        return `${['csel', 'csinc', 'csinv', 'csneg'][imm & 3]} ${rd}, ${rn}, ${rm}, ${CONDS[cond]}`;
      case 10:
        return `${['cmp', 'cmn'][imm & 1]} ${rn}, ${rm}, ${shifts[imm % 3]} #${s}`;
      case 11:
        return `tst ${rn}, #${bm}`;
      case 12:
        return `nop`;
      default:
        return `cmp ${rnSp}, #${imm}`;
    }
  });

/** How the loop closes on itself (x28 counts). */
const CLOSES = [
  'subs x28, x28, #1\n  b.ne top',
  'sub x28, x28, #1\n  cbnz x28, top',
  'sub w28, w28, #1\n  cbnz w28, top',
  'add x28, x28, #1\n  tbz x28, #5, top',
  'sub x28, x28, #1\n  tbnz x28, #40, top',
  'cmp x28, #0\n  sub x28, x28, #1\n  b.gt top',
];

function program(body: string[], close: number, split: number): string {
  const lines = [...body];
  // Optionally a conditional branch forward inside the loop: two blocks, neither looping on itself.
  if (split > 0 && split < lines.length)
    lines.splice(split, 0, `b.${CONDS[split % 14]} mid${split}`, `mid${split}:`);
  return `
  mov x28, #37
top:
  ${lines.join('\n  ')}
  ${CLOSES[close]}
  b .
`;
}

describe('WebAssembly blocks against the interpreter', () => {
  before(() => setWasmBackend(true));

  it('the encoder: LEB128 edge values round-trip through a compiled module', () => {
    for (const v of [0, 1, 63, 64, -64, -65, 127, 128, 0x7fffffff, -0x80000000, 624485])
      assert.equal(encodeModuleForTest(v, v < 0 ? -1 : 0), v);
    assert.equal(encodeModuleForTest(0, 1), 4294967296);
    assert.equal(encodeModuleForTest(-1, 0), 4294967295);
  });

  it('the add/subs/b.ne loop runs in a WebAssembly block, state exact at every budget boundary', () => {
    const src = `
  mov x1, #1000
loop:
  add x0, x0, #1
  subs x1, x1, #1
  b.ne loop
  b .
`;
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 1, max: 40 }), { minLength: 1, maxLength: 60 }), (budgets) => {
        const runs = wasmStats.runs;
        const [a, b] = twin(src);
        lockstep(a, b, [...budgets, 5000]);
        return wasmStats.runs > runs;
      }),
    );
  });

  it('a long loop (2.5 M instructions in one run): counts and state exact at the end of the budget', () => {
    const src = `
  movz x1, #0x12, lsl #16
loop:
  add x0, x0, #3
  eor x2, x2, x0
  subs x1, x1, #1
  b.ne loop
  b .
`;
    const runs = wasmStats.runs;
    const [a, b] = twin(src);
    lockstep(a, b, [2_500_001, 2_000_000]);
    assert.ok(wasmStats.runs > runs);
  });

  it('random loops of the inline integer ops from random registers and flags', () => {
    fc.assert(
      fc.property(
        fc.array(insn, { minLength: 1, maxLength: 12 }),
        fc.integer({ min: 0, max: CLOSES.length - 1 }),
        fc.integer({ min: 0, max: 14 }),
        fc.array(fc.bigInt({ min: 0n, max: (1n << 64n) - 1n }), { minLength: 8, maxLength: 8 }),
        fc.integer({ min: 0, max: 15 }),
        fc.array(fc.integer({ min: 1, max: 60 }), { minLength: 1, maxLength: 8 }),
        (body, close, split, regs, nzcv, budgets) => {
          const runs = wasmStats.runs;
          const [a, b] = twin(program(body, close, split), (g) => {
            for (const [i, v] of regs.entries()) g.setX(i, v);
            g.cpu.nf = (nzcv >> 3) & 1;
            g.cpu.zf = (nzcv >> 2) & 1;
            g.cpu.cf = (nzcv >> 1) & 1;
            g.cpu.vf = nzcv & 1;
          });
          lockstep(a, b, [...budgets, 3000]);
          return wasmStats.runs > runs;
        },
      ),
      { numRuns: 300 },
    );
  });
});
