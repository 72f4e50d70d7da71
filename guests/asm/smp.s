// smp.s — two cpus exchange SGIs through GICD_SGIR (vgicsim guest).
//
// cpu 0 enables the distributor and its CPU interface, starts cpu 1 with
// PSCI CPU_ON (entry `secondary`, context id 0xc0ffee), waits until cpu 1
// is ready, and sends it SGI 3 by target list. cpu 1 takes it (IAR CPUID =
// 0), answers with SGI 7 to cpu 0 by target list, sends itself SGI 9
// (filter "self") and, once that is taken, SGI 11 to "all but self". cpu 0
// takes 7 and 11 with CPUID = 1. cpu 1 then turns itself off (CPU_OFF);
// cpu 0 waits for AFFINITY_INFO to report it off and powers the system off.
//
// Each cpu appends every GICC_IAR value to its own log (`iars0`, `iars1`);
// other observations are words in `results` (W_*).

        .equ GICD_BASE, 0x08000000
        .equ GICC_BASE, 0x08010000
        .equ GICD_CTLR, 0x000
        .equ GICD_SGIR, 0xf00
        .equ GICC_CTLR, 0x000
        .equ GICC_PMR, 0x004
        .equ GICC_IAR, 0x00c
        .equ GICC_EOIR, 0x010
        .equ SGIR_FILTER_ALL_BUT_SELF, (1 << 24)
        .equ SGIR_FILTER_SELF, (2 << 24)
        .equ SGIR_TARGET_CPU0, (1 << 16)
        .equ SGIR_TARGET_CPU1, (2 << 16)
        .equ PSCI_CPU_OFF, 0x84000002
        .equ PSCI_CPU_ON_64, 0xc4000003
        .equ PSCI_AFFINITY_INFO_64, 0xc4000004
        .equ PSCI_SYSTEM_OFF, 0x84000008
        .equ CONTEXT_ID, 0xc0ffee
        .equ STACK_SIZE, 1024

        .equ W_CPU_ON_RET, 0
        .equ W_AFFINITY_ON, 4
        .equ W_AFFINITY_OFF, 8
        .equ W_CPU1_CONTEXT, 12
        .equ W_CPU1_MPIDR, 16
        .equ W_CPU1_READY, 20
        .equ W_CPU1_DONE, 24
        .equ W_CPU0_IRQS, 28
        .equ W_CPU1_IRQS, 32
        .equ W_UNEXPECTED, 36

        .text
        .global _start
