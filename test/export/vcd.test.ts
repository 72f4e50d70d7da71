import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { writeText } from '../../src/export/text.ts';
import { vcdTimescale, writeVcd } from '../../src/export/vcd.ts';
import type { TraceRecord } from '../../src/sim/trace/records.ts';

const recs: TraceRecord[] = [
  { t: 0, cpu: 0, kind: 'line', signal: 'cpu0.cntv', level: true },
  { t: 5, cpu: 0, kind: 'irq', gic: 'phys', intid: 27, pending: true, active: false },
  { t: 5, cpu: 0, kind: 'ack', gic: 'phys', intid: 27 },
  { t: 9, cpu: 0, kind: 'irq', gic: 'phys', intid: 27, pending: false, active: true },
  { t: 9, cpu: 0, kind: 'line', signal: 'cpu0.cntv', level: false },
];

describe('VCD writer', () => {
  it('chooses a timescale where a tick is integral', () => {
    assert.deepEqual(vcdTimescale(62_500_000), { unit: 'ns', unitsPerTick: 16, exact: true });
    assert.deepEqual(vcdTimescale(24_000_000), { unit: 'fs', unitsPerTick: 41_666_667, exact: false });
    assert.deepEqual(vcdTimescale(100_000_000), { unit: 'ns', unitsPerTick: 10, exact: true });
  });

  it('declares scoped wires and writes changes at tick * unit', () => {
    const v = writeVcd(recs, { counterHz: 62_500_000, endTicks: 20 });
    assert.match(v, /\$timescale 1 ns \$end/);
    assert.match(v, /\$scope module cpu0 \$end\n\$var wire 1 \S+ cntv \$end/);
    assert.match(v, /\$scope module phys \$end\n\$scope module cpu0 \$end\n\$scope module intid27 \$end/);
    const lines = v.split('\n');
    const idOf = (name: string) =>
      lines.find((l) => l.startsWith('$var') && l.includes(` ${name} `))!.split(' ')[3];
    const cntv = idOf('cntv');
    const pending = idOf('pending');
    // cntv rises at time 0 (dumpvars holds 0 then #0 change), pending at 5*16, falls at 9*16
    assert.ok(v.includes(`#80\n1${pending}`));
    assert.ok(v.includes(`#144\n0${pending}`));
    assert.ok(v.includes(`0${cntv}`));
    // the dump runs a little past endTicks (20 + 1 ticks) so the last changes are visible
    assert.ok(v.trimEnd().endsWith('#336'));
  });

  it('is byte-identical for identical input', () => {
    assert.equal(writeVcd(recs, { counterHz: 62_500_000 }), writeVcd([...recs], { counterHz: 62_500_000 }));
  });

  it('text trace puts time first, one line per record', () => {
    const t = writeText(recs).split('\n').filter(Boolean);
    assert.equal(t.length, recs.length);
    assert.match(t[2], /^\s+5 cpu0\s+ack\s+phys intid=27$/);
  });
});
