// Differential test of the integer ISA against qemu-aarch64 (user mode):
// random sequences from a fixed seed, every implemented integer form.
// `npm test`: 300 sequences against qemu's results recorded in
// test/fixtures/cross/qemu-diff.json; `npm run test:cross`: 2,000 against
// the tools; `npm run diff-test -- --count 100000`: the full count (main.ts).
// test:cross: aarch64-linux-gnu-as, -ld, qemu-aarch64 (binutils-aarch64-linux-gnu, qemu-user)

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { crossMode } from '../../../cross/recorded.ts';
import { formatMismatch, intSequences, runBatch } from './harness.ts';

const SEED = 0x5eed_0010;
const LIVE = crossMode() === 'live';
const BATCHES = LIVE ? 4 : 1;
const PER_BATCH = LIVE ? 500 : 300;

describe('differential: integer ISA vs qemu-aarch64', () => {
  for (let b = 0; b < BATCHES; b++) {
    it(`batch ${b}: ${PER_BATCH} sequences agree`, async () => {
      const r = await runBatch(SEED + b, PER_BATCH, intSequences());
      assert.equal(r.imageMismatch, undefined, `assembler vs GNU as: ${r.imageMismatch}`);
      assert.equal(r.crash, undefined, r.crash);
      assert.equal(r.mismatches.length, 0, r.mismatches.slice(0, 3).map(formatMismatch).join('\n'));
    });
  }

  it('the harness sees a difference (CTR_EL0: DIC/IDC are advertised only here)', async () => {
    const r = await runBatch(1, 2, () => ['mrs x3, ctr_el0']);
    assert.equal(r.crash, undefined, r.crash);
    assert.equal(r.mismatches.length, 2);
    assert.match(r.mismatches[0].diffs[0], /^x3: qemu 0x[0-9a-f]+ vgicsim 0xb444c004$/);
    assert.deepEqual(r.mismatches[0].prefix, ['mrs x3, ctr_el0']);
  });
});
