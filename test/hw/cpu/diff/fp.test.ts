// Differential test of the FP/SIMD instructions against qemu-aarch64 (user
// mode): random sequences from a fixed seed over every implemented FP/SIMD
// class (with integer forms mixed in); V0-V31 and FPSR are compared too.
// `npm test`: 200 sequences against qemu's results recorded in
// test/fixtures/cross/qemu-diff.json; `npm run test:cross`: 2,000 against
// the tools; `npm run diff-test -- --fp --count 100000`: the full count.
// test:cross: aarch64-linux-gnu-as, -ld, qemu-aarch64 (binutils-aarch64-linux-gnu, qemu-user)

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { crossMode } from '../../../cross/recorded.ts';
import { formatMismatch, fpSequences, runBatch } from './harness.ts';

const SEED = 0x5eed_f900;
const LIVE = crossMode() === 'live';
const BATCHES = LIVE ? 2 : 1;
const PER_BATCH = LIVE ? 1000 : 200;

describe('differential: FP/SIMD vs qemu-aarch64', () => {
  for (let b = 0; b < BATCHES; b++) {
    it(`batch ${b}: ${PER_BATCH} sequences agree`, async () => {
      const r = await runBatch(SEED + b, PER_BATCH, fpSequences(), true);
      assert.equal(r.crash, undefined, r.crash);
      assert.equal(r.mismatches.length, 0, r.mismatches.slice(0, 3).map(formatMismatch).join('\n'));
    });
  }
});
