// --html: the self-contained HTML report (src/export/html) of run, compare
// and conformance. Conformance runs the failing checks again with a trace,
// so the report can show their waveforms.

import {
  htmlCompareReport,
  htmlConformanceReport,
  htmlRunReport,
  type TracedRun,
} from '../export/html/index.ts';
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

function expected(s: Scenario, policy: string): 'pass' | 'fail' {
  return (s.expect.verdicts as Record<string, 'pass' | 'fail'> | undefined)?.[policy] ?? 'pass';
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
