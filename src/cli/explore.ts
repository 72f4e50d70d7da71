// `vgicsim explore <scenario>` and `vgicsim explore merge <reports...>`
// (docs/explore.md). Exit codes as `run`: 0 no violation, 1 a violation
// found (the same code as a failed expectation), 2 bad input or usage.

import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { generationByName } from '../hyp/generation/index.ts';
import { loadScenarioFile, parseScenario, ScenarioError } from '../scenario/index.ts';
import { machineRejection } from '../scenario/machine-support.ts';
import { runScenario } from '../scenario/run.ts';
import type { Scenario } from '../scenario/types.ts';
import { MemorySink } from '../sim/trace/sink.ts';
import { parseShard, type Shard } from '../explore/choice-tree.ts';
import { counterexampleScenario } from '../explore/counterexample.ts';
import { type ExploreResult, explore } from '../explore/explorer.ts';
import { exploreInWorkers, type JobsProgress } from '../explore/parallel.ts';
import {
  canonical,
  type ExploreReport,
  formatReport,
  generationReport,
  mergeReports,
  mergeResults,
  REPORT_VERSION,
  reportJson,
} from '../explore/report.ts';
import { describeWriteError, EXIT_FAILED, EXIT_OK, OutputError, UsageError } from './errors.ts';
import { type Replay, writeExploreHtml } from './html.ts';
import { writeTraceFiles } from './outputs.ts';
import { Progress } from './progress.ts';

export interface ExploreCliOptions {
  readonly policies: string;
  readonly bound: string;
  readonly json?: boolean;
  readonly quiet?: boolean;
  /** the progress line also when stderr is not a terminal */
  readonly progress?: boolean;
  readonly jobs: string;
  readonly shard?: string;
  readonly maxStates?: string;
  readonly maxSeconds?: string;
  readonly out?: string;
  readonly html?: string;
}

function count(option: string, v: string | undefined, min: number): number | undefined {
  if (v === undefined) return undefined;
  if (!/^\d+$/.test(v) || Number(v) < min || Number(v) > 1_000_000_000)
    throw new UsageError(`${option} expects an integer >= ${min}, found '${v}'`);
  return Number(v);
}

function generations(text: string): string[] {
  const names = text.split(',').map((s) => s.trim());
  const seen = new Set<string>();
  for (const n of names) {
    if (n === '') throw new UsageError(`--policies: an empty name in '${text}'`);
    try {
      generationByName(n);
    } catch (e) {
      throw new UsageError(`--policies: ${(e as Error).message}`);
    }
    if (seen.has(n)) throw new UsageError(`--policies: '${n}' is named twice`);
    seen.add(n);
  }
  return names;
}

function anyViolation(r: ExploreReport): boolean {
  return r.generations.some((g) => Object.keys(g.summary.violations).length > 0);
}

function writeOut(path: string, text: string): void {
  try {
    writeFileSync(path, text);
  } catch (e) {
    throw new OutputError(`cannot write ${path}: ${describeWriteError(e)}`);
  }
}

function replayAll(s: Scenario, report: ExploreReport, base: (g: string, prop: string) => string): Replay[] {
  const out: Replay[] = [];
  for (const g of report.generations)
    for (const [property, cx] of Object.entries(g.counterexamples)) {
      if (cx === undefined) continue;
      const written = counterexampleScenario(s, g.generation, property, cx);
      const scenario = parseScenario(written.yaml, `${base(g.generation, property)}.yaml`);
      const sink = new MemorySink();
      const run = runScenario(scenario, { policy: g.generation, trace: sink });
      out.push({ generation: g.generation, property, cx, written, scenario, run, records: sink.records });
    }
  return out;
}

/** --out DIR: the report, and per generation and property the counterexample scenario with its traces. */
function writeCounterexamples(
  file: string,
  report: ExploreReport,
  dir: string,
  replays: readonly Replay[],
): string[] {
  try {
    mkdirSync(dir, { recursive: true });
  } catch (e) {
    throw new OutputError(`cannot create ${dir}: ${describeWriteError(e)}`);
  }
  const lines: string[] = [];
  writeOut(join(dir, 'report.json'), reportJson(report));
  for (const r of replays) {
    const base = r.scenario.file.replace(/\.yaml$/, '');
    writeOut(`${base}.yaml`, r.written.yaml);
    const files = writeTraceFiles(
      { vcd: `${base}.vcd`, perfetto: `${base}.perfetto.json` },
      undefined,
      r.records,
      {
        counterHz: r.scenario.machine.counterHz,
        endTicks: r.run.ticks,
        title: `${r.scenario.name} (${r.generation})`,
        inputs: [file],
      },
    );
    lines.push(
      `${r.generation} ${r.property}: ${base}.yaml (${r.run.passed ? 'does NOT reproduce' : 'reproduces'}${r.written.complete ? '' : ', has choices no host event expresses'}), ${files.join(', ')}`,
    );
  }
  return lines;
}

