// A software TLB: a direct-mapped array of successful stage-1 translations,
// one entry per 4 KiB VA page (a block mapping fills one entry per page it
// is used for). An entry is tagged by the VA page and by its ASID, or -1
// for a global (nG = 0) translation; it holds the PA page and the access
// permissions for both ELs, so a change of PSTATE.EL needs no flush. Only
// successful walks are cached; a miss or a permission the entry lacks goes
// to the walk, which reports the fault (Arm ARM D8.13 "Translation
// Lookaside Buffers": an entry may be evicted at any time, and a stale one
// may be used until a TLBI removes it).

/** Entry permission bits (PERM_*_EL1 << 3 is the EL0 bit). */
export const PERM_R = 1;
export const PERM_W = 2;
export const PERM_X = 4;
/** EL0 permissions are the EL1 bits shifted by this. */
export const PERM_EL0_SHIFT = 3;
/** The memory is Device (MAIR attribute 0b0000xxxx): unaligned accesses fault. */
export const PERM_DEVICE = 64;

/** Most distinct blocks a TLB tracks for TLBI by VA (beyond: it scans). */
const MAX_REGIONS = 64;
/** tagLo of an empty slot: not 4 KiB aligned, so no page's low half. */
const TAG_LO_EMPTY = 1;
const TWO32 = 4294967296;
/** 2^n for the block shifts (12..39). */
const POW2_SHIFT = Float64Array.from({ length: 64 }, (_, n) => 2 ** n);

export class Tlb {
  readonly mask: number;
  /** VA of the page (signed 64-bit value as a Number), NaN when empty. */
  readonly tag: Float64Array;
  /**
   * The same tag as int32 halves, for a lookup from a register's halves
   * without double arithmetic (mem-access.ts ramOffset): the low half
   * of an empty slot is TAG_LO_EMPTY, which no page address has.
   */
  readonly tagLo: Int32Array;
  readonly tagHi: Int32Array;
  /** PA of the page. */
  readonly pa: Float64Array;
  /** ASID of a non-global entry, -1 for a global one. */
  readonly asid: Int16Array;
  readonly perm: Uint8Array;
  /**
   * RAM offset of the PA page, or -1 when the page is not RAM: the data
   * fast path's (mem-access.ts ramOffset) whole answer for a hit, in int32.
   */
  readonly ramOff: Int32Array;
  /** log2 of the size of the mapping the entry came from (12, 21, 30). */
  readonly shift: Uint8Array;
  /** Some entry came from a block: TLBI by VA must look beyond the page's slot. */
  private blocks = false;
  /**
   * The VA span [blockLo, blockHi) that block-derived entries cover since the
   * last full flush: a TLBI by VA outside it (user pages, vmalloc) needs only
   * the page's own slot, not a scan of the whole TLB.
   */
  private blockLo = Number.POSITIVE_INFINITY;
  private blockHi = Number.NEGATIVE_INFINITY;
  /**
   * The slots that received a block-derived entry since the last full flush
   * (each once: `listed`), so that a TLBI by VA inside the span scans these
   * rather than the whole TLB (Linux's linear map and kernel image are
   * blocks: every TLBI of a vmalloc page falls inside the span).
   */
  private readonly blockSlots: Int32Array;
  private readonly listed: Uint8Array;
  private nBlockSlots = 0;
  /**
   * The distinct blocks (start, log2 size) those entries came from, a
   * superset of the live ones (up to MAX_REGIONS, else `regionsFull`): a
   * TLBI by VA inside the span but in none of them (the fixmap, vmalloc
   * between the kernel's block mappings) needs only the page's own slot.
   */
  private readonly regionStart = new Float64Array(MAX_REGIONS);
  private readonly regionShift = new Uint8Array(MAX_REGIONS);
  private nRegions = 0;
  private regionsFull = false;

  constructor(bits: number) {
    const n = 1 << bits;
    this.mask = n - 1;
    this.tag = new Float64Array(n).fill(Number.NaN);
    this.tagLo = new Int32Array(n).fill(TAG_LO_EMPTY);
    this.tagHi = new Int32Array(n);
    this.pa = new Float64Array(n);
    this.asid = new Int16Array(n);
    this.perm = new Uint8Array(n);
    this.ramOff = new Int32Array(n);
    this.shift = new Uint8Array(n);
    this.blockSlots = new Int32Array(n);
    this.listed = new Uint8Array(n);
  }

  /** Slot of the page holding `va`. */
  slot(va: number): number {
    return (va >>> 12) & this.mask;
  }

