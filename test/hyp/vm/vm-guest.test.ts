// The fluent VM runner itself (test/hyp/helpers/vm-guest.ts): host actions
// at a tick and at a label, per-vcpu acknowledgements, and a migration
// (saveRestore) with a host action still pending.

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { POLICIES, POWEROFF, prologue, VECTORS } from '../helpers/guest-vm.ts';
import { vmGuest } from '../helpers/vm-guest.ts';

const RAISE_AT = 5000;

/** vcpu 0 waits for SPI 40 (level, disabled by its handler); vcpu 1 idles in WFI with IRQs masked. */
const GUEST = `${prologue('0')}
    mrs     x0, mpidr_el1
    and     x0, x0, #0xff
    cbnz    x0, idle
    ldr     w2, =0x100
    str     w2, [x1, #0x104]        // GICD_ISENABLER1: SPI 40
    mov     w2, #1
    strb    w2, [x1, #0x828]        // GICD_ITARGETSR40: vcpu 0
    msr     daifclr, #2
spin:
    cmp     x20, #1
    b.ne    spin
${POWEROFF}
idle:
    msr     daifset, #2
1:  wfi
    b       1b
${VECTORS}
irq:
    ldr     w2, [x9, #0xc]          // GICC_IAR
    add     x20, x20, #1
    ldr     w3, =0x100
    str     w3, [x1, #0x184]        // GICD_ICENABLER1: SPI 40 off (the line stays high)
    str     w2, [x9, #0x10]         // GICC_EOIR
    eret
`;

const raised = (policy: string) =>
  vmGuest(GUEST)
    .policy(policy)
    .vcpus(2)
    .hostAt(RAISE_AT, { irqLine: { intid: 40, level: 1 } });

describe('vmGuest: the fluent VM runner', () => {
  for (const policy of POLICIES) {
    it(`${policy}: hostAt raises the SPI at its tick, inside the run; only vcpu 0 takes it`, () => {
      const g = raised(policy)
        .run({ ticks: 4 * RAISE_AT })
        .assertExit('poweroff')
        .assertAckedBy(0, [40])
        .assertAckedBy(1, [])
        .assertReg('x20', 1n);
      const [ack] = g.acks();
      // the injection kicks vcpu 0 out of its spin loop: a few ticks at most
      assert.ok(ack.t >= RAISE_AT && ack.t <= RAISE_AT + 2, `acknowledged at ${ack.t}`);
      assert.equal(g.exit.costs.injections, 1);
    });

    it(`${policy}: exitAfter forces an exit each time the label is reached`, () => {
      const plain = raised(policy).run({ ticks: 500 }).assertExit('limit');
      const forced = raised(policy).exitAfter('spin').run({ ticks: 500 }).assertExit('limit');
      assert.equal(plain.exit.costs.exits.host, 0);
      // the spin loop passes the label once per iteration: one forced exit per entry
      assert.ok(forced.exit.costs.exits.host > 10, `${forced.exit.costs.exits.host} host exits`);
    });

    it(`${policy}: saveRestore before the host action: it still fires, the guest sees the same`, () => {
      const once = raised(policy)
        .run({ ticks: 4 * RAISE_AT })
        .assertExit('poweroff');
      const migrated = raised(policy)
        .run({ ticks: RAISE_AT / 2 })
        .assertExit('limit')
        .saveRestore()
        .run({ ticks: 4 * RAISE_AT })
        .assertExit('poweroff')
        .assertAckedBy(0, [40]);
      assert.deepEqual(migrated.acks(), once.acks());
      assert.equal(migrated.now(), once.now());
    });
  }
});
