// Sections, fills and literal pools as laid out in pass 1. Two sections:
// .text (index 0) at the load address, .data (index 1) after it. Literal
// pools follow GNU as: one pool per entry size, emitted at .ltorg/.pool or
// at the end of the section, 4-byte entries first, each aligned to its size
// with zero bytes, identical values stored once.

import { fail } from './diagnostics.ts';
import type { Expr } from './expr.ts';

export const TEXT = 0;
export const DATA = 1;
/** Refuse images larger than this: bad input must not exhaust memory. */
export const MAX_SECTION_BYTES = 64 * 1024 * 1024;
/** Minimum alignment of the .data section's start (bytes). */
export const DATA_MIN_ALIGN = 16;
/** HINT #0, the padding GNU as emits when aligning code. */
export const NOP = 0xd503201f;
const INSN_BYTES = 4;

export interface PoolEntry {
  expr: Expr;
  line: number;
  col: number;
}

/** A literal pool of one entry size, open until flushed. */
export class Pool {
  readonly entries: PoolEntry[] = [];
  private readonly keys = new Map<string, number>();
  /** Section offset of the first entry, once placed. */
  off = -1;
  constructor(
    readonly sec: number,
    readonly size: 4 | 8,
  ) {}
  /** Index of the entry for `key`, adding it when new. */
  add(key: string, entry: PoolEntry): number {
    const old = this.keys.get(key);
    if (old !== undefined) return old;
    this.entries.push(entry);
    this.keys.set(key, this.entries.length - 1);
    return this.entries.length - 1;
  }
}

export interface Section {
  size: number;
  /** Largest alignment requested in the section (bytes). */
  align: number;
  pools: { 4: Pool; 8: Pool };
}

export function newSection(index: number): Section {
  return { size: 0, align: INSN_BYTES, pools: { 4: new Pool(index, 4), 8: new Pool(index, 8) } };
}

export function alignUp(v: number, align: number): number {
  return Math.ceil(v / align) * align;
}

export function grow(sec: Section, bytes: number, col?: number): void {
  if (bytes < 0 || sec.size + bytes > MAX_SECTION_BYTES)
    fail(`section would exceed ${MAX_SECTION_BYTES} bytes`, col);
  sec.size += bytes;
}

/** How padding bytes are filled. */
export type FillKind = { kind: 'zero' } | { kind: 'byte'; value: number } | { kind: 'code' };

/** Write `size` bytes of padding at `at` (code padding: zeros to a word boundary, then NOPs). */
export function writeFill(out: Uint8Array, view: DataView, at: number, size: number, fill: FillKind): void {
  if (fill.kind === 'byte') {
    out.fill(fill.value, at, at + size);
    return;
  }
  if (fill.kind === 'zero') return;
  const end = at + size;
  let p = at;
  while (p < end && p % INSN_BYTES !== 0) out[p++] = 0;
  for (; p + INSN_BYTES <= end; p += INSN_BYTES) view.setUint32(p, NOP, true);
}
