// The system counter (Arm ARM D11.1.2 "The system counter"): one counter
// shared by every PE, counting at CNTFRQ Hz from power-on. Here it IS the
// kernel's virtual clock: a tick of virtual time is a tick of CNTPCT, so the
// physical count is Kernel.now as a 64-bit value. Kernel time is a safe
// integer (< 2^53), so the physical count itself never wraps in a run; the
// virtual count (CNTPCT - CNTVOFF) can.

import type { Kernel } from '../../sim/kernel.ts';
import type { Ticks } from '../../sim/time.ts';
import { sub64 } from '../../sim/u64.ts';

export class SystemCounter {
  constructor(
    readonly kernel: Kernel,
    /** counting frequency in Hz; the reset value of every PE's CNTFRQ_EL0 */
    readonly counterHz: number,
  ) {
    if (!Number.isSafeInteger(counterHz) || counterHz <= 0 || counterHz > 0xffff_ffff)
      throw new RangeError(`counterHz must fit CNTFRQ_EL0 (32 bits, non-zero), got ${counterHz}`);
  }

  /** Physical count as a tick Number (the kernel clock). */
  get ticks(): Ticks {
    return this.kernel.now;
  }

  /** CNTPCT_EL0: the physical count, 64-bit. */
  cntpct(): bigint {
    return BigInt(this.kernel.now);
  }

  /** The count seen through an offset: (CNTPCT - offset) mod 2^64 (CNTVCT_EL0 with offset = CNTVOFF_EL2). */
  offsetCount(offset: bigint): bigint {
    return sub64(BigInt(this.kernel.now), offset);
  }
}
