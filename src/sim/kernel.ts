// The deterministic event kernel: a virtual clock and named events.
// Events are data (name, due time, sequence number); their behaviour lives in
// handler objects registered once at machine construction ("pass the scope,
// not a closure"). That is what lets a machine be saved and restored: the
// snapshot holds only the data, the restored machine re-creates the handlers.

import { EventQueue, type EventId } from './event-queue.ts';
import type { Saveable } from './saveable.ts';
import { NEVER, type Ticks } from './time.ts';

export type { EventId } from './event-queue.ts';

export interface EventHandler {
  /** Called when event `id` falls due; `arg` is the value given at createEvent. */
  onEvent(id: EventId, arg: number, now: Ticks): void;
}

export interface ScheduledEventState {
  readonly name: string;
  readonly at: Ticks;
  readonly seq: number;
}

export interface KernelState {
  readonly version: 1;
  readonly now: Ticks;
  readonly seq: number;
  /** Pending events, sorted by (at, seq). */
  readonly events: readonly ScheduledEventState[];
}

export class SimError extends Error {
  override name = 'SimError';
}

export class Kernel implements Saveable<KernelState> {
  private clock: Ticks = 0;
  private readonly queue = new EventQueue();
  private readonly names: string[] = [];
  private readonly byName = new Map<string, EventId>();
  private readonly handlers: EventHandler[] = [];
  private readonly args: number[] = [];
  private fired = 0;

  /** Current virtual time (system-counter ticks since power-on). */
  get now(): Ticks {
    return this.clock;
  }

  /** Number of events fired since construction (a statistic, not state). */
  get eventsFired(): number {
    return this.fired;
  }

  /** Register a named event (setup time). Names are unique and stable across save/restore. */
  createEvent(name: string, handler: EventHandler, arg = 0): EventId {
    if (this.byName.has(name)) throw new SimError(`event '${name}' already exists`);
    const id = this.queue.add();
    this.names[id] = name;
    this.handlers[id] = handler;
    this.args[id] = arg;
    this.byName.set(name, id);
    return id;
  }

  eventName(id: EventId): string {
    return this.names[id];
  }

  /** Schedule (or move) an event to absolute time `at`; scheduling in the past is a bug. */
  schedule(id: EventId, at: Ticks): void {
    if (!(at >= this.clock))
      throw new SimError(`event '${this.names[id]}' scheduled at ${at}, before now (${this.clock})`);
    if (at === NEVER) {
      this.queue.cancel(id);
      return;
    }
    if (!Number.isSafeInteger(at)) throw new SimError(`event '${this.names[id]}' at non-integral time ${at}`);
    this.queue.schedule(id, at);
  }

  scheduleIn(id: EventId, delta: Ticks): void {
    this.schedule(id, this.clock + delta);
  }

  cancel(id: EventId): void {
    this.queue.cancel(id);
  }

  isScheduled(id: EventId): boolean {
    return this.queue.isQueued(id);
  }

  /** Due time of `id`, or NEVER. */
  timeOf(id: EventId): Ticks {
    return this.queue.timeOf(id);
  }

  /** Time of the earliest pending event, or NEVER. */
  nextEventTime(): Ticks {
    return this.queue.peekTime();
  }

  /** Told after every event fired (the explorer: a choice point right after an expiry); null = nobody. */
  afterEvent: ((id: EventId) => void) | null = null;

  /** Fire the earliest event if it is due at or before `limit`; returns whether one fired. */
  step(limit: Ticks = NEVER): boolean {
    if (this.queue.size === 0 || this.queue.peekTime() > limit) return false;
    const at = this.queue.peekTime();
    const id = this.queue.pop();
    this.clock = at;
    this.fired++;
    this.handlers[id].onEvent(id, this.args[id], at);
    if (this.afterEvent !== null) this.afterEvent(id);
    return true;
  }

  /** Fire every event due at or before `limit` in order, then advance the clock to `limit`. */
  runUntil(limit: Ticks): void {
    while (this.step(limit)) {
      /* keep firing */
    }
    if (limit !== NEVER && limit > this.clock) this.clock = limit;
  }

  /**
   * Move the clock forward without firing anything. Only legal up to the next
   * pending event: components that run ahead (a cpu executing a block) call
   * this with a budget the kernel gave them.
   */
  advanceTo(t: Ticks): void {
    if (t < this.clock) throw new SimError(`clock cannot go back from ${this.clock} to ${t}`);
    if (t > this.queue.peekTime())
      throw new SimError(
        `advanceTo(${t}) would skip event '${this.names[this.queue.peek()]}' due at ${this.queue.peekTime()}`,
      );
    this.clock = t;
  }

  save(): KernelState {
    const events: ScheduledEventState[] = [];
    for (let id = 0; id < this.names.length; id++) {
      const eid = id as EventId;
      if (this.queue.isQueued(eid))
        events.push({ name: this.names[id], at: this.queue.timeOf(eid), seq: this.queue.seqOf(eid) });
    }
    events.sort((a, b) => a.at - b.at || a.seq - b.seq);
    return { version: 1, now: this.clock, seq: this.queue.sequence, events };
  }

  /** Time 0, nothing pending. */
  defaultState(): KernelState {
    return { version: 1, now: 0, seq: 0, events: [] };
  }

  reset(): void {
    this.restore(this.defaultState());
  }

  /**
   * Restore clock and pending events into a kernel whose events were created
   * by an identically configured machine. Unknown names are an error: a
   * snapshot must never be silently partial.
   */
  restore(s: KernelState): void {
    if (s.version !== 1) throw new SimError(`kernel snapshot version ${s.version} is not supported`);
    for (let id = 0; id < this.names.length; id++) this.queue.cancel(id as EventId);
    this.clock = s.now;
    for (const e of s.events) {
      const id = this.byName.get(e.name);
      if (id === undefined) throw new SimError(`snapshot names unknown event '${e.name}'`);
      this.queue.scheduleWithSeq(id, e.at, e.seq);
    }
    this.queue.sequence = s.seq;
  }
}
