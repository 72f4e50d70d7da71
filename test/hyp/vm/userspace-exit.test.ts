// Userspace is a thread too (issue 14): an ioctl that needs the vcpu out of
// KVM_RUN first brings it out (an 'intr' exit when it is in the guest, the
// end of kvm_vcpu_block when it waits in WFI; KVM_EXIT_INTR either way),
// then applies, then the vcpu re-enters through the normal entry path.

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { KVM_REG_ARM_TIMER_CTL, KVM_REG_ARM_TIMER_CVAL } from '../../../src/hyp/api/uapi.ts';
import { GENERATIONS } from '../../../src/hyp/generation/index.ts';
import { POWEROFF, prologue, TIMER_BIT, unwrap, VECTORS } from '../helpers/guest-vm.ts';
import { type VmGuest, vmGuest } from '../helpers/vm-guest.ts';

const GENS = Object.keys(GENERATIONS);

/** The timer enabled 2^28 ticks ahead (never within these runs); x20 counts interrupts. */
const TIMER_FAR = `
    mrs     x3, cntvct_el0
    mov     x8, #0x10000000
    add     x3, x3, x8
    msr     cntv_cval_el0, x3
    mov     x4, #1
    msr     cntv_ctl_el0, x4        // ENABLE
`;

const HANDLER = `
irq:
    ldr     w2, [x9, #0xc]          // GICC_IAR
    add     x20, x20, #1
    msr     cntv_ctl_el0, xzr       // timer off: line low
    str     w2, [x9, #0x10]         // GICC_EOIR
    eret
`;

/** Spins (reading the counter) until an interrupt was taken. */
const SPIN = `${prologue(TIMER_BIT)}${TIMER_FAR}
    msr     daifclr, #2
spin:
    mrs     x6, cntvct_el0
    cmp     x20, #1
    b.lo    spin
    mrs     x22, cntvct_el0
${POWEROFF}${VECTORS}${HANDLER}`;

/** IRQs masked, one WFI; after it: x21 = 1, x22 = the counter, x23 = CNTV_CTL. */
const WFI_ONCE = `${prologue(TIMER_BIT)}${TIMER_FAR}
    mov     x21, #0
    msr     daifset, #2
    wfi
    mov     x21, #1
    mrs     x22, cntvct_el0
    mrs     x23, cntv_ctl_el0
${POWEROFF}${VECTORS}${HANDLER}`;

const AT = 2000;
const JUMP = 1n << 30n;

/** At tick AT, userspace does `name` on vcpu 0 (it must find the vcpu out of KVM_RUN). */
function ioctlAt(g: VmGuest, name: string, apply: (g: VmGuest) => void, seen: string[]): VmGuest {
  return g.hostAt(AT, (x) => {
    const vm = x.kvm.vm;
    vm.userspace.ioctl(name, [0], () => {
      const v = vm.vcpus[0];
      seen.push(`${v.mode}/${v.inUserspace}/${v.blocked}`);
      apply(x);
    });
  });
}

const setOffset = (g: VmGuest) => g.kvm.vm.setCounterOffset(-JUMP);
const setCval0 = (g: VmGuest) => unwrap(g.kvm.vcpu(0)!.setOneReg(KVM_REG_ARM_TIMER_CVAL, 0n));

for (const gen of GENS) {
  describe(`${gen}: userspace ioctls bring the vcpu out of KVM_RUN first`, () => {
    it('counter offset while the vcpu runs: an intr exit, then the guest sees the new counter', () => {
      const seen: string[] = [];
      const g = ioctlAt(vmGuest(SPIN).policy(gen), 'KVM_ARM_SET_COUNTER_OFFSET', setOffset, seen).run({
        ticks: 20_000,
      });
      assert.deepEqual(seen, ['outside/true/false'], 'applied with the vcpu in userspace');
      // the jump makes the far CVAL expire: exactly one interrupt
      g.assertExit('poweroff').assertAcked([27]).assertReg('x20', 1);
      assert.ok(g.reg('x22') >= JUMP, 'the guest reads the moved counter');
      const c = g.costs();
      assert.equal(c.exits.intr, 1, 'one exit for the signal');
      assert.equal(g.kvm.vm.counters.signalExits, 1, 'one KVM_EXIT_INTR');
      assert.equal(g.kvm.vm.userspace.pending, 0);
    });

    it('counter offset while the vcpu waits in WFI: kvm_vcpu_block ends, the WFI completes spuriously', () => {
      const seen: string[] = [];
      const g = ioctlAt(vmGuest(WFI_ONCE).policy(gen), 'KVM_ARM_SET_COUNTER_OFFSET', setOffset, seen).run({
        ticks: 20_000,
      });
      assert.deepEqual(seen, ['outside/true/false']);
      g.assertExit('poweroff').assertAcked([]).assertReg('x21', 1);
      assert.ok(g.reg('x22') >= JUMP, 'the guest reads the moved counter after the WFI');
      assert.equal(g.costs().exits.intr, 0, 'not in the guest: no exit, only the return to userspace');
      assert.equal(g.kvm.vm.counters.signalExits, 1);
      // without the ioctl the vcpu never wakes (its background timer is armed for the far CVAL)
      vmGuest(WFI_ONCE).policy(gen).run({ ticks: 20_000 }).assertExit('limit').assertBlocked(true);
    });

    it('ONE_REG CVAL write while the vcpu runs: the timer fires after the re-entry', () => {
      const seen: string[] = [];
      const g = ioctlAt(vmGuest(SPIN).policy(gen), 'KVM_SET_ONE_REG', setCval0, seen).run({ ticks: 20_000 });
      assert.deepEqual(seen, ['outside/true/false']);
      g.assertExit('poweroff').assertAcked([27]);
      assert.ok(g.reg('x22') < JUMP, 'the counter did not move');
      assert.equal(g.costs().exits.intr, 1);
      assert.equal(g.kvm.vm.counters.signalExits, 1);
    });

    it('ONE_REG CVAL write while the vcpu waits in WFI: it wakes, the guest sees ISTATUS', () => {
      const seen: string[] = [];
      const g = ioctlAt(vmGuest(WFI_ONCE).policy(gen), 'KVM_SET_ONE_REG', setCval0, seen).run({
        ticks: 20_000,
      });
      assert.deepEqual(seen, ['outside/true/false']);
      // masked: no interrupt taken; CTL = ENABLE | ISTATUS
      g.assertExit('poweroff').assertAcked([]).assertReg('x21', 1).assertReg('x23', 5);
      assert.equal(g.costs().exits.intr, 0);
      assert.equal(g.kvm.vm.counters.signalExits, 1);
    });
  });
}

