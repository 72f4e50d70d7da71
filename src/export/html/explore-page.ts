// `vgicsim explore --html`: the frontier table (per generation/design: runs,
// distinct states, violations by property, exits per delivered interrupt and
// per run), and each minimal counterexample: its forced choices, each a link
// to its instant in the waveform of the counterexample replayed with a trace.

import { esc } from './escape.ts';
import { type EmbeddedRun, embed, headerHtml, htmlDocument, runDetails, traceNotes } from './page.ts';
import type { ExploreCounterexample, ExploreView, ReportHeader } from './report.ts';
import { gotoLink, waveBox } from './sections.ts';

const meanMax = (m: { mean: number; max: number } | null) => (m === null ? '\u2013' : `${m.mean}, ${m.max}`);

function frontierTable(v: ExploreView, ids: ReadonlyMap<string, string>): string {
  const rows = v.rows
    .map((r) => {
      const vio = Object.entries(r.violations)
        .map(([p, n]) => {
          const id = ids.get(`${r.generation}|${p}`);
          const text = `${esc(p)} ${n}`;
          return id ? `<a href="#sec-${id}" class="cx-link">${text}</a>` : text;
        })
        .join(', ');
      return `<tr data-generation="${esc(r.generation)}"${vio ? ' class="mismatch"' : ''}><td class="mono">${esc(r.generation)}</td><td class="num">${r.runs}</td><td class="num">${r.states}</td><td>${vio || 'none'}</td><td class="num">${meanMax(r.exitsPerIrq)}</td><td class="num">${meanMax(r.exitsPerRun)}</td><td>${r.partial ? `PARTIAL: ${esc(r.partial)}` : ''}</td></tr>`;
    })
    .join('');
  return `<table class="frontier"><tr><th>generation</th><th>runs</th><th>states</th><th>violations (runs)</th><th>exits/irq (mean, max)</th><th>exits/run (mean, max)</th><th></th></tr>${rows}</table>`;
}

function steps(c: ExploreCounterexample, id: string): string {
  if (c.steps.length === 0)
    return `<p class="legend">No forced choice: the default run already violates it. ${gotoLink(id, 0, 'from the start')}</p>`;
  return `<ol class="steps">${c.steps.map((s) => `<li>${gotoLink(id, s.t, `t=${s.t}`)} ${esc(s.text)}</li>`).join('')}</ol>`;
}

/** `vgicsim explore --html`: the frontier table and every counterexample with its waveform. */
export function htmlExploreReport(h: ReportHeader, v: ExploreView): string {
  const ids = new Map<string, string>();
  const es: EmbeddedRun[] = [];
  const sections = v.counterexamples.map((c, i) => {
    const id = `wave-${i}`;
    ids.set(`${c.generation}|${c.property}`, id);
    const e = embed(c.traced, `${c.property} under ${c.generation}`);
    es.push(e);
    const repro = c.reproduces
      ? ''
      : '<p class="note">The replayed scenario does not reproduce this violation (a choice no host event expresses): the waveform is of the replay.</p>';
    return `<section id="sec-${id}" class="counterexample" data-generation="${esc(c.generation)}" data-property="${esc(c.property)}"><h2>${esc(c.property)} under ${esc(c.generation)}</h2>
<p>${c.forced} forced choice(s), ${c.instructions} instructions, ends at t=${c.ticks}. ${esc(c.message)}</p>${repro}
<h3>Forced choices</h3>${steps(c, id)}
${runDetails(c.traced, e.wave, id, 'h3')}${waveBox(id, [i], traceNotes(c.traced, e.wave, h.counterHz))}</section>`;
  });
  const bound = `bound k=${v.bound} forced choices${v.shard ? `, shard ${v.shard}` : ''}`;
  const body = `<section><h2>Frontier (${esc(bound)})</h2>${frontierTable(v, ids)}<p class="legend">runs: distinct runs (by final state); states: distinct states at decisions and ends of runs; exits/irq over the runs that acknowledged an interrupt. A violation links to its minimal counterexample (fewest forced choices, then shortest).</p></section>
<section><h2>Counterexamples</h2>${v.counterexamples.length === 0 ? '<p>No run violates a property.</p>' : `<ul>${v.counterexamples.map((c, i) => `<li><a href="#sec-wave-${i}">${esc(c.property)} under ${esc(c.generation)}</a>: ${c.forced} forced choice(s)</li>`).join('')}</ul>`}</section>
${sections.join('\n')}`;
  return htmlDocument(`${h.title} (explore)`, headerHtml(h, 'explore'), body, {
    counterHz: h.counterHz,
    runs: es,
  });
}
