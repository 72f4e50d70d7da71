// Value Change Dump (IEEE 1364 §18) writer for trace records, for GTKWave and
// Surfer. Every level signal in the trace becomes a 1-bit wire; interrupt
// state records become `pending`/`active` wires per GIC, cpu and INTID.
// Time is written in a unit that makes one counter tick an integer where
// possible (62.5 MHz -> 16 ns), so waveforms line up with CNTVCT exactly.

import type { TraceRecord } from '../sim/trace/records.ts';

interface Wire {
  readonly id: string;
  readonly scope: string[];
  readonly name: string;
}

const UNITS: ReadonlyArray<readonly [string, number]> = [
  ['ns', 1e9],
  ['ps', 1e12],
  ['fs', 1e15],
];

/** Picks the coarsest VCD unit in which one tick is an integral number of units. */
export function vcdTimescale(counterHz: number): { unit: string; unitsPerTick: number; exact: boolean } {
  for (const [unit, perSecond] of UNITS) {
    const u = perSecond / counterHz;
    if (Number.isInteger(u)) return { unit, unitsPerTick: u, exact: true };
  }
  // Not representable exactly: round to femtoseconds and say so in the header.
  return { unit: 'fs', unitsPerTick: Math.round(1e15 / counterHz), exact: false };
}

/** Short printable VCD identifiers: !, ", #, ... then two characters. */
function vcdId(n: number): string {
  let s = '';
  do {
    s += String.fromCharCode(33 + (n % 94));
    n = Math.floor(n / 94);
  } while (n > 0);
  return s;
}

function sanitize(name: string): string {
  return name.replace(/[^A-Za-z0-9_.[\]]/g, '_');
}

/** Wires a record drives, with the value for each, or none. */
function changes(r: TraceRecord): Array<[string[], string, boolean]> {
  switch (r.kind) {
    case 'line': {
      const parts = r.signal.split('.');
      return [[parts.slice(0, -1), parts[parts.length - 1], r.level]];
    }
    case 'irq': {
      const scope = [r.gic, r.cpu >= 0 ? `cpu${r.cpu}` : 'shared', `intid${r.intid}`];
      return [
        [scope, 'pending', r.pending],
        [scope, 'active', r.active],
      ];
    }
    default:
      return [];
  }
}

export interface VcdOptions {
  readonly counterHz: number;
  /** Written in the header comment. */
  readonly title?: string;
  /** Last time to show (extends the dump so the final values are visible). */
  readonly endTicks?: number;
}

export function writeVcd(records: readonly TraceRecord[], opts: VcdOptions): string {
  const ts = vcdTimescale(opts.counterHz);
  const wires = new Map<string, Wire>();
  const key = (scope: string[], name: string) => `${scope.join('.')}.${name}`;
  for (const r of records)
    for (const [scope, name] of changes(r)) {
      const k = key(scope, name);
      if (!wires.has(k)) wires.set(k, { id: '', scope: scope.map(sanitize), name: sanitize(name) });
    }
  const sorted = [...wires.entries()].sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
  sorted.forEach(([k, w], i) => {
    wires.set(k, { ...w, id: vcdId(i) });
  });

  const out: string[] = [];
  out.push('$date vgicsim trace $end');
  out.push(`$version vgicsim $end`);
  out.push(
    `$comment ${opts.title ?? 'vgicsim'}; 1 counter tick = ${ts.unitsPerTick} ${ts.unit}${ts.exact ? '' : ' (rounded)'} at ${opts.counterHz} Hz $end`,
  );
  out.push(`$timescale 1 ${ts.unit} $end`);
  // Emit a nested scope tree, wires sorted by full name for stable output.
  let open: string[] = [];
  for (const [, w] of sorted.map(([k]) => [k, wires.get(k)!] as const)) {
    let common = 0;
    while (common < open.length && common < w.scope.length && open[common] === w.scope[common]) common++;
    for (let i = open.length; i > common; i--) out.push('$upscope $end');
    for (let i = common; i < w.scope.length; i++) out.push(`$scope module ${w.scope[i]} $end`);
    open = w.scope;
    out.push(`$var wire 1 ${w.id} ${w.name} $end`);
  }
  for (let i = open.length; i > 0; i--) out.push('$upscope $end');
  out.push('$enddefinitions $end');

  const current = new Map<string, boolean>();
  out.push('#0');
  out.push('$dumpvars');
  for (const [k, w] of sorted) {
    current.set(k, false);
    out.push(`0${wires.get(k)?.id ?? w.id}`);
  }
  out.push('$end');
  let lastT = 0;
  for (const r of records) {
    const ch = changes(r);
    if (ch.length === 0) continue;
    const pending: string[] = [];
    for (const [scope, name, v] of ch) {
      const k = key(scope, name);
      if (current.get(k) === v) continue;
      current.set(k, v);
      pending.push(`${v ? 1 : 0}${wires.get(k)!.id}`);
    }
    if (pending.length === 0) continue;
    if (r.t !== lastT) {
      out.push(`#${r.t * ts.unitsPerTick}`);
      lastT = r.t;
    }
    out.push(...pending);
  }
  if (opts.endTicks !== undefined && opts.endTicks > lastT) out.push(`#${opts.endTicks * ts.unitsPerTick}`);
  return `${out.join('\n')}\n`;
}
