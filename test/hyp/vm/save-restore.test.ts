// Save/restore mid-run is invisible to the guest: run a timer-interrupt
// guest, stop it at an arbitrary tick, save the whole VM, restore into a
// freshly created one and continue; the guest's acknowledgements (INTID,
// tick and cycle), final registers and the final machine state (counters
// aside: saving stops the vcpus, which costs one exit) match an
// uninterrupted run.

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { createVm, type KvmVm } from '../../../src/hyp/api/index.ts';
import type { VmState } from '../../../src/hyp/vm.ts';
import { stateHash } from '../../../src/sim/snapshot.ts';
import {
  buildGuestVm,
  POLICIES,
  POWEROFF,
  prologue,
  TIMER_BIT,
  unwrap,
  VECTORS,
} from '../helpers/guest-vm.ts';
import { type VmGuest, vmGuest } from '../helpers/vm-guest.ts';

const PERIOD = 300;
const N = 10;
/** Periodic tick with work in the handler and a WFI between ticks (blocking, background timer). */
const GUEST = `${prologue(TIMER_BIT)}
    mrs     x3, cntvct_el0
    add     x3, x3, #${PERIOD}
    msr     cntv_cval_el0, x3
    mov     x4, #1
    msr     cntv_ctl_el0, x4
    mov     x10, #0                 // checksum of the counter values seen
    msr     daifclr, #2
1:  wfi
    cmp     x20, #${N}
    b.lo    1b
${POWEROFF}
${VECTORS}
irq:
    ldr     w2, [x9, #0xc]
    add     x20, x20, #1
    mrs     x5, cntvct_el0
    eor     x10, x10, x5
    mrs     x3, cntv_cval_el0
    add     x3, x3, #${PERIOD}
    msr     cntv_cval_el0, x3
    cmp     x20, #${N}
    b.ne    2f
    msr     cntv_ctl_el0, xzr
2:  str     w2, [x9, #0x10]
    eret
`;

function regs(g: VmGuest): string[] {
  return [...Array.from({ length: 31 }, (_, i) => g.reg(i).toString(16)), g.reg('pc').toString(16)];
}

/** The machine state without cost counters. */
function stateWithoutCounters(kvm: KvmVm): string {
  const s = unwrap(kvm.save()) as VmState & Record<string, unknown>;
  const { counters: _c, timerCounters: _t, vgic, ...rest } = s;
  const { counters: _vc, ...vgicRest } = vgic as unknown as Record<string, unknown>;
  return stateHash({ ...rest, vgic: vgicRest });
}

function fresh(policy: string): KvmVm {
  const kvm = createVm({ policy });
  unwrap(kvm.createVcpu(0));
  unwrap(kvm.createDevice('arm-vgic-v2'));
  return kvm;
}

function uninterrupted(policy: string): VmGuest {
  return vmGuest(GUEST).policy(policy).run({ instructions: 1_000_000 }).assertExit('poweroff');
}

const baseline = new Map(POLICIES.map((p) => [p, uninterrupted(p)]));

describe('save/restore mid-run', () => {
  it('the uninterrupted run takes every tick', () => {
    for (const p of POLICIES) {
      const g = baseline.get(p)!.assertAcked(new Array(N).fill(27));
      assert.ok(g.exit.costs.blocks >= N - 1);
    }
  });

  it('is invisible at any cut point (property over the tick and the policy)', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...POLICIES),
        fc.integer({ min: 1, max: PERIOD * (N + 1) }),
        fc.integer({ min: 0, max: 2 }),
        (policy, cut, extraCuts) => {
          const ref = baseline.get(policy)!;
          const g = vmGuest(GUEST).policy(policy);
          let at = cut;
          for (let i = 0; i <= extraCuts; i++) {
            if (g.run({ ticks: at }).exit.reason === 'system-event') break;
            g.saveRestore();
            at = Math.max(1, Math.floor(cut / 2));
          }
          g.run({ instructions: 1_000_000 }).assertExit('poweroff');
          assert.deepEqual(g.acks(), ref.acks());
          assert.deepEqual(regs(g), regs(ref));
          assert.equal(g.now(), ref.now());
          assert.equal(stateWithoutCounters(g.kvm), stateWithoutCounters(ref.kvm));
        },
      ),
      { numRuns: 40, seed: 0x5eed },
    );
  });

  it('restore refuses a VM that ran, has no vgic, or another policy', () => {
    const snap = unwrap(baseline.get('level')!.kvm.save());
    const noDev = createVm({ policy: 'level' });
    unwrap(noDev.createVcpu(0));
    assert.equal((noDev.restore(snap) as { errno?: string }).errno, 'ENXIO');
    assert.equal((fresh('legacy-edge').restore(snap) as { errno?: string }).errno, 'EINVAL');
    const ran = buildGuestVm(GUEST, { policy: 'level' }).kvm;
    unwrap(ran.run({ ticks: 10 }));
    assert.equal((ran.restore(snap) as { errno?: string }).errno, 'EBUSY');
  });
});
