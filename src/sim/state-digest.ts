// A running hash of a machine's state, fed by the blocks themselves
// (`digest(h)` beside `save()`): the explorer hashes the whole machine at
// every decision (src/explore/state-hash.ts), and building every block's
// snapshot object there cost more than the run itself. A block's digest
// feeds exactly what its snapshot holds (or more: a hash that tells apart
// states that behave the same only costs merging), with no allocation per
// value.

/** What a block feeds its state into. */
export interface StateDigest {
  /** a 32-bit integer (signed or unsigned: only the low 32 bits count) */
  int(x: number): void;
  /** any number */
  num(x: number): void;
  /** a 64-bit value */
  big(x: bigint): void;
  /** a string */
  str(s: string): void;
  /** bytes (the array's length, then four bytes per step) */
  bytes(a: ArrayLike<number>): void;
  /** 32-bit words (the array's length, then each) */
  words(a: ArrayLike<number>): void;
  /** any plain snapshot value (objects by their keys in creation order): slow, for small or rare parts */
  value(v: unknown): void;
}

const F64 = new Float64Array(1);
const I32 = new Int32Array(F64.buffer);
const MASK32 = 0xffffffffn;

/** Two independent 32-bit multiplicative hashes (64 bits of state); no allocation per value. */
export class Hash64 implements StateDigest {
  private a = 0x811c9dc5 | 0;
  private b = 0x2545f491 | 0;

  reset(): void {
    this.a = 0x811c9dc5 | 0;
    this.b = 0x2545f491 | 0;
  }

  int(x: number): void {
    this.a = Math.imul(this.a ^ x, 0x01000193);
    this.b = Math.imul((this.b ^ x) + 0x7f4a7c15, 0x5bd1e995);
    this.b ^= this.b >>> 15;
  }

  num(x: number): void {
    if ((x | 0) === x) {
      this.int(x);
      return;
    }
    F64[0] = x;
    this.int(0x6e756d00);
    this.int(I32[0]);
    this.int(I32[1]);
  }

  big(x: bigint): void {
    this.int(0x62696700);
    this.int(Number(x & MASK32));
    this.int(Number((x >> 32n) & MASK32));
    // wider than 64 bits (or negative): the rest, rarely
    if (x >> 64n !== 0n) this.str(x.toString(16));
  }

  str(s: string): void {
    this.int(0x73747200 ^ s.length);
    for (let i = 0; i < s.length; i++) this.int(s.charCodeAt(i));
  }

  bytes(a: ArrayLike<number>): void {
    const n = a.length;
    this.int(0x62797400 ^ n);
    let i = 0;
    for (; i + 4 <= n; i += 4)
      this.int((a[i] & 0xff) | ((a[i + 1] & 0xff) << 8) | ((a[i + 2] & 0xff) << 16) | (a[i + 3] << 24));
    if (i < n) {
      let x = 0;
      for (let s = 0; i < n; i++, s += 8) x |= (a[i] & 0xff) << s;
      this.int(x);
    }
  }

  words(a: ArrayLike<number>): void {
    this.int(0x776f7200 ^ a.length);
    for (let i = 0; i < a.length; i++) this.int(a[i]);
  }

  value(v: unknown): void {
    switch (typeof v) {
      case 'number':
        this.num(v);
        return;
      case 'string':
        this.str(v);
        return;
      case 'boolean':
        this.int(v ? 0x74727565 : 0x66616c73);
        return;
      case 'bigint':
        this.big(v);
        return;
      case 'undefined':
        this.int(0x756e6466);
        return;
      case 'object':
        break;
      default:
        throw new TypeError(`cannot hash a ${typeof v}`);
    }
    if (v === null) {
      this.int(0x6e756c6c);
      return;
    }
    if (ArrayBuffer.isView(v)) {
      const a = v as unknown as ArrayLike<number>;
      this.int(0x74797000 ^ a.length);
      for (let i = 0; i < a.length; i++) this.num(a[i]);
      return;
    }
    if (Array.isArray(v)) {
      this.int(0x61727200 ^ v.length);
      for (const x of v) this.value(x);
      return;
    }
    const o = v as Record<string, unknown>;
    for (const k in o) {
      this.str(k);
      this.value(o[k]);
    }
    this.int(0x7d);
  }

  /** 16 hex digits. */
  digest(): string {
    return (this.a >>> 0).toString(16).padStart(8, '0') + (this.b >>> 0).toString(16).padStart(8, '0');
  }
}
