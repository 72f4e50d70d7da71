// Whether a generation can run a scenario's machine: `machine.gic: v3`
// needs one with vgic-v3 (Generation.vgicV3). At load time semantics.ts
// checks the generation of machine.policy; one chosen later (`--policy`,
// the conformance suite's columns) is checked here, and refused where
// machine.gic is written: the expected verdict `rejected` says so.

import { GENERATIONS, generationByName } from '../hyp/generation/index.ts';
import type { ScenarioDiagnostic } from './diagnostics.ts';
import type { Scenario } from './types.ts';

/** The located reason generation `policy` refuses the scenario's machine, or undefined when it runs it. */
export function machineRejection(s: Scenario, policy: string): ScenarioDiagnostic | undefined {
  if (s.machine.gic !== 'v3') return undefined;
  const gen = generationByName(policy);
  if (gen.vgicV3 === true) return undefined;
  const withV3 = Object.values(GENERATIONS)
    .filter((g) => g.vgicV3 === true)
    .map((g) => g.name);
  const at = s.machine.gicWhere ?? { file: s.file, line: 1, column: 1 };
  return {
    ...at,
    message: `machine.gic: ${gen.name} has no vgic-v3: its VM runs GICv2 guests only (gic: v2); GICv3 guests need a generation with vgic-v3 (${withV3.join(', ')})`,
  };
}
