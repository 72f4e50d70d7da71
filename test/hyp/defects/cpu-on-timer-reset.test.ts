// Issue 14, defect 5: PSCI CPU_ON resets the target vcpu's timer. KVM's
// kvm_psci_vcpu_on resets the vcpu (kvm_reset_vcpu -> kvm_timer_vcpu_reset):
// - every generation: CNTV_CTL_EL0 = 0 (disabled, unmasked); CVAL kept
//   (UNKNOWN architecturally); vgicsim also clears CNTP_CTL_EL0, the
//   emulated physical timer being its addition to 4.2/4.3;
// - linux-4.3: then kvm_timer_update_state, which lowers the timer line;
// - linux-7.0: both timers' lines lowered (kvm_timer_update_irq), the mapped
//   interrupt's active/pending/line state cleared (kvm_vgic_reset_mapped_irq),
//   the soft timers cancelled;
// - linux-4.2: only CNTV_CTL (4.2's reset did not talk to the vgic), so an
//   expiry the old vgic already holds as a pending edge in an LR is still
//   delivered after CPU_ON: that release's behaviour, kept.
// vgicsim used to leave the timer as the guest left it: enabled, and firing.
// The reference (bare-metal) machine: CPU_ON is a Warm reset of the core,
// which resets CNTx_CTL.ENABLE to 0 (IMASK taken as 0): neither case
// delivers a timer interrupt after CPU_ON there.

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { BOARD_ASM_SYMBOL_MAP } from '../../../src/hw/board/asm-symbols.ts';
import { DEFAULT_BOARD } from '../../../src/hw/board/board.ts';
import { assemble } from '../../../src/hw/cpu/asm/index.ts';
import { GENERATION_KEYS } from '../../../src/hyp/generation/names.ts';
import { ReferenceMachine } from '../../../src/reference/machine.ts';
import { CODE_BASE } from '../helpers/guest-vm.ts';
import { POWEROFF, VECTORS } from '../helpers/guest-vm.ts';
import { vmGuest } from '../helpers/vm-guest.ts';

const DELTA = 4000; // ticks from enabling vcpu 1's timer to its deadline

/**
 * vcpu 1 arms its virtual timer DELTA ticks ahead (IRQs masked) and turns
 * itself off; `expireFirst`: it waits for the deadline (ISTATUS) before
 * CPU_OFF, so the expiry reaches the vgic. vcpu 0 waits until vcpu 1 is
 * off and turns it on again at `again`, which reads CNTV_CTL_EL0 into x20,
 * unmasks IRQs and waits until well past the deadline, counting timer
 * interrupts in x21, then tells vcpu 0 to power the system off.
 */
function guest(expireFirst: boolean): string {
  return `
_start:
    ldr     x1, =0x08000000         // GICD
    ldr     x9, =0x08010000         // GICC
    ldr     x8, =flags
    mrs     x0, mpidr_el1
    and     x0, x0, #0xff
    cbnz    x0, cpu1
    mov     w2, #1
    str     w2, [x1]                // GICD_CTLR.EnableGrp0
1:  ldr     x0, =0xc4000004         // AFFINITY_INFO(1): wait until vcpu 1 is off
    mov     x1, #1
    mov     x2, #0
    hvc     #0
    cmp     x0, #1
    b.ne    1b
    ldr     x0, =0xc4000003         // CPU_ON(1, again)
    mov     x1, #1
    ldr     x2, =again
    mov     x3, #0
    hvc     #0
2:  ldr     w2, [x8]
    cbz     w2, 2b
${POWEROFF}
cpu1:
    bl      setup
    mrs     x5, cntvct_el0
    add     x5, x5, #${DELTA}
    str     x5, [x8, #8]            // the deadline, for the second life
    msr     cntv_cval_el0, x5
    mov     x4, #1
    msr     cntv_ctl_el0, x4        // ENABLE, unmasked; PSTATE.I is set
${
  expireFirst
    ? `3:  mrs     x4, cntv_ctl_el0
    tbz     x4, #2, 3b              // ISTATUS: the deadline has passed`
    : ''
}
    ldr     x0, =0x84000002         // CPU_OFF
    hvc     #0
4:  b       4b
again:
    bl      setup
    mrs     x20, cntv_ctl_el0
    mov     x21, #0
    ldr     x5, [x8, #8]
    add     x5, x5, #${DELTA}
    msr     daifclr, #2
5:  mrs     x4, cntvct_el0
    cmp     x4, x5
    b.lo    5b
    mov     w2, #1
    str     w2, [x8]
6:  b       6b
setup:
    ldr     x8, =flags
    ldr     x0, =vectors
    msr     vbar_el1, x0
    ldr     x9, =0x08010000
    mov     w2, #0xf0
    str     w2, [x9, #0x4]          // GICC_PMR
    mov     w2, #1
    str     w2, [x9]                // GICC_CTLR.EnableGrp0
    ldr     x1, =0x08000000
    ldr     w2, =${1 << 27}
    str     w2, [x1, #0x100]        // GICD_ISENABLER0: PPI 27 (banked)
    ret
${VECTORS}
irq:
    ldr     w2, [x9, #0xc]          // GICC_IAR
    add     x21, x21, #1
    msr     cntv_ctl_el0, xzr       // stop the timer
    str     w2, [x9, #0x10]         // GICC_EOIR
    eret
    .balign 8
flags:
    .skip   16
`;
}

describe('defect 5: PSCI CPU_ON resets the target vcpu timer', () => {
  for (const gen of GENERATION_KEYS) {
    it(`${gen}: armed, CPU_OFF, CPU_ON: CNTV_CTL_EL0 reads 0 and no timer interrupt arrives`, () => {
      vmGuest(guest(false))
        .policy(gen)
        .vcpus(2)
        .run({ ticks: 8 * DELTA })
        .assertExit('poweroff')
        .assertReg('x20', 0, 1, 'CNTV_CTL_EL0 after CPU_ON')
        .assertReg('x21', 0, 1, 'timer interrupts after CPU_ON')
        .assertAckedBy(1, []);
    });

    const stale = gen === 'linux-4.2';
    it(`${gen}: expired before CPU_OFF: ${stale ? 'the pending edge the old vgic holds is still delivered (4.2)' : 'the lowered line delivers nothing'}`, () => {
      vmGuest(guest(true))
        .policy(gen)
        .vcpus(2)
        .run({ ticks: 8 * DELTA })
        .assertExit('poweroff')
        .assertReg('x20', 0, 1, 'CNTV_CTL_EL0 after CPU_ON')
        .assertReg('x21', stale ? 1 : 0, 1, 'timer interrupts after CPU_ON')
        .assertAckedBy(1, stale ? [27] : []);
    });
  }

  for (const expireFirst of [false, true]) {
    it(`reference machine${expireFirst ? ', expired before CPU_OFF' : ''}: the Warm reset clears ENABLE, nothing is delivered`, () => {
      const ref = new ReferenceMachine({ board: { ...DEFAULT_BOARD, cpus: 2 }, startAll: true });
      const img = assemble(guest(expireFirst), { base: CODE_BASE, predefined: BOARD_ASM_SYMBOL_MAP });
      ref.load(CODE_BASE, img.bytes, img.entry);
      assert.equal(ref.run({ ticks: 8 * DELTA, instructions: 10_000_000 }).end, 'poweroff');
      const cpu1 = ref.board.cpus[1];
      assert.equal(cpu1.getX(20), 0n, 'CNTV_CTL_EL0 after CPU_ON');
      assert.equal(cpu1.getX(21), 0n, 'timer interrupts after CPU_ON');
    });
  }
});
