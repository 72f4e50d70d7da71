// PSTATE.I of each vcpu as the trace line `vcpu<N>.pstate_i` (1: IRQs
// masked), at the vcpu's exact local time, its reset value first. Set up
// only when tracing: without a trace the cpus keep no hook, so the
// interpreter pays nothing.

import type { TraceSink } from '../../sim/trace/sink.ts';
import type { Vcpu } from './vcpu.ts';

export function traceMaskI(
  vcpus: readonly Vcpu[],
  trace: TraceSink,
  now: number,
  localTicks: (vcpu: number) => number,
): void {
  for (const v of vcpus) {
    const signal = `vcpu${v.index}.pstate_i`;
    const emit = (t: number) => {
      if (trace.enabled) trace.emit({ kind: 'line', t, cpu: v.index, signal, level: (v.cpu.daif & 2) !== 0 });
    };
    emit(now);
    v.cpu.onMaskI = () => emit(localTicks(v.index));
  }
}
