// The host's own decisions (slice order, yield, migration) of an explored
// run, written as `choose` host events with machine.choices: default, make
// `vgicsim run` replay that very run (issue 15: every forced choice of a
// counterexample is a scenario event).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { counterexampleScenario } from '../../src/explore/counterexample.ts';
import { ExploreMachine } from '../../src/explore/explore-machine.ts';
import { type Counterexample, stepAt } from '../../src/explore/explorer.ts';
import { loadScenarioFile, parseScenario } from '../../src/scenario/load.ts';
import { runScenario } from '../../src/scenario/run.ts';

/**
 * Run `file` under the explorer forcing, one after the other, the option
 * `option` at the `nths`-th decisions of `kind` (counted in the default
 * run's log as it changes); return the run's outcome and its forced steps.
 */
function forced(file: string, kind: string, nths: readonly number[], option: number) {
  const s = loadScenarioFile(file);
  const m = new ExploreMachine(s, 'linux-7.0');
  let script: number[] = [];
  const positions: number[] = [];
  for (const nth of nths) {
    m.run(script);
    const c = m.chooser;
    let seen = 0;
    let p = -1;
    for (let i = 0; i < c.length; i++) if (c.kinds[i] === kind && ++seen === nth && i >= script.length) p = i;
    assert.ok(p >= 0, `${file}: a ${nth}-th ${kind} decision`);
    script = [...c.chosen.slice(0, p), option];
    positions.push(p);
  }
  m.run(script);
  const steps = positions.map((p) => stepAt(m, p));
  const outcome = {
    ticks: m.vm.board.kernel.now,
    acks: m.vm.acks.entries.map((a) => [a.t, a.cycle, a.cpu, a.intid]),
    uart: m.vm.board.uart.outputText(),
  };
  const cx: Counterexample = {
    script,
    forced: steps.length,
    instructions: 0,
    ticks: outcome.ticks,
    message: '',
    steps,
    violations: [],
  };
  return {
    s,
    outcome,
    cx,
    defaultRun: () => {
      m.run([]);
      return m.vm.acks.entries.map((a) => [a.t, a.cycle, a.cpu, a.intid]);
    },
  };
}

function replay(r: ReturnType<typeof forced>, name: string) {
  const written = counterexampleScenario(r.s, 'linux-7.0', 'expectations', r.cx);
  assert.equal(written.complete, true);
  assert.match(written.yaml, /choices: default/);
  const run = runScenario(parseScenario(written.yaml, name));
  return {
    yaml: written.yaml,
    outcome: {
      ticks: run.ticks,
      acks: run.acks.map((a) => [a.t, a.cycle, a.cpu, a.intid]),
      uart: run.uart,
    },
  };
}

test('timeshare-timers (2 vcpus on 1 physical cpu): forced yields (run on instead of giving way) replay under run', () => {
  const r = forced('scenarios/timeshare-timers.yaml', 'yield', [2, 5], 1);
  assert.deepEqual(
    r.cx.steps.map((st) => [st.kind, st.chosen]),
    [
      ['yield', 1],
      ['yield', 1],
    ],
  );
  // the choices matter: the interleaving of the two vcpus' ticks differs from the default run's
  assert.notDeepEqual(r.outcome.acks, r.defaultRun());
  const p = replay(r, 'timeshare-cx.yaml');
  assert.match(p.yaml, /choose:\s+kind: yield\s+option: 1/);
  assert.deepEqual(p.outcome, r.outcome);
});

test('sgi-ping-pong (2 vcpus, 2 physical cpus): a forced slice order (vcpu 1 first) replays under run', () => {
  const r = forced('scenarios/sgi-ping-pong.yaml', 'slice-order', [1], 1);
  assert.deepEqual(
    r.cx.steps.map((st) => [st.kind, st.chosen, st.nth]),
    [['slice-order', 1, 1]],
  );
  assert.notDeepEqual(r.outcome.acks, r.defaultRun());
  const p = replay(r, 'ping-pong-cx.yaml');
  assert.match(p.yaml, /choose:\s+kind: slice-order\s+option: 1/);
  assert.deepEqual(p.outcome, r.outcome);
});
