// Value Change Dump (IEEE 1364 §18) writer for trace records, for GTKWave and
// Surfer. Signals, by record kind:
//   line              one 1-bit wire per named signal (timer outputs, GIC lines, virq,
//                     vcpu<N>.pstate_i: PSTATE.I, 1 while the vcpu masks IRQs)
//   irq               <gic>.<cpu>.intid<N>.pending / .active
//   vcpu              vcpu<N>.in_guest / in_hyp / blocked, vcpu<N>.pcpu (4 bits: the physical cpu)
//   vgic-lr           vgic.vcpu<N>.lr<K>: 2-bit LR state (0 invalid, 1 pending, 2 active, 3 both)
//   vgic-sync         clears the LR wires of that vcpu (the sync empties the LRs)
//   vgic-inject       vgic.vcpu<N>.intid<M>_line: the line level last injected
// Time is written in a unit that makes one counter tick an integer where
// possible (62.5 MHz -> 16 ns), so waveforms line up with CNTVCT exactly.

import type { TraceRecord } from '../sim/trace/records.ts';

const UNITS: ReadonlyArray<readonly [string, number]> = [
  ['ns', 1e9],
  ['ps', 1e12],
  ['fs', 1e15],
];

/** LR State field: bits [29:28] of GICH_LRn. */
const LR_STATE_SHIFT = 28;
const LR_STATE_MASK = 3;

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
  return name.replace(/[^A-Za-z0-9_[\]]/g, '_');
}

interface Change {
  readonly scope: readonly string[];
  readonly name: string;
  readonly width: number;
  readonly value: number;
}

const cpuName = (cpu: number) => (cpu >= 0 ? `cpu${cpu}` : 'shared');

/** Wires a record drives, with their new values. `lrs` tracks LR wires per vcpu for vgic-sync. */
function changes(r: TraceRecord, lrs: Map<number, Set<number>>): Change[] {
  switch (r.kind) {
    case 'line': {
      const parts = r.signal.split('.');
      return [{ scope: parts.slice(0, -1), name: parts[parts.length - 1], width: 1, value: r.level ? 1 : 0 }];
    }
    case 'irq': {
      const scope = [r.gic, cpuName(r.cpu), `intid${r.intid}`];
      return [
        { scope, name: 'pending', width: 1, value: r.pending ? 1 : 0 },
        { scope, name: 'active', width: 1, value: r.active ? 1 : 0 },
      ];
    }
    case 'vcpu': {
      const scope = [`vcpu${r.cpu}`];
      return [
        { scope, name: 'in_guest', width: 1, value: r.state === 'guest' ? 1 : 0 },
        { scope, name: 'in_hyp', width: 1, value: r.state === 'hyp' ? 1 : 0 },
        { scope, name: 'blocked', width: 1, value: r.state === 'blocked' ? 1 : 0 },
        // which physical cpu runs the vcpu thread (entries and migrations say)
        ...(r.pcpu === undefined ? [] : [{ scope, name: 'pcpu', width: 4, value: r.pcpu }]),
      ];
    }
    case 'vgic-lr': {
      let set = lrs.get(r.cpu);
      if (set === undefined) {
        set = new Set();
        lrs.set(r.cpu, set);
      }
      set.add(r.lr);
      const state = (r.value >>> LR_STATE_SHIFT) & LR_STATE_MASK;
      return [{ scope: ['vgic', `vcpu${r.cpu}`], name: `lr${r.lr}`, width: 2, value: state }];
    }
    case 'vgic-sync':
      return [...(lrs.get(r.cpu) ?? [])].map((lr) => ({
        scope: ['vgic', `vcpu${r.cpu}`],
        name: `lr${lr}`,
        width: 2,
        value: 0,
      }));
    case 'vgic-inject':
      return [
        { scope: ['vgic', cpuName(r.cpu)], name: `intid${r.intid}_line`, width: 1, value: r.level ? 1 : 0 },
      ];
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

function valueText(width: number, value: number, id: string): string {
  return width === 1 ? `${value}${id}` : `b${value.toString(2)} ${id}`;
}

export function writeVcd(records: readonly TraceRecord[], opts: VcdOptions): string {
  const ts = vcdTimescale(opts.counterHz);
  // Pass 1: collect wires (sorted by full name for stable output).
  const defs = new Map<string, { scope: string[]; name: string; width: number }>();
  const key = (c: Change) => [...c.scope, c.name].join('.');
  let lrs = new Map<number, Set<number>>();
  for (const r of records)
    for (const c of changes(r, lrs))
      if (!defs.has(key(c)))
        defs.set(key(c), { scope: c.scope.map(sanitize), name: sanitize(c.name), width: c.width });
  const keys = [...defs.keys()].sort();
  const ids = new Map<string, string>();
  keys.forEach((k, i) => {
    ids.set(k, vcdId(i));
  });

  const out: string[] = [];
  out.push('$date vgicsim trace $end');
  out.push('$version vgicsim $end');
  out.push(
    `$comment ${opts.title ?? 'vgicsim'}; 1 counter tick = ${ts.unitsPerTick} ${ts.unit}${ts.exact ? '' : ' (rounded)'} at ${opts.counterHz} Hz $end`,
  );
  out.push(`$timescale 1 ${ts.unit} $end`);
  let open: string[] = [];
  for (const k of keys) {
    const w = defs.get(k)!;
    let common = 0;
    while (common < open.length && common < w.scope.length && open[common] === w.scope[common]) common++;
    for (let i = open.length; i > common; i--) out.push('$upscope $end');
    for (let i = common; i < w.scope.length; i++) out.push(`$scope module ${w.scope[i]} $end`);
    open = w.scope;
    out.push(`$var wire ${w.width} ${ids.get(k)} ${w.name} $end`);
  }
  for (let i = open.length; i > 0; i--) out.push('$upscope $end');
  out.push('$enddefinitions $end');

  // Pass 2: values. Everything starts at 0.
  const current = new Map<string, number>();
  out.push('#0');
  out.push('$dumpvars');
  for (const k of keys) {
    current.set(k, 0);
    out.push(valueText(defs.get(k)!.width, 0, ids.get(k)!));
  }
  out.push('$end');
  lrs = new Map();
  let lastT = 0;
  for (const r of records) {
    const pending: string[] = [];
    for (const c of changes(r, lrs)) {
      const k = key(c);
      if (current.get(k) === c.value) continue;
      current.set(k, c.value);
      pending.push(valueText(c.width, c.value, ids.get(k)!));
    }
    if (pending.length === 0) continue;
    if (r.t !== lastT) {
      out.push(`#${r.t * ts.unitsPerTick}`);
      lastT = r.t;
    }
    out.push(...pending);
  }
  // A little past the end, so that changes at the last instant are visible.
  const end = Math.max(opts.endTicks ?? lastT, lastT);
  out.push(`#${(end + Math.max(1, Math.ceil(end / 20))) * ts.unitsPerTick}`);
  return `${out.join('\n')}\n`;
}
