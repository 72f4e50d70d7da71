// Shared helpers of the scenario tests.
import assert from 'node:assert/strict';
import { parseScenario, type Scenario, ScenarioError } from '../../src/scenario/index.ts';

export const FILE = '/scenarios/t.yaml';

/** Parses without touching the file system. */
export function parse(text: string): Scenario {
  return parseScenario(text, FILE, { checkFiles: false });
}

/** The diagnostics of a bad scenario as `line:column: message`. */
export function errorsOf(text: string, file = FILE, checkFiles = false): string[] {
  try {
    parseScenario(text, file, { checkFiles });
  } catch (e) {
    assert.ok(e instanceof ScenarioError, `expected a ScenarioError, got ${String(e)}`);
    for (const d of e.diagnostics) assert.equal(d.file, file);
    return e.diagnostics.map((d) => `${d.line}:${d.column}: ${d.message}`);
  }
  assert.fail('expected a ScenarioError');
}

export const MINIMAL = 'version: 1\nguest:\n  vcpu0: "hvc #0"\n';
