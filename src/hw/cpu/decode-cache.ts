// The decode cache: instructions decoded once, kept per 4 KiB page of RAM
// (keyed by physical address, so all cpus of a machine share it), and
// dropped word by word when a store hits a decoded word. Decoding is lazy:
// a fresh page holds OP_UNDECODED everywhere and the executor decodes an
// instruction the first time it reaches it. Decoded ops never embed the
// PC, so one page serves every cpu and (later) every virtual alias.
// Translated blocks (jit/) hang off their page and are dropped with it, or
// all of the page's at once when a store drops any decoded word of it.

import { type CodeWriteListener, type GuestRam, PAGE_CODE, PAGE_SHIFT, PAGE_SIZE } from '../mem/guest-ram.ts';
import { jitDefault, jitHotDefault, jitLoopsOnlyDefault } from './jit/enabled.ts';
import { OP_UNDECODED, STRIDE } from './ops.ts';

export const PAGE_INSNS = PAGE_SIZE >>> 2;

/**
 * A translated block (src/hw/cpu/jit): `run(cpu, pc, left)` executes it from
 * virtual address `pc` with `left` >= `len` cycles of budget and returns an
 * ST_* status; `len` is the most cycles its first pass spends; `pre` (a
 * rotated loop) the instructions it holds before its entry.
 */
export interface TranslatedBlock {
  readonly len: number;
  readonly pre?: number;
  readonly run: (cpu: never, pc: number, left: number) => number;
}

export class DecodedPage {
  readonly ops = new Uint16Array(PAGE_INSNS);
  readonly f = new Int32Array(PAGE_INSNS * STRIDE);
  /** Translated blocks by entry slot (undefined: not yet, null: the interpreter's); null until the first. */
  blocks: (TranslatedBlock | null | undefined)[] | null = null;
  /** Entries into each slot while untranslated (jit/ translates a hot one). */
  hits: Uint16Array | null = null;
}

const shared = new WeakMap<GuestRam, DecodeCache>();

export class DecodeCache implements CodeWriteListener {
  private pages: (DecodedPage | undefined)[];
  /** Words dropped by stores (statistics, not state; a translated block compares it after its stores). */
  invalidations = 0;
  /** Translate hot code into JavaScript (src/hw/cpu/jit): VGICSIM_JIT=0/1, or the board's `jit`. */
  jit = jitDefault();
  /** Entries into a slot before it is translated. */
  jitHot = jitHotDefault();
  /** Translate only blocks that loop on themselves (VGICSIM_JIT_BLOCKS=loops, the default; =all: every block). */
  jitLoopsOnly = jitLoopsOnlyDefault();

  /** One per RAM: stores into code are reported to a single listener. */
  constructor(readonly ram: GuestRam) {
    if (shared.has(ram)) throw new Error('this RAM already has a decode cache (use sharedDecodeCache)');
    this.pages = new Array(ram.pageFlags.length);
    ram.setCodeListener(this);
    shared.set(ram, this);
  }

  /** The decoded page for RAM page `p` (RAM offset >>> PAGE_SHIFT), created on first use. */
  page(p: number): DecodedPage {
    let dp = this.pages[p];
    if (dp === undefined) {
      dp = new DecodedPage();
      this.pages[p] = dp;
      this.ram.pageFlags[p] |= PAGE_CODE;
    }
    return dp;
  }

  onCodeWrite(off: number, len: number): void {
    const end = off + len;
    for (let w = off & ~3; w < end; w += 4) {
      const dp = this.pages[w >>> PAGE_SHIFT];
      if (dp === undefined) continue;
      const i = (w & (PAGE_SIZE - 1)) >>> 2;
      if (dp.ops[i] !== OP_UNDECODED) {
        dp.ops[i] = OP_UNDECODED;
        this.invalidations++;
        dp.blocks = null;
        dp.hits = null;
      }
    }
  }

  /** Pages holding translated blocks now (statistics, for tests and reports). */
  pagesTranslated(): number {
    let n = 0;
    for (const dp of this.pages) if (dp?.blocks?.some((b) => b)) n++;
    return n;
  }

  onCodeReset(): void {
    this.pages = new Array(this.ram.pageFlags.length);
  }
}

/** The one decode cache of the machine that owns `ram`. */
export function sharedDecodeCache(ram: GuestRam): DecodeCache {
  return shared.get(ram) ?? new DecodeCache(ram);
}
