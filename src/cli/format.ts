// Human-readable output of runs: verdict lines, cost counters, the compare table.

import { exceptionLoopLine } from '../hw/cpu/exception-loop.ts';
import { printable } from '../scenario/index.ts';
import type { ScenarioRun } from '../scenario/run.ts';

const OK = 'ok  ';
const FAIL = 'FAIL';

export function verdictLines(r: ScenarioRun): string[] {
  const out: string[] = [];
  const head = `${r.passed ? 'PASS' : 'FAIL'}  ${r.name}  [policy ${r.policy}, seed ${r.seed}]  end=${r.end} t=${r.ticks} ticks, ${r.instructions} instructions${r.exceptions > 0 ? `, ${r.exceptions} exceptions` : ''}`;
  out.push(head);
  for (const l of r.exceptionLoops) out.push(`  ${exceptionLoopLine(l, 'vcpu')}`);
  for (const v of r.verdicts) {
    const at = v.t !== undefined ? `  (t=${v.t})` : '';
    out.push(
      v.ok
        ? `  ${OK} ${v.name}: ${v.seen}`
        : `  ${FAIL} ${v.name}: expected ${v.expected}, seen ${v.seen}${at}`,
    );
  }
  // A scenario's name and the guest's output are not trusted to be printable.
  return out.map((l) => printable(l));
}

export function exitsSummary(r: ScenarioRun): string {
  const e = Object.entries(r.costs.hyp.exits)
    .filter(([, n]) => n > 0)
    .map(([k, n]) => `${k}=${n}`)
    .join(' ');
  return e === '' ? 'none' : e;
}

export function costLines(r: ScenarioRun): string[] {
  const { hyp, vgic, timer, pmu } = r.costs;
  const u = r.undefinedInstructions;
  const undef =
    u.seen.length === 0
      ? []
      : [
          `  UNDEFINED instructions taken by the guest: ${Object.entries(u.counts)
            .map(([k, n]) => `${k}=${n}`)
            .join(' ')}`,
          ...u.seen.map((x) => `    vcpu${x.vcpu} EL${x.el} pc=${x.pc} insn=${x.insn}`),
        ];
  return [
    ...undef,
    `  costs: entries=${hyp.entries} exits: ${exitsSummary(r)} hypCycles=${hyp.hypCycles}${hostThreads(hyp)}`,
    `         vgic: injections=${vgic.injections} lrWrites=${vgic.lrWrites} maintenance=${vgic.maintenance} underflows=${vgic.underflows} kicks=${vgic.kicks} physActiveChanges=${vgic.physActiveChanges}`,
    `         timer: vgicCalls=${timer.vgicCalls} physActiveWrites=${timer.physActiveWrites} bgWakeups=${timer.bgWakeups} ptimerExpiries=${timer.ptimerExpiries}`,
    // only for a guest that used the PMU, so other runs' summaries stay as they were
    ...(pmu !== undefined && pmu.vgicCalls + pmu.overflowKicks + pmu.undefs > 0
      ? [`         pmu: vgicCalls=${pmu.vgicCalls} overflowKicks=${pmu.overflowKicks} undefs=${pmu.undefs}`]
      : []),
  ];
}

/** The host scheduler's work, when there was any (machine.preemptCycles, `preempt` events). */
function hostThreads(hyp: { preemptions: number; migrations: number }): string {
  return hyp.preemptions + hyp.migrations === 0
    ? ''
    : ` preemptions=${hyp.preemptions} migrations=${hyp.migrations}`;
}

/** One row per policy: verdict, acknowledged, exits by reason, vgic calls, LR writes, maintenance. */
export function compareTable(runs: readonly ScenarioRun[]): string {
  const rows = [
    ['policy', 'verdict', 'acknowledged', 'exits', 'vgic calls', 'LR writes', 'maintenance'],
    ...runs.map((r) => [
      r.policy,
      r.passed ? 'pass' : 'FAIL',
      r.acks.length === 0 ? '-' : r.acks.map((a) => `${a.intid}@vcpu${a.cpu}`).join(' '),
      exitsSummary(r),
      String(r.costs.timer.vgicCalls),
      String(r.costs.vgic.lrWrites),
      String(r.costs.vgic.maintenance),
    ]),
  ];
  const widths = rows[0].map((_, c) => Math.max(...rows.map((row) => row[c].length)));
  const line = (row: string[]) =>
    row
      .map((cell, c) => cell.padEnd(widths[c]))
      .join('  ')
      .trimEnd();
  return [line(rows[0]), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.slice(1).map(line)].join('\n');
}

/** JSON-safe view of a run (BigInts as hex strings). */
export function runJson(r: ScenarioRun): unknown {
  return JSON.parse(JSON.stringify(r, (_k, v) => (typeof v === 'bigint' ? `0x${v.toString(16)}` : v)));
}
