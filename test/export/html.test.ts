import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  buildWaveform,
  esc,
  htmlCompareReport,
  htmlConformanceReport,
  htmlRunReport,
  MAX_RECORDS,
  type ReportRun,
  scriptJson,
  type TracedRun,
} from '../../src/export/html/index.ts';
import type { TraceRecord } from '../../src/sim/trace/records.ts';

const EVIL = [
  '<script>alert(1)</script>',
  '</script><script>alert(2)</script>',
  '"><img src=x onerror=alert(3)>',
  "'><svg onload=alert(4)>",
  '<!-- --> <![CDATA[ ]]>',
  'line\u2028sep\u2029para',
  '&lt;already&gt; & <b>bold</b>',
];
const evil = (i: number) => EVIL[i % EVIL.length];

const recs: TraceRecord[] = [
  { t: 0, cpu: 0, kind: 'vcpu', state: 'guest' },
  { t: 1, cpu: 0, kind: 'line', signal: 'cpu0.cntv', level: true },
  { t: 1, cpu: 0, kind: 'vcpu', state: 'hyp', reason: evil(0) },
  { t: 2, cpu: 0, kind: 'vgic-inject', intid: 27, level: true, accepted: true },
  { t: 2, cpu: 0, kind: 'vgic-lr', lr: 0, intid: 27, value: (1 << 28) | 27 },
  { t: 3, cpu: 0, kind: 'vcpu', state: 'guest' },
  { t: 4, cpu: 0, kind: 'ack', gic: 'virt', intid: 27 },
  { t: 4, cpu: 0, kind: 'note', text: evil(1) },
  { t: 5, cpu: 0, kind: 'line', signal: evil(2), level: true },
  { t: 6, cpu: 0, kind: 'vgic-sync', usedLrs: 1, misr: 0, eisr: 0 },
  { t: 7, cpu: 0, kind: 'line', signal: 'cpu0.cntv', level: false },
  { t: 8, cpu: 0, kind: 'line', signal: 'cpu0.irq', level: true },
  { t: 8, cpu: 0, kind: 'line', signal: 'cpu0.irq', level: false },
];

function run(i: number, policy = evil(i + 3)): ReportRun {
  return {
    name: evil(i),
    policy,
    seed: 0,
    end: evil(i + 1),
    ticks: 10,
    instructions: 100,
    uart: `${evil(i + 2)}\n${evil(i + 4)}`,
    verdicts: [
      { name: evil(i + 5), ok: false, expected: evil(i + 6), seen: evil(i), t: 4 },
      { name: 'exit', ok: true, expected: 'poweroff', seen: 'poweroff' },
    ],
    passed: false,
    costs: { hyp: { entries: 1, exits: { [evil(i)]: 2 } }, [evil(i + 1)]: { [evil(i + 2)]: 3 } },
    divergence: {
      t: 4,
      cpu: 0,
      intid: 27,
      nth: 1,
      virt: { pc: evil(i + 3), cycle: 9 },
      ref: { pending: false, active: false, enabled: true, line: false, acks: 0, pc: evil(i + 4) },
    },
  };
}
const header = { title: evil(0), file: evil(1), description: evil(2), counterHz: 62_500_000 };
const traced = (i: number): TracedRun => ({ run: run(i), records: recs });

