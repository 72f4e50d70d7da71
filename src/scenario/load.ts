// Entry points: scenario text or file -> normalized Scenario, or one
// ScenarioError listing every problem of the file, located.
//
// Order: YAML syntax first (when the YAML itself is broken the data is a
// guess, and schema messages about a guess would mislead, so only the syntax
// errors are reported); then the schema and the cross-value rules together,
// so a file with several mistakes shows all of them in one run.

import { type ScenarioDiagnostic, ScenarioError, sortDiagnostics } from './diagnostics.ts';
import { FileProblem, readRegularFile } from './files.ts';
import { expectedMessage, issuesToDiagnostics } from './issues.ts';
import { normalize } from './normalize.ts';
import { scenarioSchemas } from './schema.ts';
import { checkSemantics } from './semantics.ts';
import type { Scenario } from './types.ts';
import { parseYamlTree } from './yaml-tree.ts';

export interface LoadOptions {
  /** Check that binary/kernel/initrd/dtb files exist (default true). */
  checkFiles?: boolean;
}

function dedupe(ds: ScenarioDiagnostic[]): ScenarioDiagnostic[] {
  const seen = new Set<string>();
  return ds.filter((d) => {
    const key = `${d.line}:${d.column}:${d.message}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

/** Parses scenario text; `file` names it in messages and anchors relative paths. */
export function parseScenario(text: string, file: string, options: LoadOptions = {}): Scenario {
  const tree = parseYamlTree(text, file);
  if (tree.syntax.length > 0) throw new ScenarioError(sortDiagnostics(tree.syntax));
  if (tree.data === null || tree.data === undefined) {
    throw new ScenarioError([
      {
        file,
        line: 1,
        column: 1,
        message: 'the file is empty: expected a mapping with at least version: 1 and guest',
      },
    ]);
  }
  // jitless: zod would compile a parser per object schema (new Function) on its first parse, which
  // costs more than the one parse a run makes (~10 ms of start-up); the issues are the same either way.
  const result = scenarioSchemas().scenarioSchema.safeParse(tree.data, {
    reportInput: true,
    error: expectedMessage,
    jitless: true,
  });
  const diagnostics = result.success ? [] : issuesToDiagnostics(result.error.issues, tree);
  diagnostics.push(...checkSemantics(tree, { checkFiles: options.checkFiles ?? true }));
  if (diagnostics.length > 0 || !result.success)
    throw new ScenarioError(sortDiagnostics(dedupe(diagnostics)));
  return normalize(result.data, tree);
}

/** A scenario is text a person wrote: far below this (an `expect.memory` of 100k words is ~3 MiB). */
const MAX_SCENARIO_BYTES = 16 * 1024 * 1024;

/** Reads and parses a scenario file (a regular file of at most MAX_SCENARIO_BYTES). */
export function loadScenarioFile(path: string, options: LoadOptions = {}): Scenario {
  let bytes: Uint8Array;
  try {
    bytes = readRegularFile(path, MAX_SCENARIO_BYTES);
  } catch (e) {
    if (!(e instanceof FileProblem)) throw e;
    throw new ScenarioError([
      { file: path, line: 1, column: 1, message: `cannot read the scenario file: ${e.message}` },
    ]);
  }
  return parseScenario(new TextDecoder().decode(bytes), path, options);
}
