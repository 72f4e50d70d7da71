// The HTML report in Debian's chromium: loads with no console error, the
// waveform shows the transitions the trace has (read back from the DOM),
// zoom works, the divergence link zooms to the instant, conformance filters.
// Needs /usr/bin/chromium (npm run test:browser); a missing browser fails.

import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { BrowserContext } from 'playwright-core';
import { writeFileSync } from 'node:fs';
import { buildWaveform, htmlRunReport, MAX_RECORDS } from '../../src/export/html/index.ts';
import type { TraceRecord } from '../../src/sim/trace/records.ts';
import { loadScenarioFile } from '../../src/scenario/index.ts';
import { runScenario } from '../../src/scenario/run.ts';
import { MemorySink } from '../../src/sim/trace/sink.ts';
import { launch, openReport, waveView as view } from './chromium.ts';

// as `npm start`: the seed with two exits, under the three generations
const SEED = 'scenarios/seed-two-exits.yaml';
const POLICIES = ['linux-4.2', 'linux-4.3', 'linux-7.0'];
const dir = mkdtempSync(join(tmpdir(), 'vgicsim-html-'));

/** vgicsim with these arguments; exit 1 (a verdict failed) still writes the report. */
function vgicsim(args: string[]): void {
  try {
    execFileSync(process.execPath, ['bin/vgicsim.mjs', ...args], { stdio: 'pipe' });
  } catch (e) {
    if ((e as { status?: number }).status !== 1) throw e;
  }
}

let context: BrowserContext;
let close: () => Promise<void>;

const open = (file: string) => openReport(context, file);

