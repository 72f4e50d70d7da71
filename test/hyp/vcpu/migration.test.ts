// vcpu threads migrating between physical cpus (src/hyp/vcpu/vcpu-placement.ts):
// the virtual timer, the vgic's GICH state and the timer PPI's physical
// active state follow the vcpu; the guest sees what hardware shows it.

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { PPI } from '../../../src/hw/gic/intid.ts';
import { ScriptedChooser } from '../../../src/sim/choice.ts';
import { vmGuest, type VmGuest } from '../helpers/vm-guest.ts';

const GENERATIONS = ['linux-4.2', 'linux-4.3', 'linux-7.0'] as const;
const VT = PPI.VIRT_TIMER;

const SETUP = `
_start:
    ldr     x0, =vectors
    msr     vbar_el1, x0
    ldr     x1, =0x08000000
    mov     w2, #1
    str     w2, [x1]                // GICD_CTLR.EnableGrp0
    mov     w2, #(1 << 27)
    str     w2, [x1, #0x100]        // GICD_ISENABLER0: PPI 27
    ldr     x9, =0x08010000
    mov     w2, #0xf0
    str     w2, [x9, #0x4]          // GICC_PMR
    mov     w2, #1
    str     w2, [x9]                // GICC_CTLR
    mov     x20, #0
`;

const VECTORS = `
    .balign 2048
vectors:
    .skip   0x280
    b       irq
    .balign 2048
`;

/**
 * The timer fires while IRQs are masked: the exit it causes queues INTID 27
 * (pending, HW) in an LR. The vcpu is then moved to pcpu 1 and unmasks there.
 */
const PENDING = `${SETUP}
    msr     daifset, #2
    mrs     x3, cntvct_el0
    msr     cntv_cval_el0, x3       // CVAL = now: fires at once
    mov     x4, #1
    msr     cntv_ctl_el0, x4
    mov     x5, #300
1:  subs    x5, x5, #1
    b.ne    1b
move:
    nop
    nop
    nop
moved:
    nop
    msr     daifclr, #2
    mov     x5, #300
2:  subs    x5, x5, #1
    b.ne    2b
    ldr     x0, =0x84000008
    hvc     #0
${VECTORS}
irq:
    ldr     w2, [x9, #0xc]          // GICC_IAR
    add     x20, x20, #1
    msr     cntv_ctl_el0, xzr       // handled: the line drops
    str     w2, [x9, #0x10]         // GICC_EOIR
    eret
`;

/** The guest takes INTID 27 and is moved to pcpu 1 while it holds it active (between IAR and EOIR). */
const ACTIVE = `${SETUP}
    msr     daifclr, #2
    mrs     x3, cntvct_el0
    add     x3, x3, #50
    msr     cntv_cval_el0, x3
    mov     x4, #1
    msr     cntv_ctl_el0, x4
    mov     x5, #3000
1:  subs    x5, x5, #1
    b.ne    1b
    ldr     x0, =0x84000008
    hvc     #0
${VECTORS}
irq:
    ldr     w2, [x9, #0xc]          // GICC_IAR
move:
    nop
    nop
    nop
moved:
    nop
    add     x20, x20, #1
    msr     cntv_ctl_el0, xzr
    str     w2, [x9, #0x10]         // GICC_EOIR: the HW LR deactivates PPI 27 of the cpu it runs on
    eret
`;

interface Seen {
  pcpu: number;
  active: [boolean, boolean];
}

/** Run `src` with vcpu 0 moved to pcpu 1 at `move`; what the host saw at `moved`. */
function migrated(src: string, gen: string): { g: VmGuest; seen: Seen } {
  const seen: Seen = { pcpu: -1, active: [false, false] };
  const g = vmGuest(src)
    .policy(gen)
    .configure({ pcpus: 2 })
    .atLabel('move', (x) => x.kvm.vm.preempt(0, 1))
    .atLabel('moved', (x) => {
      seen.pcpu = x.kvm.vm.vcpus[0].pcpu;
      seen.active = [x.physActive(0, VT), x.physActive(1, VT)];
    })
    .run({ instructions: 100_000 });
  return { g, seen };
}