  insert(vaPage: number, paPage: number, asid: number, perm: number, shift: number, ramOff = -1): void {
    const i = (vaPage >>> 12) & this.mask;
    this.tag[i] = vaPage;
    const hi = Math.floor(vaPage / TWO32);
    this.tagLo[i] = (vaPage - hi * TWO32) | 0;
    this.tagHi[i] = hi | 0;
    this.pa[i] = paPage;
    this.ramOff[i] = ramOff;
    this.asid[i] = asid;
    this.perm[i] = perm;
    this.shift[i] = shift;
    if (shift > 12) {
      if (this.listed[i] === 0) {
        this.listed[i] = 1;
        this.blockSlots[this.nBlockSlots++] = i;
      }
      this.blocks = true;
      const size = 2 ** shift;
      const start = Math.floor(vaPage / size) * size;
      if (start < this.blockLo) this.blockLo = start;
      if (start + size > this.blockHi) this.blockHi = start + size;
      this.addRegion(start, shift);
    }
  }

  /** Record block (start, shift) in the region list unless there already. */
  private addRegion(start: number, shift: number): void {
    const n = this.nRegions;
    for (let r = 0; r < n; r++) if (this.regionStart[r] === start && this.regionShift[r] === shift) return;
    if (n === MAX_REGIONS) {
      this.regionsFull = true;
      return;
    }
    this.regionStart[n] = start;
    this.regionShift[n] = shift;
    this.nRegions = n + 1;
  }

  /** May a block-derived entry cover `vaPage`? (false: certainly not) */
  private inRegion(vaPage: number): boolean {
    if (this.regionsFull) return true;
    for (let r = 0; r < this.nRegions; r++) {
      const start = this.regionStart[r];
      if (vaPage >= start && vaPage < start + POW2_SHIFT[this.regionShift[r]]) return true;
    }
    return false;
  }

  /** Empty slot `i`. */
  private drop(i: number): void {
    this.tag[i] = Number.NaN;
    this.tagLo[i] = TAG_LO_EMPTY;
  }

  /** TLBI VMALLE1(IS). */
  flushAll(): void {
    this.tag.fill(Number.NaN);
    this.tagLo.fill(TAG_LO_EMPTY);
    for (let j = 0; j < this.nBlockSlots; j++) this.listed[this.blockSlots[j]] = 0;
    this.nBlockSlots = 0;
    this.nRegions = 0;
    this.regionsFull = false;
    this.blocks = false;
    this.blockLo = Number.POSITIVE_INFINITY;
    this.blockHi = Number.NEGATIVE_INFINITY;
  }

  /** TLBI ASIDE1(IS): the non-global entries of `asid`. */
  flushAsid(asid: number): void {
    for (let i = 0; i <= this.mask; i++) if (this.asid[i] === asid) this.drop(i);
  }

  /**
   * TLBI VAE1/VALE1 (asid >= 0: global entries and those of `asid`) and
   * VAAE1/VAALE1 (asid < 0: any ASID) for the page at `vaPage`; an entry
   * from a block containing that page goes too.
   */
  flushVa(vaPage: number, asid: number): void {
    const t = this.tag;
    if (!this.blocks || vaPage < this.blockLo || vaPage >= this.blockHi || !this.inRegion(vaPage)) {
      const i = (vaPage >>> 12) & this.mask;
      if (t[i] === vaPage && (asid < 0 || this.asid[i] < 0 || this.asid[i] === asid)) this.drop(i);
      return;
    }
    // Scan the slots that held block entries; recompute the span of those
    // still present (others were overwritten or flushed since) and drop the
    // rest from the list, so later TLBIs can skip the scan.
    let lo = Number.POSITIVE_INFINITY;
    let hi = Number.NEGATIVE_INFINITY;
    const slots = this.blockSlots;
    let kept = 0;
    this.nRegions = 0;
    this.regionsFull = false;
    for (let j = 0; j < this.nBlockSlots; j++) {
      const i = slots[j];
      const sh = this.shift[i];
      if (sh <= 12 || Number.isNaN(t[i])) {
        this.listed[i] = 0; // a page entry now, or empty
        continue;
      }
      const s = 2 ** sh;
      const start = Math.floor(t[i] / s) * s;
      if (start === Math.floor(vaPage / s) * s && (asid < 0 || this.asid[i] < 0 || this.asid[i] === asid)) {
        this.drop(i);
        this.listed[i] = 0;
        continue;
      }
      slots[kept++] = i;
      if (start < lo) lo = start;
      if (start + s > hi) hi = start + s;
      this.addRegion(start, sh);
    }
    this.nBlockSlots = kept;
    // The page's own slot may hold a 4 KiB entry for it.
    const own = (vaPage >>> 12) & this.mask;
    if (t[own] === vaPage && (asid < 0 || this.asid[own] < 0 || this.asid[own] === asid)) this.drop(own);
    this.blockLo = lo;
    this.blockHi = hi;
    this.blocks = lo < hi;
  }
}
