// Debian's chromium driven by playwright-core (no browser download). A
// missing chromium is an error, never a skip: `npm run test:browser` and
// scripts/screenshot-html.mjs need it (`apt-get install chromium`).

import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type BrowserContext, chromium } from 'playwright-core';

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
