// Entering translated blocks from the interpreter's loop (cpu-exec.ts): at
// each fetch the loop asks enterBlock() whether the slot starts a block it
// may run now. A slot is translated after `cache.jitHot` entries; a block runs only
// when the budget left covers its every instruction and no breakpoint lies
// in it, so it stops exactly where the interpreter would.

import type { CpuCore } from '../cpu-state.ts';
import { type DecodedPage, PAGE_INSNS } from '../decode-cache.ts';
import { compileBlock } from './compile.ts';

/** enterBlock's answer when no block ran (the interpreter executes the slot). */
export const NO_BLOCK = -1;

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
    if (page.hits === null) page.hits = new Uint8Array(PAGE_INSNS);
  }
  let b = blocks[i];
  if (b === undefined) {
    const hits = page.hits as Uint8Array;
    if (hits[i] < c.cache.jitHot) {
      hits[i]++;
      return NO_BLOCK;
    }
    b = compileBlock(c.ram, c.cache, page, pageOff, i);
    blocks[i] = b;
  }
  if (b === null || b.len > left) return NO_BLOCK;
  if (bps.length !== 0) {
    for (const a of bps) if (a >= pc && a < pc + 4 * b.len) return NO_BLOCK;
  }
  return (b.run as BlockFn)(c, pc, left);
}
