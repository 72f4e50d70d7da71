// Where trace records go. Producers test `sink.enabled` before building a
// record, so a run with tracing off allocates nothing for it.

import type { TraceRecord } from './records.ts';

export interface TraceSink {
  readonly enabled: boolean;
  emit(r: TraceRecord): void;
}

export const NULL_SINK: TraceSink = {
  enabled: false,
  emit() {
    /* tracing off */
  },
};

/**
 * Keeps the records in time order, ties in emission order. Producers emit
 * at the kernel's time, which never goes back, except a cpu's own instant
 * mid-step (PSTATE.I, hyp/vm.ts), which can be ahead of what another cpu of
 * the same slice emits next: such a record is moved back into place
 * (a search from the end: one comparison for a record in order).
 */
export class MemorySink implements TraceSink {
  readonly enabled = true;
  readonly records: TraceRecord[] = [];
  emit(r: TraceRecord): void {
    const a = this.records;
    let i = a.length;
    while (i > 0 && a[i - 1].t > r.t) i--;
    if (i === a.length) a.push(r);
    else a.splice(i, 0, r);
  }
}

/**
 * Records only what happens in [from, to) of virtual time, and tells
 * producers it is disabled outside it, so tracing a 10 ms window of a long
 * run (a Linux boot) costs nothing elsewhere. `clock` is bound by whoever
 * builds the machine (before that, the window is judged at time 0).
 */
export class WindowSink implements TraceSink {
  clock: { readonly now: number } | null = null;

  constructor(
    readonly inner: TraceSink,
    readonly from: number,
    readonly to: number,
  ) {}

  get enabled(): boolean {
    const t = this.clock?.now ?? 0;
    return t >= this.from && t < this.to;
  }

  emit(r: TraceRecord): void {
    if (r.t >= this.from && r.t < this.to) this.inner.emit(r);
  }
}
