// What a report shows of one run. The fields are a structural subset of a
// scenario run (src/scenario/run.ts), declared here so that src/export does
// not import the scenario layer: the command line passes its runs as they are.

import type { TraceRecord } from '../../sim/trace/records.ts';

export interface ReportVerdict {
  readonly name: string;
  readonly ok: boolean;
  readonly expected: string;
  readonly seen: string;
  readonly t?: number;
}

export interface ReportDivergence {
  readonly t: number;
  readonly cpu: number;
  readonly intid: number;
  readonly nth: number;
  readonly virt: { readonly pc: string; readonly cycle: number };
  readonly ref: {
    readonly pending: boolean;
    readonly active: boolean;
    readonly enabled: boolean;
    readonly line: boolean;
    readonly acks: number;
    readonly pc: string;
  };
}

export interface ReportRun {
  readonly name: string;
  readonly policy: string;
  readonly seed: number;
  readonly end: string;
  readonly ticks: number;
  readonly instructions: number;
  readonly uart: string;
  readonly verdicts: readonly ReportVerdict[];
  readonly passed: boolean;
  /** counters by group (hyp, vgic, timer); numbers or one level of named numbers */
  readonly costs: object;
  readonly divergence: ReportDivergence | null;
}

/** One run with its trace, as a report receives it. */
export interface TracedRun {
  readonly run: ReportRun;
  readonly records: readonly TraceRecord[];
  /** the --trace-from/--trace-to window when one was given (ticks) */
  readonly window?: { readonly from: number; readonly to: number };
  /** the verdict this run was expected to get (compare, conformance) */
  readonly expected?: 'pass' | 'fail' | 'rejected';
}

export interface ReportHeader {
  readonly title: string;
  readonly file?: string;
  readonly description?: string;
  readonly counterHz: number;
}

export interface ConformanceRow {
  readonly suite: string;
  readonly check: string;
  readonly mirrors: string;
  readonly note?: string;
  readonly file: string;
  readonly policy: string;
  readonly result: 'pass' | 'fail' | 'rejected';
  readonly expected: 'pass' | 'fail' | 'rejected';
  readonly reason?: string;
}

/** One generation's row of the explorer's frontier table. */
export interface ExploreRow {
  readonly generation: string;
  readonly runs: number;
  readonly states: number;
  /** distinct runs violating each property */
  readonly violations: Readonly<Record<string, number>>;
  readonly exitsPerIrq: { readonly mean: number; readonly max: number } | null;
  readonly exitsPerRun: { readonly mean: number; readonly max: number } | null;
  /** why the search stopped early, and what it did not cover */
  readonly partial?: string;
}

/** A minimal counterexample, its forced choices as text, replayed with a trace. */
export interface ExploreCounterexample {
  readonly generation: string;
  readonly property: string;
  readonly forced: number;
  readonly instructions: number;
  readonly ticks: number;
  readonly message: string;
  /** each forced choice: when (ticks) and what, readable */
  readonly steps: readonly { readonly t: number; readonly text: string }[];
  /** the replayed scenario violates it again (false: some choice is not expressible as a host event) */
  readonly reproduces: boolean;
  readonly traced: TracedRun;
}

/** What `vgicsim explore --html` shows (a structural subset of src/explore's report). */
export interface ExploreView {
  readonly bound: number;
  readonly shard?: string;
  readonly rows: readonly ExploreRow[];
  readonly counterexamples: readonly ExploreCounterexample[];
}