describe('migration of a vcpu between physical cpus', () => {
  for (const gen of GENERATIONS) {
    it(`${gen}: a pending timer interrupt moves with the vcpu; taken once on the new cpu`, () => {
      const { g, seen } = migrated(PENDING, gen);
      assert.equal(seen.pcpu, 1, 'vcpu 0 runs on pcpu 1 after the move');
      // the line is high and the LR holds it: the entry on pcpu 1 masks the hardware timer there
      assert.deepEqual(seen.active, [false, true], 'PPI 27 active on [pcpu0, pcpu1] after the move');
      g.assertExit('poweroff').assertAcked([27]).assertReg('x20', 1n);
      assert.equal(g.physActive(0, VT), false, 'pcpu 0 left clean');
      assert.equal(g.physActive(1, VT), false, 'pcpu 1: the guest deactivated it through the HW LR');
      assert.equal(g.kvm.vm.counters.migrations, 1);
      assert.equal(g.kvm.vm.placement.vcpuOn[0], -1, 'pcpu 0 is free');
    });

    it(`${gen}: an active timer interrupt moves with the vcpu; its EOI deactivates it on the new cpu`, () => {
      const { g, seen } = migrated(ACTIVE, gen);
      assert.equal(seen.pcpu, 1);
      assert.deepEqual(
        seen.active,
        [false, true],
        'PPI 27 active on [pcpu0, pcpu1] while the guest holds it',
      );
      g.assertExit('poweroff').assertAcked([27]).assertReg('x20', 1n);
      assert.equal(g.physActive(0, VT), false);
      assert.equal(g.physActive(1, VT), false);
    });
  }

  it('the virtual timer runs on the new cpu: an expiry after the move is taken there', () => {
    const src = `${SETUP}
    msr     daifclr, #2
move:
    nop
    nop
moved:
    mrs     x3, cntvct_el0
    add     x3, x3, #100
    msr     cntv_cval_el0, x3
    mov     x4, #1
    msr     cntv_ctl_el0, x4
    mov     x5, #5000
1:  subs    x5, x5, #1
    b.ne    1b
    ldr     x0, =0x84000008
    hvc     #0
${VECTORS}
irq:
    ldr     w2, [x9, #0xc]
    add     x20, x20, #1
    msr     cntv_ctl_el0, xzr
    str     w2, [x9, #0x10]
    eret
`;
    const { g } = migrated(src, 'linux-7.0');
    g.assertExit('poweroff').assertAcked([27]);
    const hw = g.kvm.vm.board.timers;
    assert.equal(g.kvm.vm.vcpus[0].timer.pcpu, 1);
    // pcpu 1's hardware timer fired and its cpu interface made the vcpu on it exit
    assert.equal(g.kvm.vm.counters.exits.irq, 1);
    assert.equal(hw[0].cntv.readCtl() & 1, 0, "pcpu 0's timer is stopped");
  });

  for (const gen of GENERATIONS)
    it(`${gen}: a vcpu blocked in WFI moves when its timer wakes it (kvm_vcpu_block -> schedule)`, () => {
      const src = `${SETUP}
    msr     daifclr, #2
    mrs     x3, cntvct_el0
    add     x3, x3, #400
    msr     cntv_cval_el0, x3
    mov     x4, #1
    msr     cntv_ctl_el0, x4
wait:
    wfi
    cbz     x20, wait
    ldr     x0, =0x84000008
    hvc     #0
${VECTORS}
irq:
    ldr     w2, [x9, #0xc]
    add     x20, x20, #1
    msr     cntv_ctl_el0, xzr
    str     w2, [x9, #0x10]
    eret
`;
      let blockedThen = false;
      const g = vmGuest(src)
        .policy(gen)
        .configure({ pcpus: 3 })
        .hostAt(200, (x) => {
          blockedThen = x.blocked(0);
          x.kvm.vm.preempt(0, 2);
        })
        .run({ instructions: 100_000 });
      assert.ok(blockedThen, 'vcpu 0 was blocked in WFI when the host event came');
      g.assertExit('poweroff').assertAcked([27]).assertReg('x20', 1n);
      assert.equal(g.kvm.vm.vcpus[0].pcpu, 2);
      assert.equal(g.kvm.vm.counters.migrations, 1);
      for (const p of [0, 1, 2]) assert.equal(g.physActive(p, VT), false, `PPI 27 inactive on pcpu ${p}`);
    });

  it('a snapshot keeps where each vcpu is: restored, vcpu 0 goes on on pcpu 1 and takes its interrupt once', () => {
    const g = vmGuest(PENDING).policy('linux-7.0').configure({ pcpus: 2 }).run({ instructions: 40 });
    g.kvm.vm.preempt(0, 1); // taken at the exit the save makes (every vcpu leaves the guest first)
    g.saveRestore();
    const vm = g.kvm.vm;
    assert.equal(vm.vcpus[0].pcpu, 1);
    assert.equal(vm.vcpus[0].timer.pcpu, 1);
    assert.deepEqual(Array.from(vm.placement.vcpuOn), [-1, 0]);
    g.run({ instructions: 100_000 }).assertExit('poweroff').assertAcked([27]).assertReg('x20', 1n);
    assert.equal(g.physActive(0, VT), false);
    assert.equal(g.physActive(1, VT), false);
  });

  it('P = vcpus (the default): nothing is free, so nothing migrates; a forced move to a busy cpu is an error', () => {
    const g = vmGuest(PENDING)
      .vcpus(2)
      .configure({ preemptCycles: 10, seed: 3 })
      .run({ instructions: 50_000 });
    assert.equal(g.kvm.vm.counters.migrations, 0);
    assert.deepEqual(
      g.kvm.vm.vcpus.map((v) => v.pcpu),
      [0, 1],
    );
    assert.throws(
      () =>
        vmGuest(PENDING)
          .vcpus(2)
          .atLabel('move', (x) => x.kvm.vm.preempt(0, 1))
          .run(),
      /cannot migrate to physical cpu 1: vcpu 1 is on it/,
    );
  });

  it('every preemption and migration is a choice: a scripted chooser drives them, the same script gives the same run', () => {
    const run = (script: number[]) => {
      const chooser = new ScriptedChooser(script);
      const g = vmGuest(PENDING)
        .policy('linux-7.0')
        .configure({ pcpus: 3, preemptCycles: 25, chooser })
        .run({ instructions: 100_000 });
      return { g, log: chooser.log.filter((c) => c.kind === 'preempt' || c.kind === 'migrate') };
    };
    // preempt at every exit, and resume on the 2nd free cpu each time
    const a = run(new Array(40).fill(0).map((_, i) => (i % 2 === 0 ? 1 : 2)));
    assert.ok(
      a.log.some((c) => c.kind === 'migrate' && c.options === 3),
      'two free cpus + stay',
    );
    assert.ok(a.g.kvm.vm.counters.migrations >= 1);
    a.g.assertExit('poweroff').assertAcked([27]);
    const b = run(new Array(40).fill(0).map((_, i) => (i % 2 === 0 ? 1 : 2)));
    assert.deepEqual(b.log, a.log);
    assert.equal(b.g.kvm.vm.counters.migrations, a.g.kvm.vm.counters.migrations);
    assert.equal(b.g.kvm.vm.vcpus[0].pcpu, a.g.kvm.vm.vcpus[0].pcpu);
  });
});
