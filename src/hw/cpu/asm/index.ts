// Public API of the AArch64 assembler (GNU as syntax subset, docs/assembler.md).

export { type AsmOptions, type AsmResult, assemble, DEFAULT_BASE } from './assembler.ts';
export { type AsmDiagnostic, AsmError } from './diagnostics.ts';
export { DIRECTIVES } from './directives.ts';
export { MNEMONICS } from './mnemonics.ts';
export { type SysRegEncoding, SYSREGS, sysregByName, sysregKey, sysregName } from './sysreg-table.ts';
