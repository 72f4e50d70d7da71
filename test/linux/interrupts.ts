// Reading what /init prints (src/scenario/initramfs.ts): the marker line,
// /proc/interrupts once, and the arch_timer line again after `sleep 1`.

import { INIT_MARKER } from '../../src/scenario/initramfs.ts';

export interface InterruptRow {
  /** per-cpu counts, CPU0 first */
  readonly counts: readonly number[];
  /** the rest of the line, e.g. "GIC-0  27 Level     arch_timer" or "Rescheduling interrupts" */
  readonly what: string;
}

export interface InitOutput {
  readonly cpus: number;
  /** rows of the first /proc/interrupts, by label ("11", "IPI0", ...) */
  readonly table: ReadonlyMap<string, InterruptRow>;
  /** the arch_timer line printed after the sleep */
  readonly timerAfter: InterruptRow | undefined;
}

function parseRow(line: string, cpus: number): [string, InterruptRow] | undefined {
  const m = /^\s*([A-Za-z]*\d+|Err|ERR|MIS):((?:\s+\d+)+)\s*(.*)$/.exec(line);
  if (!m) return undefined;
  const counts = m[2].trim().split(/\s+/).map(Number);
  // Err: has one column whatever the cpu count
  if (counts.length !== cpus && !/^(Err|ERR|MIS)$/.test(m[1])) return undefined;
  return [m[1], { counts, what: m[3] }];
}

/** Parses the console after the marker; undefined when the marker never came. */
export function parseInitOutput(console: string): InitOutput | undefined {
  const lines = console.replace(/\r/g, '').split('\n');
  const at = lines.findIndex((l) => l.includes(INIT_MARKER));
  if (at < 0) return undefined;
  const header = lines.findIndex((l, i) => i > at && /^\s+CPU0(\s+CPU\d+)*\s*$/.test(l));
  if (header < 0) return { cpus: 0, table: new Map(), timerAfter: undefined };
  const cpus = lines[header].trim().split(/\s+/).length;
  const table = new Map<string, InterruptRow>();
  let i = header + 1;
  for (; i < lines.length; i++) {
    const row = parseRow(lines[i], cpus);
    if (row === undefined) break;
    table.set(row[0], row[1]);
  }
  const after = lines.findIndex((l, k) => k >= i && l.startsWith('arch_timer after sleep 1:'));
  const timerAfter = after >= 0 ? parseRow(lines[after + 1] ?? '', cpus)?.[1] : undefined;
  return { cpus, table, timerAfter };
}

/** The arch_timer row of the first table (the label is Linux's virq number, so found by name). */
export function timerRow(out: InitOutput): InterruptRow | undefined {
  return [...out.table.values()].find((r) => /\barch_timer$/.test(r.what));
}
