// The explore report (`vgicsim explore --html`): the frontier table, each
// counterexample's forced choices linked to its waveform, text escaped.

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { type ExploreView, htmlExploreReport, type TracedRun } from '../../src/export/html/index.ts';
import type { TraceRecord } from '../../src/sim/trace/records.ts';

const EVIL = '</script><script>alert(1)</script>"><img src=x onerror=alert(2)>\u2028';

const recs: TraceRecord[] = [
  { t: 0, cpu: 0, kind: 'vcpu', state: 'guest' },
  { t: 5, cpu: 0, kind: 'line', signal: 'cpu0.cntv', level: true },
  { t: 6, cpu: 0, kind: 'vcpu', state: 'hyp', reason: EVIL },
  { t: 9, cpu: 0, kind: 'vcpu', state: 'guest' },
];

const traced = (policy: string): TracedRun => ({
  run: {
    name: EVIL,
    policy,
    seed: 0,
    end: 'poweroff',
    ticks: 20,
    instructions: 100,
    uart: EVIL,
    verdicts: [{ name: EVIL, ok: false, expected: EVIL, seen: EVIL, t: 7 }],
    passed: false,
    costs: {},
    divergence: null,
  },
  records: recs,
});

const view: ExploreView = {
  bound: 2,
  rows: [
    {
      generation: 'linux-4.2',
      runs: 3,
      states: 53,
      violations: { 'spurious-delivery': 3, [EVIL]: 1 },
      exitsPerIrq: { mean: 4.667, max: 5 },
      exitsPerRun: { mean: 4.667, max: 5 },
    },
    {
      generation: EVIL,
      runs: 1,
      states: 7,
      violations: {},
      exitsPerIrq: null,
      exitsPerRun: null,
      partial: EVIL,
    },
  ],
  counterexamples: [
    {
      generation: 'linux-4.2',
      property: 'spurious-delivery',
      forced: 2,
      instructions: 4000,
      ticks: 20,
      message: EVIL,
      steps: [
        { t: 6, text: 'vcpu0: forced exit right after step3 (0x40080054) (its execution #1)' },
        { t: 12, text: EVIL },
      ],
      reproduces: true,
      traced: traced('linux-4.2'),
    },
    {
      generation: 'linux-4.2',
      property: EVIL,
      forced: 0,
      instructions: 10,
      ticks: 20,
      message: 'default',
      steps: [],
      reproduces: false,
      traced: traced(EVIL),
    },
  ],
};

describe('HTML report: explore', () => {
  const html = htmlExploreReport({ title: EVIL, description: EVIL, file: EVIL, counterHz: 62_500_000 }, view);

  it('has the frontier table: one row per generation, violations linked to their counterexamples', () => {
    const rows = [...html.matchAll(/<tr data-generation="([^"]*)"[^>]*>(.*?)<\/tr>/g)];
    assert.equal(rows.length, 2);
    assert.equal(rows[0][1], 'linux-4.2');
    assert.match(rows[0][2], /<td class="num">3<\/td><td class="num">53<\/td>/);
    assert.match(rows[0][2], /<a href="#sec-wave-0" class="cx-link">spurious-delivery 3<\/a>/);
    assert.match(rows[0][2], /<td class="num">4\.667, 5<\/td>/);
    assert.match(rows[1][2], /<td>none<\/td>/);
    assert.match(rows[1][2], /PARTIAL: /);
  });

  it('lists each counterexample with its forced choices, each a link to its instant in its own waveform', () => {
    const secs = [...html.matchAll(/<section id="sec-(wave-\d+)" class="counterexample"/g)].map((m) => m[1]);
    assert.deepEqual(secs, ['wave-0', 'wave-1']);
    assert.match(
      html,
      /<ol class="steps"><li><a href="#wave-0" data-wave="wave-0" data-goto="6">t=6<\/a> vcpu0: forced exit right after step3/,
    );
    assert.match(html, /data-wave="wave-0" data-goto="12">t=12<\/a>/);
    assert.match(html, /<div class="wave" id="wave-0" data-runs="0">/);
    assert.match(html, /<div class="wave" id="wave-1" data-runs="1">/);
    assert.match(html, /the default run already violates it/);
    assert.match(html, /does not reproduce this violation/);
  });

  it('escapes the scenario name, description, generation, property, message and steps', () => {
    assert.equal(html.match(/<script/g)?.length, 2, 'exactly the data block and the viewer script');
    assert.ok(!/<img|<script>alert/.test(html), 'no markup from the input');
    // quoted attribute values hold escaped text only (esc() turns " into &quot;): drop them, then look at the tags
    const tags = html.replace(/="[^"]*"/g, '=""');
    assert.ok(!/<[^>]*\son\w+=/.test(tags), 'no tag with an event-handler attribute');
    assert.ok(!/[\u2028\u2029]/.test(html), 'no raw U+2028/2029');
    assert.ok(html.includes('&lt;/script&gt;&lt;script&gt;alert(1)'), 'shown as text');
  });

  it('is byte-identical for identical input', () => {
    assert.equal(
      htmlExploreReport({ title: 'x', counterHz: 1e6 }, view),
      htmlExploreReport({ title: 'x', counterHz: 1e6 }, view),
    );
  });
});
