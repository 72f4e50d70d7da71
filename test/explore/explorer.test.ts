// The explorer on small scenarios whose choice trees are counted by hand.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { forcedChoices } from '../../src/explore/choice-tree.ts';
import { type ExploreStats, explore } from '../../src/explore/explorer.ts';
import { ExploreMachine } from '../../src/explore/explore-machine.ts';
import { summarize } from '../../src/explore/report.ts';
import { RunChecks } from '../../src/explore/run-checks.ts';
import { counterexampleScenario } from '../../src/explore/counterexample.ts';
import { loadScenarioFile, parseScenario } from '../../src/scenario/load.ts';
import { runScenario } from '../../src/scenario/run.ts';

const FIX = new URL('../fixtures/explore/', import.meta.url).pathname;
const stats = (): ExploreStats => ({ executed: 0, merged: 0, instructions: 0, seconds: 0 });

test('no-irq: 3 choice points; forced exits only refresh the saved VMCR copy (hand count)', () => {
  const s = loadScenarioFile(`${FIX}no-irq.yaml`);
  // k=0: decisions after daifset, daifclr, hvc (3 states) + the final state.
  const st0 = stats();
  const r0 = explore(s, 'linux-7.0', { bound: 0 }, st0);
  assert.deepEqual(summarize(r0), {
    runs: 1,
    states: 4,
    violations: {},
    exitsPerIrq: null,
    exitsPerRun: { mean: 1, max: 1 },
  });
  assert.equal(st0.executed, 1);
  // k=1: an exit after daifset makes the vgic's VMCR copy current (before the first
  // exit it is the reset value, the hardware holding the live one): 2 new states (at
  // daifclr and hvc). An exit after daifclr reaches hvc's new state: merged. An exit
  // after hvc coincides with the hvc's own exit: the same final state.
  const st1 = stats();
  const r1 = explore(s, 'linux-7.0', { bound: 1 }, st1);
  assert.deepEqual(summarize(r1), {
    runs: 1,
    states: 6,
    violations: {},
    exitsPerIrq: null,
    exitsPerRun: { mean: 1, max: 1 },
  });
  assert.deepEqual([st1.executed, st1.merged], [4, 1]);
  // k=2: below the first run, exit after daifclr merges, exit after hvc ends in the same state.
  const st2 = stats();
  const r2 = explore(s, 'linux-7.0', { bound: 2 }, st2);
  assert.deepEqual(summarize(r2), summarize(r1));
  assert.deepEqual([st2.executed, st2.merged], [6, 2]);
  assert.deepEqual(r2.counterexamples, {});
});

test('tiny-window under linux-7.0: the residual window is exactly the exits between (3) and (4)', () => {
  const s = loadScenarioFile(`${FIX}tiny-window.yaml`);
  const r = explore(s, 'linux-7.0', { bound: 1 });
  // The default run (no forced choice) takes INTID 27 at (4): the minimal counterexample has 0 forced choices.
  assert.deepEqual(r.defaultViolations, ['expectations', 'spurious-delivery']);
  assert.equal(r.counterexamples['spurious-delivery']?.forced, 0);
  assert.deepEqual(r.counterexamples['spurious-delivery']?.steps, []);
  // 16 choice points in the default run, one forced exit each; what changes the outcome:
  const flips = r.flips.map((f) => [f.step.at.split(' ')[0], f.violations.join('+') || 'none']);
  assert.deepEqual(flips, [
    ['step3', 'none'], // after the disable: the sync sees the line low, the LR goes
    ['step4', 'none'], // after the unmask, before the IRQ is taken: the same
    ['vectors+0x280', 'expectations'], // the IRQ was taken; the exit drops the LR: IAR reads 1023
    ['irq', 'expectations'],
  ]);
  // three distinct runs: the spurious delivery, the spurious IRQ exception, the clean one
  assert.deepEqual(summarize(r).violations, { 'spurious-delivery': 1, expectations: 2 });
  assert.equal(summarize(r).runs, 3);
});

