// --html: the self-contained HTML report (src/export/html) of run, compare,
// explore and conformance. Conformance runs the failing checks again with a
// trace, so the report can show their waveforms; explore shows each
// counterexample replayed (explore.ts) with its trace.

import {
  type ExploreView,
  htmlCompareReport,
  htmlConformanceReport,
  htmlExploreReport,
  htmlRunReport,
  type TracedRun,
} from '../export/html/index.ts';
import type { WrittenCounterexample } from '../explore/counterexample.ts';
import type { Counterexample } from '../explore/explorer.ts';
import { describeStep, type ExploreReport } from '../explore/report.ts';
import type { ExpectedVerdict } from '../hyp/generation/index.ts';
import type { ConformanceResult } from '../scenario/conformance.ts';
import type { Scenario } from '../scenario/index.ts';
import { runScenario, type ScenarioRun } from '../scenario/run.ts';
import type { TraceRecord } from '../sim/trace/records.ts';
import { MemorySink } from '../sim/trace/sink.ts';
import { tagged, writeHtmlFile } from './outputs.ts';

interface Outcome {
  readonly run?: ScenarioRun;
  readonly records?: readonly TraceRecord[];
  readonly window?: { from: number; to: number };
}

function expected(s: Scenario, policy: string): ExpectedVerdict {
  return s.expect.verdicts?.[policy] ?? 'pass';
}

function header(s: Scenario) {
  return { title: s.name, file: s.file, description: s.description, counterHz: s.machine.counterHz };
}

/** An outcome as the report takes it (none when the run ended in an error). */
export function htmlOutcome(x: Outcome, s: Scenario): TracedRun[] {
  if (x.run === undefined) return [];
  return [{ run: x.run, records: x.records ?? [], window: x.window, expected: expected(s, x.run.policy) }];
}

export function writeRunHtml(
  path: string,
  tag: string | undefined,
  s: Scenario,
  x: Outcome,
  inputs: readonly string[],
): string | undefined {
  const [traced] = htmlOutcome(x, s);
  if (traced === undefined) return undefined;
  return writeHtmlFile(
    tagged(path, tag),
    htmlRunReport(header(s), { ...traced, expected: undefined }),
    inputs,
  );
}

export function writeCompareHtml(
  path: string,
  s: Scenario,
  runs: readonly TracedRun[],
  inputs: readonly string[],
): string {
  return writeHtmlFile(path, htmlCompareReport(header(s), runs), inputs);
}

/** Failing checks are run again with a trace (a few: the suite is small). */
export function writeConformanceHtml(
  path: string,
  rows: readonly ConformanceResult[],
  scenarios: readonly Scenario[],
): string {
  const failing = new Map<string, TracedRun>();
  let hz = 62_500_000;
  for (const r of rows) {
    if (r.result !== 'fail') continue;
    const s = scenarios.find((c) => c.conformance?.check === r.check && c.conformance?.suite === r.suite);
    if (s === undefined) continue;
    hz = s.machine.counterHz;
    const sink = new MemorySink();
    const run = runScenario(s, { policy: r.policy, trace: sink });
    failing.set(`${r.file}|${r.policy}`, { run, records: sink.records, expected: r.expected });
  }
  return writeHtmlFile(path, htmlConformanceReport(rows, failing, hz), []);
}

/** A counterexample as a scenario, replayed as `vgicsim run` would, with a trace: does it reproduce? */
export interface Replay {
  readonly generation: string;
  readonly property: string;
  readonly cx: Counterexample;
  readonly written: WrittenCounterexample;
  readonly scenario: Scenario;
  readonly run: ScenarioRun;
  readonly records: readonly TraceRecord[];
}

/** `explore --html`: the frontier table, each counterexample's forced choices and its replay's waveform. */
export function writeExploreHtml(
  path: string,
  s: Scenario,
  report: ExploreReport,
  replays: readonly Replay[],
  inputs: readonly string[],
): string {
  const view: ExploreView = {
    bound: report.bound,
    shard: report.shard,
    rows: report.generations.map((g) => ({
      generation: g.generation,
      runs: g.summary.runs,
      states: g.summary.states,
      violations: g.summary.violations,
      exitsPerIrq: g.summary.exitsPerIrq,
      exitsPerRun: g.summary.exitsPerRun,
      partial: g.partial ? `${g.partial.reason}: ${g.partial.notCovered}` : undefined,
    })),
    counterexamples: replays.map((r) => ({
      generation: r.generation,
      property: r.property,
      forced: r.cx.forced,
      instructions: r.cx.instructions,
      ticks: r.cx.ticks,
      message: r.cx.message,
      steps: r.cx.steps.map((st) => ({ t: st.t, text: describeStep(st).replace(/^t=\d+:? /, '') })),
      reproduces: !r.run.passed,
      traced: { run: r.run, records: r.records },
    })),
  };
  return writeHtmlFile(path, htmlExploreReport(header(s), view), inputs);
}