describe('HTML report in chromium', () => {
  before(async () => {
    ({ context, close } = await launch());
    vgicsim(['compare', SEED, '--policies', POLICIES.join(','), '--html', join(dir, 'seed.html')]);
    vgicsim([
      'run',
      SEED,
      '--policy',
      'linux-4.2',
      '--trace-from',
      '100',
      '--trace-to',
      '200',
      '--html',
      join(dir, 'window.html'),
    ]);
    const cf = join(dir, 'checks');
    mkdirSync(cf);
    for (const f of ['vtimer-pending-disable-reenable.yaml', 'vtimer-cval-irq.yaml'])
      copyFileSync(join('conformance/kvm-unit-tests/timer', f), join(cf, f));
    vgicsim(['conformance', '--dir', cf, '--html', join(dir, 'conformance.html')]);
  });
  after(async () => {
    await close?.();
    rmSync(dir, { recursive: true, force: true });
  });

  it('compare: loads with no console error and draws both runs on one axis', async () => {
    const { page, errors } = await open(join(dir, 'seed.html'));
    assert.deepEqual(errors, []);
    const titles = await page.$$eval('#wave-all g.run', (gs) => gs.map((g) => g.getAttribute('data-title')));
    assert.deepEqual(titles, [
      'policy linux-4.2 \u2014 FAIL',
      'policy linux-4.3 \u2014 PASS',
      'policy linux-7.0 \u2014 PASS',
    ]);
    await page.close();
  });

  it('compare: each run shows the transitions of its trace (timer output, LR0, vcpu line)', async () => {
    const { page } = await open(join(dir, 'seed.html'));
    const s = loadScenarioFile(SEED);
    for (const [i, policy] of POLICIES.entries()) {
      const sink = new MemorySink();
      const run = runScenario(s, { policy, trace: sink });
      const w = buildWaveform(sink.records, run.ticks);
      for (const key of ['cpu0.cntv', 'lr.vcpu0.lr0', 'cpu0.virq']) {
        const ch = w.tracks.find((t) => t.key === key)!.ch;
        const want = [];
        for (let j = 0; j < ch.length; j += 2) want.push(`${ch[j]}:${ch[j + 1]}`);
        const edges = await page.$eval(`#wave-all g.run[data-run="${i}"] g.track[data-key="${key}"]`, (g) =>
          g.getAttribute('data-edges'),
        );
        assert.equal(edges, want.join(' '), `${policy} ${key}`);
      }
      // the timer output rises at the expiry and falls when the guest disables the timer
      assert.ok(w.tracks.find((t) => t.key === 'cpu0.cntv')!.ch.length >= 4);
    }
    // the signals that differ between the two policies are highlighted
    assert.ok((await page.$$('#wave-all g.track.differs')).length > 0);
    await page.close();
  });

  it('zoom in halves the window; fit restores it; the wheel zooms', async () => {
    const { page } = await open(join(dir, 'seed.html'));
    const [a, b] = await view(page, 'wave-all');
    await page.click('#wave-all button[data-act="in"]');
    const [c, d] = await view(page, 'wave-all');
    assert.ok(Math.abs(d - c - (b - a) / 2) <= 1, `${c}..${d} is half of ${a}..${b}`);
    await page.click('#wave-all button[data-act="fit"]');
    assert.deepEqual(await view(page, 'wave-all'), [a, b]);
    const box = (await page.$('#wave-all svg'))!;
    const bb = (await box.boundingBox())!;
    await page.mouse.move(bb.x + bb.width * 0.6, bb.y + 60);
    await page.mouse.wheel(0, -100);
    const [e, f] = await view(page, 'wave-all');
    assert.ok(f - e < b - a, 'the wheel zoomed in');
    // hovering shows each signal's value at the cursor: the timer output is high between expiry and disable
    await page.click('#wave-all button[data-act="fit"]');
    const plotW = bb.width - 330 - 8;
    await page.mouse.move(bb.x + 330 + (60 / (b - a)) * plotW, bb.y + 60);
    const vals = await page.$$eval('#wave-all g.run[data-run="0"] g.track', (gs) =>
      Object.fromEntries(gs.map((g) => [g.getAttribute('data-key'), g.querySelector('.val')?.textContent])),
    );
    assert.equal(vals['cpu0.cntv'], '1');
    assert.equal(vals['lr.vcpu0.lr0'], 'P 27');
    assert.equal(vals['vcpu.0'], 'guest');
    assert.match((await page.textContent('#wave-all .readout')) ?? '', /^cursor t = (59|60|61) ticks/);
    await page.close();
  });

  it('the divergence link zooms to the instant and scrolls the waveform into view', async () => {
    const { page } = await open(join(dir, 'seed.html'));
    const link = page.locator('a[data-goto]').first();
    const t = Number(await link.getAttribute('data-goto'));
    const full = await view(page, 'wave-all');
    await link.click();
    const [c, d] = await view(page, 'wave-all');
    assert.ok(c <= t && t <= d, `${t} in ${c}..${d}`);
    assert.ok(d - c < full[1] - full[0], 'zoomed in');
    assert.equal(
      await page.$eval('#wave-all g.run[data-run="0"] g.divergence', (g) => g.getAttribute('data-t')),
      String(t),
    );
    const top = await page.$eval('#wave-all', (e) => e.getBoundingClientRect().top);
    assert.ok(Math.abs(top) < 5, `the waveform is at the top of the viewport (${top})`);
    // the reference machine's state at that instant, beside the VM's
    const text = await page.textContent('.divergence-box');
    assert.match(text ?? '', /Reference machine[\s\S]*GICD pending INTID 27\s*0/);
    await page.close();
  });

  it('a --trace-from/--trace-to report says it holds a window and draws only it', async () => {
    const { page, errors } = await open(join(dir, 'window.html'));
    assert.deepEqual(errors, []);
    assert.match((await page.textContent('.note')) ?? '', /trace window t=100\.\.200 ticks/);
    const [a] = await view(page, 'wave-0');
    assert.ok(a >= 100, `the view starts in the window (${a})`);
    await page.close();
  });

  it('a trace over the cap: the page says so, draws one change per pixel column, zooms to real edges', async () => {
    const recs: TraceRecord[] = [];
    for (let t = 0; t <= MAX_RECORDS + 1000; t++)
      recs.push({ t, cpu: 0, kind: 'line', signal: 'cpu0.cntv', level: t % 2 === 1 });
    const file = join(dir, 'big.html');
    const run = {
      name: 'big',
      policy: 'level',
      seed: 0,
      end: 'limit',
      ticks: recs.length,
      instructions: 0,
      uart: '',
      verdicts: [],
      passed: true,
      costs: {},
      divergence: null,
    };
    writeFileSync(file, htmlRunReport({ title: 'big', counterHz: 62_500_000 }, { run, records: recs }));
    const { page, errors } = await open(file);
    assert.deepEqual(errors, []);
    assert.match((await page.textContent('.note')) ?? '', /the first 200000 \(up to t=199999 ticks/);
    const edges = () =>
      page.$eval('g.track[data-key="cpu0.cntv"]', (g) => (g.getAttribute('data-edges') ?? '').split(' '));
    const width = await page.$eval('#wave-0 svg', (s) => Number(s.getAttribute('width')));
    assert.ok((await edges()).length <= width, 'at most one drawn change per pixel column');
    assert.ok(
      (await page.$$('g.track[data-key="cpu0.cntv"] rect.dense')).length > 0,
      'dense parts are shaded',
    );
    for (let i = 0; i < 10; i++) await page.click('#wave-0 button[data-act="in"]');
    const [a, b] = await view(page, 'wave-0');
    const shown = (await edges()).map((e: string) => e.split(':').map(Number));
    assert.ok(shown.length >= b - a - 2, `every change in ${a}..${b} once zoomed in (${shown.length})`);
    for (const [k, [t, v]] of shown.entries()) {
      assert.ok(t >= a - 1 && t <= b + 1 && v === t % 2, `${t}:${v}`);
      if (k > 0) assert.equal(t, shown[k - 1][0] + 1, 'consecutive ticks, none dropped');
    }
    await page.close();
  });

  it('conformance: filters hide rows, a failing check links to its waveform', async () => {
    const { page, errors } = await open(join(dir, 'conformance.html'));
    assert.deepEqual(errors, []);
    const visible = () => page.$$eval('tr[data-policy]', (rs) => rs.filter((r) => !r.hidden).length);
    const rows = await page.$$eval('tr[data-policy]', (rs) => rs.length);
    assert.equal(rows, 2 * 3, 'two checks under three generations');
    assert.equal(await visible(), rows);
    await page.selectOption('#filters select[name="result"]', 'fail');
    assert.equal(await visible(), 1, 'the seed-fix check fails under linux-4.2 only');
    await page.selectOption('#filters select[name="result"]', '');
    await page.selectOption('#filters select[name="policy"]', 'linux-7.0');
    assert.equal(await visible(), 2);
    await page.selectOption('#filters select[name="policy"]', '');
    await page.click('tr[data-result="fail"] a[href^="#sec-"]');
    assert.equal(await page.$$eval('section[id^="sec-"] .wave svg g.track', (g) => g.length > 0), true);
    await page.close();
  });
});