test('tiny-window under linux-4.2: no single exit helps (the edge stays latched)', () => {
  const s = loadScenarioFile(`${FIX}tiny-window.yaml`);
  const r = explore(s, 'linux-4.2', { bound: 1 });
  assert.equal(r.counterexamples['spurious-delivery']?.forced, 0);
  assert.deepEqual(
    r.flips.filter((f) => !f.violations.includes('spurious-delivery')).map((f) => f.step.at),
    [],
  );
});

test('state merging is sound: the same final states as the tree without it (tiny-window, k=2)', () => {
  const s = loadScenarioFile(`${FIX}tiny-window.yaml`);
  const r = explore(s, 'linux-7.0', { bound: 2 });
  // every script with <= 2 forced choices, run to its end, no merging
  const m = new ExploreMachine(s, 'linux-7.0');
  const checks = new RunChecks(m);
  const finals = new Map<string, string>();
  let level: number[][] = [[]];
  for (let depth = 0; depth <= 2; depth++) {
    const next: number[][] = [];
    for (const script of level) {
      const run = m.run(script);
      finals.set(m.stateHash(), [...new Set(checks.check(run.end).map((v) => v.property))].sort().join());
      if (forcedChoices(script) === 2) continue;
      const log = m.chooser.chosen.slice(0, m.chooser.length);
      for (let p = script.length; p < log.length; p++) next.push([...log.slice(0, p), 1]);
    }
    level = next;
  }
  assert.deepEqual([...finals.keys()].sort(), Object.keys(r.finals));
  for (const [h, v] of finals) assert.equal(r.finals[h].violations.join(), v);
});

test('the same exploration twice gives the same result', () => {
  const s = loadScenarioFile(`${FIX}tiny-window.yaml`);
  const a = explore(s, 'linux-4.3', { bound: 2 });
  const b = explore(s, 'linux-4.3', { bound: 2 });
  assert.deepEqual(a, b);
});

test('--max-states ends with a partial result that says what was not covered', () => {
  const s = loadScenarioFile(`${FIX}tiny-window.yaml`);
  const r = explore(s, 'linux-7.0', { bound: 2, maxStates: 25 });
  assert.ok(r.partial);
  assert.match(r.partial.reason, /--max-states 25/);
  assert.match(
    r.partial.notCovered,
    /run\(s\) with 1 forced choice\(s\) not run; runs with 2\.\.2 forced choices not explored/,
  );
});

test('a host event window: one decision with one option per tick; each instant its own run, none diverges', () => {
  const s = loadScenarioFile(`${FIX}spi-window.yaml`);
  const st = stats();
  const r = explore(s, 'linux-7.0', { bound: 1 }, st);
  const m = new ExploreMachine(s, 'linux-7.0');
  m.run([]);
  const w = m.chooser.kinds.indexOf('window');
  assert.ok(w >= 0);
  assert.equal(m.chooser.options[w], 4);
  // and right after the event fired (the line raised), a forced exit is a choice of its own
  assert.equal(m.chooser.kinds[w + 1], 'exit-at-event');
  assert.deepEqual(summarize(r).violations, {});
  // the SPI acknowledged at 4 different instants: 4 distinct ends (and no forced exit changes that)
  assert.equal(summarize(r).runs, 4);
  for (const f of Object.values(r.finals)) assert.equal(f.acks, 1);
});

test('resuming runs from mid-run snapshots gives exactly the result of replaying them from the start', () => {
  const cases: [string, string, number][] = [
    [`${FIX}tiny-window.yaml`, 'linux-4.3', 2],
    [`${FIX}spi-window.yaml`, 'linux-7.0', 2],
    [new URL('../../scenarios/sgi-ping-pong.yaml', import.meta.url).pathname, 'linux-7.0', 1],
    [new URL('../../scenarios/timer-migrate.yaml', import.meta.url).pathname, 'linux-7.0', 1],
  ];
  for (const [file, generation, bound] of cases) {
    const s = loadScenarioFile(file);
    const replay = stats();
    const resume = stats();
    const a = explore(s, generation, { bound, resume: false }, replay);
    const b = explore(s, generation, { bound }, resume);
    assert.deepEqual(b, a, file);
    assert.equal(resume.executed, replay.executed, file);
    // the snapshots were used, and the instructions before them not executed again
    assert.ok((resume.resumed ?? 0) > 0 && (resume.snapshots ?? 0) > 0, file);
    assert.equal(replay.resumed ?? 0, 0);
    assert.ok(
      resume.instructions < replay.instructions,
      `${file}: ${resume.instructions} < ${replay.instructions}`,
    );
  }
});

