// The PMU's overflow interrupt (PPI 23, level, signalled to the vgic at
// exits by kvm_pmu_update_state, issue 17) in the explorer, like the timer:
// its register accesses are choice points, its state is in the state hash,
// and a vPMU bug is found with the exits that hide it.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { explore } from '../../src/explore/explorer.ts';
import { describeStep, summarize } from '../../src/explore/report.ts';
import { loadScenarioFile } from '../../src/scenario/load.ts';

const PMU = 'scenarios/pmu-overflow.yaml';

test('pmu-overflow under linux-7.0 (vPMU): no violation in any run up to 2 forced choices, 44 states', () => {
  const r = explore(loadScenarioFile(PMU), 'linux-7.0', { bound: 2 });
  const s = summarize(r);
  assert.deepEqual(s.violations, {});
  assert.equal(s.states, 44);
  assert.deepEqual(r.flips, []);
});

test('pmu-overflow under linux-4.2 (no vPMU: the registers are RAZ/WI): PPI 23 is lost in every run', () => {
  const r = explore(loadScenarioFile(PMU), 'linux-4.2', { bound: 1 });
  assert.deepEqual(r.defaultViolations, ['expectations', 'lost-interrupt']);
  assert.deepEqual(r.flips, []);
});

test('mutant:pmu-no-kick: the overflow is lost in the default run; the one exit that rescues it is right after the overflow', () => {
  const r = explore(loadScenarioFile(PMU), 'mutant:pmu-no-kick', { bound: 1 });
  assert.deepEqual(r.defaultViolations, ['expectations', 'lost-interrupt']);
  const cx = r.counterexamples['lost-interrupt'];
  assert.ok(cx);
  assert.equal(cx.forced, 0);
  assert.match(cx.message, /INTID 23 0 time\(s\); the reference 1/);
  // an exit at the overflow's kernel event (t=19): the sync raises PPI 23 in the vgic, the next entry delivers it
  assert.deepEqual(
    r.flips.map((f) => [describeStep(f.step), f.violations]),
    [
      [
        't=19 vcpu0: forced exit right after a kernel event, before the instruction at _start+0x98 (0x40080098)',
        [],
      ],
    ],
  );
});
