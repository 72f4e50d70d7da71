// Chained counters (CHAIN, event 0x1E) seen by a guest: event counter 2
// counts instructions from 0xffffff00, counter 3 counts CHAIN from
// 0xffffffff, and only counter 3 may interrupt (PMINTENSET bit 3): the
// pair reaches 2^64 after 256 instructions, both overflow flags are set and
// one PMU interrupt (INTID 23) is taken. On the reference machine (PMUv3
// hardware) and on linux-7.0 (KVM's vPMU: the perf overflow handler of
// counter 2 increments counter 3, kvm_pmu_counter_increment, and the level
// reaches the vgic at the next sync); linux-4.2/4.3 have no vPMU (their
// PMEVTYPER<n> accesses are UNDEFINED, nothing counts, no interrupt).

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { MACHINES, RES, runPmuGuest } from './pmu-guest.ts';

const GUEST = `
_start:
        ldr     x0, =vectors
        msr     vbar_el1, x0
        ldr     x20, =${RES}
        ldr     x21, =GICD_BASE
        ldr     x22, =GICC_BASE
        mov     x23, #0                 // PMU interrupts taken
        mov     x24, #0                 // the INTID acknowledged
        mov     x25, #0                 // PMOVSSET_EL0 in the handler
        mov     x26, #0                 // UNDEFINED accesses
        mov     w0, #1
        str     w0, [x21, #GICD_CTLR]
        mov     w0, #(1 << INTID_PMU)
        str     w0, [x21, #GICD_ISENABLER]
        mov     w0, #0xf0
        str     w0, [x22, #GICC_PMR]
        mov     w0, #1
        str     w0, [x22, #GICC_CTLR]
        mov     x0, #8                  // INST_RETIRED
        msr     pmevtyper2_el0, x0
        mov     x0, #0x1e               // CHAIN
        msr     pmevtyper3_el0, x0
        ldr     x0, =0xffffff00
        msr     pmevcntr2_el0, x0
        ldr     x0, =0xffffffff
        msr     pmevcntr3_el0, x0
        mov     x0, #8
        msr     pmintenset_el1, x0
        mov     x0, #1
        msr     pmcr_el0, x0
        mov     x0, #0xc
        msr     pmcntenset_el0, x0
        msr     daifclr, #2
        mov     x2, #300
1:      subs    x2, x2, #1
        b.ne    1b
        msr     daifset, #2
        mov     x0, #0xc
        msr     pmcntenclr_el0, x0
        str     x23, [x20, #0]
        str     x24, [x20, #8]
        str     x25, [x20, #16]
        mov     x0, #0                  // (an UNDEFINED MRS leaves x0 alone)
        mrs     x0, pmevcntr3_el0
        str     x0, [x20, #24]
        mov     x0, #0
        mrs     x0, pmevcntr2_el0
        str     x0, [x20, #32]
        str     x26, [x20, #40]
        ldr     x0, =PSCI_SYSTEM_OFF
        hvc     #0
        b       .

el1_sync:
        add     x26, x26, #1
        mrs     x27, elr_el1
        add     x27, x27, #4
        msr     elr_el1, x27
        eret

irq:
        ldr     w10, [x22, #GICC_IAR]
        and     w11, w10, #0x3ff
        mov     x24, x11
        add     x23, x23, #1
        mrs     x25, pmovsset_el0
        mov     x12, #0xc
        msr     pmovsclr_el0, x12
        str     w10, [x22, #GICC_EOIR]
        eret

        .balign 2048
vectors:
${'        b       .\n        .balign 0x80\n'.repeat(4)}        b       el1_sync
        .balign 0x80
        b       irq
        .balign 0x80
`;

describe('PMU guest: a chained counter pair (CHAIN) overflowing at 2^64', () => {
  for (const m of MACHINES) {
    const vpmu = m === 'reference' || m === 'linux-7.0';
    it(`${m}: ${vpmu ? 'one interrupt (INTID 23) with both flags set; the pair counts on' : 'no vPMU: nothing counts, no interrupt'}`, () => {
      const r = runPmuGuest(m, { src: GUEST });
      assert.equal(r.end, 'poweroff');
      const got = [0, 1, 2, 3, 5].map((i) => r.res(i));
      if (vpmu) {
        assert.deepEqual(got.slice(0, 4), [1n, 23n, 0xcn, 0n]);
        assert.equal(r.res(5), 0n, 'no UNDEFINED');
        // counter 2 wrapped once and went on counting the loop: well past 0, far below 0xffffff00
        assert.ok(r.res(4) > 0x100n && r.res(4) < 0x1000n, `counter 2 = 0x${r.res(4).toString(16)}`);
      } else {
        // PMEVTYPER2/3, PMEVCNTR2/3 writes and reads: 6 UNDEFINED; the rest RAZ/WI
        assert.deepEqual(got, [0n, 0n, 0n, 0n, 6n]);
      }
    });
  }
});
