// The GICv3 counterpart of active-read-smp.test.ts (issue 18): an active
// read for interrupts that sit active in a running vcpu's LR. On GICv3 the
// private interrupts of another vcpu are readable too: vcpu 0 reads vcpu 1's
// redistributor (GICR_ISACTIVER0/ICACTIVER0 of its SGI_base), which a GICv2
// guest cannot (GICD_ISACTIVER0 is banked per cpu). vcpu 1 acknowledges SGI
// 5 (sent by vcpu 0 with ICC_SGI1R_EL1) and SPI 40 (routed to it by
// GICD_IROUTER40) with EOImode 1 (ICC_EOIR1_EL1 drops the priority only),
// so both stay active in its LRs while it spins in the guest, until vcpu 0
// has looked and it writes ICC_DIR_EL1.
// linux-7.0 halts the guest for every GICR active access of a v3 guest
// (vgic_access_active_prepare: intid < VGIC_NR_PRIVATE_IRQS only skips the
// halt for a v2 model), as for an SPI through GICD_ISACTIVER1, so both reads
// see the interrupts active (hardware: GICR_ISACTIVER0 shows the state of
// that redistributor's cpu, IHI 0069 12.11). The old vgic has no GICv3
// guests (docs/scenarios.md).

import assert from 'node:assert/strict';
import { it } from 'node:test';
import { POWEROFF, VECTORS } from '../helpers/guest-vm.ts';
import { vmGuest } from '../helpers/vm-guest.ts';

const SGI5_BIT = 1 << 5;
const SPI40_BIT = 1 << 8;

const GUEST = `
_start:
    ldr     x1, =GICD_BASE
    ldr     x3, =flags
    ldr     x4, =GICR_BASE + GICR_STRIDE + GICR_SGI_BASE   // vcpu 1's SGI_base
    mrs     x0, mpidr_el1
    and     x0, x0, #0xff
    cbnz    x0, cpu1
    mov     w2, #2
    str     w2, [x1, #GICD_CTLR]    // EnableGrp1 (ARE: RAO)
    ldr     w2, =0x20000
    str     w2, [x1, #GICD_ICFGR + 8]   // SPI 40 edge
    mov     x2, #1
    str     x2, [x1, #GICD_IROUTER + 8 * 40]  // SPI 40 to Aff 0.0.1: vcpu 1
    ldr     w2, =${SPI40_BIT}
    str     w2, [x1, #GICD_ISENABLER + 4]     // SPI 40
1:  ldr     w2, [x3, #12]           // vcpu 1 is ready
    cbz     w2, 1b
    ldr     x2, =(5 << 24) | 2      // SGI 5, TargetList = Aff0 1
    msr     icc_sgi1r_el1, x2
    isb
raise:
    nop                             // the host raises SPI 40 here
2:  ldr     w2, [x3]                // vcpu 1 has acknowledged both
    cmp     w2, #2
    b.lo    2b
    ldr     w21, [x4, #GICR_ISACTIVER0]   // vcpu 1's SGI 5: active
    ldr     w22, [x4, #GICR_ICACTIVER0]
    ldr     w23, [x1, #GICD_ISACTIVER + 4] // SPI 40: active
    mov     w2, #1
    str     w2, [x3, #4]            // let vcpu 1 deactivate them
3:  ldr     w2, [x3, #8]
    cmp     w2, #2
    b.lo    3b
    ldr     w24, [x4, #GICR_ISACTIVER0]   // after its DIRs
    ldr     w25, [x1, #GICD_ISACTIVER + 4]
${POWEROFF}
cpu1:
    ldr     x0, =vectors
    msr     vbar_el1, x0
    ldr     w2, =${SGI5_BIT}
    str     w2, [x4, #GICR_ISENABLER0]    // SGI 5 (its own redistributor)
    mov     x2, #0xf0
    msr     icc_pmr_el1, x2
    mov     x2, #2
    msr     icc_ctlr_el1, x2        // EOImode = 1: EOIR drops priority, DIR deactivates
    mov     x2, #1
    msr     icc_igrpen1_el1, x2
    isb
    mov     w2, #1
    str     w2, [x3, #12]           // ready
    msr     daifclr, #2
5:  ldr     w2, [x3, #4]            // both held active until vcpu 0 has looked
    cbz     w2, 5b
    mov     x2, #5
    msr     icc_dir_el1, x2
    mov     x2, #40
    msr     icc_dir_el1, x2
    isb
    mov     w2, #2
    str     w2, [x3, #8]            // deactivated
6:  b       6b
${VECTORS}
irq:
    mrs     x10, icc_iar1_el1
    msr     icc_eoir1_el1, x10      // priority drop only: stays active
    ldr     w2, [x3]
    add     w2, w2, #1
    str     w2, [x3]                // acknowledged
    eret
    .balign 8
flags:
    .skip   16
`;

it("linux-7.0, GICv3: vcpu 0 reads vcpu 1's GICR_ISACTIVER0/ICACTIVER0 (SGI 5) and GICD_ISACTIVER1 (SPI 40) as active while both sit in vcpu 1's LRs (the guest is halted first)", () => {
  const g = vmGuest(GUEST)
    .gicV3()
    .policy('linux-7.0')
    .vcpus(2)
    .atLabel('raise', { irqLine: { intid: 40, level: 1 } })
    .run({ ticks: 50_000 })
    .assertExit('poweroff')
    .assertAckedBy(0, [])
    .assertAckedBy(1, [5, 40]);
  g.assertReg('x21', SGI5_BIT, 0, 'GICR_ISACTIVER0 of vcpu 1: SGI 5 active')
    .assertReg('x22', SGI5_BIT, 0, 'GICR_ICACTIVER0 of vcpu 1: SGI 5 active')
    .assertReg('x23', SPI40_BIT, 0, 'GICD_ISACTIVER1: SPI 40 active')
    .assertReg('x24', 0, 0, 'SGI 5 inactive once vcpu 1 has written ICC_DIR_EL1')
    .assertReg('x25', 0, 0, 'SPI 40 inactive once vcpu 1 has written ICC_DIR_EL1');
  const { halts } = g.kvm.vm.vgic.counters;
  assert.ok(halts >= 3, `${halts} halts: one per active read of vcpu 0 (two GICR, one GICD)`);
});
