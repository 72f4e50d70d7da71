// A small seeded PRNG (xorshift128+ on BigInt-free 32-bit halves would do;
// sfc32 is simple and good enough for test generation) and the pickers the
// instruction generators use. Same seed, same sequences, on every machine.

export class Rng {
  private a: number;
  private b: number;
  private c: number;
  private d: number;

  constructor(seed: number) {
    this.a = 0x9e3779b9;
    this.b = 0x243f6a88;
    this.c = 0xb7e15162;
    this.d = seed | 0;
    for (let i = 0; i < 16; i++) this.u32();
  }

  /** sfc32. */
  u32(): number {
    const t = (((this.a + this.b) | 0) + this.d) | 0;
    this.d = (this.d + 1) | 0;
    this.a = this.b ^ (this.b >>> 9);
    this.b = (this.c + (this.c << 3)) | 0;
    this.c = (this.c << 21) | (this.c >>> 11);
    this.c = (this.c + t) | 0;
    return t >>> 0;
  }
  /** Integer in lo..hi inclusive. */
  int(lo: number, hi: number): number {
    return lo + (this.u32() % (hi - lo + 1));
  }
  bool(p = 0.5): boolean {
    return this.u32() / 4294967296 < p;
  }
  pick<T>(xs: readonly T[]): T {
    return xs[this.u32() % xs.length];
  }
  u64(): bigint {
    return (BigInt(this.u32()) << 32n) | BigInt(this.u32());
  }
  /** A 64-bit value biased towards the edges arithmetic gets wrong. */
  interesting64(): bigint {
    switch (this.int(0, 11)) {
      case 0:
        return 0n;
      case 1:
        return BigInt(this.int(0, 64));
      case 2:
        return 0xffff_ffff_ffff_ffffn - BigInt(this.int(0, 3));
      case 3:
        return this.pick([0x7fff_ffffn, 0x8000_0000n, 0xffff_ffffn, 0x1_0000_0000n]);
      case 4:
        return this.pick([0x7fff_ffff_ffff_ffffn, 0x8000_0000_0000_0000n, 0x8000_0000_0000_0001n]);
      case 5:
        return BigInt(this.u32());
      case 6:
        return 0xffff_ffff_0000_0000n | BigInt(this.u32());
      case 7:
        return BigInt.asUintN(64, -BigInt(this.int(1, 1000)));
      case 8:
        return 1n << BigInt(this.int(0, 63));
      default:
        return this.u64();
    }
  }
}
