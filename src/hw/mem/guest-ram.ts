// Guest RAM: one little-endian byte array at a physical base address (QEMU
// virt: 128 MiB at 0x4000_0000) in a SharedArrayBuffer (the constructor says
// why). The cpu reads and writes the typed-array views directly on its hot
// path; every store first tests one byte of `pageFlags` and takes the slow
// path (`noteStore`) only when the page is not plainly "touched": the first
// store to a page, a page holding decoded code (the decode cache must drop
// it) or a page holding an exclusive reservation (the global monitor must
// clear it).
//
// Invariant: a page without PAGE_TOUCHED is all zero. save() therefore only
// looks at touched pages, and restore() only re-zeroes touched pages.

import type { Saveable } from '../../sim/saveable.ts';

export const PAGE_SHIFT = 12;
export const PAGE_SIZE = 1 << PAGE_SHIFT;
/** The page holds instructions the decode cache has decoded. */
export const PAGE_CODE = 1;
/** Some cpu holds an exclusive reservation in the page. */
export const PAGE_EXCL = 2;
/** The page may hold non-zero bytes. */
export const PAGE_TOUCHED = 4;

/** PAGE_TOUCHED in each byte of a group of four flags. */
const TOUCHED4 = PAGE_TOUCHED * 0x01010101;

/** Exclusive reservation granule (bytes): CTR_EL0.ERG = 4 (16 words). */
export const EXCL_GRANULE = 64;
/** Most cpus a RAM keeps exclusive reservations for (a GICv3 board's 123). */
export const MAX_CPUS = 128;

export const DEFAULT_RAM_BASE = 0x4000_0000;
export const DEFAULT_RAM_SIZE = 128 * 1024 * 1024;

/** Told when a store hits a page holding decoded code. */
export interface CodeWriteListener {
  /** Bytes [off, off+len) of RAM (offsets from the RAM base) changed. */
  onCodeWrite(off: number, len: number): void;
  /** All of RAM changed (restore). */
  onCodeReset(): void;
}

export interface GuestRamState {
  readonly version: 1;
  readonly base: number;
  readonly size: number;
  /** Non-zero pages: page index (decimal string) -> base64 of its 4 KiB. */
  readonly pages: Record<string, string>;
}

export class GuestRamError extends Error {
  override name = 'GuestRamError';
}

export class GuestRam implements Saveable<GuestRamState> {
  readonly u8: Uint8Array;
  readonly u16: Uint16Array;
  readonly i32: Int32Array;
  readonly pageFlags: Uint8Array;
  /** pageFlags four at a time (its whole groups of four): skipping untouched RAM fast */
  private readonly flagQuads: Int32Array;
  /** Per-cpu exclusive reservation: granule-aligned RAM offset, or -1 (global monitor). */
  readonly excl = new Float64Array(MAX_CPUS).fill(-1);
  /**
   * Per-cpu Event Register (Arm ARM D1.6.1). It lives here, with the global
   * monitor, because other cpus set it: SEV sets every cpu's, and a store
   * that clears a cpu's reservation sets that cpu's (what lets an
   * LDXR + WFE spin loop sleep until the lock word changes).
   */
  readonly eventRegs = new Uint8Array(MAX_CPUS);
  /** 1 + the highest cpu that ever reserved: the stores' monitor scans stop there */
  private reservers = 0;
  private listener: CodeWriteListener | null = null;

  constructor(
    readonly base = DEFAULT_RAM_BASE,
    readonly size = DEFAULT_RAM_SIZE,
  ) {
    if (!Number.isSafeInteger(base) || base < 0 || base % PAGE_SIZE !== 0)
      throw new GuestRamError(`RAM base must be a page-aligned address, got ${base}`);
    if (!Number.isSafeInteger(size) || size <= 0 || size % PAGE_SIZE !== 0)
      throw new GuestRamError(`RAM size must be a positive multiple of 4 KiB, got ${size}`);
    // A SharedArrayBuffer, though no other thread sees it: V8 counts an ArrayBuffer's 128 MiB
    // as external memory of this isolate, and that pressure made every run start with extra
    // scavenges and mark-compacts (~15-20 ms of a short run: two RAMs, the VM's and the
    // reference machine's); a shared one is not counted so. Its pages are zero and committed
    // on first touch either way (calloc / mmap), and plain element accesses compile the same.
    const buf = new SharedArrayBuffer(size);
    this.u8 = new Uint8Array(buf);
    this.u16 = new Uint16Array(buf);
    this.i32 = new Int32Array(buf);
    this.pageFlags = new Uint8Array(size >>> PAGE_SHIFT);
    this.flagQuads = new Int32Array(this.pageFlags.buffer, 0, this.pageFlags.length >>> 2);
  }

