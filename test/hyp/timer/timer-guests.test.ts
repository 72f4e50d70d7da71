// Guests that use the timers the way an OS does: a periodic tick on the
// virtual timer, WFI until a deadline, the emulated (trapped) physical
// timer; and the background timer that wakes a vcpu blocked in WFI.

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { POLICIES, POWEROFF, prologue, TIMER_BIT, VECTORS } from '../helpers/guest-vm.ts';
import { vmGuest } from '../helpers/vm-guest.ts';

const PERIOD = 500;

/** A periodic tick of `n` interrupts on the virtual timer; x22 = the first deadline. */
function tickGuest(n: number): string {
  return `${prologue(TIMER_BIT)}
    mrs     x3, cntvct_el0
    add     x3, x3, #${PERIOD}
    mov     x22, x3
    msr     cntv_cval_el0, x3
    mov     x4, #1
    msr     cntv_ctl_el0, x4
    msr     daifclr, #2
1:  cmp     x20, #${n}
    b.ne    1b
    mov     x5, #2000               // time for a stray interrupt to show up
2:  subs    x5, x5, #1
    b.ne    2b
${POWEROFF}
${VECTORS}
irq:
    ldr     w2, [x9, #0xc]          // GICC_IAR
    add     x20, x20, #1
    mrs     x3, cntv_cval_el0
    add     x3, x3, #${PERIOD}
    msr     cntv_cval_el0, x3       // next deadline
    cmp     x20, #${n}
    b.ne    3f
    msr     cntv_ctl_el0, xzr       // the last one: stop the timer
3:  str     w2, [x9, #0x10]         // GICC_EOIR
    eret
`;
}

describe('periodic virtual timer tick', () => {
  for (const policy of POLICIES) {
    it(`${policy}: exactly the expected interrupts, each at its deadline`, () => {
      const n = 12;
      const g = vmGuest(tickGuest(n))
        .policy(policy)
        .run({ instructions: 2_000_000 })
        .assertExit('poweroff')
        .assertAcked(new Array(n).fill(27))
        .assertReg('x20', n);
      const first = Number(g.reg('x22'));
      g.acks().forEach((e, k) => {
        const deadline = first + k * PERIOD;
        // the timer's exit, the entry and the vector take a few instructions (16 per tick)
        assert.ok(e.t >= deadline && e.t <= deadline + 1, `ack ${k} at ${e.t}, deadline ${deadline}`);
      });
      // one physical-interrupt exit per tick
      assert.equal(g.exit.costs.exits.irq, n);
    });
  }
});

describe('WFI with a future CVAL', () => {
  const DELTA = 1000;
  const guest = `${prologue(TIMER_BIT)}
    msr     daifset, #2             // masked: WFI wakes anyway, no handler runs
    mrs     x3, cntvct_el0
    add     x3, x3, #${DELTA}
    msr     cntv_cval_el0, x3
    mov     x4, #1
    msr     cntv_ctl_el0, x4
    wfi
    mrs     x5, cntvct_el0          // first instruction after the wake
    msr     cntv_ctl_el0, xzr
${POWEROFF}
${VECTORS}
irq:
    eret
`;
  for (const policy of POLICIES) {
    it(`${policy}: wakes at exactly the CVAL tick`, () => {
      const g = vmGuest(guest)
        .policy(policy)
        .run({ ticks: 10 * DELTA })
        .assertExit('poweroff');
      const { exit } = g;
      // Blocked until the background timer fires at tick CVAL; the vcpu's
      // local time then starts at that tick (16 cycles per tick) and the MRS
      // after the WFI is its first instruction: it reads CVAL itself.
      g.assertReg('x5', g.reg('x3'));
      assert.equal(exit.costs.blocks, 1);
      assert.equal(exit.costs.bgWakeups, 1);
      assert.equal(exit.costs.exits.wfi, 1);
    });
  }
});

