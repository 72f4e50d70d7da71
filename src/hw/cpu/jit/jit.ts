// Entering translated blocks from the interpreter's loop (cpu-exec.ts). The
// loop counts entries into each slot of a page (`DecodedPage.hits`, a cheap
// inline test) and calls enterBlock() only for a slot that reached
// `cache.jitHot`: it translates the slot once and runs its block when
// allowed. A block runs only when the budget left covers its every
// instruction and no breakpoint lies in it, so it stops exactly where the
// interpreter would. A slot whose op the interpreter keeps is marked
// NEVER_HOT, so the loop stops asking.

import type { CpuCore } from '../cpu-state.ts';
import { type DecodedPage, PAGE_INSNS } from '../decode-cache.ts';
import { compileBlock } from './compile.ts';

/** enterBlock's answer when no block ran (the interpreter executes the slot). */
export const NO_BLOCK = -1;
/** `DecodedPage.hits` of a slot that starts no block (above any `jitHot`). */
export const NEVER_HOT = 0xffff;

type BlockFn = (c: CpuCore, pc: number, left: number) => number;

/**
 * Run the block at slot `i` of `page` (RAM offset `pageOff`) from virtual
 * address `pc` with `left` cycles of budget: its ST_* status, or NO_BLOCK.
 */
export function enterBlock(
  c: CpuCore,
  page: DecodedPage,
  pageOff: number,
  i: number,
  pc: number,
  left: number,
  bps: readonly number[],
): number {
  let blocks = page.blocks;
  if (blocks === null) {
    blocks = new Array(PAGE_INSNS);
    page.blocks = blocks;
  }
  let b = blocks[i];
  if (b === undefined) {
    b = compileBlock(c.ram, c.cache, page, pageOff, i, c.cache.jitLoopsOnly);
    blocks[i] = b;
  }
  if (b === null) {
    (page.hits as Uint16Array)[i] = NEVER_HOT;
    return NO_BLOCK;
  }
  if (b.len > left) return NO_BLOCK;
  if (bps.length !== 0) {
    const lo = pc - 4 * (b.pre ?? 0);
    for (const a of bps) if (a >= lo && a < pc + 4 * b.len) return NO_BLOCK;
  }
  return (b.run as BlockFn)(c, pc, left);
}

/** A page's entry counts, made at its first counted entry. */
export function pageHits(page: DecodedPage): Uint16Array {
  const h = new Uint16Array(PAGE_INSNS);
  page.hits = h;
  return h;
}