  /**
   * The first page at or after `p` that may hold non-zero bytes
   * (PAGE_TOUCHED), or the page count: save, restore and the explorer's
   * state hash walk touched pages with it, four untouched flags at a time.
   */
  nextTouched(p: number): number {
    const flags = this.pageFlags;
    const quads = this.flagQuads;
    const n = flags.length;
    while (p < n) {
      if ((p & 3) === 0 && p >>> 2 < quads.length && (quads[p >>> 2] & TOUCHED4) === 0) p += 4;
      else if (flags[p] & PAGE_TOUCHED) return p;
      else p++;
    }
    return n;
  }

  /** One listener (the machine's shared decode cache). */
  setCodeListener(l: CodeWriteListener | null): void {
    this.listener = l;
  }

  contains(pa: number, len = 1): boolean {
    return pa >= this.base && len >= 0 && pa + len <= this.base + this.size;
  }

  /** RAM offset of `pa`, checking that [pa, pa+len) lies in RAM. */
  offsetOf(pa: number, len: number): number {
    if (!this.contains(pa, len)) throw new GuestRamError(`0x${pa.toString(16)}+${len} is outside RAM`);
    return pa - this.base;
  }

  /**
   * Slow path of every store to [off, off+len) (offsets). The cpu calls it
   * before writing when pageFlags[page] !== PAGE_TOUCHED; other writers go
   * through the methods below, which call it too.
   */
  noteStore(off: number, len: number): void {
    const first = off >>> PAGE_SHIFT;
    const last = (off + len - 1) >>> PAGE_SHIFT;
    for (let p = first; p <= last; p++) {
      const fl = this.pageFlags[p];
      if (fl & PAGE_CODE && this.listener) this.listener.onCodeWrite(off, len);
      if (fl & PAGE_EXCL) this.clearReservations(off, len);
      // (re-read: clearing reservations may have dropped the page's PAGE_EXCL hint)
      this.pageFlags[p] |= PAGE_TOUCHED;
    }
  }

  /**
   * A store clears every cpu's reservation on the granules it touches. Which
   * stores clear the local monitor is IMPLEMENTATION DEFINED (Arm ARM B2.9);
   * here any store does, including the reserving cpu's own plain store.
   */
  clearReservations(off: number, len: number): void {
    const lo = off - (off % EXCL_GRANULE);
    const hi = off + len;
    for (let c = 0; c < this.reservers; c++) {
      const r = this.excl[c];
      if (r >= lo && r < hi) {
        this.excl[c] = -1;
        this.eventRegs[c] = 1;
      }
    }
    // PAGE_EXCL is a hint that sends every store to the page down this slow
    // path: drop it once no reservation is left on the page (a lock's page
    // would otherwise stay slow for the rest of the run).
    const last = (off + len - 1) >>> PAGE_SHIFT;
    for (let p = off >>> PAGE_SHIFT; p <= last; p++) {
      let held = false;
      for (let c = 0; c < this.reservers && !held; c++)
        held = this.excl[c] >= 0 && this.excl[c] >>> PAGE_SHIFT === p;
      if (!held) this.pageFlags[p] &= ~PAGE_EXCL;
    }
  }

  /** Set cpu `cpu`'s reservation on the granule holding offset `off`. */
  reserve(cpu: number, off: number): void {
    if (cpu >= this.reservers) this.reservers = cpu + 1;
    this.excl[cpu] = off - (off % EXCL_GRANULE);
    this.pageFlags[off >>> PAGE_SHIFT] |= PAGE_EXCL;
  }

  // ---- access by physical address (loader, machine, tests; not the cpu hot path) ----

