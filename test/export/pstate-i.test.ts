// PSTATE.I in the trace (hyp/vm.ts): the line vcpu<N>.pstate_i follows the
// guest's MSR DAIFSet/DAIFClr, exception entry and ERET, in time order, and
// reaches the VCD (a wire), Perfetto (a counter) and the HTML waveform (a track).

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { buildWaveform } from '../../src/export/html/index.ts';
import { writePerfetto } from '../../src/export/perfetto.ts';
import { writeVcd } from '../../src/export/vcd.ts';
import { loadScenarioFile } from '../../src/scenario/index.ts';
import { runScenario } from '../../src/scenario/run.ts';
import type { LineRecord } from '../../src/sim/trace/records.ts';
import { MemorySink } from '../../src/sim/trace/sink.ts';

const SEED = 'scenarios/seed-two-exits.yaml';

function traced(policy: string) {
  const s = loadScenarioFile(SEED);
  const sink = new MemorySink();
  const run = runScenario(s, { policy, trace: sink });
  return { s, run, records: sink.records };
}

describe('PSTATE.I in the trace', () => {
  it('starts masked, is cleared before the guest takes INTID 27, set by the IRQ entry, cleared by its ERET', () => {
    const { records } = traced('linux-4.2');
    const pi = records.filter((r): r is LineRecord => r.kind === 'line' && r.signal === 'vcpu0.pstate_i');
    assert.deepEqual(
      pi.map((r) => r.level),
      pi.map((_, i) => i % 2 === 0),
      'alternates, from the reset value (masked)',
    );
    assert.ok(pi.length >= 4, `${pi.length} changes`);
    assert.equal(pi[0].t, 0);
    // the guest acknowledges INTID 27 (GICV_IAR) while IRQs are masked by the exception entry
    // (entry, IAR and ERET fall in one tick: the order of the records is the order of the events)
    const ack = records.findIndex((r) => r.kind === 'ack' && r.gic === 'virt' && r.intid === 27);
    const before = pi.filter((r) => records.indexOf(r) < ack);
    assert.equal(before[before.length - 1].level, true, 'masked at the acknowledgement (in the handler)');
    assert.ok(
      before.some((r) => !r.level),
      'unmasked (msr daifclr) before the interrupt was taken',
    );
    // every record in time order (a cpu's own instant is sorted into the trace)
    for (let i = 1; i < records.length; i++) assert.ok(records[i - 1].t <= records[i].t, `record ${i}`);
  });

  it('reaches the VCD as vcpu0.pstate_i, Perfetto as a counter, the waveform as a track; byte-identical twice', () => {
    const a = traced('linux-7.0');
    const b = traced('linux-7.0');
    const o = { counterHz: a.s.machine.counterHz, endTicks: a.run.ticks };
    const vcd = writeVcd(a.records, o);
    assert.match(vcd, /\$scope module vcpu0 \$end[\s\S]*\$var wire 1 \S+ pstate_i \$end/);
    assert.equal(vcd, writeVcd(b.records, o));
    assert.match(writePerfetto(a.records, o), /"name":"PSTATE.I vcpu0","ph":"C"/);
    const w = buildWaveform(a.records, a.run.ticks);
    const tr = w.tracks.find((t) => t.key === 'vcpu0.pstate_i');
    assert.ok(tr);
    assert.equal(tr.label, 'vcpu0 PSTATE.I (1: IRQs masked)');
    const keys = w.tracks.map((t) => t.key);
    assert.ok(keys.indexOf('cpu0.virq') < keys.indexOf('vcpu0.pstate_i'));
    assert.ok(keys.indexOf('vcpu0.pstate_i') < keys.indexOf('vcpu.0'));
  });
});