/** Background timer guest: SPI 40 enabled, IRQs masked, timer CTL/CVAL as given, WFI, then power off. */
function bgGuest(ctl: number, delta: number): string {
  return `${prologue(TIMER_BIT)}
    ldr     w2, =0x100
    str     w2, [x1, #0x104]        // GICD_ISENABLER1: SPI 40
    msr     daifset, #2
    mrs     x3, cntvct_el0
    ldr     x6, =${delta}
    add     x3, x3, x6
    msr     cntv_cval_el0, x3
    mov     x4, #${ctl}
    msr     cntv_ctl_el0, x4
    wfi
    mrs     x5, cntvct_el0
    msr     cntv_ctl_el0, xzr
    mov     x7, #100
1:  subs    x7, x7, #1
    b.ne    1b
${POWEROFF}
${VECTORS}
irq:
    eret
`;
}

describe('background timer', () => {
  for (const policy of POLICIES) {
    it(`${policy}: armed at the CVAL when blocking with an enabled timer, gone once running`, () => {
      const g = vmGuest(bgGuest(1, 1000)).policy(policy).run({ ticks: 200 }).assertExit('limit');
      g.assertBlocked(true).assertBgTimerAt(Number(g.reg('x3')));
      g.run({ ticks: 5000 }).assertExit('poweroff').assertBgTimerAt(undefined);
      assert.equal(g.exit.costs.bgWakeups, 1);
    });

    for (const [what, ctl] of [
      ['disabled', 0],
      ['masked (IMASK)', 3],
    ] as const) {
      it(`${policy}: not armed when blocking with a ${what} timer (CVAL passed)`, () => {
        // nothing can wake the vcpu: every vcpu waits with nothing scheduled
        const g = vmGuest(bgGuest(ctl, 0)).policy(policy).run({ instructions: 100_000 }).assertExit('idle');
        g.assertBlocked(true).assertBgTimerAt(undefined);
        g.irqLine(40, 1).assertBlocked(false);
        g.run({ ticks: 5000 }).assertExit('poweroff');
        assert.equal(g.costs().bgWakeups, 0);
      });
    }

    it(`${policy}: cancelled when something else wakes the vcpu first`, () => {
      const g = vmGuest(bgGuest(1, 100_000)).policy(policy).run({ ticks: 200 }).assertExit('limit');
      g.assertBgTimerAt(Number(g.reg('x3')));
      g.irqLine(40, 1).assertBlocked(false).assertBgTimerAt(undefined);
      g.run({ ticks: 5000 }).assertExit('poweroff');
      assert.ok(g.reg('x5') < g.reg('x3'), 'woke before the deadline');
      g.assertBgTimerAt(undefined);
      assert.equal(g.costs().bgWakeups, 0);
    });
  }
});

describe('emulated physical timer (trapped CNTP_*)', () => {
  const n = 8;
  const guest = `${prologue(`${(1 << 27) | (1 << 30)}`)}
    mov     x21, #0                 // interrupts other than PPI 30
    mov     x3, #${PERIOD}
    msr     cntp_tval_el0, x3
    mov     x4, #1
    msr     cntp_ctl_el0, x4
    msr     daifclr, #2
1:  cmp     x20, #${n}
    b.ne    1b
    mov     x5, #2000
2:  subs    x5, x5, #1
    b.ne    2b
${POWEROFF}
${VECTORS}
irq:
    ldr     w2, [x9, #0xc]          // GICC_IAR
    and     w3, w2, #0x3ff
    cmp     w3, #30
    b.eq    3f
    add     x21, x21, #1
    b       5f
3:  add     x20, x20, #1
    mov     x3, #${PERIOD}
    msr     cntp_tval_el0, x3       // re-arm (traps)
    cmp     x20, #${n}
    b.ne    5f
    msr     cntp_ctl_el0, xzr       // done
5:  str     w2, [x9, #0x10]         // GICC_EOIR
    eret
`;
  for (const policy of POLICIES) {
    it(`${policy}: the guest gets PPI 30 exactly ${n} times`, () => {
      const { exit } = vmGuest(guest)
        .policy(policy)
        .run({ instructions: 2_000_000 })
        .assertExit('poweroff')
        .assertAcked(new Array(n).fill(30))
        .assertReg('x21', 0n);
      // TVAL and CTL writes trap: 2 to start, n re-arms, 1 to stop
      assert.equal(exit.costs.exits.sysreg, n + 3);
      assert.equal(exit.costs.ptimerExpiries, n);
    });
  }
});
