// An indexed binary min-heap of events ordered by (time, sequence number).
// Events are long-lived slots created once (a timer's expiry, a device's next
// deadline) and then scheduled, rescheduled and cancelled many times: none of
// those operations allocates. Equal times fire in the order they were
// (re)scheduled, as VS Code's TimeTravelScheduler does, so runs are
// deterministic.

import type { Ticks } from './time.ts';

export type EventId = number & { readonly __brand: 'EventId' };

const NOT_QUEUED = -1;

export class EventQueue {
  private cap = 0;
  /** per slot: due time */
  private time = new Float64Array(0);
  /** per slot: tie-break sequence number */
  private seq = new Float64Array(0);
  /** per slot: index in `heap`, or NOT_QUEUED */
  private pos = new Int32Array(0);
  /** heap of slot ids */
  private heap = new Int32Array(0);
  private count = 0;
  private slots = 0;
  private nextSeq = 0;

  constructor(initialCapacity = 16) {
    this.grow(initialCapacity);
  }

  get size(): number {
    return this.count;
  }

  get sequence(): number {
    return this.nextSeq;
  }

  set sequence(s: number) {
    this.nextSeq = s;
  }

  /** Allocate a new slot (setup time only). */
  add(): EventId {
    if (this.slots === this.cap) this.grow(this.cap * 2);
    const id = this.slots++;
    this.pos[id] = NOT_QUEUED;
    return id as EventId;
  }

  isQueued(id: EventId): boolean {
    return this.pos[id] !== NOT_QUEUED;
  }

  timeOf(id: EventId): Ticks {
    return this.pos[id] === NOT_QUEUED ? Number.POSITIVE_INFINITY : this.time[id];
  }

  seqOf(id: EventId): number {
    return this.seq[id];
  }

  /** Queue or move an event; it gets a fresh sequence number (fires after equal-time events already queued). */
  schedule(id: EventId, at: Ticks): void {
    this.scheduleWithSeq(id, at, this.nextSeq++);
  }

  /** Used by restore: put an event back with its saved sequence number. */
  scheduleWithSeq(id: EventId, at: Ticks, seq: number): void {
    this.time[id] = at;
    this.seq[id] = seq;
    const p = this.pos[id];
    if (p === NOT_QUEUED) {
      const i = this.count++;
      this.heap[i] = id;
      this.pos[id] = i;
      this.up(i);
    } else {
      this.up(p);
      this.down(this.pos[id]);
    }
  }

  cancel(id: EventId): void {
    const p = this.pos[id];
    if (p === NOT_QUEUED) return;
    this.removeAt(p);
  }

  /** Slot id of the earliest event, or -1 when empty. */
  peek(): number {
    return this.count === 0 ? -1 : this.heap[0];
  }

  peekTime(): Ticks {
    return this.count === 0 ? Number.POSITIVE_INFINITY : this.time[this.heap[0]];
  }

  /** Remove and return the earliest event's slot id (queue must not be empty). */
  pop(): EventId {
    const id = this.heap[0];
    this.removeAt(0);
    return id as EventId;
  }

  private removeAt(p: number): void {
    const id = this.heap[p];
    this.pos[id] = NOT_QUEUED;
    const last = --this.count;
    if (p !== last) {
      const moved = this.heap[last];
      this.heap[p] = moved;
      this.pos[moved] = p;
      this.up(p);
      this.down(this.pos[moved]);
    }
  }

  private less(a: number, b: number): boolean {
    const ta = this.time[a];
    const tb = this.time[b];
    return ta < tb || (ta === tb && this.seq[a] < this.seq[b]);
  }

  private up(i: number): void {
    const heap = this.heap;
    const id = heap[i];
    while (i > 0) {
      const parent = (i - 1) >> 1;
      const pid = heap[parent];
      if (!this.less(id, pid)) break;
      heap[i] = pid;
      this.pos[pid] = i;
      i = parent;
    }
    heap[i] = id;
    this.pos[id] = i;
  }

  private down(i: number): void {
    const heap = this.heap;
    const n = this.count;
    const id = heap[i];
    for (;;) {
      const l = 2 * i + 1;
      if (l >= n) break;
      const r = l + 1;
      const c = r < n && this.less(heap[r], heap[l]) ? r : l;
      const cid = heap[c];
      if (!this.less(cid, id)) break;
      heap[i] = cid;
      this.pos[cid] = i;
      i = c;
    }
    heap[i] = id;
    this.pos[id] = i;
  }

  private grow(cap: number): void {
    cap = Math.max(cap, 4);
    const t = new Float64Array(cap);
    t.set(this.time);
    const s = new Float64Array(cap);
    s.set(this.seq);
    const p = new Int32Array(cap);
    p.set(this.pos);
    const h = new Int32Array(cap);
    h.set(this.heap);
    this.time = t;
    this.seq = s;
    this.pos = p;
    this.heap = h;
    this.cap = cap;
  }
}
