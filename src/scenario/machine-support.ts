// Whether a generation can run a scenario's machine: `machine.gic: v3`
// needs one with vgic-v3 (Generation.vgicV3; every generation has it now,
// KVM had it since 3.19), and a VMM-style migration (`vmmMigrate`) of a
// GICv3 VM needs the arm-vgic-v3 device's register groups
// (Generation.api.vgicV3Regs, Linux 4.11+). At load time semantics.ts
// checks the generation of machine.policy for vgic-v3; one chosen later
// (`--policy`, the conformance suite's columns) is checked here, and
// refused where machine.gic or the vmmMigrate event is written: the
// expected verdict `rejected` says so.

import { GENERATIONS, generationByName } from '../hyp/generation/index.ts';
import type { ScenarioDiagnostic } from './diagnostics.ts';
import type { Scenario } from './types.ts';

/** The located reason generation `policy` refuses the scenario's machine, or undefined when it runs it. */
export function machineRejection(s: Scenario, policy: string): ScenarioDiagnostic | undefined {
  if (s.machine.gic !== 'v3') return undefined;
  const gen = generationByName(policy);
  if (gen.vgicV3 === true) return migrationRejection(s, gen.name, gen.api.vgicV3Regs, gen.release);
  const withV3 = Object.values(GENERATIONS)
    .filter((g) => g.vgicV3 === true)
    .map((g) => g.name);
  const at = s.machine.gicWhere ?? { file: s.file, line: 1, column: 1 };
  return {
    ...at,
    message: `machine.gic: ${gen.name} has no vgic-v3: its VM runs GICv2 guests only (gic: v2); GICv3 guests need a generation with vgic-v3 (${withV3.join(', ')})`,
  };
}

/**
 * A vmmMigrate event on a GICv3 machine under a release whose arm-vgic-v3
 * device has no register groups (vgic_v3_set_attr: -ENXIO for DIST_REGS,
 * REDIST_REGS, CPU_SYSREGS before Linux 4.11): no VMM could save that VM's
 * interrupt state, so the scenario is refused at the event.
 */
function migrationRejection(
  s: Scenario,
  name: string,
  regs: boolean,
  release: string,
): ScenarioDiagnostic | undefined {
  if (regs) return undefined;
  const ev = s.host.find((e) => e.action.kind === 'vmmMigrate');
  if (ev === undefined) return undefined;
  return {
    ...ev.where,
    message: `vmmMigrate: ${name} cannot migrate a GICv3 VM: the arm-vgic-v3 device of Linux ${release} has no register groups to save its vgic (KVM_DEV_ARM_VGIC_GRP_DIST_REGS, _REDIST_REGS, _CPU_SYSREGS: -ENXIO before Linux 4.11)`,
  };
}
