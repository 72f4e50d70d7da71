// Where a timer's condition CVAL <= count holds over physical time, as tick
// Numbers (Arm ARM D11.2.4: the condition is an unsigned 64-bit compare).
// The compared count at physical tick t is (t - offset) mod 2^64 (offset =
// CNTVOFF for a virtual timer, 0 for a physical one); it wraps to 0 at
// t = offset, so the condition holds exactly on [A, W) U [B, inf) with
//   W = offset, A = offset + CVAL - 2^64, B = offset + CVAL   (A < W <= B),
// clamped to [0, NEVER] (beyond MAX_SAFE_INTEGER is NEVER). The bounds are
// computed with BigInt only when offset or CVAL change (`at`); asking where
// the condition holds compares Numbers.

import { NEVER, type Ticks } from '../../sim/time.ts';
import { TWO_POW_64 } from '../../sim/u64.ts';

const MAX_SAFE = BigInt(Number.MAX_SAFE_INTEGER);

/** A BigInt tick bound as a Number: below 0 -> 0, beyond MAX_SAFE_INTEGER -> NEVER. */
function clampTicks(t: bigint): Ticks {
  if (t <= 0n) return 0;
  if (t > MAX_SAFE) return NEVER;
  return Number(t);
}

export class ConditionWindow {
  a: Ticks = 0;
  w: Ticks = 0;
  b: Ticks = 0;
  /** the offset and CVAL the bounds are for (-1: none yet) */
  private offset = -1n;
  private cval = -1n;

  /** Make the bounds those of `offset` and `cval` (both 64-bit unsigned); nothing to do when unchanged. */
  at(offset: bigint, cval: bigint): this {
    if (offset === this.offset && cval === this.cval) return this;
    this.offset = offset;
    this.cval = cval;
    const b = offset + cval;
    this.w = clampTicks(offset);
    this.a = clampTicks(b - TWO_POW_64);
    this.b = clampTicks(b);
    return this;
  }

  /** CVAL <= count at physical tick `t` (0 <= t <= MAX_SAFE_INTEGER). */
  holds(t: Ticks): boolean {
    return (t >= this.a && t < this.w) || t >= this.b;
  }

  /**
   * The first tick from `now` at which the condition holds: `now` if it
   * does, else the next rise (NEVER if beyond MAX_SAFE_INTEGER). This is
   * now + (CVAL - count(now)), the count's distance to CVAL.
   */
  firstHold(now: Ticks): Ticks {
    if (this.holds(now)) return now;
    return now < this.w ? this.a : this.b;
  }

  /** The first tick after `now` at which the condition changes (rises or falls), or NEVER. */
  nextChange(now: Ticks): Ticks {
    if (this.a > now) return this.a; // rises (A < W: the window is not empty)
    if (this.w > now && this.w < this.b) return this.w; // falls: the count wraps to 0
    // rises; B = W only when CVAL = 0, where the two windows join and nothing changes
    if (this.b > now && this.b > this.w) return this.b;
    return NEVER;
  }
}
