// Guest-driven: more active interrupts than list registers with EOImode 1
// on GICv3 (issue 18). A GICv2 guest's GICC_DIR of an interrupt outside the
// LRs reaches the hypervisor through the trapped GICV_DIR page; a GICv3
// guest's ICC_DIR_EL1 goes to the ICV_DIR_EL1 of the virtual CPU interface,
// and KVM sets ICH_HCR_EL2.TDIR while an active interrupt is outside the LRs
// so that the write traps to EL2 (vgic_v3 `deactivateTrapped`). With two
// LRs the guest polls three edge SPIs (42 at 0x60, 41 at 0x80, 40 at 0xa0)
// with IRQs masked, drops each priority with ICC_EOIR1_EL1 and leaves all
// three active; then it deactivates them with ICC_DIR_EL1 and reads
// GICD_ISACTIVER1 (0), and a new edge of each SPI is acknowledged again.

import assert from 'node:assert/strict';
import { it } from 'node:test';
import { POWEROFF } from '../helpers/guest-vm.ts';
import { vmGuest } from '../helpers/vm-guest.ts';

const GUEST = `
_start:
    ldr     x1, =GICD_BASE
    mov     w2, #2
    str     w2, [x1, #GICD_CTLR]
    ldr     w2, =0x2a0000
    str     w2, [x1, #GICD_ICFGR + 8]       // SPIs 40-42 edge
    ldr     w2, =0x006080a0
    str     w2, [x1, #GICD_IPRIORITYR + 40] // 40: 0xa0, 41: 0x80, 42: 0x60
    mov     w2, #0x700
    str     w2, [x1, #GICD_ISENABLER + 4]   // SPIs 40-42
    mov     x2, #0xf0
    msr     icc_pmr_el1, x2
    mov     x2, #2
    msr     icc_ctlr_el1, x2                // EOImode 1
    mov     x2, #1
    msr     icc_igrpen1_el1, x2
    isb
    msr     daifset, #2                     // poll, never take
    mov     x19, #0                         // round
round:
    mov     x20, #0                         // this round's INTIDs, one byte each
raise40:
    nop
raise41:
    nop
raise42:
    nop
    mov     x9, #3
1:  mrs     x10, icc_iar1_el1
    cmp     x10, #1023
    b.ne    2f
    ldr     w2, [x1, #GICD_TYPER]           // nothing shown: an exit lets KVM refill the LRs
    b       1b
2:  lsl     x20, x20, #8
    orr     x20, x20, x10
    msr     icc_eoir1_el1, x10              // priority drop only: stays active
    subs    x9, x9, #1
    b.ne    1b
    ldr     w21, [x1, #GICD_ISACTIVER + 4]  // all three active
    mov     x2, #41
    msr     icc_dir_el1, x2
    mov     x2, #42
    msr     icc_dir_el1, x2
    mov     x2, #40
    msr     icc_dir_el1, x2
    isb
    ldr     w22, [x1, #GICD_ISACTIVER + 4]  // none active
    add     x19, x19, #1
    cmp     x19, #2
    b.lo    round
${POWEROFF}
`;

it('linux-7.0, GICv3, two LRs, EOImode 1: three SPIs active at once, ICC_DIR_EL1 of the one outside the LRs traps (ICH_HCR_EL2.TDIR) and deactivates it; a second round is acknowledged again', () => {
  const g = vmGuest(GUEST)
    .gicV3()
    .policy('linux-7.0')
    .configure({ nLR: 2 })
    .atLabel('raise40', { irqLine: { intid: 40, level: 1 } })
    .atLabel('raise41', { irqLine: { intid: 41, level: 1 } })
    .atLabel('raise42', { irqLine: { intid: 42, level: 1 } })
    .run({ ticks: 100_000 })
    .assertExit('poweroff')
    .assertAcked([42, 41, 40, 42, 41, 40]);
  // the last round: priority order, then all three active, then none
  g.assertReg('x20', (42 << 16) | (41 << 8) | 40, 0, 'IAR values of round 2')
    .assertReg('x21', 0x700, 0, 'GICD_ISACTIVER1 before the DIRs')
    .assertReg('x22', 0, 0, 'GICD_ISACTIVER1 after the DIRs');
  // every ICV_DIR_EL1 traps (3 a round): ICH_HCR_EL2.TDIR is set for the interrupt the
  // overflow sort left outside the LRs, and (6.19) while any SPI is active in the VM
  const { dirTraps, overflowSorts } = g.kvm.vm.vgic.counters;
  assert.equal(dirTraps, 6, 'trapped ICV_DIR_EL1 writes');
  assert.ok(overflowSorts > 0, 'the LRs overflowed with an active interrupt');
});
