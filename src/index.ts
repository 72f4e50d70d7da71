// vgicsim's library API (the package's main export, `import ... from 'vgicsim'`):
//   - scenarios: load and validate a scenario file, run it, read its verdicts;
//   - traces: record a run's events (MemorySink) and write them as text, VCD
//     or Perfetto (also `vgicsim/export`);
//   - the KVM-like userspace API, as the namespace `kvm` (also `vgicsim/kvm`):
//     createVm, vcpus, the vgic device, KVM_IRQ_LINE, ONE_REG, KVM_RUN.
// Nothing inside src/ imports this file (.dependency-cruiser.cjs), and it
// imports no command-line code (src/cli) and nothing that needs a dev
// dependency (src/explore uses fast-check).

export * from './scenario/index.ts';
export {
  type CostReport,
  type RunOptions,
  runScenario,
  type ScenarioRun,
  type UndefinedReport,
} from './scenario/run.ts';
export type { Verdict } from './scenario/expect.ts';
export type { Divergence } from './scenario/divergence.ts';

export { MemorySink, NULL_SINK, type TraceSink, WindowSink } from './sim/trace/sink.ts';
export type * from './sim/trace/records.ts';
export * from './export/index.ts';

export * as kvm from './hyp/api/index.ts';
