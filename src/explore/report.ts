// The explorer's report: per generation the raw, mergeable result
// (explorer.ts) and the summary derived from it. Shard reports carry the same
// raw sets; `merge` unions them (states, final states, flips) and keeps the
// least counterexample per property, so the merged report is byte for byte
// the report of one job over the whole tree.

import {
  betterCounterexample,
  type Counterexample,
  type ExploreResult,
  type Flip,
  type Step,
} from './explorer.ts';
import { PROPERTIES, type Property } from './run-checks.ts';

export const REPORT_VERSION = 1;

export interface Summary {
  /** distinct runs (by the state they end in) */
  readonly runs: number;
  /** distinct states (at decisions and at the ends of runs) */
  readonly states: number;
  /** distinct runs violating each property */
  readonly violations: Partial<Record<Property, number>>;
  /** exits per acknowledged interrupt over the runs that acknowledged one */
  readonly exitsPerIrq: { readonly mean: number; readonly max: number } | null;
  /** exits per run (the price of a design even where nothing is delivered) */
  readonly exitsPerRun: { readonly mean: number; readonly max: number } | null;
}

export interface GenerationReport extends ExploreResult {
  readonly summary: Summary;
}

export interface ExploreReport {
  readonly version: typeof REPORT_VERSION;
  readonly scenario: string;
  readonly bound: number;
  /** `i/N` in a shard's report; absent in a whole report */
  readonly shard?: string;
  readonly generations: GenerationReport[];
}

export function summarize(r: ExploreResult): Summary {
  const violations: Partial<Record<Property, number>> = {};
  let sum = 0;
  let n = 0;
  let max = 0;
  let runExits = 0;
  let runMax = 0;
  const all = Object.values(r.finals);
  for (const f of all) {
    runExits += f.exits;
    if (f.exits > runMax) runMax = f.exits;
    for (const v of f.violations) violations[v] = (violations[v] ?? 0) + 1;
    if (f.acks > 0) {
      const e = f.exits / f.acks;
      sum += e;
      n++;
      if (e > max) max = e;
    }
  }
  const ordered: Partial<Record<Property, number>> = {};
  for (const p of PROPERTIES) if (violations[p] !== undefined) ordered[p] = violations[p];
  return {
    runs: Object.keys(r.finals).length,
    states: r.states.length,
    violations: ordered,
    exitsPerIrq: n === 0 ? null : { mean: round3(sum / n), max: round3(max) },
    exitsPerRun: all.length === 0 ? null : { mean: round3(runExits / all.length), max: runMax },
  };
}

function round3(x: number): number {
  return Math.round(x * 1000) / 1000;
}

export function generationReport(r: ExploreResult): GenerationReport {
  return { ...r, summary: summarize(r) };
}

function compareFlips(a: Flip, b: Flip): number {
  return a.step.pos - b.step.pos || a.step.chosen - b.step.chosen;
}

/** Combine the results of the shards of one exploration (same scenario, generation and bound). */
export function mergeResults(parts: readonly ExploreResult[]): ExploreResult {
  const first = parts[0];
  const states = new Set<string>();
  const finals: ExploreResult['finals'] = {};
  const cx: Partial<Record<Property, Counterexample>> = {};
  const flips = new Map<string, Flip>();
  const partial: string[] = [];
  const notCovered: string[] = [];
  for (const p of parts) {
    if (p.generation !== first.generation || p.bound !== first.bound || p.scenario !== first.scenario)
      throw new RangeError('merge: shard reports of different explorations');
    for (const s of p.states) states.add(s);
    for (const [h, f] of Object.entries(p.finals)) finals[h] = f;
    for (const [prop, c] of Object.entries(p.counterexamples) as [Property, Counterexample][]) {
      const old = cx[prop];
      if (old === undefined || betterCounterexample(c, old)) cx[prop] = c;
    }
    for (const f of p.flips) flips.set(`${f.step.pos}:${f.step.chosen}`, f);
    if (p.partial) {
      partial.push(p.partial.reason);
      notCovered.push(p.partial.notCovered);
    }
  }
  const sortedFinals = Object.fromEntries(Object.entries(finals).sort(([a], [b]) => (a < b ? -1 : 1)));
  return {
    scenario: first.scenario,
    generation: first.generation,
    bound: first.bound,
    defaultViolations: first.defaultViolations,
    states: [...states].sort(),
    finals: sortedFinals,
    counterexamples: orderedCx(cx),
    flips: [...flips.values()].sort(compareFlips),
    ...(partial.length === 0
      ? {}
      : { partial: { reason: [...new Set(partial)].join(', '), notCovered: notCovered.join('; ') } }),
  };
}

function orderedCx(cx: Partial<Record<Property, Counterexample>>): Partial<Record<Property, Counterexample>> {
  const out: Partial<Record<Property, Counterexample>> = {};
  for (const p of PROPERTIES) if (cx[p] !== undefined) out[p] = cx[p];
  return out;
}

/** A result in canonical order (counterexamples by property, flips by position). */
export function canonical(r: ExploreResult): ExploreResult {
  return { ...r, counterexamples: orderedCx(r.counterexamples), flips: [...r.flips].sort(compareFlips) };
}

