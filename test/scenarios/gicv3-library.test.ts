// The scenario library on GICv3 (scenarios/gicv3/*.yaml, issue 18): the
// GICv3 form of library scenarios (ICC_* system registers instead of GICC
// MMIO, redistributors for SGIs/PPIs, GICD_IROUTER for SPIs). Each runs
// under every generation and design with vgic-v3 and its overall verdict
// must be the one its `expect.verdicts` states, as in library.test.ts; a
// generation without vgic-v3 must refuse it (machine.gic, located; every
// generation has vgic-v3 now: linux-4.2/4.3 through the old vgic.c's
// vgic-v3 backend). Each file translates the v2 scenario of the same name
// and keeps its expectations (what hardware does), so the two libraries
// stay paired, and each generation's verdict on GICv3 is the one it has on
// GICv2 (the old generations' missing priorities fail the same files).

import assert from 'node:assert/strict';
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import {
  DESIGN_KEYS,
  expectedVerdict,
  GENERATION_KEYS,
  generationByName,
} from '../../src/hyp/generation/index.ts';
import { loadScenarioFile, ScenarioError } from '../../src/scenario/index.ts';
import { runScenario, type ScenarioRun } from '../../src/scenario/run.ts';

const LIB = join(fileURLToPath(new URL('.', import.meta.url)), '../../scenarios');
const DIR = join(LIB, 'gicv3');
const POLICIES = [...GENERATION_KEYS, ...DESIGN_KEYS];
const MIN_SCENARIOS = 30;

const files = readdirSync(DIR)
  .filter((f) => f.endsWith('.yaml') && !f.endsWith('.pending.yaml'))
  .sort();

function failing(r: ScenarioRun): string {
  const bad = r.verdicts.filter((v) => !v.ok);
  if (bad.length === 0) return '  (every verdict passed)';
  return bad
    .map(
      (v) => `  ${v.name}: expected ${v.expected}, seen ${v.seen}${v.t === undefined ? '' : ` (t=${v.t})`}`,
    )
    .join('\n');
}

describe('scenario library on GICv3', () => {
  it(`holds at least ${MIN_SCENARIOS} checked scenarios, each the GICv3 form of a v2 one`, () => {
    assert.ok(files.length >= MIN_SCENARIOS, `${files.length} scenarios: ${files.join(', ')}`);
    for (const f of files) assert.ok(existsSync(join(LIB, f)), `${f}: no scenarios/${f} it translates`);
  });

  for (const f of files) {
    describe(f, () => {
      const s = loadScenarioFile(join(DIR, f));
      it("expects of every generation the v2 file's verdict", () => {
        const v2 = loadScenarioFile(join(LIB, f));
        for (const policy of POLICIES)
          assert.equal(
            expectedVerdict(s.expect.verdicts, policy),
            expectedVerdict(v2.expect.verdicts, policy),
            `${f} under ${policy}`,
          );
      });
      it('is a GICv3 machine named gicv3-<v2 name>, checked against the reference', () => {
        assert.equal(s.machine.gic, 'v3');
        assert.equal(s.name, `gicv3-${f.replace(/\.yaml$/, '')}`);
        assert.equal(s.expect.divergence, 'none');
      });
      for (const policy of POLICIES) {
        const want = expectedVerdict(s.expect.verdicts, policy);
        it(`${policy}: ${want}`, () => {
          if (generationByName(policy).vgicV3 !== true) {
            // the file says so, and the refusal is located at machine.gic
            assert.equal(
              want,
              'rejected',
              `${f}: ${policy} has no vgic-v3, so expect.verdicts says rejected`,
            );
            assert.throws(
              () => runScenario(s, { policy }),
              (e: unknown) =>
                e instanceof ScenarioError &&
                e.message.includes(`${f}:`) &&
                e.message.includes(`machine.gic: ${generationByName(policy).name} has no vgic-v3`),
            );
            return;
          }
          const r = runScenario(s, { policy });
          const got = r.passed ? 'pass' : 'fail';
          assert.equal(
            got,
            want,
            `${f} under ${policy}: ${got}, expected ${want}; failing verdicts:\n${failing(r)}`,
          );
        });
      }
    });
  }

  it("the seed's bug shows on GICv3 under linux-4.2 as on GICv2, and is fixed under linux-4.3", () => {
    const v3 = loadScenarioFile(join(DIR, 'seed-two-exits.yaml'));
    const v2 = loadScenarioFile(join(LIB, 'seed-two-exits.yaml'));
    // the same verdicts fail (the divergence's instant and pc differ: the guests differ)
    const bad = (r: ScenarioRun) => r.verdicts.filter((v) => !v.ok).map((v) => v.name);
    const r3 = runScenario(v3, { policy: 'linux-4.2' });
    assert.equal(r3.passed, false);
    assert.deepEqual(bad(r3), bad(runScenario(v2, { policy: 'linux-4.2' })));
    assert.equal(runScenario(v3, { policy: 'linux-4.3' }).passed, true);
  });

  it('seed-masked-enable-disable twice under linux-7.0 gives identical results', () => {
    const s = loadScenarioFile(join(DIR, 'seed-masked-enable-disable.yaml'));
    const a = runScenario(s, { policy: 'linux-7.0' });
    const b = runScenario(s, { policy: 'linux-7.0' });
    assert.deepEqual(
      { acks: b.acks, ticks: b.ticks, instructions: b.instructions, costs: b.costs, verdicts: b.verdicts },
      { acks: a.acks, ticks: a.ticks, instructions: a.instructions, costs: a.costs, verdicts: a.verdicts },
    );
  });
});
