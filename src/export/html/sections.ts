// HTML fragments of a report: verdicts, divergence, costs, UART, a waveform box.
// Every piece of text goes through esc().

import { esc } from './escape.ts';
import type { ReportRun } from './report.ts';
import { type Track, valueAt, type Waveform } from './waveform.ts';

const LR_STATES = ['invalid', 'pending', 'active', 'pending+active'];

/** A link that zooms waveform box `wave` to instant t. */
export function gotoLink(wave: string, t: number, text: string): string {
  return `<a href="#${esc(wave)}" data-wave="${esc(wave)}" data-goto="${t}">${esc(text)}</a>`;
}

export function verdictTable(r: ReportRun, wave: string): string {
  const rows = r.verdicts.map(
    (v) =>
      `<tr${v.ok ? '' : ' class="mismatch"'}><td class="${v.ok ? 'pass' : 'fail'}">${v.ok ? 'ok' : 'FAIL'}</td><td class="mono">${esc(v.name)}</td><td>${esc(v.expected)}</td><td>${esc(v.seen)}</td><td>${v.t === undefined ? '' : gotoLink(wave, v.t, `t=${v.t}`)}</td></tr>`,
  );
  return `<table class="verdicts"><tr><th></th><th>expectation</th><th>expected</th><th>seen</th><th>when</th></tr>${rows.join('')}</table>`;
}

function trackValue(tr: Track, t: number): string {
  const v = valueAt(tr, t);
  if (tr.kind === 'lr') return v === 0 ? 'invalid' : `${LR_STATES[v & 3]}, vINTID ${v >> 2}`;
  if (tr.kind === 'vcpu') return ['in guest', 'in hypervisor', 'blocked (WFI)', 'off'][v] ?? String(v);
  return String(v);
}

/** The divergence instant: the VM's state (from its trace) beside the reference machine's. */
export function divergenceBox(r: ReportRun, wave: Waveform | undefined, waveId: string): string {
  const d = r.divergence;
  if (d === null) return '';
  const yes = (b: boolean) => (b ? '1' : '0');
  const mine = (wave?.tracks ?? []).filter(
    (tr) =>
      tr.key.includes(`intid${d.intid}`) || tr.kind !== 'bit' || /\.(v?irq|cnt[vp]|pstate_i)$/.test(tr.key),
  );
  const vmRows = mine
    .map((tr) => `<tr><td>${esc(tr.label)}</td><td class="mono">${esc(trackValue(tr, d.t))}</td></tr>`)
    .join('');
  return `<section class="divergence-box"><h3>Divergence at ${gotoLink(waveId, d.t, `t=${d.t} ticks`)}: the guest acknowledged INTID ${d.intid} (#${d.nth}) where hardware would not have</h3>
<div class="side"><div><h3>VM (policy ${esc(r.policy)})</h3><table>
<tr><td>GICV_IAR returned</td><td class="mono">${d.intid} (acknowledgement #${d.nth}, vcpu${d.cpu})</td></tr>
<tr><td>PC of the IAR read</td><td class="mono">${esc(d.virt.pc)}</td></tr>
<tr><td>cpu cycle</td><td class="mono">${d.virt.cycle}</td></tr>
${vmRows || '<tr><td colspan="2">(no trace of this run: give --html with a trace window that covers the instant)</td></tr>'}
</table></div><div><h3>Reference machine (bare metal, same inputs)</h3><table>
<tr><td>GICD pending INTID ${d.intid}</td><td class="mono">${yes(d.ref.pending)}</td></tr>
<tr><td>GICD active INTID ${d.intid}</td><td class="mono">${yes(d.ref.active)}</td></tr>
<tr><td>GICD_ISENABLER bit</td><td class="mono">${yes(d.ref.enabled)}</td></tr>
<tr><td>input line level</td><td class="mono">${yes(d.ref.line)}</td></tr>
<tr><td>acknowledged so far</td><td class="mono">${d.ref.acks}</td></tr>
<tr><td>PC</td><td class="mono">${esc(d.ref.pc)}</td></tr>
</table></div></div></section>`;
}

/** Counters as name/value rows: numbers, and one level of named numbers (exits by reason). */
export function costRows(costs: object): [string, string][] {
  const rows: [string, string][] = [];
  for (const [group, counters] of Object.entries(costs)) {
    if (counters === null || typeof counters !== 'object') continue;
    for (const [name, v] of Object.entries(counters as object)) {
      if (typeof v === 'number') rows.push([`${group}.${name}`, String(v)]);
      else if (v !== null && typeof v === 'object')
        for (const [sub, n] of Object.entries(v as object))
          if (typeof n === 'number' && n !== 0) rows.push([`${group}.${name}.${sub}`, String(n)]);
    }
  }
  return rows;
}

/** Cost counters, one column per run. */
export function costTable(runs: readonly ReportRun[]): string {
  const names: string[] = [];
  const values = runs.map((r) => new Map(costRows(r.costs)));
  for (const m of values) for (const k of m.keys()) if (!names.includes(k)) names.push(k);
  const head = runs.map((r) => `<th>${esc(r.policy)}</th>`).join('');
  const body = names
    .map((n) => {
      const cells = values.map((m) => m.get(n) ?? '0');
      const differ = new Set(cells).size > 1 && runs.length > 1;
      return `<tr${differ ? ' class="mismatch"' : ''}><td class="mono">${esc(n)}</td>${cells.map((c) => `<td class="num">${esc(c)}</td>`).join('')}</tr>`;
    })
    .join('');
  return `<table class="costs"><tr><th>counter</th>${head}</tr>${body}</table>`;
}

export function uartBlock(uart: string): string {
  return uart === ''
    ? '<p class="legend">(the guest wrote nothing to the UART)</p>'
    : `<pre class="uart">${esc(uart)}</pre>`;
}

/** A waveform box; the page script draws it from runs `runIndexes` of the embedded data. */
export function waveBox(id: string, runIndexes: readonly number[], notes: readonly string[]): string {
  return `<div class="wave" id="${esc(id)}" data-runs="${runIndexes.join(',')}">
<div class="toolbar"><button data-act="out" title="zoom out (-)">\u2212</button><button data-act="in" title="zoom in (+)">+</button><button data-act="left" title="pan left (\u2190)">\u2190</button><button data-act="right" title="pan right (\u2192)">\u2192</button><button data-act="fit" title="whole run (0, double-click)">fit</button><span class="range"></span><span class="readout"></span><span class="hint">hover: values at the cursor \u00b7 wheel: zoom \u00b7 drag / shift+wheel: pan</span></div>
${notes.map((n) => `<p class="note">${esc(n)}</p>`).join('')}
<div class="plot"></div></div>
<p class="legend">LR state:<i style="background:#ffd666"></i>pending<i style="background:#69b1ff"></i>active<i style="background:#b37feb"></i>pending+active \u00b7 vcpu:<i style="background:#95de64"></i>in guest<i style="background:#ffa940"></i>in hypervisor<i style="background:#bfbfbf"></i>blocked (WFI) \u00b7 markers:<i style="background:#c62828"></i>IAR<i style="background:#1a7f37"></i>EOIR<i style="background:#7b1fa2"></i>DIR<i style="background:#d46b08"></i>injection (kvm_vgic_inject_irq)</p>`;
}
