// Guest-driven: where a GICv3 guest's SGIs differ from a GICv2 guest's
// (issue 18). Two vcpus send the same SGI to a third that has IRQs masked.
// GICv2 keeps one pending bit per source (GICD_SPENDSGIR, IHI 0048 4.3.21),
// so the target acknowledges it twice, GICC_IAR.CPUID naming each sender;
// with affinity routing (GICv3, ARE = 1) an SGI is one pending bit in the
// target's redistributor and ICC_IAR1_EL1 has no source (IHI 0069 2.2.1,
// 12.2): the two writes to ICC_SGI1R_EL1 coalesce into one acknowledgement.
// linux-7.0 does both: one LR per source for a v2 model, one LR and no
// source for a v3 one (vgic_v3_dispatch_sgi sets pending_latch only).

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { POWEROFF, VECTORS } from '../helpers/guest-vm.ts';
import { vmGuest } from '../helpers/vm-guest.ts';

/** Everything but the GIC: vcpus 0 and 1 send (SEND), vcpu 2 waits masked, then unmasks and counts. */
function guest(gic: { setup: string; setupTarget: string; send: string; ack: string; eoi: string }): string {
  return `
_start:
    ldr     x3, =flags
    mrs     x0, mpidr_el1
    and     x19, x0, #0xff
    cmp     x19, #2
    b.eq    target
1:  ldr     w2, [x3, #8]            // vcpu 2 is ready
    cbz     w2, 1b
${gic.send}
    mov     w2, #1
    cbnz    x19, 2f
    str     w2, [x3]                // vcpu 0 has sent
    b       3f
2:  str     w2, [x3, #4]            // vcpu 1 has sent
3:  wfi
    b       3b
target:
    ldr     x0, =vectors
    msr     vbar_el1, x0
    mov     x20, #0                 // SGIs taken
    mov     x21, #0                 // their IAR values, one byte each
${gic.setup}
${gic.setupTarget}
    mov     w2, #1
    str     w2, [x3, #8]            // ready
4:  ldr     w2, [x3]                // both senders done
    ldr     w5, [x3, #4]
    and     w2, w2, w5
    cbz     w2, 4b
    msr     daifclr, #2
    mrs     x7, cntvct_el0
    add     x7, x7, #500
5:  mrs     x6, cntvct_el0
    cmp     x6, x7
    b.lo    5b
${POWEROFF}
${VECTORS}
irq:
${gic.ack}
    add     x20, x20, #1
    lsl     x21, x21, #16
    orr     x21, x21, x10
${gic.eoi}
    eret
    .balign 8
flags:
    .skip   16
`;
}

const V2 = guest({
  setup: `
    ldr     x1, =GICD_BASE
    mov     w2, #1
    str     w2, [x1, #GICD_CTLR]
    ldr     x9, =GICC_BASE
    mov     w2, #0xf0
    str     w2, [x9, #GICC_PMR]
    mov     w2, #1
    str     w2, [x9, #GICC_CTLR]`,
  setupTarget: `
    mov     w2, #(1 << 3)
    str     w2, [x1, #GICD_ISENABLER]   // SGI 3 (banked)`,
  send: `
    ldr     x1, =GICD_BASE
    ldr     w2, =(1 << (16 + 2)) | 3    // TargetList = cpu 2, SGI 3
    str     w2, [x1, #GICD_SGIR]`,
  ack: `
    ldr     w10, [x9, #GICC_IAR]`,
  eoi: `
    str     w10, [x9, #GICC_EOIR]`,
});

const V3 = guest({
  setup: `
    ldr     x1, =GICD_BASE
    mov     w2, #2
    str     w2, [x1, #GICD_CTLR]    // EnableGrp1
    mov     x2, #0xf0
    msr     icc_pmr_el1, x2
    mov     x2, #1
    msr     icc_igrpen1_el1, x2
    isb`,
  setupTarget: `
    ldr     x4, =GICR_BASE + 2 * GICR_STRIDE + GICR_SGI_BASE
    mov     w2, #(1 << 3)
    str     w2, [x4, #GICR_ISENABLER0]  // SGI 3, vcpu 2's redistributor`,
  send: `
    ldr     x2, =(3 << 24) | (1 << 2)   // SGI 3, Aff 0.0, TargetList = Aff0 2
    msr     icc_sgi1r_el1, x2
    isb`,
  ack: `
    mrs     x10, icc_iar1_el1`,
  eoi: `
    msr     icc_eoir1_el1, x10`,
});

describe('the same SGI from two vcpus to a masked third (linux-7.0)', () => {
  it('GICv2: acknowledged twice, GICC_IAR.CPUID = each sender (0x403, 0x003 or 0x003, 0x403)', () => {
    const g = vmGuest(V2)
      .policy('linux-7.0')
      .vcpus(3)
      .run({ ticks: 50_000 })
      .assertExit('poweroff')
      .assertAckedBy(2, [3, 3])
      .assertReg('x20', 2, 2);
    const iars = g.reg('x21', 2);
    const pair = [Number(iars >> 16n) & 0xffff, Number(iars) & 0xffff].sort((a, b) => a - b);
    assert.deepEqual(pair, [0x003, 0x403], `IARs ${iars.toString(16)}`);
  });

  it('GICv3: acknowledged once, ICC_IAR1_EL1 = 3 (no source)', () => {
    vmGuest(V3)
      .gicV3()
      .policy('linux-7.0')
      .vcpus(3)
      .run({ ticks: 50_000 })
      .assertExit('poweroff')
      .assertAckedBy(2, [3])
      .assertReg('x20', 1, 2)
      .assertReg('x21', 3, 2);
  });
});
