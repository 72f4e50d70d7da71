// The reports (run, compare, conformance; explore in explore-page.ts) as one self-contained HTML
// document each: inline CSS and script, the waveform data as JSON in a
// <script type="application/json"> block, no network and no external fonts.

import { esc, scriptJson } from './escape.ts';
import type { ConformanceRow, ReportHeader, TracedRun } from './report.ts';
import { costTable, divergenceBox, gotoLink, uartBlock, verdictTable, waveBox } from './sections.ts';
import { STYLE_CSS } from './style.ts';
import { VIEWER_JS } from './viewer.ts';
import { buildWaveform, MAX_RECORDS, type Waveform } from './waveform.ts';

export interface EmbeddedRun {
  readonly title: string;
  readonly wave: Waveform;
  readonly divergence: { t: number; intid: number } | null;
}

export function htmlDocument(title: string, header: string, body: string, data: unknown): string {
  return `<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; script-src 'unsafe-inline'; img-src data:">
<title>${esc(title)}</title><style>${STYLE_CSS}</style></head>
<body><header>${header}</header><main>${body}</main>
<script type="application/json" id="vgicsim-data">${scriptJson(data)}</script>
<script>${VIEWER_JS}</script>
</body></html>
`;
}

export function headerHtml(h: ReportHeader, kind: string): string {
  return `<h1>${esc(kind)}: ${esc(h.title)}</h1><div class="meta">${h.file ? `<span class="mono">${esc(h.file)}</span> \u00b7 ` : ''}counter ${+(h.counterHz / 1e6).toPrecision(6)} MHz \u00b7 vgicsim</div>${h.description ? `<p class="desc">${esc(h.description)}</p>` : ''}`;
}

/** What the page says about the part of the trace it holds. */
export function traceNotes(x: TracedRun, w: Waveform, hz: number): string[] {
  const notes: string[] = [];
  const s = (t: number) => `${+(t / hz).toPrecision(4)} s`;
  if (x.window)
    notes.push(
      `This report holds the trace window t=${x.window.from}..${Number.isFinite(x.window.to) ? x.window.to : 'end'} ticks (--trace-from/--trace-to), not the whole run of ${x.run.ticks} ticks (${s(x.run.ticks)}).`,
    );
  if (w.drawn < w.records)
    notes.push(
      `The trace has ${w.records} records; the first ${MAX_RECORDS} (up to t=${w.to} ticks, ${s(w.to)}) are drawn. Give --trace-from/--trace-to to look at a later window.`,
    );
  if (w.records === 0) notes.push('No trace records in this run (or in the window).');
  return notes;
}

export function embed(x: TracedRun, title: string): EmbeddedRun {
  const wave = buildWaveform(x.records, x.window ? Math.min(x.window.to, x.run.ticks) : x.run.ticks);
  const d = x.run.divergence;
  return { title, wave, divergence: d ? { t: d.t, intid: d.intid } : null };
}

function verdictWord(x: TracedRun): string {
  const v = x.run.passed ? 'pass' : 'fail';
  const exp =
    x.expected === undefined ? '' : v === x.expected ? ' (as expected)' : ` (expected ${x.expected})`;
  return `<span class="${x.run.passed ? 'pass' : 'fail'}">${x.run.passed ? 'PASS' : 'FAIL'}</span>${esc(exp)}`;
}

export function runDetails(x: TracedRun, w: Waveform, waveId: string, level: string): string {
  const r = x.run;
  return `<${level}>${esc(r.policy)}: ${verdictWord(x)} <span class="legend">end=${esc(r.end)}, t=${r.ticks} ticks, ${r.instructions} instructions, seed ${r.seed}</span></${level}>
${verdictTable(r, waveId)}
${divergenceBox(r, w, waveId)}`;
}

/** Tracks whose changes differ between runs: key -> first time they differ. */
function differences(waves: readonly Waveform[]): Record<string, number> {
  const out: Record<string, number> = {};
  const keys = new Set(waves.flatMap((w) => w.tracks.map((t) => t.key)));
  for (const key of keys) {
    const chs = waves.map((w) => w.tracks.find((t) => t.key === key)?.ch ?? []);
    let first = Number.POSITIVE_INFINITY;
    for (let i = 1; i < chs.length; i++) {
      const a = chs[0];
      const b = chs[i];
      for (let j = 0; j < Math.max(a.length, b.length); j += 2)
        if (a[j] !== b[j] || a[j + 1] !== b[j + 1]) {
          first = Math.min(
            first,
            Math.min(a[j] ?? Number.POSITIVE_INFINITY, b[j] ?? Number.POSITIVE_INFINITY),
          );
          break;
        }
    }
    if (Number.isFinite(first)) out[key] = first;
  }
  return out;
}

/** `vgicsim run --html`: one run. */
export function htmlRunReport(h: ReportHeader, x: TracedRun): string {
  const e = embed(x, `${x.run.name} \u2014 policy ${x.run.policy}`);
  const body = `<section><h2>Verdict</h2>${runDetails(x, e.wave, 'wave-0', 'h3')}</section>
<section><h2>Waveform</h2>${waveBox('wave-0', [0], traceNotes(x, e.wave, h.counterHz))}</section>
<section><h2>Costs</h2>${costTable([x.run])}</section>
<section><h2>UART output</h2>${uartBlock(x.run.uart)}</section>`;
  return htmlDocument(`${h.title} (${x.run.policy})`, headerHtml(h, 'run'), body, {
    counterHz: h.counterHz,
    runs: [e],
  });
}

