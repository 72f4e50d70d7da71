// A migration that takes no time is invisible to the guest: every library
// scenario, under every generation, with its vcpus moved to another
// physical cpu at every exit (and at every wake-up from WFI), acknowledges
// the same interrupts at the same instants, prints the same and ends the
// same as with the vcpus left where they are. What vcpu_put/vcpu_load move
// (the vgic's GICH state, the virtual timer and its CNTVOFF, the timer PPI's
// physical active state, the GIC's outputs to the cpu) is all that matters.

import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { GENERATION_KEYS } from '../../../src/hyp/generation/index.ts';
import { FREE } from '../../../src/hyp/vcpu/vcpu-placement.ts';
import type { Vm } from '../../../src/hyp/vm.ts';
import { loadScenarioFile, type Scenario } from '../../../src/scenario/index.ts';
import { runScenario, type ScenarioRun } from '../../../src/scenario/run.ts';

const DIR = join(fileURLToPath(new URL('.', import.meta.url)), '../../../scenarios');
const files = readdirSync(DIR)
  .filter((f) => f.endsWith('.yaml') && !f.endsWith('.pending.yaml'))
  .sort();

/** After every handle_exit, the vcpu moves to the lowest free physical cpu (at its next preemption point). */
function migrateAtEveryExit(vm: Vm): void {
  const handleExit = vm.handleExit.bind(vm);
  vm.handleExit = (v, reason) => {
    handleExit(v, reason);
    const free = vm.placement.vcpuOn.indexOf(FREE);
    if (free >= 0) vm.placement.force(v.index, free, 0);
  };
}

function seen(r: ScenarioRun) {
  return { end: r.end, ticks: r.ticks, acks: r.acks, uart: r.uart, passed: r.passed };
}

describe('a zero-time migration at every exit is invisible to the guest', () => {
  for (const f of files) {
    const s = loadScenarioFile(join(DIR, f));
    // one spare physical cpu for both runs, so both have the same host
    const spare: Scenario = {
      ...s,
      machine: { ...s.machine, pcpus: (s.machine.pcpus ?? s.machine.vcpus) + 1 },
    };
    for (const policy of GENERATION_KEYS)
      it(`${f} ${policy}`, () => {
        const pinned = runScenario(spare, { policy });
        let last: Vm | null = null;
        const moving = runScenario(spare, {
          policy,
          onVm: (vm) => {
            migrateAtEveryExit(vm);
            last = vm;
          },
        });
        assert.deepEqual(seen(moving), seen(pinned));
        // (the counters travel through a save/restore)
        const moves = (last as Vm | null)?.counters.migrations ?? 0;
        assert.ok(moves > 0 || pinned.costs.hyp.entries <= 1, `${f}: no vcpu moved`);
      });
  }
});
