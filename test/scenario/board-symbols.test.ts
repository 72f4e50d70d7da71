// A scenario guest written with the predefined board symbols
// (src/hw/board/asm-symbols.ts) assembles through src/scenario/images.ts and
// runs: the symbols reach every scenario.

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseScenario } from '../../src/scenario/index.ts';
import { runScenario } from '../../src/scenario/run.ts';

describe('a scenario guest written with the board symbols', () => {
  // The virtual timer fires (INTID_VTIMER through the GICC), the handler
  // prints 'T' through the PL011 and powers off through PSCI: no raw number.
  const yaml = `version: 1
name: board-symbols
machine:
  limits: { ticks: 1000000, instructions: 1000000 }
guest:
  vcpu0: |
    _start:
        ldr     x0, =vectors
        msr     vbar_el1, x0
        ldr     x1, =GICD_BASE
        mov     w2, #GICD_CTLR_EnableGrp0
        str     w2, [x1, #GICD_CTLR]
        mov     w2, #(1 << INTID_VTIMER)
        str     w2, [x1, #GICD_ISENABLER]
        ldr     x1, =GICC_BASE
        mov     w2, #0xf0
        str     w2, [x1, #GICC_PMR]
        mov     w2, #GICC_CTLR_EnableGrp0
        str     w2, [x1, #GICC_CTLR]
        mov     x0, #100
        msr     cntv_tval_el0, x0
        mov     x0, #1
        msr     cntv_ctl_el0, x0
        msr     daifclr, #2
    1:  wfi
        b       1b
        .balign 2048
    vectors:
        .skip   0x280
        ldr     x1, =GICC_BASE
        ldr     w2, [x1, #GICC_IAR]
        and     w3, w2, #GICC_IAR_InterruptID
        cmp     w3, #INTID_VTIMER
        b.ne    1f
        msr     cntv_ctl_el0, xzr
        ldr     x4, =PL011_BASE
        mov     w5, #'T'
        strb    w5, [x4, #UARTDR]
    1:  str     w2, [x1, #GICC_EOIR]
        ldr     w0, =PSCI_SYSTEM_OFF
        hvc     #0
expect:
  acknowledged: { vcpu0: [27] }
  exit: poweroff
`;
  it('runs: the timer is taken, the UART prints, PSCI powers off', () => {
    const r = runScenario(parseScenario(yaml, '/t/board-symbols.yaml', { checkFiles: false }), {
      policy: 'level',
    });
    assert.equal(r.uart, 'T');
    assert.equal(r.end, 'poweroff');
    assert.ok(r.passed, JSON.stringify(r.verdicts.filter((v) => !v.ok)));
  });
});
