// Translation (src/hw/cpu/jit) changes nothing a run shows: every library
// scenario (scenarios/*.yaml) under its own policy, run with translation
// off and on (every slot translated at its first entry, VGICSIM_JIT_HOT=0's
// setting, so no code stays interpreted), gives byte-identical trace records
// and the same results (time, instructions, console, acks, verdicts, costs).

import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import type { DecodeCache } from '../../src/hw/cpu/decode-cache.ts';
import { loadScenarioFile } from '../../src/scenario/index.ts';
import { runScenario } from '../../src/scenario/run.ts';
import { MemorySink } from '../../src/sim/trace/sink.ts';

const DIR = join(fileURLToPath(new URL('.', import.meta.url)), '../../scenarios');
const files = readdirSync(DIR)
  .filter((f) => f.endsWith('.yaml') && !f.endsWith('.pending.yaml'))
  .sort();

function run(file: string, jit: boolean): { hash: string; records: number; digest: string; blocks: number } {
  const s = loadScenarioFile(join(DIR, file));
  const sink = new MemorySink();
  let blocks = 0;
  const caches: DecodeCache[] = [];
  const r = runScenario(s, {
    trace: sink,
    onVm: (vm) => {
      const cache = vm.board.decodeCache;
      cache.jit = jit;
      cache.jitHot = 0;
      cache.jitLoopsOnly = false;
      caches.push(cache);
    },
  });
  for (const c of caches) blocks += c.pagesTranslated();
  const text = JSON.stringify(sink.records, (_k, v) => (typeof v === 'bigint' ? `${v}n` : v));
  const digest = JSON.stringify({
    end: r.end,
    ticks: r.ticks,
    instructions: r.instructions,
    exceptions: r.exceptions,
    uart: r.uart,
    acks: r.acks,
    verdicts: r.verdicts,
    costs: r.costs,
    divergence: r.divergence,
    undef: r.undefinedInstructions,
  });
  return {
    hash: createHash('sha256').update(text).digest('hex'),
    records: sink.records.length,
    digest,
    blocks,
  };
}

describe('translation on and off: the scenario library', () => {
  let translatedSomewhere = 0;
  for (const f of files) {
    it(`${f}: identical traces and results`, () => {
      const off = run(f, false);
      const on = run(f, true);
      assert.equal(off.blocks, 0);
      translatedSomewhere += on.blocks;
      assert.equal(on.records, off.records, `${f}: trace record counts`);
      assert.equal(on.hash, off.hash, `${f}: trace hashes`);
      assert.equal(on.digest, off.digest, `${f}: results`);
    });
  }
  it('translated code in the runs above (the comparison is not vacuous)', () => {
    assert.ok(translatedSomewhere > 0);
  });
});
