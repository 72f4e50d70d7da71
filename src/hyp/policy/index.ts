// The timer policies generations are built from (src/hyp/generation).

export { edgeMapActivePolicy } from './edge-map-active.ts';
export { level43Policy, levelPolicy } from './level.ts';
export type { TimerPolicy } from './policy.ts';
