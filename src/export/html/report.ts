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
  readonly expected?: 'pass' | 'fail';
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
  readonly result: 'pass' | 'fail';
  readonly expected: 'pass' | 'fail';
  readonly reason?: string;
}
