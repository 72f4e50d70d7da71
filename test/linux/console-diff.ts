// Line-by-line comparison of two Linux boot consoles after masking
// (console-mask.ts): a longest-common-subsequence alignment of the masked
// lines, then every line that only one side has must be explained by an
// entry of expected-differences.json, or the comparison fails and prints a
// readable diff of the unexplained lines with their context.

import { readFileSync } from 'node:fs';
import { consoleLines, maskLine } from './console-mask.ts';

/** One committed, explained difference. */
export interface ExpectedDifference {
  /** short name, shown in the report */
  readonly id: string;
  /**
   * Which console has the line: one side's name (the line is only there), or
   * 'moved' (both have it, at different places: asynchronous printk order).
   */
  readonly side: string;
  /** regular expression, tested against the masked line */
  readonly match: string;
  readonly reason: string;
}

export interface ExpectedDifferences {
  readonly [comparison: string]: readonly ExpectedDifference[];
}

const EXPECTED_FILE = new URL('./expected-differences.json', import.meta.url);

/** The committed lists, by comparison name ('vgicsim-vs-qemu', 'level-vs-legacy-edge'). */
export function loadExpected(comparison: string): readonly ExpectedDifference[] {
  const all = JSON.parse(readFileSync(EXPECTED_FILE, 'utf8')) as Record<string, unknown>;
  const list = all[comparison];
  if (!Array.isArray(list)) throw new Error(`expected-differences.json has no list '${comparison}'`);
  return list as ExpectedDifference[];
}

/** Every list's name in expected-differences.json. */
export function expectedLists(): string[] {
  const all = JSON.parse(readFileSync(EXPECTED_FILE, 'utf8')) as Record<string, unknown>;
  return Object.keys(all).filter((k) => !k.startsWith('$'));
}

/**
 * What a comparison with QEMU's virt board explains: the shared list
 * ('vgicsim-vs-qemu') and the one for its gic-version ('vgicsim-vs-qemu-gicv2': the
 * GICv2m frame; 'vgicsim-vs-qemu-gicv3': the ITS, DirectLPI).
 */
export function qemuExpected(gic: 2 | 3): readonly ExpectedDifference[] {
  return [...loadExpected('vgicsim-vs-qemu'), ...loadExpected(`vgicsim-vs-qemu-gicv${gic}`)];
}

export interface Side {
  readonly name: string;
  readonly text: string;
}

interface Row {
  /** 'both' when the masked lines align */
  readonly side: 'a' | 'b' | 'both';
  readonly a?: number;
  readonly b?: number;
  /** set on one-sided rows: the explanation, or undefined */
  explained?: ExpectedDifference;
}

export interface Comparison {
  readonly rows: readonly Row[];
  readonly a: { readonly name: string; readonly raw: readonly string[]; readonly masked: readonly string[] };
  readonly b: { readonly name: string; readonly raw: readonly string[]; readonly masked: readonly string[] };
  /** one-sided rows without an explanation */
  readonly unexplained: number;
  /** entries that explained nothing (stale, or this QEMU/kernel does not print the line) */
  readonly unused: readonly ExpectedDifference[];
  /** how many lines each entry explained */
  readonly used: ReadonlyMap<string, number>;
}

/** Longest-common-subsequence alignment of two line lists. */
function align(x: readonly string[], y: readonly string[]): Row[] {
  const n = x.length;
  const m = y.length;
  const len = Array.from({ length: n + 1 }, () => new Uint32Array(m + 1));
  for (let i = n - 1; i >= 0; i--)
    for (let j = m - 1; j >= 0; j--)
      len[i][j] = x[i] === y[j] ? len[i + 1][j + 1] + 1 : Math.max(len[i + 1][j], len[i][j + 1]);
  const rows: Row[] = [];
  let i = 0;
  let j = 0;
  while (i < n || j < m) {
    if (i < n && j < m && x[i] === y[j]) rows.push({ side: 'both', a: i++, b: j++ });
    else if (j >= m || (i < n && len[i + 1][j] >= len[i][j + 1])) rows.push({ side: 'a', a: i++ });
    else rows.push({ side: 'b', b: j++ });
  }
  return rows;
}

