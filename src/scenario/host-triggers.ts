// Host events' triggers on a machine: `at` times become named kernel events
// (so they survive save/restore), `after` instructions become breakpoints.
// Shared by the runner (run.ts) and the explorer, which arms the same
// events on the machines it enumerates.

import type { EventHandler } from '../sim/kernel.ts';
import type { ReferenceMachine } from '../reference/machine.ts';
import type { Vm } from '../hyp/vm.ts';
import { type ScenarioDiagnostic, ScenarioError } from './diagnostics.ts';
import type { VcpuImage } from './images.ts';
import type { HostEvent, Scenario } from './types.ts';

export type FireHost = (ev: HostEvent, index: number) => void;

/** Host events triggered by time become named kernel events `host.<i>` (a window fires at `from`). */
export function armTimedEvents(m: Vm | ReferenceMachine, events: readonly HostEvent[], fire: FireHost): void {
  events.forEach((ev, i) => {
    // (`choose` directs the chooser, buildVm: no event)
    if (ev.trigger.kind !== 'at' || ev.action.kind === 'choose') return;
    const handler: EventHandler = { onEvent: () => fire(ev, i) };
    const id = m.board.kernel.createEvent(`host.${i}`, handler);
    if (ev.trigger.ticks >= m.board.kernel.now) m.board.kernel.schedule(id, ev.trigger.ticks);
  });
}

/** The address an `after` trigger names (its label looked up in the vcpu's image), or a message. */
function afterAddress(
  images: readonly (VcpuImage | undefined)[],
  t: { vcpu: number; label?: string; address?: number },
): number | string {
  if (t.address !== undefined) return t.address;
  const addr = images[t.vcpu]?.symbols.get(t.label ?? '');
  return addr ?? `no label '${t.label}' in vcpu${t.vcpu}'s code`;
}

/**
 * `after: { vcpu, label | address, hit? }` triggers: a breakpoint right after
 * the instruction. `hits[i]` counts the executions of event i's instruction
 * (kept by the caller so the count survives a save and restore into a fresh
 * machine); with `hit: n` the event fires on the n-th only.
 */
export function armLabelEvents(
  m: Vm | ReferenceMachine,
  s: Scenario,
  images: readonly (VcpuImage | undefined)[],
  fire: FireHost,
  hits: Float64Array = new Float64Array(s.host.length),
): void {
  const diags: ScenarioDiagnostic[] = [];
  s.host.forEach((ev, i) => {
    const t = ev.trigger;
    if (t.kind !== 'after') return;
    const addr = afterAddress(images, t);
    if (typeof addr === 'string') {
      diags.push({ ...ev.where, message: `host[${i}].after: ${addr}` });
      return;
    }
    const want = t.hit;
    m.board.cpus[t.vcpu].addBreakpoint(addr, () => {
      hits[i]++;
      if (want === undefined || hits[i] === want) fire(ev, i);
    });
  });
  if (diags.length > 0) throw new ScenarioError(diags);
}
