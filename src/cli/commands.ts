// The `run` and `compare` commands.

import { readdirSync, statSync } from 'node:fs';
import { basename, join } from 'node:path';
import { MemorySink, WindowSink } from '../sim/trace/sink.ts';
import { LivelockError } from '../hyp/vcpu/run-loop.ts';
import { type ExpectedVerdict, expectedVerdict as expectedVerdictOf } from '../hyp/generation/index.ts';
import { GuestError } from '../hyp/vm.ts';
import {
  loadScenarioFile,
  printable,
  type Scenario,
  type ScenarioDiagnostic,
  ScenarioError,
  formatDiagnostic,
} from '../scenario/index.ts';
import { machineRejection } from '../scenario/machine-support.ts';
import { errnoReason } from '../scenario/files.ts';
import { runScenario, type ScenarioRun } from '../scenario/run.ts';
import {
  type ConformanceResult,
  loadConformance as loadConformanceChecks,
  runConformance,
} from '../scenario/conformance.ts';
import { compareTable, costLines, runJson, verdictLines } from './format.ts';
import { htmlOutcome, writeCompareHtml, writeConformanceHtml, writeRunHtml } from './html.ts';
import { parseVirtualTime, type TraceFiles, wantsTrace, writeTraceFiles } from './outputs.ts';
import type { TraceRecord } from '../sim/trace/records.ts';
import { EXIT_FAILED, EXIT_OK, EXIT_USAGE, UsageError } from './errors.ts';
import { Progress } from './progress.ts';

export interface CommonOptions extends TraceFiles {
  readonly seed: number;
  readonly json?: boolean;
  readonly quiet?: boolean;
  readonly checkVerdicts?: boolean;
  readonly policy?: string;
  /** stream the guest's PL011 output to stdout as it is produced */
  readonly console?: boolean;
}

/**
 * Files and directories (their *.yaml, sorted; *.pending.yaml are skipped)
 * -> scenario files. A directory without scenarios is an error: a run of
 * nothing must not look like success.
 */
