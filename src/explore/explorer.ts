// The explorer: every distinct run of one scenario under one generation, up
// to k forced choices (context-bounded: a forced choice is a decision other
// than the default, docs/explore.md). Level by level: the default run, then
// every run with one forced choice, then two, ..., each level in script
// order, so the first violating runs found have the fewest forced choices.
//
// Reductions: a state hash at every fresh decision (state-hash.ts); a run
// reaching a state an earlier run visited with at least as many forced
// choices left stops there, merged: everything after it was or will be
// explored from the earlier visit. Decisions for exits are asked only after
// interesting instructions (choice-points.ts).
//
// The result is mergeable data: sets (states, final states with what was
// seen in them) and minima (counterexamples), so shards of the tree merge
// into exactly what one job finds (report.ts).

import {
  compareScripts,
  forcedChoices,
  inShard,
  type Script,
  type Shard,
  trimScript,
} from './choice-tree.ts';
import { describeAddress } from './choice-points.ts';
import { ExploreMachine, type MidRunSnapshot } from './explore-machine.ts';
import { type Property, RunChecks } from './run-checks.ts';
import { CHOICE_KINDS } from '../scenario/host-event-schema.ts';
import type { Scenario } from '../scenario/types.ts';

export interface ExploreOptions {
  /** most forced choices per run (k) */
  readonly bound: number;
  readonly shard?: Shard;
  /** stop (partial) once this many distinct states are known */
  readonly maxStates?: number;
  /** stop (partial) after this much wall-clock time; results then depend on the machine's speed */
  readonly maxSeconds?: number;
  readonly now?: () => number;
  readonly onProgress?: (p: Progress) => void;
  /** told of every run that violates a property, when it is found (the benchmark's time to the first one) */
  readonly onViolation?: (c: Counterexample) => void;
  /**
   * Resume a run from the deepest snapshot of the run it branches from
   * (default), or replay it from the start (false: the tests compare).
   * The result is the same; only the speed differs.
   */
  readonly resume?: boolean;
}

export interface Progress {
  readonly generation: string;
  readonly runs: number;
  readonly states: number;
  /** forced choices of the runs being explored */
  readonly depth: number;
  /** runs left to explore at this depth, plus those queued for the next */
  readonly frontier: number;
  /** distinct final states that violate some property, so far */
  readonly violations: number;
}

/** One forced choice of a run, where it was taken. */
export interface Step {
  /** index of the decision in the run */
  readonly pos: number;
  readonly kind: string;
  readonly chosen: number;
  readonly options: number;
  /** the vcpu, the instruction just executed (its address, which execution), and the tick; vcpu -1: not at an instruction */
  readonly vcpu: number;
  readonly pc: number;
  readonly hit: number;
  readonly t: number;
  /** the instruction as label+offset */
  readonly at: string;
  /** `migrate`: the physical cpus that were free (option n: the n-th) */
  readonly freeCpus?: number[];
  /** the host's own decisions (slice-order, yield, preempt, migrate): the n-th of its kind at tick t (a `choose` event names it so) */
  readonly nth?: number;
}

/** Decisions the machine asks itself (a counterexample writes them as `choose` host events). */
const HOST_KINDS: readonly string[] = CHOICE_KINDS;

export interface Counterexample {
  readonly script: number[];
  readonly forced: number;
  readonly instructions: number;
  readonly ticks: number;
  readonly message: string;
  readonly steps: Step[];
  readonly violations: Property[];
  /** when the run chose the order of host events due at one instant: the timed host events in the order they fired */
  readonly hostOrder?: number[];
}

export interface FinalState {
  readonly exits: number;
  readonly acks: number;
  readonly violations: Property[];
}

/** A run with one forced choice whose violations differ from the default run's. */
export interface Flip {
  readonly step: Step;
  readonly violations: Property[];
}

export interface ExploreResult {
  readonly scenario: string;
  readonly generation: string;
  readonly bound: number;
  /** violations of the default run (no forced choice) */
  readonly defaultViolations: Property[];
  /** every state hash met at a decision or at the end of a run (sorted) */
  readonly states: string[];
  /** final state hash -> what the run ending there saw */
  readonly finals: Record<string, FinalState>;
  readonly counterexamples: Partial<Record<Property, Counterexample>>;
  readonly flips: Flip[];
  /** set when a limit ended the search early */
  readonly partial?: { readonly reason: string; readonly notCovered: string };
}

/** Statistics of the search itself (not part of the report: they depend on the partition). */
export interface ExploreStats {
  executed: number;
  merged: number;
  /** instructions executed, replayed ones included */
  instructions: number;
  seconds: number;
  /** runs resumed from a mid-run snapshot, and the snapshots taken */
  resumed?: number;
  snapshots?: number;
}

/**
 * The snapshots a run's children may resume from: its own (taken after its
 * script's end, in decision order) and, before its forced choice (`upto`:
 * decisions at most), those it could resume from itself.
 */
