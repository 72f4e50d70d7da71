import assert from 'node:assert/strict';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { MemorySink } from '../../src/sim/trace/sink.ts';
import { loadScenarioFile } from '../../src/scenario/index.ts';
import { runScenario } from '../../src/scenario/run.ts';

const repro = (name: string) => loadScenarioFile(join(import.meta.dirname, 'repro', name));

describe('reproducers found by the property tests (regressions)', () => {
  for (const name of [
    'reference-wfi-lag.yaml',
    'timer-deadline-after-entry.yaml',
    'phys-active-disabled-timer.yaml',
  ])
    for (const policy of ['level', 'legacy-edge'])
      it(`${name} gets its expected verdict under ${policy}`, () => {
        const s = repro(name);
        const expected = (s.expect.verdicts as Record<string, string> | undefined)?.[policy] ?? 'pass';
        const r = runScenario(s, { policy });
        const why = r.verdicts
          .filter((v) => !v.ok)
          .map((v) => `${v.name}: ${v.seen}`)
          .join('; ');
        assert.equal(r.passed ? 'pass' : 'fail', expected, why);
      });

  it('the seed sets the physical active state at flush for a high timer line the guest has disabled (kvm_timer_flush_hwstate)', () => {
    const sink = new MemorySink();
    runScenario(repro('phys-active-disabled-timer.yaml'), { policy: 'level', trace: sink });
    // After the first sync that follows the line going high, PPI 27 is physically active at every later sync.
    let active = false;
    let syncsWhileActive = 0;
    for (const r of sink.records) {
      if (r.kind === 'irq' && r.gic === 'phys' && r.intid === 27) active = r.active;
      if (r.kind === 'vgic-sync' && active) syncsWhileActive++;
    }
    assert.ok(syncsWhileActive >= 2, `physical 27 active at ${syncsWhileActive} syncs`);
  });
});
