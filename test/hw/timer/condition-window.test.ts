// ConditionWindow (src/hw/timer/condition-window.ts) agrees with the 64-bit
// compare it stands for: CVAL <= (t - offset) mod 2^64, and its first hold
// from `now` is now + (CVAL - count(now)) (NEVER past MAX_SAFE_INTEGER), for
// any offset, CVAL and time, near the wrap of the count included.

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { ConditionWindow } from '../../../src/hw/timer/condition-window.ts';
import { NEVER } from '../../../src/sim/time.ts';

const MASK = (1n << 64n) - 1n;
const MAX_SAFE = BigInt(Number.MAX_SAFE_INTEGER);

function count(t: number, offset: bigint): bigint {
  return (BigInt(t) - offset) & MASK;
}

/** the BigInt formula ArchTimer.expiryTick used before the window */
function firstHold(now: number, offset: bigint, cval: bigint): number {
  const c = count(now, offset);
  if (cval <= c) return now;
  const delta = cval - c;
  return delta > MAX_SAFE - BigInt(now) ? NEVER : now + Number(delta);
}

const u64 = fc.bigInt({ min: 0n, max: MASK });
const time = fc.integer({ min: 0, max: Number.MAX_SAFE_INTEGER });
// offsets and CVALs near the times asked about, so the count wraps in range
const near = fc
  .tuple(time, fc.bigInt({ min: -(1n << 20n), max: 1n << 20n }))
  .map(([t, d]) => (BigInt(t) + d) & MASK);

describe('ConditionWindow', () => {
  it('holds(t) is CVAL <= (t - offset) mod 2^64', () => {
    fc.assert(
      fc.property(fc.oneof(u64, near), fc.oneof(u64, near, fc.constant(0n)), time, (offset, cval, t) => {
        const w = new ConditionWindow().at(offset, cval);
        assert.equal(w.holds(t), cval <= count(t, offset));
      }),
      { numRuns: 2000 },
    );
  });

  it('firstHold(now) is now + (CVAL - count(now)), NEVER beyond MAX_SAFE_INTEGER', () => {
    fc.assert(
      fc.property(fc.oneof(u64, near), fc.oneof(u64, near), time, (offset, cval, now) => {
        assert.equal(new ConditionWindow().at(offset, cval).firstHold(now), firstHold(now, offset, cval));
      }),
      { numRuns: 2000 },
    );
  });

  it('follows a change of offset or CVAL', () => {
    const w = new ConditionWindow();
    assert.equal(w.at(0n, 100n).holds(99), false);
    assert.equal(w.at(0n, 100n).holds(100), true);
    // CNTVOFF 50: the virtual count reaches 100 at tick 150
    assert.equal(w.at(50n, 100n).holds(149), false);
    assert.equal(w.at(50n, 100n).firstHold(60), 150);
    // before tick 50 the virtual count is near 2^64, above any small CVAL
    assert.equal(w.at(50n, 100n).holds(10), true);
  });
});