describe('userspace ioctls: the vcpu threads', () => {
  it('a VM-wide ioctl waits until every running vcpu has left', () => {
    const seen: number[] = [];
    const g = vmGuest(SPIN)
      .vcpus(2)
      .hostAt(AT, (x) => {
        const vm = x.kvm.vm;
        vm.userspace.ioctl('KVM_ARM_SET_COUNTER_OFFSET', [0, 1], () => {
          seen.push(vm.board.kernel.now);
          assert.ok(vm.vcpus.every((v) => v.inUserspace && v.mode === 'outside'));
          vm.setCounterOffset(-JUMP);
        });
        // both run: the ioctl is queued until they have exited
        assert.equal(vm.userspace.pending, 1);
        assert.ok(vm.vcpus.every((v) => v.signalPending && !v.inUserspace));
      })
      .run({ ticks: 20_000 });
    g.assertExit('poweroff');
    assert.ok(g.acked().includes(27), 'the moved counter fired a timer');
    assert.equal(seen.length, 1);
    assert.ok(seen[0] >= AT && seen[0] < AT + 10, `applied at ${seen[0]}, right after the exits`);
    assert.equal(g.kvm.vm.counters.signalExits, 2);
    assert.equal(g.costs().exits.intr, 2);
    assert.ok(g.kvm.vm.vcpus.every((v) => !v.inUserspace && !v.signalPending));
  });

  it('ioctls queue in order; a later one waits for the earlier', () => {
    const order: string[] = [];
    vmGuest(SPIN)
      .hostAt(AT, (x) => {
        const us = x.kvm.vm.userspace;
        us.ioctl('first', [0], () => order.push('first'));
        us.ioctl('second', [0], () => order.push('second'));
      })
      .run({ ticks: 20_000 })
      .assertExit('limit');
    assert.deepEqual(order, ['first', 'second']);
  });

  it('the KVM API between runs: ONE_REG of a vcpu in the guest takes an intr exit, then KVM_RUN re-enters', () => {
    const g = vmGuest(SPIN).run({ ticks: 500 }).assertExit('limit');
    assert.equal(g.kvm.vm.vcpus[0].mode, 'in-guest', 'the budget left it in the guest');
    const ctl = unwrap(g.kvm.vcpu(0)!.getOneReg(KVM_REG_ARM_TIMER_CTL));
    assert.equal(ctl, 1n);
    assert.equal(g.kvm.vm.vcpus[0].mode, 'outside');
    assert.equal(g.costs().exits.intr, 1);
    assert.equal(g.kvm.vm.counters.signalExits, 1);
    unwrap(g.kvm.vcpu(0)!.setOneReg(KVM_REG_ARM_TIMER_CVAL, 0n));
    assert.equal(g.kvm.vm.counters.signalExits, 1, 'already out: no second signal needed');
    g.run({ ticks: 5000 }).assertExit('poweroff').assertAcked([27]);
  });

  it('the KVM API between runs: ONE_REG of a vcpu blocked in WFI ends the WFI', () => {
    const g = vmGuest(WFI_ONCE).run({ ticks: 500 }).assertExit('limit').assertBlocked(true);
    unwrap(g.kvm.vcpu(0)!.setOneReg(KVM_REG_ARM_TIMER_CVAL, 0n));
    g.assertBlocked(false);
    g.run({ ticks: 5000 }).assertExit('poweroff').assertReg('x21', 1).assertReg('x23', 5);
  });
});
