// Writing trace files for a run: text, VCD, Perfetto. With several runs in
// one invocation, each file name gets the run's name inserted before the
// extension so nothing is overwritten.

import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, extname } from 'node:path';
import { writePerfetto } from '../export/perfetto.ts';
import { writeText } from '../export/text.ts';
import { writeVcd } from '../export/vcd.ts';
import type { TraceRecord } from '../sim/trace/records.ts';

export interface TraceFiles {
  readonly vcd?: string;
  readonly perfetto?: string;
  readonly trace?: string;
  /** trace window start and end (virtual time: ticks, or a number with s/ms/us/ns) */
  readonly traceFrom?: string;
  readonly traceTo?: string;
}

const UNIT_SECONDS: Readonly<Record<string, number>> = { s: 1, ms: 1e-3, us: 1e-6, ns: 1e-9 };

/** `10ms`, `2.5us`, `1s`, or plain counter ticks -> ticks (rounded down). Throws on anything else. */
export function parseVirtualTime(text: string, counterHz: number): number {
  const m = /^(\d+(?:\.\d+)?)(s|ms|us|ns)?$/.exec(text.trim());
  if (m === null)
    throw new RangeError(
      `expected a virtual time (ticks, or a number with s, ms, us or ns), found '${text}'`,
    );
  const n = Number(m[1]);
  if (m[2] === undefined) {
    if (!Number.isSafeInteger(n)) throw new RangeError(`expected a whole number of ticks, found '${text}'`);
    return n;
  }
  return Math.floor(n * UNIT_SECONDS[m[2]] * counterHz);
}

export function wantsTrace(f: TraceFiles): boolean {
  return f.vcd !== undefined || f.perfetto !== undefined || f.trace !== undefined;
}

/** `out/seed.vcd` + `level` -> `out/seed.level.vcd` (when `tag` is given). */
export function tagged(path: string, tag: string | undefined): string {
  if (tag === undefined) return path;
  const ext = path.endsWith('.perfetto.json') ? '.perfetto.json' : extname(path);
  return `${path.slice(0, path.length - ext.length)}.${tag}${ext}`;
}

function write(path: string, text: string): void {
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, text);
}

export function writeTraceFiles(
  f: TraceFiles,
  tag: string | undefined,
  records: readonly TraceRecord[],
  o: { counterHz: number; endTicks: number; title: string },
): string[] {
  const written: string[] = [];
  if (f.vcd !== undefined) {
    const p = tagged(f.vcd, tag);
    write(p, writeVcd(records, { counterHz: o.counterHz, endTicks: o.endTicks, title: o.title }));
    written.push(p);
  }
  if (f.perfetto !== undefined) {
    const p = tagged(f.perfetto, tag);
    write(p, writePerfetto(records, { counterHz: o.counterHz, endTicks: o.endTicks, title: o.title }));
    written.push(p);
  }
  if (f.trace !== undefined) {
    const p = tagged(f.trace, tag);
    write(p, writeText(records));
    written.push(p);
  }
  return written;
}
