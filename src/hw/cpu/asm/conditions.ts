// The A64 condition codes, Arm ARM C1.2.4: one definition for the assembler
// and the disassembler.

/** Each code's name, by its 4-bit value, as GNU objdump prints it. */
export const CONDITION_NAMES: readonly string[] = [
  'eq',
  'ne',
  'cs',
  'cc',
  'mi',
  'pl',
  'vs',
  'vc',
  'hi',
  'ls',
  'ge',
  'lt',
  'gt',
  'le',
  'al',
  'nv',
];

/** Every name the assembler accepts, with the aliases HS (= CS) and LO (= CC). */
export const CONDITIONS: Readonly<Record<string, number>> = Object.fromEntries([
  ...CONDITION_NAMES.map((name, code) => [name, code] as const),
  ['hs', 2],
  ['lo', 3],
]);
