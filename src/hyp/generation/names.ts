// Generation names as plain data (the scenario schema and the CLI list them
// without building anything).

export const GENERATION_KEYS = ['linux-4.2', 'linux-4.3', 'linux-7.0'] as const;
export type GenerationKey = (typeof GENERATION_KEYS)[number];

/**
 * Hypothetical designs built on a generation (not releases; docs/generations.md
 * "Designs"): selectable wherever a generation is, listed by `--help`.
 */
export const DESIGN_KEYS = ['trap-timer'] as const;
export type DesignKey = (typeof DESIGN_KEYS)[number];

/**
 * Mutants for testing the explorer: linux-7.0 with one deliberate bug each
 * (src/hyp/generation/mutants.ts), selected as `mutant:<id>`. Not listed by
 * `--help`; docs/generations.md "Mutants (for testing the explorer)".
 */
export const MUTANT_IDS = [
  'vgic-sync-first',
  'keep-phys-active',
  'no-eoi-maintenance',
  'no-resample-after-deactivate',
  'sgi-ispendr-writable',
  'no-level-reeval-on-enable',
  'lost-kick',
  'pmu-no-kick',
] as const;
export type MutantId = (typeof MUTANT_IDS)[number];

export const MUTANT_PREFIX = 'mutant:';
/** `mutant:<id>` for every mutant, in MUTANT_IDS order. */
export const MUTANT_NAMES: readonly string[] = MUTANT_IDS.map((id) => `${MUTANT_PREFIX}${id}`);

/** The mutant `name` selects (`mutant:<id>`), or undefined. */
export function mutantIdOf(name: string): MutantId | undefined {
  if (!name.startsWith(MUTANT_PREFIX)) return undefined;
  const id = name.slice(MUTANT_PREFIX.length);
  return (MUTANT_IDS as readonly string[]).includes(id) ? (id as MutantId) : undefined;
}

/** Names kept from the time generations were "policies". */
export const ALIASES = {
  /** the seed's timer on today's vgic: today's KVM */
  level: 'linux-7.0',
  /** the timer before the seed */
  'legacy-edge': 'linux-4.2',
} as const satisfies Record<string, GenerationKey>;

/** Every name `machine.policy` and `--policy` accept (mutants aside). */
export const GENERATION_OR_ALIAS = [
  ...GENERATION_KEYS,
  ...DESIGN_KEYS,
  ...(Object.keys(ALIASES) as (keyof typeof ALIASES)[]),
] as const;

/** Every name `expect.verdicts` and `--policies` accept: the above and the mutants. */
export const VERDICT_KEYS: readonly string[] = [...GENERATION_OR_ALIAS, ...MUTANT_NAMES];
