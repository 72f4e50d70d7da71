// Property tests: bitmask immediates round-trip through DecodeBitMasks, and
// randomly generated instruction operands assemble like GNU as (one batch).
// test:cross: aarch64-linux-gnu-as, -ld, -objcopy (npm test: the bytes recorded in test/fixtures/cross/)

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { decodeBitmask, encodeBitmask } from '../../../../src/hw/cpu/asm/bitmask.ts';
import { assemble } from '../../../../src/hw/cpu/asm/index.ts';
import { diffImages, gnuAssemble } from './gnu-as.ts';

const fields = fc.record({
  n: fc.integer({ min: 0, max: 1 }),
  immr: fc.integer({ min: 0, max: 63 }),
  imms: fc.integer({ min: 0, max: 63 }),
});
const SEED = 20240601;

describe('bitmask immediates', () => {
  it('every decodable (N, immr, imms) value encodes back to the same value', () => {
    fc.assert(
      fc.property(fields, fc.constantFrom(32 as const, 64 as const), (f, width) => {
        const v = decodeBitmask(f, width);
        if (v === null) return;
        const e = encodeBitmask(v, width);
        assert.ok(e !== null, `0x${v.toString(16)} should encode`);
        assert.equal(decodeBitmask(e, width), v);
      }),
      { seed: SEED, numRuns: 2000 },
    );
  });
  it('0 and all-ones are never encodable', () => {
    for (const w of [32, 64] as const) {
      assert.equal(encodeBitmask(0n, w), null);
      assert.equal(encodeBitmask((1n << BigInt(w)) - 1n, w), null);
    }
  });
});

describe('random operands against GNU as', () => {
  it('MOV/AND/ADD immediates, loads and branches assemble like GNU as', () => {
    const bitmask64 = fields.map((f) => decodeBitmask(f, 64)).filter((v): v is bigint => v !== null);
    const u64 = fc.bigInt({ min: 0n, max: (1n << 64n) - 1n });
    const movable = fc.oneof(
      fc
        .integer({ min: 0, max: 3 })
        .chain((hw) => fc.integer({ min: 0, max: 0xffff }).map((x) => BigInt(x) << BigInt(16 * hw))),
      fc
        .integer({ min: 0, max: 3 })
        .chain((hw) =>
          fc.integer({ min: 0, max: 0xffff }).map((x) => BigInt.asUintN(64, ~(BigInt(x) << BigInt(16 * hw)))),
        ),
      bitmask64,
    );
    const line = fc.oneof(
      movable.map((v) => `mov x3, #0x${v.toString(16)}`),
      bitmask64.map((v) => `eor x4, x5, #0x${v.toString(16)}`),
      fc
        .integer({ min: -0xfff000, max: 0xfff000 })
        .filter((v) => Math.abs(v) < 4096 || v % 4096 === 0)
        .map((v) => `adds x1, sp, #${v}`),
      fc
        .integer({ min: -256, max: 32760 })
        .filter((v) => v < 256 || v % 8 === 0)
        .map((v) => `ldr x2, [x3, #${v}]`),
      fc.integer({ min: -256, max: 255 }).map((v) => `strh w2, [sp, #${v}]!`),
      fc.integer({ min: -64, max: 63 }).map((v) => `stp x0, x1, [x2, #${v * 8}]`),
      u64.map((v) => `ldr x6, =0x${v.toString(16)}`),
      fc
        .integer({ min: 0, max: 63 })
        .chain((lsb) => fc.integer({ min: 1, max: 64 - lsb }).map((w) => `ubfx x0, x1, #${lsb}, #${w}`)),
      fc.integer({ min: 0, max: 31 }).map((b) => `tbnz w3, #${b}, start`),
    );
    const program = fc.sample(fc.array(line, { minLength: 300, maxLength: 300 }), {
      seed: SEED,
      numRuns: 1,
    })[0];
    const src = ['start:', ...program.map((l) => `  ${l}`)].join('\n');
    const r = assemble(src);
    const theirs = gnuAssemble(
      src,
      r.base,
      r.base + 0x10_0000,
      `the random operands (fast-check seed ${SEED})`,
    );
    assert.deepEqual(diffImages(src, r.bytes, theirs, r.lineOf, r.base).slice(0, 20), []);
  });
});
