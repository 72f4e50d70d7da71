// The timer policies generations are built from (src/hyp/generation).

export { edgeMapActivePolicy } from './edge-map-active.ts';
export { level43Policy, levelPolicy } from './level.ts';
export type { TimerPolicy } from './policy.ts';
export { trapTimerPolicy } from './trap-timer.ts';

/** Every generation (kept for code written when generations were "policies"; aliases: GENERATION_OR_ALIAS). */
export { GENERATION_KEYS as POLICY_NAMES } from '../generation/names.ts';
