// Debian's chromium driven by playwright-core (no browser download). A
// missing chromium is an error, never a skip: `npm run test:browser` and
// scripts/screenshot-html.mjs need it (`apt-get install chromium`).

import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { type BrowserContext, chromium, type Page } from 'playwright-core';

export const CHROMIUM = process.env.VGICSIM_CHROMIUM ?? '/usr/bin/chromium';

/** A fresh headless chromium with a throw-away profile (--user-data-dir), offline. */
export async function launch(): Promise<{ context: BrowserContext; close: () => Promise<void> }> {
  if (!existsSync(CHROMIUM))
    throw new Error(
      `${CHROMIUM} not found: the browser tests need Debian's chromium (apt-get install chromium), or VGICSIM_CHROMIUM=<path>`,
    );
  const profile = mkdtempSync(join(tmpdir(), 'vgicsim-chromium-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    offline: true,
    viewport: { width: 1400, height: 900 },
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
  return {
    context,
    close: async () => {
      await context.close();
      rmSync(profile, { recursive: true, force: true });
    },
  };
}

/**
 * Opens a report file in a new page and waits for `ready` (a drawn waveform
 * track). `errors` collects console errors and warnings, page errors and any
 * request that is not for a file: the page must be self-contained.
 */
export async function openReport(
  context: BrowserContext,
  file: string,
  ready = '.wave svg g.track',
): Promise<{ page: Page; errors: string[] }> {
  const page = await context.newPage();
  const errors: string[] = [];
  page.on('console', (m) => {
    if (m.type() === 'error' || m.type() === 'warning') errors.push(`${m.type()}: ${m.text()}`);
  });
  page.on('pageerror', (e) => errors.push(`pageerror: ${e.message}`));
  page.on('request', (r) => {
    if (!r.url().startsWith('file:')) errors.push(`network request: ${r.url()}`);
  });
  await page.goto(pathToFileURL(file).href);
  await page.waitForSelector(ready);
  return { page, errors };
}

/** The time range (ticks) waveform `wave` shows: its svg's data-from and data-to. */
export const waveView = (page: Page, wave: string): Promise<number[]> =>
  page.$eval(`#${wave} svg`, (s) => [Number(s.getAttribute('data-from')), Number(s.getAttribute('data-to'))]);
