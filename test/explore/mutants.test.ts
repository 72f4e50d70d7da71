// The explorer catches every mutant of hyp/generation (linux-7.0 with one
// deliberate bug) on the mutant's own small scenario (test/fixtures/mutants):
// some property the mutant violates that linux-7.0 does not, at bound 1.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { explore } from '../../src/explore/explorer.ts';
import { summarize } from '../../src/explore/report.ts';
import { MUTANT_IDS } from '../../src/hyp/generation/names.ts';
import { loadScenarioFile } from '../../src/scenario/load.ts';

const DIR = new URL('../fixtures/mutants/', import.meta.url).pathname;

for (const id of MUTANT_IDS)
  test(`mutant:${id} is caught`, () => {
    const s = loadScenarioFile(`${DIR}${id}.yaml`);
    const bad = summarize(explore(s, `mutant:${id}`, { bound: 1 })).violations;
    const good = summarize(explore(s, 'linux-7.0', { bound: 1 })).violations;
    const caught = Object.keys(bad).filter(
      (p) => (bad as Record<string, number>)[p] > ((good as Record<string, number>)[p] ?? 0),
    );
    assert.ok(caught.length > 0, `mutant ${JSON.stringify(bad)} vs linux-7.0 ${JSON.stringify(good)}`);
  });
