// Differential test of the FP/SIMD instructions against qemu-aarch64 (user
// mode): 2,000 random sequences from a fixed seed over every implemented
// FP/SIMD class (with integer forms mixed in); V0-V31 and FPSR are compared
// too. `npm run diff-test -- --fp --count 100000` runs the full count.

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { formatMismatch, fpSequences, runBatch } from './harness.ts';

const SEED = 0x5eed_f900;

describe('differential: FP/SIMD vs qemu-aarch64', () => {
  for (let b = 0; b < 2; b++) {
    it(`batch ${b}: 1000 sequences agree`, async () => {
      const r = await runBatch(SEED + b, 1000, fpSequences(), true);
      assert.equal(r.crash, undefined, r.crash);
      assert.equal(r.mismatches.length, 0, r.mismatches.slice(0, 3).map(formatMismatch).join('\n'));
    });
  }
});
