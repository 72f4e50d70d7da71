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

/**
 * After every handle_exit, the vcpu moves to the lowest free physical cpu
 * (at its next preemption point); one that blocked (WFI) moves when it is
 * woken, to the lowest cpu free then (another vcpu may have taken the one
 * free at its exit: timeshare-wfi-ipi's two vcpus block and wake in turn).
 */
function migrateAtEveryExit(vm: Vm): void {
  const toFree = (v: number) => {
    const free = vm.placement.vcpuOn.indexOf(FREE);
    if (free >= 0) vm.placement.force(v, free, 0);
  };
  const handleExit = vm.handleExit.bind(vm);
  vm.handleExit = (v, reason) => {
    handleExit(v, reason);
    if (!v.blocked) toFree(v.index);
  };
  const atWake = vm.placement.atWake.bind(vm.placement);
  vm.placement.atWake = (v) => {
    toFree(v.index);
    atWake(v);
  };
}

/**
 * What the guest saw. With a host tick (machine.hostTickHz) the instants may
 * move: a physical cpu no vcpu runs on takes its tick only when a vcpu
 * arrives there (the host handles physical interrupts after exits), and the
 * tick is re-armed from that moment; so the instants, not what was seen,
 * are compared only without a host tick.
 */
function seen(r: ScenarioRun, exact: boolean) {
  const acks = exact ? r.acks : r.acks.map((a) => [a.cpu, a.intid, a.pc]);
  return { end: r.end, ticks: exact ? r.ticks : 0, acks, uart: r.uart, passed: r.passed };
}

describe('a zero-time migration at every exit is invisible to the guest', () => {
  for (const f of files) {
    const s = loadScenarioFile(join(DIR, f));
    // a spare physical cpu (and none shared) for both runs, so both have the same host
    const pcpus = Math.max(s.machine.pcpus ?? s.machine.vcpus, s.machine.vcpus) + 1;
    const spare: Scenario = { ...s, machine: { ...s.machine, pcpus } };
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
        const exact = s.machine.hostTickHz === 0;
        assert.deepEqual(seen(moving, exact), seen(pinned, exact));
        // (the counters travel through a save/restore)
        const moves = (last as Vm | null)?.counters.migrations ?? 0;
        assert.ok(moves > 0 || pinned.costs.hyp.entries <= 1, `${f}: no vcpu moved`);
      });
  }
});
