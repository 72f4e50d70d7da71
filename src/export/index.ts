// Public API of src/export: the trace writers (text, VCD, Perfetto). Each
// takes the records of a run (a MemorySink's `records`) and returns a string.
export { formatRecord, writeText } from './text.ts';
export { type VcdOptions, vcdTimescale, writeVcd } from './vcd.ts';
export { type PerfettoOptions, writePerfetto } from './perfetto.ts';
