// physActiveAfterSync follows a vcpu to the physical cpu it runs on: the
// GIC's records name physical cpus, the vgic's name vcpus.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { physActiveAfterSync } from '../../src/explore/trace-checks.ts';
import type { TraceRecord } from '../../src/sim/trace/records.ts';
import { runScenario } from '../../src/scenario/run.ts';
import { loadScenarioFile } from '../../src/scenario/index.ts';
import { MemorySink } from '../../src/sim/trace/sink.ts';
import { fileURLToPath } from 'node:url';

const phys = (t: number, cpu: number, active: boolean): TraceRecord => ({
  kind: 'irq',
  t,
  cpu,
  gic: 'phys',
  intid: 27,
  pending: false,
  active,
});
const sync = (t: number, cpu: number): TraceRecord => ({
  kind: 'vgic-sync',
  t,
  cpu,
  usedLrs: 1,
  misr: 0,
  eisr: 0,
});
const guest = (t: number, cpu: number, pcpu: number): TraceRecord => ({
  kind: 'vcpu',
  t,
  cpu,
  state: 'guest',
  pcpu,
});
const hyp = (t: number, cpu: number): TraceRecord => ({ kind: 'vcpu', t, cpu, state: 'hyp' });

describe('physActiveAfterSync with vcpus on other physical cpus', () => {
  it('a sync of vcpu 0 running on pcpu 1 is judged by pcpu 1', () => {
    const left = [guest(1, 0, 1), phys(2, 1, true), hyp(3, 0), sync(3, 0), guest(4, 0, 1)];
    assert.equal(physActiveAfterSync(left).length, 1, 'pcpu 1 still active after the sync');
    const cleared = [
      guest(1, 0, 1),
      phys(2, 1, true),
      hyp(3, 0),
      sync(3, 0),
      phys(3, 1, false),
      guest(4, 0, 1),
    ];
    assert.deepEqual(physActiveAfterSync(cleared), []);
    // pcpu 0's state is not vcpu 0's once it runs elsewhere
    const other = [phys(0, 0, true), guest(1, 0, 1), hyp(3, 0), sync(3, 0), guest(4, 0, 1)];
    assert.deepEqual(physActiveAfterSync(other), []);
  });

  it('the library scenarios that migrate and time-share hold it under linux-7.0', () => {
    for (const name of ['timer-migrate.yaml', 'timeshare-timers.yaml', 'preempt-between-syncs.yaml']) {
      const s = loadScenarioFile(fileURLToPath(new URL(`../../scenarios/${name}`, import.meta.url)));
      const sink = new MemorySink();
      runScenario(s, { policy: 'linux-7.0', trace: sink });
      assert.deepEqual(physActiveAfterSync(sink.records), [], name);
    }
  });
});
