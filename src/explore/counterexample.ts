// A counterexample as a standalone scenario: the explored scenario's file
// with its host events replaced by the ones that force the same choices:
// every forced exit becomes `after: { vcpu, address, hit }` + `exit: host`
// (right after that execution of that instruction, where the explorer's
// breakpoint asked), every window fires at the instant chosen (`at: t`),
// host events due at one instant are listed in the order they fired (`run`
// fires them in list order). Its other host events are kept; `vgicsim run`
// on the file replays the run.
// A forced preemption at an exit that came right at an interesting
// instruction becomes `after` + `preempt: { vcpu, migrateTo, cycles }`.
// The host's other decisions (the order of vcpus in a slice, a yield, a
// preemption at an exit no instruction caused, a migration on wake-up)
// become `at: <tick>` + `choose: { kind, option, nth }`, and
// machine.choices: default makes `run` take option 0 at every decision no
// event directs, as the explorer's run did (not its seeded draw).

import { readFileSync } from 'node:fs';
import { isMap, isSeq, parseDocument, type YAMLMap } from 'yaml';
import { GENERATION_OR_ALIAS } from '../hyp/generation/names.ts';
import type { Scenario } from '../scenario/types.ts';
import type { Counterexample, Step } from './explorer.ts';
import { describeStep } from './report.ts';

export interface WrittenCounterexample {
  readonly yaml: string;
  /** every forced choice is expressed by a host event */
  readonly complete: boolean;
}

export function counterexampleScenario(
  s: Scenario,
  generation: string,
  property: string,
  cx: Counterexample,
): WrittenCounterexample {
  const doc = parseDocument(readFileSync(s.file, 'utf8'));
  const host = doc.get('host');
  const events: unknown[] = [];
  const windows = new Map<number, number>();
  const inexpressible: string[] = [];
  const preemptCycles = s.machine.preemptCycles ?? 0;
  /** a preemption's migrate decision right after it (same exit) */
  const migrateOf = (n: number): Step | undefined => {
    const next = cx.steps[n + 1];
    return next?.kind === 'migrate' && next.pos === cx.steps[n].pos + 1 ? next : undefined;
  };
  cx.steps.forEach((st, n) => {
    if (st.kind === 'preempt' && st.vcpu >= 0 && st.chosen === 1) {
      // The host preempts the thread at this exit's preempt_enable(): a forced preemption after
      // the instruction the exit came from (a vcpu in the guest exits there first), to the cpu
      // the following migrate decision chose (default: it stays).
      const m = migrateOf(n);
      const to = m === undefined ? undefined : m.freeCpus?.[m.chosen - 1];
      events.push({
        after: { vcpu: st.vcpu, address: `0x${st.pc.toString(16)}`, hit: st.hit },
        preempt: { vcpu: st.vcpu, ...(to === undefined ? {} : { migrateTo: to }), cycles: preemptCycles },
      });
    } else if (st.kind === 'migrate' && n > 0 && migrateOf(n - 1) === st && cx.steps[n - 1].vcpu >= 0) {
      // written with its preemption
    } else if (st.nth !== undefined)
      events.push({
        at: st.t,
        choose: { kind: st.kind, option: st.chosen, ...(st.nth > 1 ? { nth: st.nth } : {}) },
      });
    else if (st.kind === 'exit')
      events.push({
        after: { vcpu: st.vcpu, address: `0x${st.pc.toString(16)}`, hit: st.hit },
        exit: 'host',
      });
    else if (st.kind === 'exit-at-event') events.push({ at: st.t, exit: 'host' });
    else if (st.kind === 'window') windows.set(st.pc, st.chosen);
    else if (st.kind !== 'host-order')
      // (host-order: the events are written in the order they fired, hostOrder)
      inexpressible.push(describeStep(st));
  });
  // the scenario's own events but its forced exits; windows at the chosen instant (default: from)
  const kept: unknown[] = [];
  /** a kept event's position in the order host events due at one instant fired (host-order choices) */
  const rank = new Map<unknown, number>();
  // The explorer numbers host events without the forced exits and directed choices it removed
  // (withoutForcedExits): `explored` is this event's index in that list, which windows and
  // hostOrder name.
  let explored = -1;
  if (isSeq(host))
    host.items.forEach((item, i) => {
      const ev = s.host[i];
      if (ev === undefined || ev.action.kind === 'exit' || ev.action.kind === 'choose') return;
      explored++;
      if (!isMap(item)) return;
      const node = item as YAMLMap;
      if (ev.trigger.kind === 'at' && ev.trigger.to !== undefined)
        node.set('at', ev.trigger.ticks + (windows.get(explored) ?? 0));
      const r = cx.hostOrder?.indexOf(explored) ?? -1;
      if (r >= 0) rank.set(node, r);
      kept.push(node);
    });
  // `at` events in time order (the scenario format requires it); `after` events anywhere
  const time = (n: unknown): number => {
    const v = isMap(n) ? (n as YAMLMap).get('at') : (n as { at?: unknown }).at;
    return typeof v === 'number' ? v : -1;
  };
  const all = [...kept, ...events];
  // (at one instant: the host events in the order they fired, which `run` follows: list order)
  const order = (n: unknown): number => rank.get(n) ?? Number.MAX_SAFE_INTEGER;
  const timed = all.filter((n) => time(n) >= 0).sort((a, b) => time(a) - time(b) || order(a) - order(b));
  let next = 0;
  const ordered = all.map((n) => (time(n) >= 0 ? timed[next++] : n));
  doc.set('host', doc.createNode(ordered));
  // `run` would decide by its seeded chooser where the explorer's run took the default: only the written choices
  doc.setIn(['machine', 'choices'], 'default');
  if (GENERATION_OR_ALIAS.includes(generation as (typeof GENERATION_OR_ALIAS)[number])) {
    doc.setIn(['machine', 'policy'], generation);
    doc.deleteIn(['expect', 'verdicts']);
  }
  doc.set('name', `${s.name}-${generation}-${property}`);
  const header = [
    `Counterexample found by vgicsim explore: ${property} under ${generation},`,
    `${cx.forced} forced choice(s), ${cx.instructions} instructions (minimal: fewest forced choices, then shortest).`,
    cx.message,
    ...cx.steps.map((st, i) => `${i + 1}. ${describeStep(st)}`),
    ...(inexpressible.length > 0
      ? [`Not expressible as host events (this file may not reproduce): ${inexpressible.join('; ')}`]
      : []),
    `Replay: vgicsim run <this file>${GENERATION_OR_ALIAS.includes(generation as never) ? '' : ` --policy ${generation}`}`,
  ];
  const old = doc.commentBefore ?? '';
  doc.commentBefore = `${header.map((l) => ` ${l}`).join('\n')}${old ? `\n\n${old}` : ''}`;
  return { yaml: doc.toString({ lineWidth: 0 }), complete: inexpressible.length === 0 };
}