/** The page's markup has only the elements vgicsim writes: no injected tag or attribute. */
function assertNoInjectedMarkup(html: string): void {
  assert.equal(html.match(/<script/g)?.length, 2, 'exactly the data block and the viewer script');
  assert.equal(html.match(/<\/script>/g)?.length, 2);
  assert.ok(!/<img|<svg|<b>|<!--|-->|<!\[CDATA/.test(html), 'no markup from the input');
  assert.ok(!/<[^>]*\son\w+=/.test(html), 'no tag with an event-handler attribute');
  assert.ok(!/[\u2028\u2029]/.test(html), 'no raw U+2028/2029');
  // the embedded data round-trips: the hostile strings are data, intact
  const m = /<script type="application\/json" id="vgicsim-data">([^<]*)<\/script>/.exec(html);
  assert.ok(m, 'the data block is one run of text with no <');
  const data = JSON.parse(m[1]);
  assert.ok(JSON.stringify(data).includes(evil(1)));
}

describe('HTML report: escaping', () => {
  it('esc() and scriptJson() escape what HTML and <script> parse', () => {
    assert.equal(
      esc(`<a href="x" title='y'>&</a>`),
      '&lt;a href=&quot;x&quot; title=&#39;y&#39;&gt;&amp;&lt;/a&gt;',
    );
    const j = scriptJson({ s: '</script><!-- -->\u2028\u2029&' });
    assert.ok(!/[<>&\u2028\u2029]/.test(j));
    assert.deepEqual(JSON.parse(j), { s: '</script><!-- -->\u2028\u2029&' });
  });

  it('run report: names, description, UART, verdicts, costs, divergence and trace text are escaped', () => {
    const html = htmlRunReport(header, traced(0));
    assertNoInjectedMarkup(html);
    assert.ok(html.includes(esc(evil(2))), 'the description is shown, as text');
    assert.ok(html.includes(`<pre class="uart">${esc(`${evil(2)}\n${evil(4)}`)}</pre>`));
  });

  it('compare report: every run and policy name escaped', () => {
    for (let i = 0; i < EVIL.length; i++)
      assertNoInjectedMarkup(htmlCompareReport(header, [traced(i), traced(i + 1)]));
  });

  it('conformance report: suite, check, note, reason, file escaped', () => {
    const rows = [0, 1, 2].map((i) => ({
      suite: evil(i),
      check: evil(i + 1),
      mirrors: evil(i + 2),
      note: evil(i + 3),
      file: evil(i + 4),
      policy: evil(i + 5),
      result: 'fail' as const,
      expected: 'pass' as const,
      reason: evil(i + 6),
    }));
    const failing = new Map(rows.map((r, i) => [`${r.file}|${r.policy}`, traced(i)]));
    assertNoInjectedMarkup(htmlConformanceReport(rows, failing, 62_500_000));
  });
});

describe('HTML report: waveform model', () => {
  it('has the tracks of the VCD wires, in the order an interrupt travels, with exits and markers', () => {
    const w = buildWaveform(recs, 10);
    const keys = w.tracks.map((t) => t.key);
    assert.ok(keys.indexOf('cpu0.cntv') < keys.indexOf('vgic.cpu0.intid27_line'));
    assert.ok(keys.indexOf('vgic.cpu0.intid27_line') < keys.indexOf('lr.vcpu0.lr0'));
    assert.ok(keys.indexOf('lr.vcpu0.lr0') < keys.indexOf('vcpu.0'));
    assert.deepEqual(w.tracks.find((t) => t.key === 'cpu0.cntv')!.ch, [1, 1, 7, 0]);
    // LR0: pending vINTID 27 from the flush, invalid after the sync
    assert.deepEqual(w.tracks.find((t) => t.key === 'lr.vcpu0.lr0')!.ch, [2, 1 + 4 * 27, 6, 0]);
    // a pulse within one tick is no change, but is marked
    const irq = w.tracks.find((t) => t.key === 'cpu0.irq')!;
    assert.deepEqual([irq.ch, irq.gl], [[], [8]]);
    assert.deepEqual(w.exits, [{ t0: 1, t1: 3, cpu: 0, reason: evil(0) }]);
    assert.deepEqual(
      w.markers.map((m) => [m.t, m.kind]),
      [
        [2, 'inject'],
        [4, 'ack'],
        [4, 'note'],
      ],
    );
    assert.equal(w.to, 10);
  });

  it('caps the drawn records and the page says so', () => {
    const many: TraceRecord[] = [];
    for (let i = 0; i <= MAX_RECORDS; i++)
      many.push({ t: i, cpu: 0, kind: 'line', signal: 'cpu0.cntv', level: i % 2 === 0 });
    const w = buildWaveform(many, MAX_RECORDS + 5);
    assert.equal(w.drawn, MAX_RECORDS);
    assert.equal(w.records, MAX_RECORDS + 1);
    assert.equal(w.to, MAX_RECORDS - 1, 'the drawn part ends at the last drawn record');
    const html = htmlRunReport(header, { run: run(0, 'level'), records: many, window: { from: 0, to: 1e9 } });
    assert.match(html, /The trace has 200001 records; the first 200000/);
    assert.match(html, /This report holds the trace window t=0\.\.1000000000 ticks/);
  });

  it('is byte-identical for identical input', () => {
    assert.equal(htmlRunReport(header, traced(0)), htmlRunReport(header, traced(0)));
  });
});
