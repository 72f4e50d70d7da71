// Mutants for testing the explorer (src/hyp/generation/mutants.ts): each is
// linux-7.0 with one deliberate bug, selected as `mutant:<id>`; each has a
// small scenario in test/fixtures/mutants/<id>.yaml whose fixed timing
// (its host: events, or the guest's own WFI / register write) makes that
// mutant go visibly wrong while linux-7.0 passes.

import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import {
  expectedVerdict,
  GENERATION_KEYS,
  GENERATION_OR_ALIAS,
  GENERATIONS,
  generationByName,
  MUTANT_IDS,
  MUTANT_NAMES,
  mutantIdOf,
} from '../../../src/hyp/generation/index.ts';
import { loadScenarioFile } from '../../../src/scenario/index.ts';
import { runScenario, type ScenarioRun } from '../../../src/scenario/run.ts';
import { runCli } from '../../cli/in-process.ts';

const DIR = join(fileURLToPath(new URL('.', import.meta.url)), '../../fixtures/mutants');
const fixture = (id: string): string => join(DIR, `${id}.yaml`);

/** INTIDs each vcpu acknowledged, in order. */
function acks(r: ScenarioRun): number[] {
  return r.acks.map((a) => a.intid);
}

/** What each mutant's scenario sees under linux-7.0 (= hardware) and under the mutant. */
const SEEN: Record<(typeof MUTANT_IDS)[number], { good: number[]; bad: number[] }> = {
  'vgic-sync-first': { good: [27], bad: [] },
  'keep-phys-active': { good: [27], bad: [] },
  'no-eoi-maintenance': { good: [40, 40], bad: [40] },
  'no-resample-after-deactivate': { good: [27, 27], bad: [27] },
  'sgi-ispendr-writable': { good: [], bad: [1] },
  'no-level-reeval-on-enable': { good: [40], bad: [] },
  'lost-kick': { good: [40], bad: [] },
  'pmu-no-kick': { good: [23], bad: [] },
};

describe('mutant registry', () => {
  it('every mutant is linux-7.0 with exactly its own mutation, named mutant:<id>', () => {
    const base = GENERATIONS['linux-7.0'];
    assert.equal(MUTANT_NAMES.length, MUTANT_IDS.length);
    for (const id of MUTANT_IDS) {
      const g = generationByName(`mutant:${id}`);
      assert.equal(g.name, `mutant:${id}`);
      assert.deepEqual([...(g.mutations ?? [])], [id]);
      assert.equal(g.vgic, base.vgic);
      assert.equal(g.timer, base.timer);
      assert.equal(g.api, base.api);
      assert.equal(generationByName(`mutant:${id}`), g, 'built once');
      assert.equal(mutantIdOf(`mutant:${id}`), id);
      assert.ok(g.summary.startsWith('linux-7.0 with a deliberate bug: ') && !g.summary.includes('\n'));
    }
    assert.deepEqual(generationByName('mutant:vgic-sync-first').order, {
      timerFlush: 'after-vgic',
      timerSync: 'after-preempt-enable',
    });
    assert.throws(() => generationByName('mutant:nope'), /unknown generation 'mutant:nope'/);
    assert.equal(mutantIdOf('mutant:'), undefined);
    assert.equal(mutantIdOf('lost-kick'), undefined);
  });

  it('releases carry no mutation; mutants are not machine.policy names nor listed as generations', () => {
    for (const k of GENERATION_KEYS) assert.equal(GENERATIONS[k].mutations, undefined);
    for (const n of MUTANT_NAMES) {
      assert.ok(!(GENERATION_OR_ALIAS as readonly string[]).includes(n));
      assert.ok(!Object.keys(GENERATIONS).includes(n));
    }
  });

  it('every mutant has its scenario, which expects it to fail', () => {
    for (const id of MUTANT_IDS) {
      assert.ok(existsSync(fixture(id)), `missing ${fixture(id)}`);
      const s = loadScenarioFile(fixture(id));
      assert.equal(expectedVerdict(s.expect.verdicts, `mutant:${id}`), 'fail');
      assert.equal(expectedVerdict(s.expect.verdicts, 'linux-7.0'), 'pass');
    }
  });
});

describe('each mutant goes wrong on its scenario, linux-7.0 does not', () => {
  for (const id of MUTANT_IDS) {
    it(id, () => {
      const s = loadScenarioFile(fixture(id));
      const good = runScenario(s, { policy: 'linux-7.0' });
      assert.ok(good.passed, `linux-7.0 fails ${id}.yaml`);
      assert.deepEqual(acks(good), SEEN[id].good);
      const bad = runScenario(s, { policy: `mutant:${id}` });
      assert.equal(bad.passed, false, `mutant:${id} passes its own scenario`);
      assert.deepEqual(acks(bad), SEEN[id].bad);
      // deterministic: the same run twice gives the same acknowledgements and costs
      const again = runScenario(s, { policy: `mutant:${id}` });
      assert.deepEqual(again.acks, bad.acks);
      assert.deepEqual(again.costs, bad.costs);
    });
  }
});

describe('the command line', () => {
  it('run --policy and compare --policies take mutant names and check their verdicts; --help does not list them', () => {
    const r = runCli([
      'compare',
      fixture('lost-kick'),
      '--policies',
      'linux-7.0,mutant:lost-kick',
      '--check-verdicts',
    ]);
    assert.equal(r.code, 0, r.err);
    assert.match(r.out, /mutant:lost-kick\s+FAIL/);
    const bad = runCli(['compare', fixture('lost-kick'), '--policies', 'mutant:nope']);
    assert.equal(bad.code, 2);
    assert.match(bad.err, /unknown generation 'mutant:nope'/);
    const run = runCli([
      'run',
      fixture('lost-kick'),
      '--policy',
      'mutant:lost-kick',
      '--check-verdicts',
      '-q',
    ]);
    assert.equal(run.code, 0, run.err);
    assert.equal(runCli(['run', fixture('lost-kick'), '--policy', 'mutant:nope']).code, 2);
    const help = runCli(['--help']);
    assert.match(help.out, /trap-timer/);
    assert.doesNotMatch(help.out, /mutant/);
  });
});
