// The seed scenario (npm start: scenarios/seed-two-exits.yaml) explored with
// the explorer placing the exits itself (the scenario's own are left out).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { explore } from '../../src/explore/explorer.ts';
import { summarize } from '../../src/explore/report.ts';
import { loadScenarioFile } from '../../src/scenario/load.ts';

const SEED = new URL('../../scenarios/seed-two-exits.yaml', import.meta.url).pathname;
const s = loadScenarioFile(SEED);

test('linux-4.2 (before the seed): the counterexample is the default run (0 forced choices: minimal), no exit saves it', () => {
  const r = explore(s, 'linux-4.2', { bound: 1 });
  const cx = r.counterexamples['spurious-delivery'];
  assert.ok(cx);
  assert.equal(cx.forced, 0);
  assert.match(cx.message, /acknowledged INTID 27 .*the reference had it pending=false/);
  assert.deepEqual(
    r.flips.filter((f) => !f.violations.includes('spurious-delivery')),
    [],
    'one exit anywhere never removes the spurious delivery',
  );
});

test('linux-7.0: exactly the residual window: one exit between (3) and (4) and only there avoids the delivery', () => {
  const r = explore(s, 'linux-7.0', { bound: 2 });
  assert.equal(r.counterexamples['spurious-delivery']?.forced, 0);
  const clean = r.flips.filter((f) => f.violations.length === 0).map((f) => f.step.at.split(' ')[0]);
  assert.deepEqual(clean, ['step3', 'step4']);
  // the exits after the interrupt is taken but before IAR: the guest takes an IRQ exception and reads 1023
  const late = r.flips
    .filter((f) => f.violations.join() === 'expectations')
    .map((f) => f.step.at.split(' ')[0]);
  assert.deepEqual(late, ['vectors+0x280', 'irq']);
});

test('linux-4.3: one exit in the window is not enough (the old vgic keeps the LR), two are', () => {
  const one = explore(s, 'linux-4.3', { bound: 1 });
  assert.deepEqual(
    one.flips.filter((f) => f.violations.length === 0),
    [],
  );
  const two = explore(s, 'linux-4.3', { bound: 2 });
  assert.ok(
    Object.values(two.finals).some((f) => f.violations.length === 0),
    'some run with two forced exits is clean',
  );
});

test('trap-timer: no violation in any run up to 2 forced choices', () => {
  const r = explore(s, 'trap-timer', { bound: 2 });
  assert.deepEqual(summarize(r).violations, {});
  assert.deepEqual(r.counterexamples, {});
});
