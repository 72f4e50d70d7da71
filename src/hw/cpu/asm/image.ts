// Writing values into the image, and the address -> source line map.

import { fail } from './diagnostics.ts';
import type { Item } from './statements.ts';

export type LineOf = (address: number) => { line: number; column: number } | undefined;

const DATA_RANGE: Record<number, [bigint, bigint]> = {
  1: [-(1n << 7n), (1n << 8n) - 1n],
  2: [-(1n << 15n), (1n << 16n) - 1n],
  4: [-(1n << 31n), (1n << 32n) - 1n],
  8: [-(1n << 63n), (1n << 64n) - 1n],
};

export function writeValue(view: DataView, at: number, width: number, v: bigint, col: number): void {
  const [lo, hi] = DATA_RANGE[width];
  if (v < lo || v > hi) fail(`value ${v} does not fit in ${width} byte${width > 1 ? 's' : ''}`, col);
  const u = BigInt.asUintN(width * 8, v);
  if (width === 1) view.setUint8(at, Number(u));
  else if (width === 2) view.setUint16(at, Number(u), true);
  else if (width === 4) view.setUint32(at, Number(u), true);
  else view.setBigUint64(at, u, true);
}

/** Source map: binary search over the address spans of the items. */
export function makeLineOf(items: readonly Item[], placed: number[], line0: number, col0: number): LineOf {
  const spans = items
    .filter((i) => i.size > 0)
    .map((i) => ({
      start: placed[i.sec] + i.off,
      end: placed[i.sec] + i.off + i.size,
      line: i.line,
      col: i.col,
    }))
    .sort((x, y) => x.start - y.start);
  return (address) => {
    let lo = 0;
    let hi = spans.length - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      const s = spans[mid];
      if (address < s.start) hi = mid - 1;
      else if (address >= s.end) lo = mid + 1;
      else return { line: line0 - 1 + s.line, column: s.col + 1 + col0 };
    }
    return undefined;
  };
}