  read8(pa: number): number {
    return this.u8[this.offsetOf(pa, 1)];
  }
  read16(pa: number): number {
    const o = this.offsetOf(pa, 2);
    return this.u8[o] | (this.u8[o + 1] << 8);
  }
  read32(pa: number): number {
    const o = this.offsetOf(pa, 4);
    return (this.u8[o] | (this.u8[o + 1] << 8) | (this.u8[o + 2] << 16) | (this.u8[o + 3] << 24)) >>> 0;
  }
  read64(pa: number): bigint {
    return BigInt(this.read32(pa)) | (BigInt(this.read32(pa + 4)) << 32n);
  }
  write8(pa: number, v: number): void {
    const o = this.offsetOf(pa, 1);
    this.noteStore(o, 1);
    this.u8[o] = v;
  }
  write16(pa: number, v: number): void {
    const o = this.offsetOf(pa, 2);
    this.noteStore(o, 2);
    this.u8[o] = v;
    this.u8[o + 1] = v >>> 8;
  }
  write32(pa: number, v: number): void {
    const o = this.offsetOf(pa, 4);
    this.noteStore(o, 4);
    this.u8[o] = v;
    this.u8[o + 1] = v >>> 8;
    this.u8[o + 2] = v >>> 16;
    this.u8[o + 3] = v >>> 24;
  }
  write64(pa: number, v: bigint): void {
    const u = BigInt.asUintN(64, v);
    this.write32(pa, Number(u & 0xffff_ffffn));
    this.write32(pa + 4, Number(u >> 32n));
  }
  readBytes(pa: number, len: number): Uint8Array {
    const o = this.offsetOf(pa, len);
    return this.u8.slice(o, o + len);
  }
  /** Copy `bytes` into RAM at `pa` (loader). */
  load(pa: number, bytes: Uint8Array): void {
    if (bytes.length === 0) return;
    const o = this.offsetOf(pa, bytes.length);
    this.noteStore(o, bytes.length);
    this.u8.set(bytes, o);
  }

  save(): GuestRamState {
    const pages: Record<string, string> = {};
    const words = PAGE_SIZE >>> 2;
    for (let p = this.nextTouched(0); p < this.pageFlags.length; p = this.nextTouched(p + 1)) {
      const w0 = p * words;
      let nz = false;
      for (let i = 0; i < words && !nz; i++) nz = this.i32[w0 + i] !== 0;
      if (!nz) continue;
      const o = p << PAGE_SHIFT;
      pages[String(p)] = Buffer.from(this.u8.buffer, o, PAGE_SIZE).toString('base64');
    }
    return { version: 1, base: this.base, size: this.size, pages };
  }

  /** All zero (power-on RAM; a loaded image is not part of the reset state). */
  defaultState(): GuestRamState {
    return { version: 1, base: this.base, size: this.size, pages: {} };
  }

  reset(): void {
    this.restore(this.defaultState());
  }

  /** Restore contents. Reservations and event registers are cpu state: restore the cpus after the RAM. */
  restore(s: GuestRamState): void {
    if (s.version !== 1) throw new GuestRamError(`RAM snapshot version ${s.version} is not supported`);
    if (s.base !== this.base || s.size !== this.size)
      throw new GuestRamError(
        `RAM snapshot is ${s.size} bytes at 0x${s.base.toString(16)}, this RAM is ${this.size} at 0x${this.base.toString(16)}`,
      );
    const want = new Map<number, Uint8Array>();
    for (const [k, b64] of Object.entries(s.pages)) {
      const p = Number(k);
      const bytes = Buffer.from(b64, 'base64');
      if (!Number.isInteger(p) || p < 0 || p >= this.pageFlags.length || bytes.length !== PAGE_SIZE)
        throw new GuestRamError(`RAM snapshot page '${k}' is malformed`);
      want.set(p, bytes);
    }
    // Only pages whose content differs are written, and only those drop
    // their decoded instructions: restoring the same image again (the
    // explorer does, once per run) keeps the decode cache warm.
    const words = PAGE_SIZE >>> 2;
    for (let p = this.nextTouched(0); p < this.pageFlags.length; p = this.nextTouched(p + 1)) {
      if (want.has(p)) continue;
      const w0 = p * words;
      let nz = 0;
      for (let i = 0; i < words; i++) nz |= this.i32[w0 + i];
      if (nz !== 0) {
        this.u8.fill(0, p << PAGE_SHIFT, (p + 1) << PAGE_SHIFT);
        this.pageChanged(p);
      }
      this.pageFlags[p] &= ~PAGE_TOUCHED;
    }
    for (const [p, bytes] of want) {
      const o = p << PAGE_SHIFT;
      const same =
        this.pageFlags[p] & PAGE_TOUCHED && Buffer.compare(bytes, this.u8.subarray(o, o + PAGE_SIZE)) === 0;
      if (!same) {
        this.u8.set(bytes, o);
        this.pageChanged(p);
      }
      this.pageFlags[p] |= PAGE_TOUCHED;
    }
  }

  /** Page `p`'s bytes changed behind the cpu's back: its decoded instructions are stale. */
  private pageChanged(p: number): void {
    if (this.pageFlags[p] & PAGE_CODE && this.listener) this.listener.onCodeWrite(p << PAGE_SHIFT, PAGE_SIZE);
  }
}
