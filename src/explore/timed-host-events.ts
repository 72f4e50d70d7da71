// The scenario's timed host events (`at:` triggers) as the explorer fires
// them: a window `at: { from, to }` is a decision at `from` (fire now, or
// at one of the later ticks up to `to`), and so is the order of the events
// due at one instant (docs/explore.md, "What is enumerated").

import type { HostEvent } from '../scenario/types.ts';
import type { EventId, Kernel } from '../sim/kernel.ts';
import type { ExploreChooser } from './choice-tree.ts';

const WINDOW_CHOICE = 'window';
/** which of the host events due at one instant fires next (option 0: the kernel's order) */
const HOST_ORDER_CHOICE = 'host-order';

export class TimedHostEvents {
  /** window events: tick chosen (relative to from), per host event index (-1 = not a window or not fired) */
  readonly windowOffsets: Int32Array;
  /** timed host events: the order they fired in (0, 1, ...; -1 = not yet), what the reference is fed */
  readonly fireSeq: Int32Array;
  /** timed host events: the host-order option that made one fire before the others due at its instant (0: none) */
  readonly orderChoice: Int32Array;
  /** timed host events' kernel events (null: not timed) */
  private readonly hostIds: (EventId | null)[] = [];

  constructor(
    private readonly kernel: Kernel,
    private readonly chooser: ExploreChooser,
    private readonly host: readonly HostEvent[],
    private readonly fire: (ev: HostEvent) => void,
  ) {
    this.windowOffsets = new Int32Array(host.length).fill(-1);
    this.fireSeq = new Int32Array(host.length).fill(-1);
    this.orderChoice = new Int32Array(host.length);
    this.arm();
  }

  /** As at the start of a run (the kernel's events are restored with the machine). */
  reset(): void {
    this.windowOffsets.fill(-1);
    this.fireSeq.fill(-1);
    this.orderChoice.fill(0);
  }

  /** A run's fired order and choices, as `save` took them. */
  restore(windowOffsets: Int32Array, fireSeq: Int32Array, orderChoice: Int32Array): void {
    this.windowOffsets.set(windowOffsets);
    this.fireSeq.set(fireSeq);
    this.orderChoice.set(orderChoice);
  }

  private arm(): void {
    const k = this.kernel;
    this.host.forEach((ev, i) => {
      const t = ev.trigger;
      if (t.kind !== 'at') {
        this.hostIds.push(null);
        return;
      }
      const id = k.createEvent(`host.${i}`, {
        onEvent: () => {
          if (t.to === undefined || this.windowOffsets[i] >= 0) {
            this.fireTimed(i);
            return;
          }
          // The window: fire now (0) or at from + n (the step names the host event by its index, as pc).
          this.chooser.here.t = k.now;
          this.chooser.here.pc = i;
          const n = this.chooser.choose(WINDOW_CHOICE, t.to - t.ticks + 1);
          this.windowOffsets[i] = n;
          if (n === 0) this.fireTimed(i);
          else k.schedule(id, t.ticks + n);
        },
      });
      this.hostIds.push(id);
      if (t.ticks >= k.now) k.schedule(id, t.ticks);
    });
  }

  /** Timed host events in the order they fired in this run. */
  firedOrder(): number[] {
    const seq = this.fireSeq;
    const fired: number[] = [];
    for (let i = 0; i < seq.length; i++) if (seq[i] >= 0) fired.push(i);
    return fired.sort((a, b) => seq[a] - seq[b]);
  }

  /** Some events of one instant fired in another order than the scenario's. */
  reordered(): boolean {
    return this.orderChoice.some((c) => c !== 0);
  }

  /** Is timed host event `j` due now, to fire (not to decide its window)? */
  private dueNow(j: number): boolean {
    const id = this.hostIds[j];
    if (id === null || id === undefined) return false;
    const k = this.kernel;
    if (!k.isScheduled(id) || k.timeOf(id) !== k.now) return false;
    const t = this.host[j].trigger;
    return t.kind === 'at' && (t.to === undefined || this.windowOffsets[j] >= 0);
  }

  /**
   * Timed host event `i` falls due. When others are due at the same instant
   * their order is a choice (option 0: `i`, the kernel's order; n: the n-th
   * other in scenario order); the one chosen fires and `i` waits its turn
   * (rescheduled now: the others due now fire first, each asking again).
   */
  private fireTimed(i: number): void {
    const k = this.kernel;
    let others = 0;
    for (let j = 0; j < this.hostIds.length; j++) if (j !== i && this.dueNow(j)) others++;
    let chosen = i;
    if (others > 0) {
      this.chooser.here.t = k.now;
      this.chooser.here.pc = i;
      const c = this.chooser.choose(HOST_ORDER_CHOICE, others + 1);
      if (c > 0) {
        for (let j = 0, n = 0; j < this.hostIds.length; j++)
          if (j !== i && this.dueNow(j) && ++n === c) chosen = j;
        this.orderChoice[chosen] = c;
        k.cancel(this.hostIds[chosen]!);
        k.schedule(this.hostIds[i]!, k.now);
      }
    }
    let seq = 0;
    for (const x of this.fireSeq) if (x >= seq) seq = x + 1;
    this.fireSeq[chosen] = seq;
    this.fire(this.host[chosen]);
  }
}
