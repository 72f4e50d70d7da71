// Host threads in scenarios: machine.pcpus, machine.preemptCycles and the
// `preempt` host event (issue 14). The library scenario
// preempt-between-syncs: the seed's guest goes wrong on linux-4.2 only when
// the host preempts the vcpu thread where 4.2's run loop has preemption
// enabled (between its vgic sync and its timer sync); 4.3 and 7.0 are right.

import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { writeText } from '../../src/export/text.ts';
import { writeVcd } from '../../src/export/vcd.ts';
import { GENERATIONS, type Generation } from '../../src/hyp/generation/index.ts';
import type { RunLoopOrder } from '../../src/hyp/generation/generation.ts';
import { vmGuest } from '../hyp/helpers/vm-guest.ts';
import { runScenario } from '../../src/scenario/run.ts';
import { MemorySink } from '../../src/sim/trace/sink.ts';
import { errorsOf, parse } from './helpers.ts';

const FILE = join(fileURLToPath(new URL('.', import.meta.url)), '../../scenarios/preempt-between-syncs.yaml');
const TEXT = readFileSync(FILE, 'utf8');
const PREEMPT = '    preempt: { vcpu: 0, migrateTo: 1, cycles: 10000 }\n';
const KEYS = ['linux-4.2', 'linux-4.3', 'linux-7.0'] as const;

/** The library scenario with its `preempt` event replaced by `event` (the trigger line stays). */
function variant(preempt: string | null): string {
  if (preempt !== null) return TEXT.replace(PREEMPT, preempt);
  return TEXT.replace(`  - after: { vcpu: 0, label: step2 }\n${PREEMPT}`, '');
}

describe('preemption between the syncs (scenarios/preempt-between-syncs.yaml)', () => {
  it('the scenario holds the preempt event this test rewrites', () => {
    assert.ok(TEXT.includes(PREEMPT));
    const s = parse(TEXT);
    assert.equal(s.machine.pcpus, 2);
    assert.deepEqual(s.host[0].action, { kind: 'preempt', vcpu: 0, migrateTo: 1, cycles: 10_000 });
  });

  for (const gen of KEYS) {
    const wrong = gen === 'linux-4.2';
    it(`${gen}: preempted and migrated after (2): ${wrong ? 'the guest takes a timer interrupt hardware never shows' : 'nothing delivered, as on hardware'}`, () => {
      const r = runScenario(parse(TEXT), { policy: gen });
      assert.equal(r.end, 'poweroff');
      assert.equal(r.passed, !wrong, r.verdicts.map((v) => `${v.name}: ${v.seen}`).join('; '));
      assert.equal(r.costs.hyp.migrations, 1);
      assert.equal(r.costs.hyp.preemptions, 1);
    });

    it(`${gen}: preempted without a migration: the same outcome (the preemption, not the move, matters)`, () => {
      const r = runScenario(parse(variant('    preempt: { vcpu: 0, cycles: 10000 }\n')), { policy: gen });
      assert.equal(r.passed, !wrong);
      assert.equal(r.costs.hyp.migrations, 0);
    });

    it(`${gen}: not preempted: right (the timer never expires before (3))`, () => {
      const r = runScenario(parse(variant(null)), { policy: gen });
      assert.equal(r.passed, true, r.verdicts.map((v) => `${v.name}: ${v.seen}`).join('; '));
      assert.equal(r.costs.hyp.preemptions, 0);
    });
  }

  it('a short preemption (the timer has not expired when 4.2 syncs it) leaves linux-4.2 right', () => {
    const r = runScenario(parse(variant('    preempt: { vcpu: 0, migrateTo: 1, cycles: 100 }\n')), {
      policy: 'linux-4.2',
    });
    assert.equal(r.passed, true);
  });
});

