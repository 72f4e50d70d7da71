// Test doubles for the loader: a RAM-backed LoadTarget and a tiny ELF64 writer.

import type { LoadTarget } from '../../../../src/hw/cpu/loader/target.ts';

export const RAM_BASE = 0x4000_0000;
export const RAM_SIZE = 128 * 1024 * 1024;

/** Sparse RAM in 64 KiB pages made on first write, so tests do not allocate 128 MiB. */
export class FakeRam implements LoadTarget {
  static readonly PAGE = 0x1_0000;
  readonly writes: { pa: number; length: number }[] = [];
  private readonly pages = new Map<number, Uint8Array>();

  constructor(
    readonly base = RAM_BASE,
    readonly size = RAM_SIZE,
  ) {}

  contains(pa: number, len: number): boolean {
    return pa >= this.base && len >= 0 && pa + len <= this.base + this.size;
  }

  load(pa: number, bytes: Uint8Array): void {
    if (!this.contains(pa, bytes.length)) throw new Error(`load outside RAM at ${pa.toString(16)}`);
    this.writes.push({ pa, length: bytes.length });
    let done = 0;
    while (done < bytes.length) {
      const a = pa + done;
      const off = a % FakeRam.PAGE;
      const n = Math.min(FakeRam.PAGE - off, bytes.length - done);
      this.page(a).set(bytes.subarray(done, done + n), off);
      done += n;
    }
  }

  private page(a: number): Uint8Array {
    const k = Math.floor(a / FakeRam.PAGE);
    let p = this.pages.get(k);
    if (p === undefined) {
      p = new Uint8Array(FakeRam.PAGE);
      this.pages.set(k, p);
    }
    return p;
  }

  /** Byte at pa; undefined if no load covered it. */
  at(pa: number): number | undefined {
    if (!this.writes.some((w) => pa >= w.pa && pa < w.pa + w.length)) return undefined;
    return this.page(pa)[pa % FakeRam.PAGE];
  }

  read(pa: number, len: number): Uint8Array {
    const out = new Uint8Array(len);
    for (let i = 0; i < len; i++) out[i] = this.at(pa + i) ?? 0;
    return out;
  }

  /** Address of the first occurrence of an ASCII string in loaded memory, or -1. */
  find(text: string): number {
    const needle = Buffer.from(text, 'latin1');
    for (const w of [...this.writes].sort((x, y) => x.pa - y.pa)) {
      const hay = Buffer.from(this.read(w.pa, w.length));
      const i = hay.indexOf(needle);
      if (i >= 0) return w.pa + i;
    }
    return -1;
  }
}

export interface TestSegment {
  type?: number;
  flags?: number;
  vaddr: bigint;
  paddr?: bigint;
  data: Uint8Array;
  memsz?: bigint;
}

/** Build a minimal ELF64 LE image: header, program headers, then segment data. */
export function buildElf(opts: {
  segments: TestSegment[];
  entry: bigint;
  machine?: number;
  type?: number;
  cls?: number;
  data?: number;
}): Uint8Array {
  const EHDR = 64;
  const PHDR = 56;
  const phnum = opts.segments.length;
  let offset = EHDR + PHDR * phnum;
  const total = offset + opts.segments.reduce((n, s) => n + s.data.length, 0);
  const out = new Uint8Array(total);
  const v = new DataView(out.buffer);
  out.set([0x7f, 0x45, 0x4c, 0x46, opts.cls ?? 2, opts.data ?? 1, 1]);
  v.setUint16(16, opts.type ?? 2, true);
  v.setUint16(18, opts.machine ?? 183, true);
  v.setUint32(20, 1, true);
  v.setBigUint64(24, opts.entry, true);
  v.setBigUint64(32, BigInt(EHDR), true);
  v.setUint16(52, EHDR, true);
  v.setUint16(54, PHDR, true);
  v.setUint16(56, phnum, true);
  opts.segments.forEach((s, i) => {
    const at = EHDR + i * PHDR;
    v.setUint32(at, s.type ?? 1, true);
    v.setUint32(at + 4, s.flags ?? 5, true);
    v.setBigUint64(at + 8, BigInt(offset), true);
    v.setBigUint64(at + 16, s.vaddr, true);
    v.setBigUint64(at + 24, s.paddr ?? s.vaddr, true);
    v.setBigUint64(at + 32, BigInt(s.data.length), true);
    v.setBigUint64(at + 40, s.memsz ?? BigInt(s.data.length), true);
    out.set(s.data, offset);
    offset += s.data.length;
  });
  return out;
}
