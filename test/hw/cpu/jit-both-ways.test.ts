// The cpu's unit tests (a representative subset: ALU, exceptions, memory,
// MMU, EL0, FP, the recorded qemu-aarch64 differentials, integer and
// FP/SIMD, guests under a board) run again with translation on and every
// slot translated at its first entry (VGICSIM_JIT=1 VGICSIM_JIT_HOT=0): in a child process, since
// machines read the setting when they are built. The default run of these
// files covers the default setting.

import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { describe, it } from 'node:test';

const FILES = [
  'test/hw/cpu/alu.test.ts',
  'test/hw/cpu/exceptions.test.ts',
  'test/hw/cpu/memory.test.ts',
  'test/hw/cpu/mmu.test.ts',
  'test/hw/cpu/el0.test.ts',
  'test/hw/cpu/fp.test.ts',
  'test/hw/cpu/diff/int.test.ts',
  'test/hw/cpu/diff/fp.test.ts',
  'test/integration/exceptions-guest.test.ts',
  'test/integration/smp-guest.test.ts',
];

describe('cpu unit tests with every slot translated', () => {
  it(`${FILES.length} test files pass with VGICSIM_JIT=1 VGICSIM_JIT_HOT=0 VGICSIM_JIT_BLOCKS=all`, () => {
    const env: NodeJS.ProcessEnv = {
      ...process.env,
      VGICSIM_JIT: '1',
      VGICSIM_JIT_HOT: '0',
      VGICSIM_JIT_BLOCKS: 'all',
    };
    delete env.NODE_TEST_CONTEXT;
    const r = spawnSync(process.execPath, ['--import', 'tsx', '--test', '--test-reporter=dot', ...FILES], {
      env,
      encoding: 'utf8',
    });
    assert.equal(r.status, 0, `${r.stdout}\n${r.stderr}`);
  });
});
