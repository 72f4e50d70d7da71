// Translation (src/hw/cpu/jit) on a Linux boot: scenarios/linux/linux-busybox.yaml
// (1 vcpu) boots to power-off with translation off and on; the console, the
// run's results and the trace records of the first virtual second (a
// WindowSink, hashed) must be identical. The wall time of each boot is
// reported as a test diagnostic (issue 16's "Linux boot on and off").

import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { describe, it } from 'node:test';
import { loadScenarioFile } from '../../src/scenario/index.ts';
import { runScenario } from '../../src/scenario/run.ts';
import { MemorySink, WindowSink } from '../../src/sim/trace/sink.ts';
import { cacheProblem, SCENARIOS } from './guest.ts';

/** The trace window: the first virtual second at the scenario's 62.5 MHz counter. */
const WINDOW_TICKS = 62_500_000;

function boot(jit: boolean): {
  seconds: number;
  hash: string;
  records: number;
  digest: string;
  uart: string;
} {
  const mem = new MemorySink();
  const sink = new WindowSink(mem, 0, WINDOW_TICKS);
  const t0 = performance.now();
  const r = runScenario(loadScenarioFile(SCENARIOS.up), {
    trace: sink,
    onVm: (vm) => {
      vm.board.decodeCache.jit = jit;
    },
  });
  const seconds = (performance.now() - t0) / 1000;
  const text = JSON.stringify(mem.records, (_k, v) => (typeof v === 'bigint' ? `${v}n` : v));
  return {
    seconds,
    hash: createHash('sha256').update(text).digest('hex'),
    records: mem.records.length,
    uart: r.uart,
    digest: JSON.stringify({
      end: r.end,
      ticks: r.ticks,
      instructions: r.instructions,
      exceptions: r.exceptions,
      acks: r.acks,
      verdicts: r.verdicts,
      costs: r.costs,
    }),
  };
}

describe('scenarios/linux/linux-busybox.yaml with translation off and on', () => {
  it('the same console, results and trace hash over the first virtual second', (t) => {
    const problem = cacheProblem();
    if (problem !== undefined) assert.fail(problem);
    const off = boot(false);
    const on = boot(true);
    t.diagnostic(
      `boot wall time: translation off ${off.seconds.toFixed(1)} s, on ${on.seconds.toFixed(1)} s`,
    );
    assert.ok(off.records > 0, 'the window traced nothing');
    assert.equal(on.uart, off.uart, 'console');
    assert.equal(on.digest, off.digest, 'results');
    assert.equal(on.records, off.records, 'trace record count');
    assert.equal(on.hash, off.hash, 'trace hash');
  });
});