/** The progress line of `--jobs N` (states summed over the shards: each counts what it met). */
export function jobsProgressLine(p: JobsProgress, secs: number): string {
  const how = p.workers > 0 ? `${p.workers} worker threads` : `${p.jobs} shards in this thread`;
  const rate = secs > 0 ? Math.round(p.states / secs) : 0;
  return `explore --jobs ${p.jobs} (${how}): ${p.states} states (${rate}/s), ${p.runs} runs, ${p.violations} violating, ${p.done}/${p.jobs} shards done`;
}

export function exploreCommand(file: string, o: ExploreCliOptions): number {
  const named = generations(o.policies);
  const bound = count('--bound', o.bound, 0)!;
  const jobs = count('--jobs', o.jobs, 1)!;
  const maxStates = count('--max-states', o.maxStates, 1);
  const maxSeconds = count('--max-seconds', o.maxSeconds, 1);
  let shard: Shard | undefined;
  if (o.shard !== undefined) {
    const sh = parseShard(o.shard);
    if (typeof sh === 'string') throw new UsageError(`--shard: ${sh}`);
    shard = sh;
  }
  if (shard !== undefined && jobs > 1) throw new UsageError('--shard and --jobs cannot be combined');
  const s = loadScenarioFile(file);
  // explored under the generations that run the machine only (machineRejection; located error if none)
  const gens = named.filter((g) => machineRejection(s, g) === undefined);
  if (gens.length === 0) throw new ScenarioError([machineRejection(s, named[0])!]);
  const left = named.filter((g) => !gens.includes(g));
  if (left.length > 0 && !o.json && !o.quiet)
    process.stdout.write(`not explored: ${left.join(', ')} (${machineRejection(s, left[0])!.message})\n`);
  const progress = new Progress(!o.json && !o.quiet, o.progress === true);
  let results: ExploreResult[];
  if (jobs > 1) {
    const t0 = performance.now();
    const parts = exploreInWorkers(
      { file, generations: gens, bound, maxStates, maxSeconds },
      jobs,
      progress.active
        ? (p) => progress.message(jobsProgressLine(p, (performance.now() - t0) / 1000))
        : undefined,
    );
    progress.done();
    results = gens.map((_, i) => mergeResults(parts.map((p) => p[i])));
  } else {
    const t0 = performance.now();
    results = gens.map((g) =>
      explore(s, g, {
        bound,
        shard,
        maxStates,
        maxSeconds,
        onProgress: (p) => {
          const secs = (performance.now() - t0) / 1000;
          progress.message(
            `${p.generation}: ${p.states} states (${secs > 0 ? Math.round(p.states / secs) : 0}/s), ${p.runs} runs, ${p.violations} violating, depth ${p.depth}, frontier ${p.frontier}`,
          );
        },
      }),
    );
    progress.done();
  }
  const report: ExploreReport = {
    version: REPORT_VERSION,
    scenario: s.name,
    bound,
    ...(shard === undefined ? {} : { shard: `${shard.index}/${shard.count}` }),
    generations: results.map((r) => generationReport(canonical(r))),
  };
  process.stdout.write(o.json ? reportJson(report) : formatReport(report));
  if (o.out !== undefined || o.html !== undefined) {
    const dir = o.out ?? '.';
    const replays = replayAll(s, report, (g, prop) =>
      join(dir, `${s.name}.${g}.${prop}`.replace(/[^A-Za-z0-9._-]/g, '_')),
    );
    if (o.out !== undefined) {
      const lines = writeCounterexamples(file, report, o.out, replays);
      if (!o.json) process.stdout.write(`\nwritten to ${o.out}:\n${lines.map((l) => `  ${l}\n`).join('')}`);
    }
    if (o.html !== undefined) {
      const f = writeExploreHtml(o.html, s, report, replays, [file]);
      if (!o.json) process.stdout.write(`wrote ${f}\n`);
    }
  }
  return anyViolation(report) ? EXIT_FAILED : EXIT_OK;
}

export function exploreMergeCommand(files: readonly string[], o: { json?: boolean }): number {
  const reports = files.map((f) => {
    let text: string;
    try {
      text = readFileSync(f, 'utf8');
    } catch (e) {
      throw new UsageError(`${f}: cannot read: ${describeWriteError(e)}`);
    }
    try {
      return JSON.parse(text) as ExploreReport;
    } catch (e) {
      throw new UsageError(`${f}: not a JSON explore report (${(e as Error).message})`);
    }
  });
  let merged: ExploreReport;
  try {
    merged = mergeReports(reports);
  } catch (e) {
    throw new UsageError((e as Error).message);
  }
  process.stdout.write(o.json ? reportJson(merged) : formatReport(merged));
  return anyViolation(merged) ? EXIT_FAILED : EXIT_OK;
}
