// Issue 14, defect 6: a GICD_ISACTIVER/ICACTIVER read for an SPI that sits
// active in a running vcpu's LR. vcpu 1 acknowledges SPI 40 and stays in
// its handler (no EOI, no exit); vcpu 0 then reads the active registers.
// - linux-7.0: vgic_mmio_read_active -> vgic_access_active_prepare halts
//   the guest for an SPI (kvm_arm_halt_guest: every running vcpu exits and
//   syncs its LRs), so the read sees the interrupt active; the halted vcpu
//   re-enters and finishes its handler as if nothing happened.
// - linux-4.2 / 4.3: the old vgic reads the distributor's irq_active
//   bitmap only; an interrupt the guest acknowledged in an LR is not in it
//   (not even after that vcpu exits: the LR is kept), so the read says
//   inactive. Both are what those releases did.

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { GENERATION_KEYS } from '../../../src/hyp/generation/names.ts';
import { POWEROFF, VECTORS } from '../helpers/guest-vm.ts';
import { vmGuest } from '../helpers/vm-guest.ts';

const SPI40_BIT = 1 << 8;

const GUEST = `
_start:
    ldr     x1, =0x08000000         // GICD
    ldr     x3, =flags
    mrs     x0, mpidr_el1
    and     x0, x0, #0xff
    cbnz    x0, cpu1
    mov     w2, #1
    str     w2, [x1]                // GICD_CTLR.EnableGrp0
    ldr     w2, =0x20000
    str     w2, [x1, #0xc08]        // GICD_ICFGR2: SPI 40 edge
    mov     w2, #2
    strb    w2, [x1, #0x828]        // GICD_ITARGETSR40: vcpu 1
    ldr     w2, =${SPI40_BIT}
    str     w2, [x1, #0x104]        // GICD_ISENABLER1: SPI 40
raise:
    nop                             // the host raises SPI 40 here
1:  ldr     w2, [x3]                // vcpu 1 has acknowledged it
    cbz     w2, 1b
    ldr     w21, [x1, #0x304]       // GICD_ISACTIVER1
    ldr     w22, [x1, #0x384]       // GICD_ICACTIVER1
    mov     w2, #1
    str     w2, [x3, #4]            // let vcpu 1 finish its handler
2:  ldr     w2, [x3, #8]
    cbz     w2, 2b
    ldr     w23, [x1, #0x304]       // after its EOI
${POWEROFF}
cpu1:
    ldr     x0, =vectors
    msr     vbar_el1, x0
    ldr     x9, =0x08010000         // GICC
    mov     w2, #0xf0
    str     w2, [x9, #0x4]          // GICC_PMR
    mov     w2, #1
    str     w2, [x9]                // GICC_CTLR.EnableGrp0
    msr     daifclr, #2
3:  b       3b
${VECTORS}
irq:
    ldr     w10, [x9, #0xc]         // GICC_IAR
    mov     w2, #1
    str     w2, [x3]                // acknowledged
4:  ldr     w2, [x3, #4]            // held active until vcpu 0 has looked
    cbz     w2, 4b
    str     w10, [x9, #0x10]        // GICC_EOIR
    mov     w2, #1
    str     w2, [x3, #8]
    eret
    .balign 8
flags:
    .skip   16
`;

describe('defect 6: GICD_I[SC]ACTIVER read of an SPI active in a running vcpu LR', () => {
  for (const gen of GENERATION_KEYS) {
    const today = gen === 'linux-7.0';
    it(`${gen}: vcpu 0 reads ${today ? 'active (the guest is halted, LRs synced first)' : 'inactive (the bitmap only)'}`, () => {
      const g = vmGuest(GUEST)
        .policy(gen)
        .vcpus(2)
        .atLabel('raise', { irqLine: { intid: 40, level: 1 } })
        .run({ ticks: 50_000 })
        .assertExit('poweroff')
        .assertAckedBy(1, [40])
        .assertAckedBy(0, []);
      const seen = today ? SPI40_BIT : 0;
      g.assertReg('x21', seen, 0, 'GICD_ISACTIVER1')
        .assertReg('x22', seen, 0, 'GICD_ICACTIVER1')
        .assertReg('x23', 0, 0, 'inactive once vcpu 1 has EOIed it');
      // each read halted vcpu 1 (KVM's kvm_arm_halt_guest) and kicked it out: it takes a kick
      // exit when it next runs (back-to-back reads of vcpu 0 share one)
      const { halts } = g.kvm.vm.vgic.counters;
      const kicks = g.costs().exits.kick;
      if (today) {
        assert.ok(halts >= 2, `${halts} halts`);
        assert.ok(kicks >= 1, `${kicks} kick exits`);
      } else assert.equal(halts, 0);
    });
  }
});
