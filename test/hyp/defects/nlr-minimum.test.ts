// Issue 14, defect 4: one list register was accepted, and the first time
// more interrupts were in flight than LRs the vcpu livelocked on underflow
// maintenance (GICH_HCR.UIE with at most one valid LR holds at once, every
// entry exits again; src/hyp/vgic/list-registers.ts). The minimum is 2, in
// every generation (both vgic designs set UIE the same way): a scenario
// asking for fewer is a located load error (exit 2), the VM and the KVM API
// refuse the configuration, and 2 LRs do run an overflow.

import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { DEFAULT_BOARD } from '../../../src/hw/board/board.ts';
import { createVm } from '../../../src/hyp/api/index.ts';
import { GENERATION_KEYS } from '../../../src/hyp/generation/names.ts';
import { Vm } from '../../../src/hyp/vm.ts';
import { runCli } from '../../cli/in-process.ts';
import { POWEROFF, prologue, VECTORS } from '../helpers/guest-vm.ts';
import { vmGuest } from '../helpers/vm-guest.ts';

const SCENARIO = `version: 1
machine:
  limits: { ticks: 100000, instructions: 20000 }
  nLR: 1
guest:
  vcpu0: |
    ldr x0, =0x84000008
    hvc #0
`;

/** Three SPIs soft-pended at once (more than two LRs); each handled once, then SYSTEM_OFF. */
const OVERFLOW = `${prologue('0')}
    ldr     w2, =0x700
    str     w2, [x1, #0x104]        // GICD_ISENABLER1: SPIs 40-42
    str     w2, [x1, #0x204]        // GICD_ISPENDR1: all three pending
    msr     daifclr, #2
1:  cmp     x20, #3
    b.lo    1b
${POWEROFF}
${VECTORS}
irq:
    ldr     w2, [x9, #0xc]          // GICC_IAR
    add     x20, x20, #1
    str     w2, [x9, #0x10]         // GICC_EOIR
    eret
`;

describe('defect 4: fewer than 2 list registers are refused', () => {
  it('scenario load: machine.nLR 1 is a located error, exit 2, no stack trace', () => {
    const dir = mkdtempSync(join(tmpdir(), 'vgicsim-nlr-'));
    const file = join(dir, 'one-lr.yaml');
    writeFileSync(file, SCENARIO);
    const r = runCli(['run', file]);
    assert.equal(r.code, 2, r.out + r.err);
    assert.ok(
      r.err.includes(
        `${file}:4:8: machine.nLR: expected an integer 2..64 (with fewer list registers KVM livelocks on underflow maintenance), found 1`,
      ),
      r.err,
    );
    assert.doesNotMatch(r.err, /internal error|\n\s+at /);
  });

  it('the KVM API and the VM refuse nLR 1 with a clear error', () => {
    assert.throws(
      () => createVm({ policy: 'linux-7.0', nLR: 1 }),
      /machine\.nLR: 1 list register: KVM needs at least 2/,
    );
    for (const policy of GENERATION_KEYS)
      assert.throws(
        () => new Vm({ board: { ...DEFAULT_BOARD, nLR: 1 }, policy }),
        /at least 2 .*GICH_HCR\.UIE.*livelock/,
      );
  });

  for (const gen of GENERATION_KEYS)
    it(`${gen}: two list registers run three pending interrupts (underflow, then progress)`, () => {
      const g = vmGuest(OVERFLOW)
        .policy(gen)
        .configure({ nLR: 2 })
        .run()
        .assertExit('poweroff')
        .assertReg('x20', 3);
      assert.deepEqual([...g.acked()].sort(), [40, 41, 42]);
      assert.ok(g.kvm.vm.vgic.counters.underflows >= 1, 'the LRs overflowed');
    });
});
