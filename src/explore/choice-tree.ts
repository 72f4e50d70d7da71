// The explorer's chooser and the tree of runs it walks.
//
// A run is named by its script: the decisions it takes, in the order the
// machine asks them, option 0 (the default: what `vgicsim run` does) after
// the script ends. A forced choice is a decision other than 0; the bound k
// of context-bounded model checking counts them. The explorer runs a
// script, reads the log of every decision the run asked, and extends the
// script at each decision after its end with each other option: the
// children, one forced choice more.

import type { ChoiceKind, Chooser, ChooserState } from '../sim/choice.ts';

export type Script = readonly number[];

/** Told of every decision after the script's end (the run's own, fresh decisions), before it is taken. */
export type FreshDecision = (pos: number, kind: ChoiceKind, options: number) => void;

/** The decisions of a run so far and where each was asked (ExploreChooser's log). */
export interface DecisionLog {
  readonly kinds: readonly ChoiceKind[];
  readonly options: readonly number[];
  readonly chosen: readonly number[];
  readonly whereVcpu: readonly number[];
  readonly wherePc: readonly number[];
  readonly whereHit: readonly number[];
  readonly whereT: readonly number[];
  /** `migrate` decisions: the free physical cpus, as a bit mask (option n: the n-th of them); else 0 */
  readonly whereAux: readonly number[];
}

/**
 * Replays a script, then takes option 0; logs every decision (kind,
 * options, chosen) and where it was asked (vcpu, pc, hit, tick) for the
 * step list of a counterexample. The log is a record of the run, not state.
 */
export class ExploreChooser implements Chooser {
  private script: Script = [];
  private pos = 0;
  readonly kinds: ChoiceKind[] = [];
  readonly options: number[] = [];
  readonly chosen: number[] = [];
  /** where a decision was asked: vcpu (-1 = none), instruction address, its execution count, tick */
  readonly whereVcpu: number[] = [];
  readonly wherePc: number[] = [];
  readonly whereHit: number[] = [];
  readonly whereT: number[] = [];
  readonly whereAux: number[] = [];
  /** set by the asker before choose(): where the decision is asked */
  here = { vcpu: -1, pc: 0, hit: 0, t: 0, aux: 0 };
  /** asked to fill `here` for a decision its asker did not place (the machine's own: preempt, migrate, ...) */
  locate: ((kind: ChoiceKind) => void) | null = null;
  onFresh: FreshDecision | null = null;
  /** once set, fresh decisions take 0 without telling onFresh (the run is being abandoned) */
  quiet = false;

  begin(script: Script): void {
    this.script = script;
    this.pos = 0;
    this.quiet = false;
    this.kinds.length = 0;
    this.options.length = 0;
    this.chosen.length = 0;
    this.whereVcpu.length = 0;
    this.wherePc.length = 0;
    this.whereHit.length = 0;
    this.whereT.length = 0;
    this.whereAux.length = 0;
  }

  get length(): number {
    return this.pos;
  }

  /** The log of the decisions taken so far (copies: what a mid-run snapshot keeps). */
  saveLog(): DecisionLog {
    const n = this.pos;
    return {
      kinds: this.kinds.slice(0, n),
      options: this.options.slice(0, n),
      chosen: this.chosen.slice(0, n),
      whereVcpu: this.whereVcpu.slice(0, n),
      wherePc: this.wherePc.slice(0, n),
      whereHit: this.whereHit.slice(0, n),
      whereT: this.whereT.slice(0, n),
      whereAux: this.whereAux.slice(0, n),
    };
  }

  /**
   * Begin `script` in the middle: its first `log.chosen.length` decisions
   * were taken (by the run a snapshot was taken in, with the same decisions).
   */
  resume(script: Script, log: DecisionLog): void {
    this.begin(script);
    this.pos = log.chosen.length;
    for (let i = 0; i < this.pos; i++) {
      this.kinds.push(log.kinds[i]);
      this.options.push(log.options[i]);
      this.chosen.push(log.chosen[i]);
      this.whereVcpu.push(log.whereVcpu[i]);
      this.wherePc.push(log.wherePc[i]);
      this.whereHit.push(log.whereHit[i]);
      this.whereT.push(log.whereT[i]);
      this.whereAux.push(log.whereAux[i]);
    }
  }

  choose(kind: ChoiceKind, options: number): number {
    if (!Number.isInteger(options) || options < 1)
      throw new RangeError(`choose: options must be >= 1, got ${options}`);
    if (this.here.vcpu < 0 && this.locate !== null) this.locate(kind);
    const p = this.pos++;
    let c = 0;
    if (p < this.script.length) c = Math.min(this.script[p], options - 1);
    else if (!this.quiet && this.onFresh !== null) this.onFresh(p, kind, options);
    this.kinds.push(kind);
    this.options.push(options);
    this.chosen.push(c);
    const h = this.here;
    this.whereVcpu.push(h.vcpu);
    this.wherePc.push(h.pc);
    this.whereHit.push(h.hit);
    this.whereT.push(h.t);
    this.whereAux.push(h.aux);
    h.vcpu = -1;
    h.aux = 0;
    return c;
  }

  save(): ChooserState {
    return { kind: 'scripted', next: this.pos };
  }

  restore(st: ChooserState): void {
    if (st.kind !== 'scripted') throw new Error(`cannot restore ${st.kind} state into an ExploreChooser`);
    this.pos = st.next;
  }

  defaultState(): ChooserState {
    return { kind: 'scripted', next: 0 };
  }

  reset(): void {
    this.restore(this.defaultState());
  }
}

/** Forced choices of a script (decisions other than the default 0). */
export function forcedChoices(s: Script): number {
  let n = 0;
  for (const c of s) if (c !== 0) n++;
  return n;
}

/** Scripts compared as if padded with zeros: the order runs of one level are explored in. */
export function compareScripts(a: Script, b: Script): number {
  const n = Math.max(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const d = (a[i] ?? 0) - (b[i] ?? 0);
    if (d !== 0) return d;
  }
  return 0;
}

/** A script without its trailing defaults. */
export function trimScript(s: readonly number[]): number[] {
  let n = s.length;
  while (n > 0 && s[n - 1] === 0) n--;
  return s.slice(0, n);
}

/** `i/N`: shard i (0-based) of N. */
export interface Shard {
  readonly index: number;
  readonly count: number;
}

/**
 * The deterministic partition of the choice tree: every shard runs the
 * default run; the runs with one forced choice, in script order, go to
 * shard (position mod N), and every deeper run goes with its one-choice
 * ancestor.
 */
export function inShard(level1Index: number, shard: Shard | undefined): boolean {
  return shard === undefined || level1Index % shard.count === shard.index;
}

export function parseShard(text: string): Shard | string {
  const m = /^(\d+)\/(\d+)$/.exec(text);
  if (!m) return `expected i/N (shard i of N, 0 <= i < N), got '${text}'`;
  const index = Number(m[1]);
  const count = Number(m[2]);
  if (count < 1 || index >= count) return `expected i/N with 0 <= i < N, got '${text}'`;
  return { index, count };
}