_start:
        bl      cpu_init
        mov     x1, #GICD_BASE
        mov     w0, #1
        str     w0, [x1, #GICD_CTLR]

        ldr     x0, =PSCI_CPU_ON_64
        mov     x1, #1                  // target MPIDR: Aff0 = 1
        ldr     x2, =secondary
        ldr     x3, =CONTEXT_ID
        hvc     #0
        str     w0, [x20, #W_CPU_ON_RET]

        ldr     x0, =PSCI_AFFINITY_INFO_64
        mov     x1, #1
        mov     x2, #0
        hvc     #0
        str     w0, [x20, #W_AFFINITY_ON]

1:      ldr     w0, [x20, #W_CPU1_READY]  // wait for cpu 1's GIC setup
        cbz     w0, 1b
        dmb     ish

        mov     x1, #GICD_BASE
        ldr     w0, =(SGIR_TARGET_CPU1 | 3)
        str     w0, [x1, #GICD_SGIR]

        mov     w0, #2                  // SGI 7 and SGI 11 from cpu 1
        bl      wait_irqs

1:      ldr     w0, [x20, #W_CPU1_DONE]
        cbz     w0, 1b
2:      ldr     x0, =PSCI_AFFINITY_INFO_64
        mov     x1, #1
        mov     x2, #0
        hvc     #0
        cmp     w0, #1                  // OFF
        b.ne    2b
        str     w0, [x20, #W_AFFINITY_OFF]
        str     w21, [x20, #W_CPU0_IRQS]

        ldr     x0, =PSCI_SYSTEM_OFF
        hvc     #0
parked: wfi
        b       parked

secondary:
        mov     x19, x0                 // context id from CPU_ON
        bl      cpu_init
        str     w19, [x20, #W_CPU1_CONTEXT]
        mrs     x0, mpidr_el1
        str     w0, [x20, #W_CPU1_MPIDR]
        dmb     ish
        mov     w0, #1
        str     w0, [x20, #W_CPU1_READY]

        mov     w0, #1                  // SGI 3 from cpu 0
        bl      wait_irqs
        mov     x1, #GICD_BASE
        ldr     w0, =(SGIR_TARGET_CPU0 | 7)
        str     w0, [x1, #GICD_SGIR]
        ldr     w0, =(SGIR_FILTER_SELF | 9)
        str     w0, [x1, #GICD_SGIR]
        mov     w0, #2
        bl      wait_irqs
        mov     x1, #GICD_BASE
        ldr     w0, =(SGIR_FILTER_ALL_BUT_SELF | 11)
        str     w0, [x1, #GICD_SGIR]

        str     w21, [x20, #W_CPU1_IRQS]
        dmb     ish
        mov     w0, #1
        str     w0, [x20, #W_CPU1_DONE]
        ldr     x0, =PSCI_CPU_OFF
        hvc     #0
        b       unexpected              // CPU_OFF does not return

// cpu_init: per-cpu stack, vectors, GIC CPU interface; x20 = results,
// x22 = this cpu's IAR log, w21 = IRQs taken. IRQs stay masked.
cpu_init:
        mrs     x0, mpidr_el1
        and     x0, x0, #0xff
        ldr     x1, =stack_top
        mov     x2, #STACK_SIZE
        msub    x1, x0, x2, x1          // stack_top - index * STACK_SIZE
        mov     sp, x1
        ldr     x22, =iars0
        add     x22, x22, x0, lsl #5    // 8 words per cpu
        ldr     x1, =vectors
        msr     vbar_el1, x1
        isb
        ldr     x20, =results
        mov     w21, #0
        mov     x1, #GICC_BASE
        mov     w0, #0xf0
        str     w0, [x1, #GICC_PMR]
        mov     w0, #1
        str     w0, [x1, #GICC_CTLR]
        ret

// wait_irqs(w0 = n): sleep until this cpu has taken n IRQs. The check runs
// masked so an IRQ cannot slip in between it and the WFI (which wakes on a
// pending interrupt whatever PSTATE.I says).
wait_irqs:
1:      cmp     w21, w0
        b.hs    2f
        wfi
        msr     daifclr, #2
        isb
        msr     daifset, #2
        b       1b
2:      ret

irq_handler:
        stp     x0, x1, [sp, #-16]!
        mov     x1, #GICC_BASE
        ldr     w0, [x1, #GICC_IAR]
        str     w0, [x22, w21, uxtw #2]
        add     w21, w21, #1
        str     w0, [x1, #GICC_EOIR]    // EOIR takes the whole IAR value (CPUID included)
        ldp     x0, x1, [sp], #16
        eret

unexpected:
        mrs     x0, esr_el1
        ldr     x1, =results
        str     w0, [x1, #W_UNEXPECTED]
        ldr     x0, =PSCI_SYSTEM_OFF
        hvc     #0
        b       .

        .balign 2048
vectors:
        b       unexpected              // 0x000 current EL, SP_EL0
        .balign 128
        b       unexpected
        .balign 128
        b       unexpected
        .balign 128
        b       unexpected
        .balign 128
        b       unexpected              // 0x200 current EL, SP_ELx: sync
        .balign 128
        b       irq_handler             // 0x280 IRQ
        .balign 128
        b       unexpected              // 0x300 FIQ
        .balign 128
        b       unexpected              // 0x380 SError

        .data
data_start:
results:
        .skip   64
iars0:
        .skip   32
iars1:
        .skip   32
        .balign 16
stacks:
        .skip   2 * STACK_SIZE
stack_top:
