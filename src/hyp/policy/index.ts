// The registry of timer/vgic policies. Adding a policy: write its module,
// add it here. Scenario files and the CLI name policies by these keys.

import { legacyEdgePolicy } from './legacy-edge.ts';
import { levelPolicy } from './level.ts';
import type { TimerPolicy } from './policy.ts';

export type { TimerPolicy } from './policy.ts';

export const POLICIES: Readonly<Record<string, TimerPolicy>> = {
  level: levelPolicy,
  'legacy-edge': legacyEdgePolicy,
};

export const POLICY_NAMES = Object.keys(POLICIES);

export function policyByName(name: string): TimerPolicy {
  const p = POLICIES[name];
  if (p === undefined)
    throw new RangeError(`unknown policy '${name}' (expected one of: ${POLICY_NAMES.join(', ')})`);
  return p;
}