/** Merge shard reports i/N (all i of one N) into the whole report. */
export function mergeReports(reports: readonly ExploreReport[]): ExploreReport {
  if (reports.length === 0) throw new RangeError('merge: no reports');
  const first = reports[0];
  const shards = reports.map((r) => r.shard ?? '0/1');
  const n = Number(shards[0].split('/')[1]);
  const want = Array.from({ length: n }, (_, i) => `${i}/${n}`);
  const have = [...shards].sort((a, b) => Number(a.split('/')[0]) - Number(b.split('/')[0]));
  if (have.join() !== want.join())
    throw new RangeError(`merge: expected shards ${want.join(', ')} once each, got ${shards.join(', ')}`);
  for (const r of reports) {
    if (r.version !== REPORT_VERSION)
      throw new RangeError(`merge: report version ${r.version} is not supported`);
    if (r.scenario !== first.scenario || r.bound !== first.bound)
      throw new RangeError('merge: the reports are of different scenarios or bounds');
    if (r.generations.map((g) => g.generation).join() !== first.generations.map((g) => g.generation).join())
      throw new RangeError('merge: the reports explore different generations');
  }
  return {
    version: REPORT_VERSION,
    scenario: first.scenario,
    bound: first.bound,
    generations: first.generations.map((_g, i) =>
      generationReport(mergeResults(reports.map((r) => r.generations[i]))),
    ),
  };
}

export function reportJson(r: ExploreReport): string {
  return `${JSON.stringify(r, null, 1)}\n`;
}

// ---- text --------------------------------------------------------------------

function ordinal(n: number): string {
  return n === 1 ? '1st' : n === 2 ? '2nd' : n === 3 ? '3rd' : `${n}th`;
}

export function describeStep(s: Step): string {
  if (s.kind === 'exit')
    return `t=${s.t} vcpu${s.vcpu}: forced exit right after ${s.at} (its execution #${s.hit})`;
  if (s.kind === 'exit-at-event')
    return `t=${s.t} vcpu${s.vcpu}: forced exit right after a kernel event, before the instruction at ${s.at}`;
  if (s.kind === 'window')
    return `t=${s.t}: host[${s.pc}] (a window) fires ${s.chosen} tick(s) after its start`;
  if (s.kind === 'host-order')
    return `t=${s.t}: of the ${s.options} host events due now, the ${ordinal(s.chosen)} other than host[${s.pc}] fires first`;
  const where = s.vcpu >= 0 ? ` after vcpu${s.vcpu}'s ${s.at}` : '';
  return `t=${s.t}: ${s.kind} = ${s.chosen} of ${s.options}${where}`;
}

function cxLines(prop: string, c: Counterexample): string[] {
  const out = [
    `  minimal counterexample of ${prop}: ${c.forced} forced choice(s), ${c.instructions} instructions, ends at t=${c.ticks}`,
    `    ${c.message}`,
  ];
  if (c.steps.length === 0) out.push('    the default run (no forced choice) already violates it');
  c.steps.forEach((s, i) => {
    out.push(`    ${i + 1}. ${describeStep(s)}`);
  });
  return out;
}

/** Maximal runs of consecutive flips with the same outcome, as windows of the default run's decisions. */
function flipLines(g: GenerationReport): string[] {
  if (g.flips.length === 0) return [];
  const def = g.defaultViolations.length === 0 ? 'none' : g.defaultViolations.join(', ');
  const out = [`  one forced choice changes the outcome (default run: ${def}):`];
  for (const f of g.flips)
    out.push(
      `    ${describeStep(f.step)} -> ${f.violations.length === 0 ? 'no violation' : f.violations.join(', ')}`,
    );
  return out;
}

export function formatReport(r: ExploreReport): string {
  const lines = [
    `explore ${r.scenario}: bound k=${r.bound} forced choices${r.shard ? `, shard ${r.shard}` : ''}`,
  ];
  const rows = r.generations.map((g) => {
    const s = g.summary;
    const v = Object.entries(s.violations)
      .map(([p, n]) => `${p} ${n}`)
      .join(', ');
    const e = s.exitsPerIrq === null ? '-' : `${s.exitsPerIrq.mean}, ${s.exitsPerIrq.max}`;
    const x = s.exitsPerRun === null ? '-' : `${s.exitsPerRun.mean}, ${s.exitsPerRun.max}`;
    return [g.generation, String(s.runs), String(s.states), v === '' ? 'none' : v, e, x];
  });
  const head = [
    'generation',
    'runs',
    'states',
    'violations (runs)',
    'exits/irq (mean, max)',
    'exits/run (mean, max)',
  ];
  const w = head.map((h, i) => Math.max(h.length, ...rows.map((row) => row[i].length)));
  const fmt = (row: string[]) =>
    row
      .map((c, i) => (i === 1 || i === 2 ? c.padStart(w[i]) : c.padEnd(w[i])))
      .join('  ')
      .trimEnd();
  lines.push(fmt(head), ...rows.map(fmt));
  for (const g of r.generations) {
    const cx = Object.entries(g.counterexamples) as [string, Counterexample][];
    if (cx.length === 0 && g.flips.length === 0 && !g.partial) continue;
    lines.push('', `${g.generation}:`);
    if (g.partial) lines.push(`  PARTIAL (${g.partial.reason}): ${g.partial.notCovered}`);
    for (const [p, c] of cx) lines.push(...cxLines(p, c));
    lines.push(...flipLines(g));
  }
  return `${lines.join('\n')}\n`;
}
