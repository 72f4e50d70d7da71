// EL0 access to the PMU registers under each PMUSERENR_EL0 setting (EN, SW,
// ER, none), on the reference machine (PMUv3 hardware: a disabled access
// traps to EL1 with EC 0x18), on linux-7.0 (the vPMU re-checks the guest's
// PMUSERENR_EL0 at EL2 and injects UNDEFINED, EC 0x00, where hardware
// traps) and on linux-4.2/4.3 (the host's PMUSERENR_EL0 = 0 stays on the
// hardware: every access but the PMUSERENR read traps to the guest's EL1).

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { MACHINES, type MachineName, RES, runPmuGuest } from './pmu-guest.ts';

/** The EL0 accesses, in order. */
const ACCESSES = [
  'mrs     x1, pmcr_el0',
  'msr     pmswinc_el0, x1',
  'mrs     x1, pmccntr_el0',
  'mrs     x1, pmevcntr0_el0',
  'msr     pmselr_el0, xzr',
  'mrs     x1, pmuserenr_el0',
  'msr     pmuserenr_el0, xzr',
  'mrs     x1, pmintenset_el1',
];
const CONFIGS = [0, 1, 2, 8] as const; // none, EN, SW, ER

function guest(): string {
  const el0 = ACCESSES.map(
    (a) =>
      `        mov     x25, #0\n        ${a}\n        str     x25, [x20, x21]\n        add     x21, x21, #8\n`,
  ).join('');
  return `
_start:
        ldr     x0, =vectors
        msr     vbar_el1, x0
        ldr     x20, =${RES}
        mov     x21, #0
${CONFIGS.map((c) => `        mov     x0, #${c}\n        msr     pmuserenr_el0, x0\n        bl      el0_run\n`).join('')}
        ldr     x0, =PSCI_SYSTEM_OFF
        hvc     #0
        b       .
el0_run:
        mov     x28, x30
        ldr     x0, =el0_code
        msr     elr_el1, x0
        mov     x0, #0x3c0
        msr     spsr_el1, x0
        eret
el0_code:
${el0}        svc     #0
el0_sync:
        mrs     x27, esr_el1
        lsr     x0, x27, #26
        cmp     x0, #0x15
        b.eq    1f
        mov     x25, x27
        mrs     x27, elr_el1
        add     x27, x27, #4
        msr     elr_el1, x27
        eret
1:      br      x28
        .balign 2048
vectors:
        .skip   0x400
        b       el0_sync
`;
}

/** '-' no exception, 'T' trapped to EL1 (EC 0x18), 'U' UNDEFINED (EC 0x00). */
function outcomes(name: MachineName): string[] {
  const r = runPmuGuest(name, { src: guest() });
  assert.equal(r.end, 'poweroff');
  return CONFIGS.map((_, c) =>
    ACCESSES.map((_, i) => {
      const esr = r.res(c * ACCESSES.length + i);
      if (esr === 0n) return '-';
      const ec = Number(esr >> 26n);
      return ec === 0x18 ? 'T' : ec === 0 ? 'U' : '?';
    }).join(''),
  );
}

//                 PMCR SWINC CCNTR EVCNTR SELR USERENR(r) USERENR(w) PMINTENSET
const HARDWARE = ['TTTTT-UU', '------UU', 'T-TTT-UU', 'TTT---UU'];

describe('PMU registers from EL0, per PMUSERENR_EL0', () => {
  it('the reference machine: disabled accesses trap to EL1 (EC 0x18), PMUSERENR writes and EL1 registers are UNDEFINED', () => {
    assert.deepEqual(outcomes('reference'), HARDWARE);
  });
  it('linux-7.0: the same accesses are allowed; KVM injects UNDEFINED where hardware traps', () => {
    assert.deepEqual(
      outcomes('linux-7.0'),
      HARDWARE.map((s) => s.replace(/T/g, 'U')),
    );
  });
  for (const g of MACHINES.filter((m) => m === 'linux-4.2' || m === 'linux-4.3')) {
    it(`${g}: the guest cannot open EL0 access (its PMUSERENR_EL0 write is ignored, the hardware's is 0)`, () => {
      assert.deepEqual(
        outcomes(g),
        CONFIGS.map(() => 'TTTTT-UU'),
      );
    });
  }
});
