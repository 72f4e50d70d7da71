// Public API of src/scenario (loading and validation of scenario files).
export {
  type ScenarioDiagnostic,
  ScenarioError,
  formatDiagnostic,
  formatDiagnostics,
  printable,
} from './diagnostics.ts';
export { scenarioJsonSchema } from './json-schema.ts';
export { type LoadOptions, loadScenarioFile, parseScenario } from './load.ts';
export {
  DEFAULT_MACHINE,
  GIC_VERSIONS,
  MAX_VCPUS,
  POLICIES,
  SCENARIO_VERSION,
  scenarioSchemas,
} from './schema.ts';
export type * from './types.ts';
/** machine.memory's syntax (QEMU -m), for the command line's -m. */
export { parseRamSize } from '../hw/board/ram-size.ts';
