// The counter read without BigInt (counterToCpu, the hot path of a CNTVCT_EL0
// / CNTPCT_EL0 MRS) agrees with counterAt for every time and CNTVOFF_EL2,
// and a guest reading the counters under the hypervisor sees them advance
// with its own instructions (the read goes on in its block, no exit).

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import {
  CNTPCT_ENCODING,
  CNTVCT_ENCODING,
  counterAt,
  counterToCpu,
  timerRegOf,
} from '../../../src/hw/board/sysreg-route.ts';
import type { GuestCpu } from '../../../src/hw/cpu/guest-port.ts';
import { TimerReg } from '../../../src/hw/timer/sysregs.ts';
import { POWEROFF } from '../../hyp/helpers/guest-vm.ts';
import { vmGuest } from '../../hyp/helpers/vm-guest.ts';

function halves(physical: boolean, ticks: number, off: bigint): bigint {
  let got = -1n;
  const cpu = {
    setReadValue(lo: number, hi: number) {
      assert.ok(lo >= 0 && lo <= 0xffff_ffff && hi >= 0 && hi <= 0xffff_ffff, 'unsigned halves');
      got = (BigInt(hi) << 32n) | BigInt(lo);
    },
  } as unknown as GuestCpu;
  counterToCpu(cpu, physical, ticks, Number(off & 0xffff_ffffn), Number(off >> 32n));
  return got;
}

describe('counter reads without BigInt', () => {
  it('the encodings are CNTPCT_EL0 and CNTVCT_EL0', () => {
    assert.equal(timerRegOf(CNTPCT_ENCODING), TimerReg.CNTPCT_EL0);
    assert.equal(timerRegOf(CNTVCT_ENCODING), TimerReg.CNTVCT_EL0);
  });

  it('counterToCpu = counterAt for any time (safe integer) and any 64-bit CNTVOFF', () => {
    fc.assert(
      fc.property(
        fc.oneof(fc.integer({ min: 0, max: 0xffff_ffff }), fc.maxSafeNat()),
        fc.bigInt({ min: 0n, max: (1n << 64n) - 1n }),
        (t, off) => {
          assert.equal(halves(true, t, off), counterAt(TimerReg.CNTPCT_EL0, t, off));
          assert.equal(halves(false, t, off), counterAt(TimerReg.CNTVCT_EL0, t, off));
        },
      ),
    );
  });

  it('edges: borrow across the halves, CNTVOFF above the count (wraps), 2^32 ticks', () => {
    const cases: [number, bigint][] = [
      [0, 0n],
      [0, 1n],
      [0x1_0000_0000, 1n],
      [0x1_0000_0000, 0xffff_ffffn],
      [5, 0x1_0000_0006n],
      [Number.MAX_SAFE_INTEGER, (1n << 64n) - 1n],
    ];
    for (const [t, off] of cases) assert.equal(halves(false, t, off), counterAt(TimerReg.CNTVCT_EL0, t, off));
  });

  it('a guest under the hypervisor reads CNTVCT_EL0 and CNTPCT_EL0 without an exit, advancing', () => {
    const r = vmGuest(`
        mrs x1, cntvct_el0
        mrs x2, cntpct_el0
        mov x0, #0
    1:  add x0, x0, #1
        cmp x0, #1000
        b.ne 1b
        mrs x3, cntvct_el0
        mrs x4, cntpct_el0
    ${POWEROFF}`)
      .run()
      .assertExit('poweroff');
    assert.equal(r.costs().exits.sysreg, 0, 'counter reads do not trap');
    const x = (n: number) => r.reg(n);
    assert.ok(x(3) > x(1), `CNTVCT advances: ${x(1)} -> ${x(3)}`);
    assert.ok(x(4) > x(2), `CNTPCT advances: ${x(2)} -> ${x(4)}`);
  });
});
