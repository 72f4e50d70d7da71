// Running a generated program: render it, load the scenario text exactly as
// `vgicsim run` would, and run it under a policy (optionally with the
// reference run to the end and the trace kept).

import { parseScenario } from '../scenario/load.ts';
import { runScenario, type ScenarioRun } from '../scenario/run.ts';
import type { Scenario } from '../scenario/types.ts';
import type { TraceRecord } from '../sim/trace/records.ts';
import { MemorySink } from '../sim/trace/sink.ts';
import type { Program } from './program.ts';
import { type RenderOptions, renderScenario } from './program-scenario.ts';

export interface ProgramRun {
  readonly yaml: string;
  readonly scenario: Scenario;
  readonly run: ScenarioRun;
  /** the trace, when asked for */
  readonly records: readonly TraceRecord[];
}

export interface RunProgramOptions extends RenderOptions {
  readonly seed?: number;
  readonly trace?: boolean;
}

export function runProgram(p: Program, o: RunProgramOptions = {}): ProgramRun {
  const policy = o.policy ?? 'level';
  const yaml = renderScenario(p, { ...o, policy });
  const scenario = parseScenario(yaml, `${o.name ?? 'generated-program'}.yaml`);
  const sink = o.trace === true ? new MemorySink() : undefined;
  const run = runScenario(scenario, { policy, seed: o.seed ?? 0, trace: sink });
  return { yaml, scenario, run, records: sink?.records ?? [] };
}
