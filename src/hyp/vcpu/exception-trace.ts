// The guest's exception entries (synchronous, IRQ, FIQ) as `exception`
// trace records, at the vcpu's exact local time (as PSTATE.I,
// pstate-trace.ts). Set up only when tracing: without a trace the cpus keep
// no hook, so the interpreter pays nothing.

import { exceptionRecord } from '../../hw/cpu/exception-record.ts';
import type { TraceSink } from '../../sim/trace/sink.ts';
import type { Vcpu } from './vcpu.ts';

export function traceExceptions(
  vcpus: readonly Vcpu[],
  trace: TraceSink,
  localTicks: (vcpu: number) => number,
): void {
  for (const v of vcpus) {
    v.cpu.onException = (c, vec, fromEl) => {
      if (trace.enabled) trace.emit(exceptionRecord(c, vec, fromEl, localTicks(v.index), v.index));
    };
  }
}