interface SnapshotChain {
  readonly parent: SnapshotChain | null;
  readonly upto: number;
  readonly own: readonly MidRunSnapshot[];
}

/** The deepest snapshot in `c` taken after at most `pos` decisions. */
function deepest(c: SnapshotChain | null, pos: number): MidRunSnapshot | undefined {
  for (; c !== null; c = c.parent) {
    for (let i = c.own.length - 1; i >= 0; i--) if (c.own[i].pos <= pos) return c.own[i];
    pos = Math.min(pos, c.upto);
  }
  return undefined;
}

/** A run to explore: its script and the snapshots of the run it branches from. */
interface Branch {
  readonly script: Script;
  readonly from: SnapshotChain | null;
}

function maskBits(mask: number): number[] {
  const out: number[] = [];
  for (let p = 0; p < 31; p++) if (mask & (1 << p)) out.push(p);
  return out;
}

/** Counterexample order: fewest forced choices, then fewest instructions, then script order. */
export function betterCounterexample(a: Counterexample, b: Counterexample): boolean {
  if (a.forced !== b.forced) return a.forced < b.forced;
  if (a.instructions !== b.instructions) return a.instructions < b.instructions;
  return compareScripts(a.script, b.script) < 0;
}

/** Decision `pos` of the machine's last run, where it was taken (a counterexample's step). */
export function stepAt(m: ExploreMachine, pos: number): Step {
  const ch = m.chooser;
  const vcpu = ch.whereVcpu[pos];
  const pc = ch.wherePc[pos];
  const img = vcpu >= 0 ? (m.images[vcpu] ?? m.images.find((i) => i !== undefined)) : undefined;
  const kind = ch.kinds[pos];
  let nth = 1;
  if (HOST_KINDS.includes(kind))
    for (let i = 0; i < pos; i++) if (ch.kinds[i] === kind && ch.whereT[i] === ch.whereT[pos]) nth++;
  return {
    pos,
    kind,
    chosen: ch.chosen[pos],
    options: ch.options[pos],
    vcpu,
    pc,
    hit: ch.whereHit[pos],
    t: ch.whereT[pos],
    at: vcpu >= 0 ? describeAddress(img, pc) : '',
    ...(kind === 'migrate' ? { freeCpus: maskBits(ch.whereAux[pos]) } : {}),
    ...(HOST_KINDS.includes(kind) ? { nth } : {}),
  };
}

