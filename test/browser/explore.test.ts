// The explore report (`vgicsim explore --html`) in Debian's chromium: loads
// with no console error, one frontier row per generation, a violation links
// to its counterexample, and the counterexample's links (its forced choices,
// its failing expectations) zoom its own waveform to the instant; a forced
// exit (a mutant design needs one) is drawn as an exit span at its instant.

import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { BrowserContext } from 'playwright-core';
import { launch, openReport, waveView as view } from './chromium.ts';

const SEED = 'scenarios/seed-two-exits.yaml';
// a design whose counterexample needs one forced exit (the seed's violate without any)
const MUTANT = 'test/fixtures/mutants/keep-phys-active.yaml';
const dir = mkdtempSync(join(tmpdir(), 'vgicsim-explore-html-'));
const FILE = join(dir, 'explore.html');
const FORCED = join(dir, 'forced.html');

/** `vgicsim explore ... --html out`; exit 1 (a violation found) is the expected outcome. */
function explore(file: string, policies: string, out: string): void {
  try {
    execFileSync(
      process.execPath,
      ['bin/vgicsim.mjs', 'explore', file, '--policies', policies, '--bound', '1', '-q', '--html', out],
      {
        stdio: 'pipe',
      },
    );
  } catch (e) {
    if ((e as { status?: number }).status !== 1) throw e;
  }
}

let context: BrowserContext;
let close: () => Promise<void>;

const open = () => openReport(context, FILE);

describe('explore report in chromium', () => {
  before(async () => {
    ({ context, close } = await launch());
    explore(SEED, 'linux-4.2,linux-7.0', FILE);
    explore(MUTANT, 'mutant:keep-phys-active', FORCED);
  });
  after(async () => {
    await close?.();
    rmSync(dir, { recursive: true, force: true });
  });

  it('loads with no console error; the frontier table has one row per generation', async () => {
    const { page, errors } = await open();
    assert.deepEqual(errors, []);
    const rows = await page.$$eval('table.frontier tr[data-generation]', (rs) =>
      rs.map((r) => [...r.querySelectorAll('td')].slice(0, 4).map((td) => td.textContent)),
    );
    // as the text report of `vgicsim explore` (docs/explore.md)
    assert.deepEqual(rows, [
      ['linux-4.2', '3', '53', 'spurious-delivery 3, expectations 3'],
      ['linux-7.0', '3', '39', 'spurious-delivery 1, expectations 2'],
    ]);
    // every counterexample has a waveform of its replay
    assert.equal(await page.$$eval('section.counterexample .wave svg g.run', (g) => g.length), 4);
    await page.close();
  });

  it("a violation links to its counterexample; its step link shows the counterexample's waveform", async () => {
    const { page } = await open();
    await page.click('tr[data-generation="linux-7.0"] a.cx-link >> text=spurious-delivery');
    const sec = page.locator(
      'section.counterexample[data-generation="linux-7.0"][data-property="spurious-delivery"]',
    );
    const id = await sec.locator('.wave').getAttribute('id');
    assert.ok(id);
    assert.equal(new URL(page.url()).hash, `#sec-${id}`);
    // its forced choices: none here (the default run already violates it), the link goes to the start
    const step = sec.locator('a[data-goto]').first();
    assert.equal(await step.getAttribute('data-wave'), id);
    const full = await view(page, id);
    await step.click();
    const [a, b] = await view(page, id);
    assert.ok(a <= 0 && 0 <= b && b - a < full[1] - full[0], `zoomed to t=0: ${a}..${b}`);
    const top = await page.$eval(`#${id}`, (e) => e.getBoundingClientRect().top);
    assert.ok(Math.abs(top) < 5, `the waveform is at the top of the viewport (${top})`);
    // the failing expectation's instant: the acknowledgement of INTID 27 is in the waveform
    const when = sec.locator('table.verdicts tr.mismatch a[data-goto]').first();
    const t = Number(await when.getAttribute('data-goto'));
    await when.click();
    const [c, d] = await view(page, id);
    assert.ok(c <= t && t <= d, `${t} in ${c}..${d}`);
    const edges = await page.$eval(`#${id} g.track[data-key="cpu0.cntv"]`, (g) =>
      g.getAttribute('data-edges'),
    );
    assert.ok((edges ?? '').length > 0, 'the timer output changes in the window');
    await page.close();
  });

  it("a forced choice's step link zooms the counterexample's waveform to the forced exit", async () => {
    const { page, errors } = await openReport(context, FORCED);
    assert.deepEqual(errors, []);
    const sec = page.locator('section.counterexample[data-property="lost-interrupt"]');
    const id = await sec.locator('.wave').getAttribute('id');
    assert.ok(id);
    const step = sec.locator('ol.steps a[data-goto]');
    assert.equal(await step.count(), 1, 'one forced choice');
    const t = Number(await step.getAttribute('data-goto'));
    assert.ok(t > 0, `the forced exit is not at the start (t=${t})`);
    const full = await view(page, id);
    await step.click();
    const [a, b] = await view(page, id);
    assert.ok(a <= t && t <= b && b - a < full[1] - full[0], `zoomed to t=${t}: ${a}..${b}`);
    // the waveform shows the forced exit there: an exit span of vcpu0 at that instant
    const exits = await page.$$eval(`#${id} g.exits[data-cpu="0"] rect.exit`, (rs) =>
      rs.map((r) => [Number(r.getAttribute('data-t0')), r.getAttribute('data-reason')]),
    );
    assert.ok(
      exits.some(([t0]) => t0 === t),
      `vcpu0 exits at t=${t}: ${JSON.stringify(exits)}`,
    );
    await page.close();
  });
});
