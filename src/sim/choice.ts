// Every nondeterministic decision of a run (where a host preemption lands,
// which vcpu steps next, ...) is asked through one Chooser. A run replays
// exactly from its seed; the explorer substitutes a Chooser that enumerates.

import type { Saveable } from './saveable.ts';

/** Names a decision point so traces and the explorer can say what was chosen. */
export type ChoiceKind = string;

export interface Chooser extends Saveable<ChooserState> {
  /** Pick an option in [0, options). `options` >= 1; with 1 option the answer is 0. */
  choose(kind: ChoiceKind, options: number): number;
}

export type ChooserState =
  | { readonly kind: 'seeded'; readonly s: readonly [number, number, number, number] }
  | { readonly kind: 'scripted'; readonly next: number };

function checkOptions(options: number): void {
  if (!Number.isInteger(options) || options < 1)
    throw new RangeError(`choose: options must be >= 1, got ${options}`);
}

/** splitmix32: expands a seed into well-mixed state words. */
function splitmix32(state: { x: number }): number {
  state.x = (state.x + 0x9e3779b9) | 0;
  let z = state.x;
  z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
  z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
  return (z ^ (z >>> 16)) >>> 0;
}

/** xoshiro128** seeded by splitmix32: small state, fast, no allocation per draw. */
export class SeededChooser implements Chooser {
  private readonly s = new Uint32Array(4);

  constructor(private readonly seed: number) {
    this.reset();
  }

  /** The generator as the seed leaves it. */
  defaultState(): ChooserState {
    const st = { x: this.seed | 0 };
    const s: [number, number, number, number] = [0, 0, 0, 0];
    for (let i = 0; i < 4; i++) s[i] = splitmix32(st);
    if ((s[0] | s[1] | s[2] | s[3]) === 0) s[0] = 1;
    return { kind: 'seeded', s };
  }

  reset(): void {
    this.restore(this.defaultState());
  }

  /** Next raw 32-bit value. */
  next(): number {
    const s = this.s;
    const result = Math.imul(rotl(Math.imul(s[1], 5), 7), 9) >>> 0;
    const t = s[1] << 9;
    s[2] ^= s[0];
    s[3] ^= s[1];
    s[1] ^= s[2];
    s[0] ^= s[3];
    s[2] ^= t;
    s[3] = rotl(s[3], 11);
    return result;
  }

  choose(_kind: ChoiceKind, options: number): number {
    checkOptions(options);
    if (options === 1) return 0;
    // Rejection sampling: exact uniformity, deterministic.
    const limit = 0x1_0000_0000 - (0x1_0000_0000 % options);
    for (;;) {
      const r = this.next();
      if (r < limit) return r % options;
    }
  }

  save(): ChooserState {
    return { kind: 'seeded', s: [this.s[0], this.s[1], this.s[2], this.s[3]] };
  }

  restore(st: ChooserState): void {
    if (st.kind !== 'seeded') throw new Error(`cannot restore ${st.kind} state into a SeededChooser`);
    this.s.set(st.s);
  }
}

function rotl(x: number, k: number): number {
  return ((x << k) | (x >>> (32 - k))) >>> 0;
}

export interface ChoiceRecord {
  readonly kind: ChoiceKind;
  readonly options: number;
  readonly chosen: number;
}

/**
 * Replays a prefix of decisions and then takes option 0; records every
 * decision asked. The explorer's enumeration is built on this: run with a
 * prefix, read the log, extend the prefix with the untried options.
 */
export class ScriptedChooser implements Chooser {
  private pos = 0;
  readonly log: ChoiceRecord[] = [];

  constructor(private readonly script: readonly number[] = []) {}

  choose(kind: ChoiceKind, options: number): number {
    checkOptions(options);
    const want = this.pos < this.script.length ? this.script[this.pos] : 0;
    this.pos++;
    const chosen = want < options ? want : options - 1;
    this.log.push({ kind, options, chosen });
    return chosen;
  }

  save(): ChooserState {
    return { kind: 'scripted', next: this.pos };
  }

  restore(st: ChooserState): void {
    if (st.kind !== 'scripted') throw new Error(`cannot restore ${st.kind} state into a ScriptedChooser`);
    this.pos = st.next;
  }

  /** At the start of the script. The log is a record of the run, not state. */
  defaultState(): ChooserState {
    return { kind: 'scripted', next: 0 };
  }

  reset(): void {
    this.restore(this.defaultState());
  }
}

/** `choose` host events as the chooser sees them: the `nth` decision of `kind` asked at tick `at` takes `option`. */
export interface ChoiceDirective {
  readonly kind: ChoiceKind;
  readonly at: number;
  readonly nth: number;
  readonly option: number;
}

/**
 * Takes the directed option at the decisions a scenario names by kind,
 * tick and rank among that tick's decisions of the kind (what the
 * explorer's counterexample writes), and asks `base` at every other. The
 * per-tick ranks are not saved: a machine restored between two decisions
 * of one tick and one kind counts that tick's from the restore.
 */
export class DirectedChooser implements Chooser {
  /** the instant a decision is asked at (the machine's kernel clock, set once it is built) */
  now: () => number = () => 0;
  private readonly lastT = new Map<ChoiceKind, number>();
  private readonly rank = new Map<ChoiceKind, number>();

  constructor(
    private readonly base: Chooser,
    private readonly directives: readonly ChoiceDirective[],
  ) {}

  choose(kind: ChoiceKind, options: number): number {
    checkOptions(options);
    const t = this.now();
    const n = this.lastT.get(kind) === t ? (this.rank.get(kind) ?? 0) + 1 : 1;
    this.lastT.set(kind, t);
    this.rank.set(kind, n);
    for (const d of this.directives)
      if (d.kind === kind && d.at === t && d.nth === n) return Math.min(d.option, options - 1);
    return this.base.choose(kind, options);
  }

  save(): ChooserState {
    return this.base.save();
  }

  restore(st: ChooserState): void {
    this.base.restore(st);
  }

  defaultState(): ChooserState {
    return this.base.defaultState();
  }

  reset(): void {
    this.base.reset();
  }
}
