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

export class MemorySink implements TraceSink {
  readonly enabled = true;
  readonly records: TraceRecord[] = [];
  emit(r: TraceRecord): void {
    this.records.push(r);
  }
}
