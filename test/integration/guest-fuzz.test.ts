// Random guest words (issue 20, the guest half of the fuzz contract): any
// 32-bit words, behind any VBAR/SCTLR/translation setup, end at a limit, a
// PSCI power-off/reset or idle on the reference machine and under the
// hypervisor, never in a host exception (the hypervisor may refuse, as
// KVM_RUN fails, with a GuestError), with the time and the counters
// consistent, and the same result twice. `npm run fuzz:guest` runs more.

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { checkGuestRun, guestInput, guestSource, type MachineKind, runGuest } from './guest-fuzz.ts';

const KINDS: readonly MachineKind[] = ['reference', 'level'];

describe('random guests', () => {
  it('end at a limit or power-off with consistent time and counters, deterministically', {
    timeout: 60_000,
  }, () => {
    fc.assert(
      fc.property(guestInput(), (g) => {
        for (const kind of KINDS) {
          const a = runGuest(g, kind);
          const bad = checkGuestRun(a);
          if (bad !== null) throw new Error(`${kind}: ${bad}\n${guestSource(g)}`);
          const b = runGuest(g, kind);
          assert.deepEqual(b, a, `${kind}: the same guest ran differently twice`);
        }
      }),
      { numRuns: 100, seed: 20 },
    );
  });
});
