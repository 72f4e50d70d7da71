// Generation names as plain data (the scenario schema and the CLI list them
// without building anything).

export const GENERATION_KEYS = ['linux-4.2', 'linux-4.3', 'linux-7.0'] as const;
export type GenerationKey = (typeof GENERATION_KEYS)[number];

/** Names kept from the time generations were "policies". */
export const ALIASES = {
  /** the seed's timer on today's vgic: today's KVM */
  level: 'linux-7.0',
  /** the timer before the seed */
  'legacy-edge': 'linux-4.2',
} as const satisfies Record<string, GenerationKey>;

/** Every name `machine.policy` and `--policy` accept. */
export const GENERATION_OR_ALIAS = [
  ...GENERATION_KEYS,
  ...(Object.keys(ALIASES) as (keyof typeof ALIASES)[]),
] as const;