export function explore(
  scenario: Scenario,
  generation: string,
  o: ExploreOptions,
  stats: ExploreStats = { executed: 0, merged: 0, instructions: 0, seconds: 0 },
): ExploreResult {
  const now = o.now ?? (() => performance.now() / 1000);
  const t0 = now();
  const m = new ExploreMachine(scenario, generation);
  const checks = new RunChecks(m);
  const ch = m.chooser;
  /** state hash -> forced choices left when first visited */
  const visited = new Map<string, number>();
  /** state hash -> the final state its continuation reaches, or '>' + the state it merged into */
  const finalOf = new Map<string, string>();
  const finals: Record<string, FinalState> = {};
  const counterexamples: Partial<Record<Property, Counterexample>> = {};
  const level1: { script: Script; fin: string }[] = [];
  let defaultViolations: Property[] = [];
  /** distinct final states with a violation (progress) */
  let violating = 0;
  let partial: ExploreResult['partial'];

  // the run in progress
  let left = 0;
  let fresh: { pos: number; hash: string }[] = [];
  let mergedAt = '';
  ch.onFresh = (pos) => {
    const h = m.stateHash();
    const seen = visited.get(h);
    if (seen !== undefined && seen >= left) {
      mergedAt = h;
      m.stop();
      return;
    }
    visited.set(h, left);
    fresh.push({ pos, hash: h });
  };

  const stepOf = (pos: number): Step => stepAt(m, pos);

  const resume = o.resume !== false;
  /** Run one script; returns its children (one more forced choice) in script order. */
  const runScript = (b: Branch, wantChildren: boolean): { children: Branch[]; fin: string } => {
    const script = b.script;
    left = o.bound - forcedChoices(script);
    fresh = [];
    mergedAt = '';
    const from = resume ? deepest(b.from, script.length - 1) : undefined;
    const r = m.run(script, from, resume && wantChildren && left > 0);
    stats.executed++;
    if (from !== undefined) stats.resumed = (stats.resumed ?? 0) + 1;
    stats.snapshots = (stats.snapshots ?? 0) + r.snapshots.length;
    stats.instructions += r.instructions - (from?.vm.scheduler.retired ?? 0);
    let fin: string;
    if (r.merged) {
      stats.merged++;
      fin = `>${mergedAt}`;
    } else {
      fin = m.stateHash();
      visited.set(fin, Math.max(visited.get(fin) ?? 0, left));
      if (finals[fin] === undefined) {
        const all = checks.check(r.end);
        const violations = [...new Set(all.map((v) => v.property))].sort();
        let exits = 0;
        for (const n of Object.values(m.vm.counters.exits)) exits += n;
        finals[fin] = { exits, acks: m.vm.acks.entries.length, violations };
        if (violations.length > 0) violating++;
        if (violations.length > 0) {
          const trimmed = trimScript(ch.chosen.slice(0, ch.length));
          const steps: Step[] = [];
          const hostOrder = m.timed.reordered() ? m.timed.firedOrder() : undefined;
          trimmed.forEach((c, pos) => {
            if (c !== 0) steps.push(stepOf(pos));
          });
          for (const v of all) {
            const cx: Counterexample = {
              script: trimmed,
              forced: forcedChoices(trimmed),
              instructions: r.instructions,
              ticks: r.ticks,
              message: v.message,
              steps,
              violations,
              ...(hostOrder === undefined ? {} : { hostOrder }),
            };
            o.onViolation?.(cx);
            const old = counterexamples[v.property];
            if (old === undefined || betterCounterexample(cx, old)) counterexamples[v.property] = cx;
          }
        }
      }
    }
    for (const f of fresh) finalOf.set(f.hash, fin);
    const children: Branch[] = [];
    if (wantChildren && left > 0) {
      const base = ch.chosen.slice(0, ch.length);
      const chain: SnapshotChain = { parent: b.from, upto: script.length - 1, own: r.snapshots };
      for (const f of fresh) {
        const opts = ch.options[f.pos];
        for (let alt = 1; alt < opts; alt++) {
          const s = base.slice(0, f.pos);
          s.push(alt);
          children.push({ script: s, from: chain });
        }
      }
    }
    return { children, fin };
  };

  const resolve = (h: string): string => {
    let f = finalOf.get(h) ?? h;
    for (let i = 0; i < 1_000_000 && f.startsWith('>'); i++) f = finalOf.get(f.slice(1)) ?? f.slice(1);
    return f;
  };

  // depth 0: the default run
  const root = runScript({ script: [], from: null }, true);
  defaultViolations = finals[resolve(root.fin)]?.violations ?? [];
  const byScript = (a: Branch, b: Branch) => compareScripts(a.script, b.script);
  let level = root.children.sort(byScript);
  let runs = 1;
  const progress = (depth: number, leftHere: number, queued: number) =>
    o.onProgress?.({
      generation,
      runs,
      states: visited.size,
      depth,
      frontier: leftHere + queued,
      violations: violating,
    });

  for (let depth = 1; depth <= o.bound && level.length > 0; depth++) {
    const next: Branch[] = [];
    for (let i = 0; i < level.length; i++) {
      if (depth === 1 && !inShard(i, o.shard)) continue;
      const overStates = o.maxStates !== undefined && visited.size >= o.maxStates;
      const overTime = o.maxSeconds !== undefined && now() - t0 >= o.maxSeconds;
      if (overStates || overTime) {
        partial = {
          reason: overStates ? `--max-states ${o.maxStates}` : `--max-seconds ${o.maxSeconds}`,
          notCovered: `${level.length - i} of ${level.length} run(s) with ${depth} forced choice(s) not run${depth < o.bound ? `; runs with ${depth + 1}..${o.bound} forced choices not explored` : ''}`,
        };
        break;
      }
      const r = runScript(level[i], depth < o.bound);
      runs++;
      if (depth === 1) level1.push({ script: level[i].script, fin: r.fin });
      for (const c of r.children) next.push(c);
      if ((runs & 63) === 0) progress(depth, level.length - i - 1, next.length);
    }
    if (partial !== undefined) break;
    level = next.sort(byScript);
  }
  progress(o.bound, 0, 0);

  // Runs with one forced choice whose outcome differs from the default run's: where one choice matters.
  const flips: Flip[] = [];
  if (level1.length > 0) {
    // The default run's log names every decision of the level-1 scripts (their prefix is the default run).
    ch.onFresh = null;
    m.run([]);
    for (const l of level1) {
      const pos = l.script.length - 1;
      const fin = resolve(l.fin);
      const v = finals[fin]?.violations;
      if (v === undefined) continue;
      if (v.join() === defaultViolations.join()) continue;
      flips.push({ step: { ...stepOf(pos), chosen: l.script[pos] }, violations: v });
    }
  }

  flips.sort((a, b) => a.step.pos - b.step.pos || a.step.chosen - b.step.chosen);
  const states = [...visited.keys()].sort();
  stats.seconds += now() - t0;
  return {
    scenario: scenario.name,
    generation,
    bound: o.bound,
    defaultViolations,
    states,
    finals: Object.fromEntries(Object.entries(finals).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))),
    counterexamples,
    flips,
    ...(partial === undefined ? {} : { partial }),
  };
}
