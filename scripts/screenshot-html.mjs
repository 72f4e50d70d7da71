#!/usr/bin/env node
// Regenerates the screenshots of the HTML report in docs/ (the README shows
// the seed comparison): writes the reports with vgicsim, opens them in
// Debian's chromium (test/browser/chromium.ts) and saves PNGs.
//   npm run screenshots        (node --import tsx scripts/screenshot-html.mjs)
import { execFileSync } from 'node:child_process';
import { copyFileSync, mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { launch } from '../test/browser/chromium.ts';

// as `npm start`
const SEED = 'scenarios/seed-two-exits.yaml';
const out = resolve('out/screenshots');
mkdirSync(out, { recursive: true });
/** vgicsim; exit 1 (a verdict failed) still writes the report. */
const vgicsim = (args) => {
  try {
    execFileSync(process.execPath, ['bin/vgicsim.mjs', ...args], { stdio: 'ignore' });
  } catch (e) {
    if (e.status !== 1) throw e;
  }
};
vgicsim(['compare', SEED, '--policies', 'linux-4.2,linux-4.3,linux-7.0', '--html', `${out}/seed.html`]);
vgicsim(['run', SEED, '--policy', 'linux-4.2', '--html', `${out}/run.html`]);
const checks = join(out, 'checks');
mkdirSync(checks, { recursive: true });
for (const f of ['vtimer-pending-disable-reenable.yaml', 'vtimer-cval-irq.yaml'])
  copyFileSync(join('conformance/kvm-unit-tests/timer', f), join(checks, f));
vgicsim(['conformance', '--dir', checks, '--html', `${out}/conformance.html`]);
vgicsim([
  'explore',
  SEED,
  '--policies',
  'linux-4.2,linux-7.0',
  '--bound',
  '1',
  '-q',
  '--html',
  `${out}/explore.html`,
]);

const { context, close } = await launch();
const open = async (file) => {
  const page = await context.newPage();
  await page.goto(pathToFileURL(file).href);
  await page.waitForSelector('.wave svg g.track');
  return page;
};
/** The cursor over instant t of a waveform box (the values column shows the signals there). */
const hover = async (page, wave, t) => {
  const svg = page.locator(`#${wave} svg`);
  const bb = await svg.boundingBox();
  const [a, b] = await svg.evaluate((s) => [
    Number(s.getAttribute('data-from')),
    Number(s.getAttribute('data-to')),
  ]);
  const plotW = bb.width - 330 - 8;
  await page.mouse.move(bb.x + 330 + ((t - a) / (b - a)) * plotW, bb.y + 50);
};
try {
  let page = await open(`${out}/seed.html`);
  await hover(page, 'wave-all', 60);
  await page.locator('#wave-all').screenshot({ path: 'docs/html-report-seed-waveform.png' });
  await page.screenshot({ path: 'docs/html-report-seed.png', fullPage: true });
  page = await open(`${out}/run.html`);
  await page.locator('a[data-goto]').first().click();
  await page.screenshot({ path: 'docs/html-report-run-divergence.png' });
  page = await open(`${out}/conformance.html`);
  await page.screenshot({ path: 'docs/html-report-conformance.png', fullPage: true });
  page = await open(`${out}/explore.html`);
  await page.locator('tr[data-generation="linux-7.0"] a.cx-link').first().click();
  await page.screenshot({ path: 'docs/html-report-explore.png' });
  console.log('wrote docs/html-report-{seed,seed-waveform,run-divergence,conformance,explore}.png');
} finally {
  await close();
}
