// The scenario library (scenarios/*.yaml): every scenario runs under every
// generation (and design) and its overall verdict must be the one its `expect.verdicts`
// states (absent = pass; an alias key counts for its generation). `*.pending.yaml` files reproduce known simulator
// bugs and are left out (docs/scenarios.md lists them).

import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { DESIGN_KEYS, expectedVerdict, GENERATION_KEYS } from '../../src/hyp/generation/index.ts';
import { loadScenarioFile } from '../../src/scenario/index.ts';
import { runScenario, type ScenarioRun } from '../../src/scenario/run.ts';

const DIR = join(fileURLToPath(new URL('.', import.meta.url)), '../../scenarios');
/** every release, and the designs built on them (trap-timer) */
const POLICIES = [...GENERATION_KEYS, ...DESIGN_KEYS];
const MIN_SCENARIOS = 21;

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

/** What a run produced, for comparing two runs. */
function digest(r: ScenarioRun): unknown {
  return {
    end: r.end,
    ticks: r.ticks,
    instructions: r.instructions,
    uart: r.uart,
    acks: r.acks,
    verdicts: r.verdicts,
    costs: r.costs,
    divergence: r.divergence,
  };
}

describe('scenario library', () => {
  it(`holds at least ${MIN_SCENARIOS} checked scenarios`, () => {
    assert.ok(files.length >= MIN_SCENARIOS, `${files.length} scenarios: ${files.join(', ')}`);
  });

  for (const f of files) {
    describe(f, () => {
      const s = loadScenarioFile(join(DIR, f));
      for (const policy of POLICIES) {
        const want = expectedVerdict(s.expect.verdicts, policy);
        it(`${policy}: ${want}`, () => {
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

  describe('determinism', () => {
    for (const f of ['lr-overflow-priorities.yaml', 'save-restore-active.yaml']) {
      it(`${f} twice under each policy gives identical results`, () => {
        const s = loadScenarioFile(join(DIR, f));
        for (const policy of POLICIES) {
          const a = runScenario(s, { policy });
          const b = runScenario(s, { policy });
          assert.deepEqual(digest(b), digest(a), `${f} under ${policy}`);
        }
      });
    }
  });
});
