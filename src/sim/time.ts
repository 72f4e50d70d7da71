// Virtual time. The unit is one tick of the system counter (CNTPCT), counted
// from power-on. Ticks are integral Numbers: 2^53 ticks at 62.5 MHz is over
// four years of virtual time, so a run never loses precision.

export type Ticks = number;
export type Cycles = number;

/** Time that never comes: used for "no deadline". */
export const NEVER: Ticks = Number.POSITIVE_INFINITY;

export interface Clocking {
  /** System counter frequency, CNTFRQ_EL0 (Hz). */
  readonly counterHz: number;
  /** Guest instruction rate (Hz): one instruction is one cycle. */
  readonly cpuHz: number;
}

export function ticksToSeconds(t: Ticks, clk: Clocking): number {
  return t / clk.counterHz;
}

export function secondsToTicks(s: number, clk: Clocking): Ticks {
  return Math.round(s * clk.counterHz);
}

function gcd(a: number, b: number): number {
  while (b !== 0) [a, b] = [b, a % b];
  return a;
}

/**
 * Exact integer conversion between cpu cycles and counter ticks.
 * ticks = floor(cycles * counterHz / cpuHz), with the ratio reduced so the
 * product stays exact in a double for any realistic run.
 */
export class ClockRatio {
  /** ticks per `den` cycles */
  readonly num: number;
  /** cycles per `num` ticks */
  readonly den: number;

  constructor(readonly clk: Clocking) {
    if (!Number.isSafeInteger(clk.counterHz) || clk.counterHz <= 0)
      throw new RangeError(`counterHz must be a positive integer, got ${clk.counterHz}`);
    if (!Number.isSafeInteger(clk.cpuHz) || clk.cpuHz <= 0)
      throw new RangeError(`cpuHz must be a positive integer, got ${clk.cpuHz}`);
    const g = gcd(clk.counterHz, clk.cpuHz);
    this.num = clk.counterHz / g;
    this.den = clk.cpuHz / g;
  }

  /** Ticks elapsed after `c` cycles (rounded down: a tick completes only when all its cycles ran). */
  cyclesToTicks(c: Cycles): Ticks {
    const p = c * this.num;
    if (p <= Number.MAX_SAFE_INTEGER) return Math.floor(p / this.den);
    return Number((BigInt(c) * BigInt(this.num)) / BigInt(this.den));
  }

  /** Fewest cycles after which at least `t` ticks have elapsed. */
  ticksToCycles(t: Ticks): Cycles {
    if (t === NEVER) return NEVER;
    const p = t * this.den;
    if (p <= Number.MAX_SAFE_INTEGER) return Math.ceil(p / this.num);
    const n = BigInt(this.num);
    return Number((BigInt(t) * BigInt(this.den) + n - 1n) / n);
  }
}