export function compareConsoles(a: Side, b: Side, expected: readonly ExpectedDifference[]): Comparison {
  const rawA = consoleLines(a.text);
  const rawB = consoleLines(b.text);
  const mA = rawA.map(maskLine);
  const mB = rawB.map(maskLine);
  const rows = align(mA, mB);
  const res = expected.map((e) => ({ e, re: new RegExp(e.match) }));
  const used = new Map<string, number>();

  // Lines both sides have, but not in the same place: a pool per masked text.
  const onlyA = new Map<string, number>();
  const onlyB = new Map<string, number>();
  for (const r of rows) {
    if (r.side === 'a') onlyA.set(mA[r.a!], (onlyA.get(mA[r.a!]) ?? 0) + 1);
    if (r.side === 'b') onlyB.set(mB[r.b!], (onlyB.get(mB[r.b!]) ?? 0) + 1);
  }
  const moved = (text: string) => Math.min(onlyA.get(text) ?? 0, onlyB.get(text) ?? 0) > 0;

  let unexplained = 0;
  for (const r of rows) {
    if (r.side === 'both') continue;
    const name = r.side === 'a' ? a.name : b.name;
    const text = r.side === 'a' ? mA[r.a!] : mB[r.b!];
    const hit = res.find(
      ({ e, re }) => (e.side === name || (e.side === 'moved' && moved(text))) && re.test(text),
    );
    if (hit === undefined) unexplained++;
    else {
      r.explained = hit.e;
      used.set(hit.e.id, (used.get(hit.e.id) ?? 0) + 1);
    }
  }
  return {
    rows,
    a: { name: a.name, raw: rawA, masked: mA },
    b: { name: b.name, raw: rawB, masked: mB },
    unexplained,
    unused: expected.filter((e) => !used.has(e.id)),
    used,
  };
}

const stripTime = (l: string) => l.replace(/^\[\s*\d+\.\d+\] /, '');

/**
 * The unexplained lines as a diff with `context` lines around each: `-` only
 * in the first console, `+` only in the second, `~` a one-sided line that an
 * expected difference explains, ` ` common (shown as the first console has it).
 */
export function formatDiff(c: Comparison, context = 3): string {
  const out = [`--- ${c.a.name}`, `+++ ${c.b.name}`];
  const bad = c.rows.map((r) => r.side !== 'both' && r.explained === undefined);
  let last = -1;
  c.rows.forEach((r, k) => {
    const near = bad.slice(Math.max(0, k - context), k + context + 1).some(Boolean);
    if (!near) return;
    if (k !== last + 1)
      out.push(`@@ ${c.a.name} line ${(r.a ?? 0) + 1}, ${c.b.name} line ${(r.b ?? 0) + 1} @@`);
    last = k;
    const line = r.side === 'b' ? stripTime(c.b.raw[r.b!]) : stripTime(c.a.raw[r.a!]);
    if (r.side === 'both') out.push(`  ${line}`);
    else if (r.explained !== undefined) out.push(`~ ${line}    [expected: ${r.explained.id}]`);
    else out.push(`${r.side === 'a' ? '-' : '+'} ${line}`);
  });
  return out.join('\n');
}

/** A one-paragraph summary: lines compared, matched, explained per entry, unused entries. */
export function summary(c: Comparison): string {
  const common = c.rows.filter((r) => r.side === 'both').length;
  const parts = [...c.used.entries()].map(([id, n]) => `${id} ${n}`);
  const unused = c.unused.map((e) => e.id);
  return (
    `${c.a.name} ${c.a.raw.length} lines, ${c.b.name} ${c.b.raw.length} lines: ${common} match after masking, ` +
    `${c.unexplained} unexplained; explained: ${parts.join(', ') || 'none'}` +
    (unused.length > 0 ? `; entries that matched nothing: ${unused.join(', ')}` : '')
  );
}