describe('what the preemption exposes: the edge of linux-4.2, not the position of its timer sync', () => {
  const asm = (() => {
    const g = parse(TEXT).guest;
    assert.ok(g.kind === 'vcpus' && g.vcpus[0]?.image.kind === 'asm');
    return g.vcpus[0].image.source.text;
  })();
  const SYNC_BEFORE_VGIC: RunLoopOrder = { timerFlush: 'before-vgic', timerSync: 'before-vgic' };
  const SYNC_AFTER_PREEMPT: RunLoopOrder = { timerFlush: 'before-vgic', timerSync: 'after-preempt-enable' };
  /** INTIDs the guest acknowledged, the scenario's events applied through the runner. */
  const acked = (generation: Generation, preempted: boolean) => {
    let g = vmGuest(asm).configure({ generation, pcpus: 2 });
    if (preempted) g = g.atLabel('step2', (x) => x.kvm.vm.preempt(0, 1, 10_000));
    return g.exitAfter('step3').exitAfter('step3b').run({ instructions: 200_000 }).acked();
  };
  const swapped = [
    ['linux-4.2 with its timer synced before the vgic', 'linux-4.2', SYNC_BEFORE_VGIC, [27]],
    ['linux-4.3 with its timer synced after preempt_enable()', 'linux-4.3', SYNC_AFTER_PREEMPT, []],
    ['linux-7.0 with its timer synced after preempt_enable()', 'linux-7.0', SYNC_AFTER_PREEMPT, []],
  ] as const;
  for (const [what, key, order, want] of swapped)
    it(`${what}: preempted, the same as its own order; not preempted, right`, () => {
      const g = { ...GENERATIONS[key], order };
      assert.deepEqual(acked(GENERATIONS[key], true), want, 'its own order');
      assert.deepEqual(acked(g, true), want, 'swapped order');
      assert.deepEqual(acked(g, false), []);
    });
});

describe('machine.pcpus, machine.preemptCycles, preempt: checks and defaults', () => {
  const BASE = 'version: 1\nguest:\n  vcpu0: "hvc #0"\n';
  it('migrateTo beyond the host, an unknown vcpu, an unknown key', () => {
    const errs = errorsOf(
      `${BASE}machine: { pcpus: 2 }\nhost:\n  - at: 5\n    preempt: { vcpu: 1, migrateTo: 2 }\n  - at: 6\n    preempt: { vcpu: 0, to: 1 }\n`,
    );
    assert.ok(
      errs.some((e) => /host\[0\]\.preempt\.migrateTo: the host has 2 physical cpu\(s\)/.test(e)),
      errs.join('\n'),
    );
    assert.ok(
      errs.some((e) => /host\[0\]\.preempt\.vcpu: the machine has 1 vcpu/.test(e)),
      errs.join('\n'),
    );
    assert.ok(
      errs.some((e) => /expected one of: vcpu, migrateTo, cycles/.test(e)),
      errs.join('\n'),
    );
  });

  it('defaults: pcpus absent (one per vcpu), preemptCycles 0', () => {
    const s = parse(BASE);
    assert.equal(s.machine.pcpus, undefined);
    assert.equal(s.machine.preemptCycles, 0);
  });
});

describe('determinism with host preemption and migration by choice', () => {
  const chosen = TEXT.replace(
    'machine:\n  pcpus: 2\n',
    'machine:\n  pcpus: 3\n  preemptCycles: 3000\n',
  ).replace(`  - after: { vcpu: 0, label: step2 }\n${PREEMPT}`, '');

  const traced = (seed: number) => {
    const sink = new MemorySink();
    const r = runScenario(parse(chosen), { policy: 'linux-7.0', seed, trace: sink });
    return { r, text: writeText(sink.records), records: sink.records };
  };

  it('the same seed gives a byte-identical trace; the trace says which pcpu ran the vcpu', () => {
    const a = traced(5);
    const b = traced(5);
    assert.equal(a.text, b.text);
    assert.ok(a.r.costs.hyp.preemptions > 0, 'the host preempted');
    assert.match(a.text, /vcpu {2}state=guest pcpu=\d/);
    // across seeds the host makes different decisions; a migration shows in the text trace and the VCD
    const seeds = [1, 2, 3, 4, 5, 6].map((seed) => ({ seed, ...traced(seed) }));
    const moved = seeds.find((x) => x.r.costs.hyp.migrations > 0);
    assert.ok(moved, `no seed migrated: ${seeds.map((x) => x.r.costs.hyp.migrations).join(', ')}`);
    assert.match(moved.text, /vcpu {2}state=hyp reason=migrate pcpu\d->pcpu\d pcpu=\d/);
    const vcd = writeVcd(moved.records, { counterHz: 62_500_000 });
    assert.match(vcd, /\$var wire 4 \S+ pcpu \$end/);
  });
});
