// The HTML report of a Linux boot (issue 19: "large runs hold a window and
// say so; the page stays responsive"): `vgicsim run` of the busybox boot
// with --trace-from/--trace-to 0.5 s..0.6 s, opened in Debian's chromium
// (test/browser/chromium.ts). The page holds only that window, says so, and
// zooms and fits quickly. Needs the fetch-linux cache and chromium.

import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { launch, openReport, waveView } from '../browser/chromium.ts';
import { cacheProblem, SCENARIOS } from './guest.ts';

const FROM = 31_250_000; // 0.5 s at 62.5 MHz
const TO = 37_500_000; // 0.6 s

describe('HTML report of a Linux boot window', () => {
  const dir = mkdtempSync(join(tmpdir(), 'vgicsim-linux-html-'));
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('holds only the --trace-from/--trace-to window, says so, and stays responsive', async () => {
    const problem = cacheProblem();
    if (problem !== undefined) assert.fail(problem);
    const file = join(dir, 'boot.html');
    execFileSync(
      process.execPath,
      [
        'bin/vgicsim.mjs',
        'run',
        SCENARIOS.up,
        '--policy',
        'level',
        '--trace-from',
        String(FROM),
        '--trace-to',
        String(TO),
        '--html',
        file,
      ],
      { stdio: 'pipe' },
    );
    const bytes = statSync(file).size;
    const { context, close } = await launch();
    try {
      const { page, errors } = await openReport(context, file, '#wave-0 svg g.track');
      assert.deepEqual(errors, []);
      assert.match(
        (await page.textContent('.note')) ?? '',
        new RegExp(
          `holds the trace window t=${FROM}\\.\\.${TO} ticks \\(--trace-from/--trace-to\\), not the whole run`,
        ),
      );
      // only the window is drawn: the view and every drawn change lie in it
      const [a, b] = await waveView(page, 'wave-0');
      assert.ok(a >= FROM && b <= TO + (TO - FROM) / 20, `view ${a}..${b}`);
      const times = await page.$$eval('#wave-0 g.track', (gs) =>
        gs.flatMap((g) =>
          (g.getAttribute('data-edges') ?? '')
            .split(' ')
            .filter((e: string) => e !== '')
            .map((e: string) => Number(e.split(':')[0])),
        ),
      );
      assert.ok(times.length > 0, 'the timer ticks of the window are drawn');
      for (const t of times) assert.ok(t >= FROM && t < TO, `change at ${t}`);
      // the kernel's timer (CNTV, PPI 27) fires in the window: HZ=250 gives about 25 ticks in 0.1 s
      const cntv = await page.$eval('#wave-0 g.track[data-key="cpu0.cntv"]', (g) =>
        (g.getAttribute('data-edges') ?? '').split(' ').filter((e: string) => e.endsWith(':1')),
      );
      assert.ok(cntv.length >= 5, `${cntv.length} timer expiries`);
      // responsive: ten zoom steps and a fit, each redrawn in well under a second of the browser's time
      const ms = await page.evaluate(() => {
        const w = (globalThis as unknown as { vgicsimWaves: Record<string, { act: (a: string) => void }> })
          .vgicsimWaves['wave-0'];
        const t0 = performance.now();
        for (let i = 0; i < 10; i++) w.act('in');
        w.act('fit');
        return (performance.now() - t0) / 11;
      });
      assert.ok(ms < 500, `a redraw takes ${ms.toFixed(1)} ms`);
      console.log(
        `# boot window report: ${bytes} bytes, ${times.length} drawn changes, ${ms.toFixed(1)} ms per redraw`,
      );
      await page.close();
    } finally {
      await close();
    }
  });
});
