// The reference (bare-metal) machine run to the end on a scenario's inputs.
// The scenario runner runs the reference only as far as the virtual
// machine's last acknowledgement (enough for "no spurious delivery"); "no
// lost interrupt" needs everything hardware would have delivered.

import type { AckEntry } from '../hw/board/acks.ts';
import type { RunEnd } from '../hw/board/run-result.ts';
import { buildImages } from '../scenario/images.ts';
import { applyToReference, buildReference } from '../scenario/machines.ts';
import { armLabelEvents, armTimedEvents } from '../scenario/host-triggers.ts';
import type { HostEvent, Scenario } from '../scenario/types.ts';

export interface ReferenceResult {
  readonly end: RunEnd;
  readonly ticks: number;
  readonly acks: readonly AckEntry[];
  readonly uart: string;
}

export function runReference(s: Scenario, seed = 0): ReferenceResult {
  const images = buildImages(s);
  const ref = buildReference(s, images, {
    policy: s.machine.policy,
    seed,
    trace: { enabled: false, emit() {} },
  });
  const fire = (ev: HostEvent) => applyToReference(ref, ev.action);
  armTimedEvents(ref, s.host, fire);
  armLabelEvents(ref, s, images, fire);
  const r = ref.run(s.machine.limits);
  return { end: r.end, ticks: r.ticks, acks: r.acks, uart: r.uart };
}