export function collectScenarioFiles(args: readonly string[]): string[] {
  const out: string[] = [];
  const problems: ScenarioDiagnostic[] = [];
  const problem = (file: string, message: string) => problems.push({ file, line: 1, column: 1, message });
  for (const a of args) {
    let isDir: boolean;
    try {
      isDir = statSync(a).isDirectory();
    } catch (e) {
      problem(
        a,
        (e as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file or directory' : errnoReason(e),
      );
      continue;
    }
    if (!isDir) {
      out.push(a);
      continue;
    }
    let names: string[];
    try {
      names = readdirSync(a);
    } catch (e) {
      problem(a, `cannot list the directory: ${errnoReason(e)}`);
      continue;
    }
    const yaml = names.filter((n) => n.endsWith('.yaml') && !n.endsWith('.pending.yaml')).sort();
    if (yaml.length === 0) problem(a, 'no scenario files (*.yaml) in this directory');
    out.push(...yaml.map((n) => join(a, n)));
  }
  if (problems.length > 0) throw new ScenarioError(problems);
  return out;
}

/** The sink for a run's trace files: everything, or the window given by --trace-from/--trace-to. */
function traceSink(
  o: TraceFiles,
  counterHz: number,
): { sink: MemorySink | WindowSink; memory: MemorySink; window?: { from: number; to: number } } {
  const memory = new MemorySink();
  if (o.traceFrom === undefined && o.traceTo === undefined) return { sink: memory, memory };
  try {
    const from = o.traceFrom === undefined ? 0 : parseVirtualTime(o.traceFrom, counterHz);
    const to = o.traceTo === undefined ? Number.POSITIVE_INFINITY : parseVirtualTime(o.traceTo, counterHz);
    if (!(to > from))
      throw new RangeError(
        `the trace window is empty (--trace-from ${o.traceFrom}, --trace-to ${o.traceTo})`,
      );
    return { sink: new WindowSink(memory, from, to), memory, window: { from, to } };
  } catch (e) {
    throw new UsageError(e instanceof Error ? e.message : String(e));
  }
}

/** Load every file first, so all input errors of all files are reported before anything runs. */
function loadAll(files: readonly string[]): Scenario[] {
  const scenarios: Scenario[] = [];
  const errors: ScenarioError[] = [];
  for (const f of files) {
    try {
      scenarios.push(loadScenarioFile(f));
    } catch (e) {
      if (e instanceof ScenarioError) errors.push(e);
      else throw e;
    }
  }
  if (errors.length > 0) throw new ScenarioError(errors.flatMap((e) => e.diagnostics));
  return scenarios;
}

export interface Outcome {
  readonly run?: ScenarioRun;
  /** the trace (for --html), and its window */
  readonly records?: readonly TraceRecord[];
  readonly window?: { from: number; to: number };
  readonly error?: string;
  /** the generation refused the machine, as the scenario expects (located: file:line:col: why) */
  readonly rejected?: string;
  readonly files: string[];
}

function runOne(
  s: Scenario,
  policy: string | undefined,
  o: CommonOptions,
  tag: string | undefined,
  progress: Progress,
  inputs: readonly string[],
): Outcome {
  const traced = wantsTrace(o) ? traceSink(o, s.machine.counterHz) : undefined;
  progress.start(`${s.name}${policy ? ` [${policy}]` : ''}`);
  const stream = o.console ? new ConsoleStream() : undefined;
  try {
    const run = runScenario(s, {
      policy,
      seed: o.seed,
      trace: traced?.sink,
      onProgress:
        progress.active && !stream
          ? (p) => progress.update(p.ticks, p.instructions, s.machine.counterHz)
          : undefined,
      onConsole: stream?.byte,
    });
    stream?.end();
    progress.done();
    const files = traced
      ? writeTraceFiles(o, tag, traced.memory.records, {
          counterHz: s.machine.counterHz,
          endTicks: run.ticks,
          title: `${s.name} (${run.policy})`,
          inputs,
        })
      : [];
    return { run, files, records: traced?.memory.records, window: traced?.window };
  } catch (e) {
    stream?.end();
    progress.done();
    if (e instanceof GuestError || e instanceof LivelockError)
      return { error: `${s.name}: ${e.message}`, files: [] };
    throw e;
  }
}

/** `--console`: the guest's UART bytes to stdout, a line at a time (or every 4 KiB without a newline). */
class ConsoleStream {
  private buf = new Uint8Array(4096);
  private n = 0;
  private last = 0x0a;
  readonly byte = (b: number): void => {
    this.buf[this.n++] = b;
    this.last = b;
    if (b === 0x0a || this.n === this.buf.length) this.flush();
  };
  private flush(): void {
    if (this.n > 0) process.stdout.write(this.buf.slice(0, this.n));
    this.n = 0;
  }
  /** Flush, and end an unterminated last line so the summary starts on its own line. */
  end(): void {
    this.flush();
    if (this.last !== 0x0a) process.stdout.write('\n');
    this.last = 0x0a;
  }
}

function expectedVerdict(s: Scenario, policy: string): ExpectedVerdict {
  return expectedVerdictOf(s.expect.verdicts, policy);
}

/**
 * Scenarios whose machine the generation refuses (machineRejection: gic: v3 without vgic-v3, a GICv3 vmmMigrate before 4.11):
 * with --check-verdicts and `rejected` expected, the located reason by
 * index; any other is an input error, reported (all at once) before anything runs.
 */
function rejections(scenarios: readonly Scenario[], o: CommonOptions): Map<number, string> {
  const expected = new Map<number, string>();
  const errors: ScenarioDiagnostic[] = [];
  scenarios.forEach((s, i) => {
    const policy = o.policy ?? s.machine.policy;
    const d = machineRejection(s, policy);
    if (d === undefined) return;
    if (o.checkVerdicts && expectedVerdict(s, policy) === 'rejected') expected.set(i, formatDiagnostic(d));
    else errors.push(d);
  });
  if (errors.length > 0) throw new ScenarioError(errors);
  return expected;
}

export function runCommand(files: readonly string[], o: CommonOptions): number {
  const scenarios = loadAll(files);
  const refused = rejections(scenarios, o);
  const progress = new Progress(!o.quiet && !o.json);
  const outcomes: Outcome[] = [];
  const several = scenarios.length > 1;
  for (const [i, s] of scenarios.entries()) {
    const why = refused.get(i);
    const out =
      why === undefined
        ? runOne(s, o.policy, o, several ? s.name : undefined, progress, files)
        : { rejected: why, files: [] };
    outcomes.push(out);
    if (o.json) continue;
    if (out.rejected !== undefined) {
      if (!o.quiet) process.stdout.write(`${printable(s.name)}: rejected, as expected: ${out.rejected}\n`);
      continue;
    }
    if (out.error !== undefined) {
      process.stdout.write(`ERROR ${printable(out.error)}\n`);
      continue;
    }
    const r = out.run!;
    const lines = verdictLines(r);
    if (!o.quiet || !r.passed)
      process.stdout.write(
        `${(o.quiet ? lines.slice(0, 1).concat(lines.slice(1).filter((l) => l.includes('FAIL'))) : lines).join('\n')}\n`,
      );
    if (!o.quiet) process.stdout.write(`${costLines(r).join('\n')}\n`);
    for (const f of out.files) process.stdout.write(`  wrote ${f}\n`);
  }
  if (o.html !== undefined)
    for (const [i, s] of scenarios.entries()) {
      const f = writeRunHtml(o.html, several ? s.name : undefined, s, outcomes[i], files);
      if (f && !o.json) process.stdout.write(`  wrote ${f}\n`);
    }
  const ok = (x: Outcome, s: Scenario) =>
    x.rejected !== undefined ||
    (x.run !== undefined &&
      (o.checkVerdicts
        ? (x.run.passed ? 'pass' : 'fail') === expectedVerdict(s, x.run.policy)
        : x.run.passed));
  const passed = outcomes.filter((x, i) => ok(x, scenarios[i])).length;
  if (o.json) {
    process.stdout.write(
      `${JSON.stringify({ results: outcomes.map((x) => (x.run ? runJson(x.run) : x.rejected ? { rejected: x.rejected } : { error: x.error })), passed, failed: outcomes.length - passed }, null, 2)}\n`,
    );
  } else if (several || o.quiet)
    process.stdout.write(
      `\n${scenarios.length} scenario(s): ${passed} passed, ${outcomes.length - passed} failed\n`,
    );
  return passed === outcomes.length ? EXIT_OK : EXIT_FAILED;
}

export function compareCommand(file: string, policies: readonly string[], o: CommonOptions): number {
  const [s] = loadAll([file]);
  const progress = new Progress(!o.quiet && !o.json);
  // a generation that refuses the machine (machineRejection) is a row of its own, located
  const outcomes = policies.map((p): Outcome => {
    const d = machineRejection(s, p);
    return d ? { rejected: formatDiagnostic(d), files: [] } : runOne(s, p, o, p, progress, [file]);
  });
  const runs = outcomes.flatMap((x) => (x.run ? [x.run] : []));
  const mismatches = runs.filter((r) => (r.passed ? 'pass' : 'fail') !== expectedVerdict(s, r.policy));
  const badRejections = policies.filter(
    (p, i) => outcomes[i].rejected !== undefined && expectedVerdict(s, p) !== 'rejected',
  );
  const html =
    o.html === undefined
      ? undefined
      : writeCompareHtml(
          o.html,
          s,
          outcomes.flatMap((x) => htmlOutcome(x, s)),
          [file],
        );
  if (o.json) {
    process.stdout.write(
      `${JSON.stringify({ scenario: s.name, results: runs.map(runJson), rejected: outcomes.flatMap((x, i) => (x.rejected ? [{ policy: policies[i], reason: x.rejected }] : [])), errors: outcomes.filter((x) => x.error).map((x) => x.error) }, null, 2)}\n`,
    );
  } else {
    process.stdout.write(
      printable(`${s.name}: ${basename(s.file)}\n${s.description ? `${s.description}\n` : ''}\n`, true),
    );
    process.stdout.write(`${compareTable(runs)}\n\n`);
    for (const r of runs) {
      const lines = verdictLines(r);
      process.stdout.write(`${lines.join('\n')}\n`);
      const expected = expectedVerdict(s, r.policy);
      process.stdout.write(
        `  expected verdict under ${r.policy}: ${expected}${(r.passed ? 'pass' : 'fail') === expected ? ' (as expected)' : ' (MISMATCH)'}\n`,
      );
    }
    outcomes.forEach((x, i) => {
      if (x.rejected === undefined) return;
      const expected = expectedVerdict(s, policies[i]);
      process.stdout.write(
        `rejected under ${policies[i]}: ${x.rejected}\n  expected verdict under ${policies[i]}: ${expected}${expected === 'rejected' ? ' (as expected)' : ' (MISMATCH)'}\n`,
      );
    });
    for (const x of outcomes) if (x.error) process.stdout.write(`ERROR ${printable(x.error)}\n`);
    const files = outcomes.flatMap((x) => x.files);
    if (html !== undefined) files.push(html);
    if (files.length > 0) process.stdout.write(`\nwrote ${files.join(', ')}\n`);
  }
  if (outcomes.some((x) => x.error !== undefined)) return EXIT_FAILED;
  if (o.checkVerdicts && mismatches.length + badRejections.length > 0) return EXIT_FAILED;
  // a refused machine nobody expected is an input error
  return badRejections.length === 0 ? EXIT_OK : EXIT_USAGE;
}

export function conformanceCommand(
  policies: readonly string[],
  o: { dir: string; json?: boolean; quiet?: boolean; html?: string },
): number {
  let isDir = false;
  try {
    isDir = statSync(o.dir).isDirectory();
  } catch (e) {
    throw new ScenarioError([{ file: o.dir, line: 1, column: 1, message: `--dir: ${errnoReason(e)}` }]);
  }
  if (!isDir)
    throw new ScenarioError([{ file: o.dir, line: 1, column: 1, message: '--dir: not a directory' }]);
  const scenarios = loadConformanceChecks(o.dir);
  const progress = new Progress(!o.quiet && !o.json);
  const rows: ConformanceResult[] = [];
  runConformance(scenarios, policies, process.cwd(), (r) => {
    rows.push(r);
    progress.start(`${r.check} [${r.policy}]`);
  });
  progress.done();
  const unexpected = rows.filter((r) => r.result !== r.expected);
  const html = o.html === undefined ? undefined : writeConformanceHtml(o.html, rows, scenarios);
  if (o.json) {
    process.stdout.write(`${JSON.stringify({ results: rows, unexpected: unexpected.length }, null, 2)}\n`);
  } else {
    const shown = o.quiet ? unexpected : rows;
    const table = [
      ['suite', 'check', 'policy', 'result', 'reason'],
      ...shown.map((r) => [
        r.suite,
        r.check,
        r.policy,
        r.result === r.expected ? r.result : `${r.result} (UNEXPECTED)`,
        r.result === 'fail' ? `${r.note ? `[${r.note}] ` : ''}${r.reason ?? ''}` : '',
      ]),
    ];
    const widths = table[0].map((_, c) => Math.min(48, Math.max(...table.map((row) => row[c].length))));
    for (const row of table)
      process.stdout.write(
        `${row
          .map((cell, c) => (c < 4 ? cell.padEnd(widths[c]) : cell))
          .join('  ')
          .trimEnd()}\n`,
      );
    const checks = new Set(rows.map((r) => `${r.suite}/${r.check}`)).size;
    process.stdout.write(
      `\n${checks} checks x ${policies.length} policies: ${rows.length - unexpected.length} as expected, ${unexpected.length} unexpected\n`,
    );
    if (html !== undefined) process.stdout.write(`wrote ${html}\n`);
  }
  return unexpected.length === 0 ? EXIT_OK : EXIT_FAILED;
}
