// A mapped edge-triggered SPI (machine.mappedSpis, scenarios/mapped-edge-spi.yaml):
// the explorer's answer to the seed reviewer's "What are we missing?"
// (docs/explore.md): a second edge arriving while the guest holds the first
// active must not be lost.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { explore } from '../../src/explore/explorer.ts';
import { summarize } from '../../src/explore/report.ts';
import { loadScenarioFile } from '../../src/scenario/load.ts';

const FILE = 'scenarios/mapped-edge-spi.yaml';

test('mapped edge SPI under linux-7.0: no run up to 2 forced choices loses the second edge (44 states)', () => {
  const s = summarize(explore(loadScenarioFile(FILE), 'linux-7.0', { bound: 2 }));
  assert.deepEqual(s.violations, {});
  assert.equal(s.states, 44);
});

test('mapped edge SPI under linux-4.3: the second edge is lost in the default run', () => {
  const r = explore(loadScenarioFile(FILE), 'linux-4.3', { bound: 0 });
  assert.deepEqual(r.defaultViolations, ['expectations', 'lost-interrupt']);
});

test('mapped edge SPI under linux-4.2: one exit right after the second interrupt is taken loses it', () => {
  const r = explore(loadScenarioFile(FILE), 'linux-4.2', { bound: 1 });
  assert.deepEqual(r.defaultViolations, []);
  const cx = r.counterexamples['lost-interrupt'];
  assert.ok(cx);
  assert.equal(cx.forced, 1);
  assert.match(cx.message, /INTID 40 1 time\(s\); the reference 2/);
  assert.deepEqual(
    cx.steps.map((st) => [st.kind, st.t, st.at, st.hit]),
    [['exit', 700, 'irq (0x40081000)', 2]],
  );
});