/** `vgicsim compare --html`: the runs of one scenario under several policies, on one time axis. */
export function htmlCompareReport(h: ReportHeader, xs: readonly TracedRun[]): string {
  const es = xs.map((x) => embed(x, `policy ${x.run.policy} \u2014 ${x.run.passed ? 'PASS' : 'FAIL'}`));
  const diffs = differences(es.map((e) => e.wave));
  const summary = `<table><tr><th>policy</th><th>verdict</th><th>first failing expectation</th><th>divergence</th></tr>${xs
    .map((x) => {
      const bad = x.run.verdicts.find((v) => !v.ok);
      const d = x.run.divergence;
      return `<tr><td class="mono">${esc(x.run.policy)}</td><td>${verdictWord(x)}</td><td>${bad ? esc(`${bad.name}: expected ${bad.expected}, seen ${bad.seen}`) : ''}</td><td>${d ? gotoLink('wave-all', d.t, `INTID ${d.intid} at t=${d.t}`) : 'none'}</td></tr>`;
    })
    .join('')}</table>`;
  const diffNote = Object.keys(diffs).length
    ? `Signals that differ between the policies are drawn in orange; the orange bar marks where they first differ (${Object.keys(diffs).length} signal(s)).`
    : 'All signals are identical under every policy.';
  const notes = xs.flatMap((x, i) =>
    traceNotes(x, es[i].wave, h.counterHz).map((n) => `${x.run.policy}: ${n}`),
  );
  const body = `<section><h2>Verdicts</h2>${summary}</section>
<section><h2>Waveforms, one time axis</h2><p class="legend">${esc(diffNote)}</p>${waveBox(
    'wave-all',
    es.map((_, i) => i),
    notes,
  )}</section>
<section><h2>Expectations per policy</h2>${xs.map((x, i) => runDetails(x, es[i].wave, 'wave-all', 'h3')).join('\n')}</section>
<section><h2>Costs</h2>${costTable(xs.map((x) => x.run))}</section>
<section><h2>UART output</h2>${xs.map((x) => `<h3>${esc(x.run.policy)}</h3>${uartBlock(x.run.uart)}`).join('')}</section>`;
  return htmlDocument(`${h.title} (compare)`, headerHtml(h, 'compare'), body, {
    counterHz: h.counterHz,
    runs: es,
    diffs: { 'wave-all': diffs },
  });
}

/** `vgicsim conformance --html`: the table of checks, failing checks with their waveforms. */
export function htmlConformanceReport(
  rows: readonly ConformanceRow[],
  failing: ReadonlyMap<string, TracedRun>,
  counterHz: number,
): string {
  const key = (r: ConformanceRow) => `${r.file}|${r.policy}`;
  const ids = new Map<string, string>();
  [...failing.keys()].forEach((k, i) => {
    ids.set(k, `wave-${i}`);
  });
  const policies = [...new Set(rows.map((r) => r.policy))];
  const unexpected = rows.filter((r) => r.result !== r.expected).length;
  const table = rows
    .map((r) => {
      const id = ids.get(key(r));
      const un = r.result !== r.expected;
      return `<tr data-policy="${esc(r.policy)}" data-result="${r.result}" data-unexpected="${un ? 1 : 0}"${un ? ' class="mismatch"' : ''}><td>${esc(r.suite)}</td><td class="mono">${esc(r.check)}</td><td class="mono">${esc(r.policy)}</td><td class="${r.result}">${r.result}${un ? ' (UNEXPECTED)' : ''}</td><td>${esc(r.expected)}</td><td>${r.note ? `[${esc(r.note)}] ` : ''}${esc(r.reason ?? '')}</td><td>${id ? `<a href="#sec-${id}">waveform</a>` : ''}</td></tr>`;
    })
    .join('');
  const filters = `<div id="filters"><label>policy <select name="policy"><option value="">all</option>${policies.map((p) => `<option>${esc(p)}</option>`).join('')}</select></label><label>result <select name="result"><option value="">all</option><option>pass</option><option>fail</option><option value="unexpected">unexpected</option></select></label><label>search <input name="q" type="search"></label></div>`;
  const es: EmbeddedRun[] = [];
  const runs = [...failing.entries()].map(([k, x]) => {
    const id = ids.get(k)!;
    const e = embed(x, `${x.run.name} \u2014 policy ${x.run.policy}`);
    es.push(e);
    return `<section id="sec-${id}"><h2>${esc(x.run.name)} under ${esc(x.run.policy)}</h2>${runDetails(x, e.wave, id, 'h3')}${waveBox(id, [es.length - 1], traceNotes(x, e.wave, counterHz))}</section>`;
  });
  const header = `<h1>conformance: ${new Set(rows.map((r) => `${r.suite}/${r.check}`)).size} checks \u00d7 ${policies.length} policies</h1><div class="meta">${rows.length - unexpected} as expected, ${unexpected} unexpected \u00b7 vgicsim</div>`;
  const body = `<section><h2>Checks</h2>${filters}<table class="checks"><tr><th>suite</th><th>check</th><th>policy</th><th>result</th><th>expected</th><th>reason</th><th></th></tr>${table}</table></section>
<section><h2>Failing checks</h2>${runs.join('\n') || '<p>No check failed.</p>'}</section>`;
  return htmlDocument('vgicsim conformance', header, body, { counterHz, runs: es });
}
