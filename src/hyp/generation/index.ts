// The registry of generations. Scenario files and the CLI name a
// generation by its key or by one of the aliases kept from the time
// vgicsim called them policies. Adding a generation: write its parts, add
// it here (and to GENERATION_KEYS in names.ts, which the scenario schema
// uses).

import { edgeMapActivePolicy } from '../policy/edge-map-active.ts';
import { level43Policy, levelPolicy } from '../policy/level.ts';
import type { Generation } from './generation.ts';
import { mutant } from './mutants.ts';
import { trapTimer } from './trap-timer.ts';
import {
  ALIASES,
  type DesignKey,
  type GenerationKey,
  MUTANT_IDS,
  type MutantId,
  mutantIdOf,
} from './names.ts';

export type { Generation, PmuEmulation, RunLoopOrder, UserApi, VgicDesign } from './generation.ts';
export { MUTANT_SUMMARY, physChipOf, vgicFaultsOf } from './mutants.ts';
export {
  ALIASES,
  DESIGN_KEYS,
  type DesignKey,
  GENERATION_KEYS,
  type GenerationKey,
  GENERATION_OR_ALIAS,
  MUTANT_IDS,
  MUTANT_NAMES,
  MUTANT_PREFIX,
  type MutantId,
  mutantIdOf,
  VERDICT_KEYS,
} from './names.ts';

const linux42: Generation = {
  name: 'linux-4.2',
  release: '4.2',
  summary:
    'before the seed: edge timer with map->active on the old vgic.c (PPIs edge, LRs kept across exits, soft timer armed at every exit), timer synced after preempt_enable',
  vgic: { kind: 'legacy', seed: false },
  timer: edgeMapActivePolicy,
  // The seed's arm.c hunks move only the timer *sync*; its base tree
  // already flushed the timer first (see docs/generations.md).
  order: { timerFlush: 'before-vgic', timerSync: 'after-preempt-enable' },
  api: { oneRegUpdatesTimer: false, counterOffsetIoctl: false, vgicV3Regs: false },
  pmu: 'raz-wi',
  // vgic-v3.c + vgic-v3-emul.c on the old vgic.c core (src/hyp/vgic/legacy/legacy-v3-*.ts)
  vgicV3: true,
};

const linux43: Generation = {
  name: 'linux-4.3',
  release: '4.3',
  summary:
    'the seed applied: level timer (irq.level), PPIs level, vgic_sync_hwirq resamples through process_level_irq, old vgic.c, timer before vgic on both sides',
  vgic: { kind: 'legacy', seed: true },
  timer: level43Policy,
  order: { timerFlush: 'before-vgic', timerSync: 'before-vgic' },
  api: { oneRegUpdatesTimer: true, counterOffsetIoctl: false, vgicV3Regs: false },
  pmu: 'raz-wi',
  vgicV3: true,
};

const linux70: Generation = {
  name: 'linux-7.0',
  release: '7.0',
  summary:
    "today's KVM: new vgic (ap_list, LRs rebuilt at every entry, 2025 LR-overflow rework) with the seed's level timer",
  vgic: { kind: 'new' },
  timer: levelPolicy,
  order: { timerFlush: 'before-vgic', timerSync: 'before-vgic', vgicLoad: 'vcpu-load' },
  api: { oneRegUpdatesTimer: true, counterOffsetIoctl: true, vgicV3Regs: true },
  pmu: 'vpmu',
  vgicV3: true,
};

export const GENERATIONS: Readonly<Record<GenerationKey, Generation>> = {
  'linux-4.2': linux42,
  'linux-4.3': linux43,
  'linux-7.0': linux70,
};

/** Hypothetical designs on a release (not releases): docs/generations.md "Designs". */
export const DESIGNS: Readonly<Record<DesignKey, Generation>> = {
  'trap-timer': trapTimer(linux70),
};

/** The mutants (mutants.ts): linux-7.0 with one deliberate bug each, by id. */
export const MUTANTS: Readonly<Record<MutantId, Generation>> = Object.fromEntries(
  MUTANT_IDS.map((id) => [id, mutant(linux70, id)]),
) as Record<MutantId, Generation>;

/** The generation a name (key, alias or `mutant:<id>`) selects, e.g. 'level' -> linux-7.0. */
export function generationByName(name: string): Generation {
  const key = (ALIASES as Record<string, GenerationKey>)[name] ?? name;
  const id = mutantIdOf(key);
  const g =
    id !== undefined
      ? MUTANTS[id]
      : ((GENERATIONS as Record<string, Generation>)[key] ?? (DESIGNS as Record<string, Generation>)[key]);
  if (g === undefined)
    throw new RangeError(
      `unknown generation '${name}' (expected one of: ${[...Object.keys(GENERATIONS), ...Object.keys(DESIGNS)].join(', ')}; aliases: ${Object.keys(ALIASES).join(', ')})`,
    );
  return g;
}

/**
 * What a scenario expects under a generation: it passes, it fails, or the
 * generation refuses its machine (`rejected`: gic: v3 without vgic-v3).
 */
export type ExpectedVerdict = 'pass' | 'fail' | 'rejected';

/**
 * The verdict a scenario expects under generation `name` (key or alias):
 * its own key first, then any alias naming the same generation; absent = pass.
 */
export function expectedVerdict(
  verdicts: Readonly<Record<string, ExpectedVerdict | undefined>> | undefined,
  name: string,
): ExpectedVerdict {
  if (verdicts === undefined) return 'pass';
  const key = generationByName(name).name;
  const own = verdicts[key];
  if (own !== undefined) return own;
  for (const [alias, target] of Object.entries(ALIASES)) {
    const v = verdicts[alias];
    if (target === key && v !== undefined) return v;
  }
  return 'pass';
}
