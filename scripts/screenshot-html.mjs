#!/usr/bin/env node
// Regenerates the screenshots of the HTML report in docs/ (README shows the
// seed comparison): writes the reports with vgicsim, opens them in Debian's
// chromium (test/browser/chromium.ts) and saves PNGs.
//   node --import tsx scripts/screenshot-html.mjs     (npm run screenshots)
import { execFileSync } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { launch } from '../test/browser/chromium.ts';

const out = resolve('out/screenshots');
mkdirSync(out, { recursive: true });
const vgicsim = (args) => execFileSync(process.execPath, ['bin/vgicsim.mjs', ...args], { stdio: 'ignore' });
const seed = `${out}/seed.html`;
try {
  vgicsim([
    'compare',
    'scenarios/seed-masked-enable-disable.yaml',
    '--policies',
    'level,legacy-edge',
    '--html',
    seed,
  ]);
} catch {
  // exit 1 (a verdict failed) still writes the report
}
const { context, close } = await launch();
try {
  const page = await context.newPage();
  await page.goto(pathToFileURL(seed).href);
  await page.waitForSelector('.wave svg .track');
  await page.locator('#wave-all').screenshot({ path: 'docs/html-report-seed-waveform.png' });
  await page.screenshot({ path: 'docs/html-report-seed.png', fullPage: true });
  console.log('wrote docs/html-report-seed.png, docs/html-report-seed-waveform.png');
} finally {
  await close();
}