test('host events due at one instant: their order is a choice; the counterexample lists them in the order they fired', () => {
  const s = loadScenarioFile(`${FIX}host-order.yaml`);
  const r = explore(s, 'linux-7.0', { bound: 1 });
  // scenario order (lower, raise): the SPI is taken; raised then lowered: nothing is delivered
  assert.deepEqual(r.defaultViolations, []);
  const cx = r.counterexamples.expectations;
  assert.ok(cx);
  assert.deepEqual(
    cx.steps.map((st) => [st.kind, st.t, st.pc, st.chosen, st.options]),
    [['host-order', 100, 0, 1, 2]],
  );
  assert.deepEqual(cx.hostOrder, [1, 0]);
  // the reference was fed the same order: no spurious or lost interrupt, only the expectation
  assert.deepEqual(summarize(r).violations, { expectations: 1 });
  const written = counterexampleScenario(s, 'linux-7.0', 'expectations', cx);
  assert.equal(written.complete, true);
  const replay = runScenario(parseScenario(written.yaml, 'host-order-cx.yaml'));
  assert.equal(replay.passed, false);
  // and the scenario as written (its own order) passes
  assert.equal(runScenario(s).passed, true);
});

test('a forced preemption (and migration) at an exit is written as a preempt host event that reproduces the run', () => {
  const s = loadScenarioFile(`${FIX}preempt-choice.yaml`);
  const m = new ExploreMachine(s, 'linux-4.2');
  m.run([]);
  const c = m.chooser;
  // the first preemption point: the exit of a GICD store; pcpu 1 free
  const p = c.kinds.indexOf('preempt');
  assert.equal(c.kinds[p + 1] === 'migrate', false); // asked only when preempted
  m.run([...c.chosen.slice(0, p), 1, 1]);
  assert.deepEqual([c.kinds[p], c.kinds[p + 1]], ['preempt', 'migrate']);
  assert.equal(c.whereVcpu[p], 0);
  assert.equal(c.whereAux[p + 1], 0b10);
  const want = { preemptions: m.vm.counters.preemptions, migrations: m.vm.counters.migrations };
  assert.deepEqual(want, { preemptions: 1, migrations: 1 });
  const ticks = m.vm.board.kernel.now;
  const acks = m.vm.acks.entries.map((a) => [a.t, a.intid]);
  const steps = [p, p + 1].map((pos) => ({
    pos,
    kind: c.kinds[pos],
    chosen: 1,
    options: c.options[pos],
    vcpu: c.whereVcpu[pos],
    pc: c.wherePc[pos],
    hit: c.whereHit[pos],
    t: c.whereT[pos],
    at: '',
    ...(c.kinds[pos] === 'migrate' ? { freeCpus: [1] } : {}),
  }));
  const cx = { script: [], forced: 2, instructions: 0, ticks, message: '', steps, violations: [] };
  const written = counterexampleScenario(s, 'linux-4.2', 'expectations', cx);
  assert.equal(written.complete, true);
  assert.match(written.yaml, /preempt:\s+vcpu: 0\s+migrateTo: 1\s+cycles: 10000/);
  assert.match(written.yaml, /choices: default/);
  const replay = runScenario(parseScenario(written.yaml, 'preempt-choice-cx.yaml'));
  assert.deepEqual(
    { preemptions: replay.costs.hyp.preemptions, migrations: replay.costs.hyp.migrations },
    want,
  );
  assert.equal(replay.ticks, ticks);
  assert.deepEqual(
    replay.acks.map((a) => [a.t, a.intid]),
    acks,
  );
});
