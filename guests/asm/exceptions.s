// exceptions.s — exception and interrupt handling end to end (vgicsim guest).
//
// 1. HVC #0 PSCI_VERSION                        -> results[0]
// 2. UDF #0x1234 with N set and DAIF = D.IF:  the sync handler reads ESR_EL1,
//    ELR_EL1, SPSR_EL1 and its own DAIF, steps ELR over the UDF and ERETs;
//    the interrupted NZCV and DAIF must come back.
// 3. SVC #0x42                                  -> ESR (EC 0x15, imm 0x42)
// 4. The virtual timer (PPI 27) through the GIC: enabled in GICD/GICC, fired
//    while PSTATE.I = 1 (no IRQ taken; ISR_EL1.I = 1, GICC_HPPIR = 27), then
//    `msr daifclr, #2` takes it at once. The IRQ handler saves x0-x3 and x30
//    on the stack, acknowledges (GICC_IAR), records ELR/SPSR, masks the
//    timer output (CNTV_CTL.IMASK) so the level line drops, EOIs and ERETs.
//    x0 and the Z flag set before the unmask must survive.
// 5. WFI with PSTATE.I = 1 still wakes on the timer interrupt; unmasking
//    then takes it.
// 6. With nothing pending GICC_IAR reads 1023 (spurious).
// Then PSCI SYSTEM_OFF. Every observation is a quad in `results` (see the
// R_* offsets below), so one test checks them all.

        .equ GICD_BASE, 0x08000000
        .equ GICC_BASE, 0x08010000
        .equ GICD_CTLR, 0x000
        .equ GICD_ISENABLER0, 0x100
        .equ GICD_IPRIORITYR, 0x400
        .equ GICC_CTLR, 0x000
        .equ GICC_PMR, 0x004
        .equ GICC_IAR, 0x00c
        .equ GICC_EOIR, 0x010
        .equ GICC_HPPIR, 0x018
        .equ VTIMER_PPI, 27
        .equ PSCI_VERSION, 0x84000000
        .equ PSCI_SYSTEM_OFF, 0x84000008
        .equ TIMER_DELTA, 50            // counter ticks until the timer fires

        // results[] offsets (quads)
        .equ R_PSCI_VERSION, 0
        .equ R_UDF_ESR, 8
        .equ R_UDF_ELR, 16
        .equ R_UDF_SPSR, 24
        .equ R_SYNC_DAIF, 32
        .equ R_AFTER_UDF_DAIF, 40
        .equ R_AFTER_UDF_NZCV, 48
        .equ R_SVC_ESR, 56
        .equ R_SVC_ELR, 64
        .equ R_MASKED_ISR, 72
        .equ R_MASKED_HPPIR, 80
        .equ R_MASKED_IRQS, 88
        .equ R_IRQ1_IAR, 96
        .equ R_IRQ1_ELR, 104
        .equ R_IRQ1_SPSR, 112
        .equ R_IRQ1_DAIF, 120
        .equ R_AFTER_IRQ_X0, 128
        .equ R_AFTER_IRQ_NZCV, 136
        .equ R_AFTER_IRQ_COUNT, 144
        .equ R_WFI_IRQS_BEFORE_UNMASK, 152
        .equ R_IRQ2_IAR, 160
        .equ R_FINAL_IRQS, 168
        .equ R_SPURIOUS_IAR, 176
        .equ R_UNEXPECTED, 184

        .text
        .global _start
_start:
        ldr     x0, =stack_top
        mov     sp, x0
        ldr     x0, =vectors
        msr     vbar_el1, x0
        isb
        ldr     x20, =results
        mov     w21, #0                 // IRQs taken (the handler counts)

        // --- 1. PSCI_VERSION
        ldr     x0, =PSCI_VERSION
        hvc     #0
        str     x0, [x20, #R_PSCI_VERSION]

        // --- 2. UDF with a distinctive PSTATE
        msr     daifclr, #4             // DAIF = D, I, F (A clear)
        mov     x0, #0
        cmp     x0, #1                  // N = 1, Z = 0, C = 0, V = 0
undef_insn:
        udf     #0x1234
        mrs     x0, nzcv                // before anything changes the flags
        str     x0, [x20, #R_AFTER_UDF_NZCV]
        mrs     x0, daif
        str     x0, [x20, #R_AFTER_UDF_DAIF]

        // --- 3. SVC
svc_insn:
        svc     #0x42

        // --- 4. timer interrupt through the GIC
        mov     x1, #GICD_BASE
        mov     w0, #(1 << VTIMER_PPI)
        str     w0, [x1, #GICD_ISENABLER0]
        mov     w0, #0xa0
        strb    w0, [x1, #(GICD_IPRIORITYR + VTIMER_PPI)]
        mov     w0, #1
        str     w0, [x1, #GICD_CTLR]
        mov     x1, #GICC_BASE
        mov     w0, #0xf0
        str     w0, [x1, #GICC_PMR]
        mov     w0, #1
        str     w0, [x1, #GICC_CTLR]

        msr     daifset, #2             // I = 1
        bl      arm_timer
1:      mrs     x0, cntv_ctl_el0
        tbz     x0, #2, 1b              // wait for ISTATUS
        isb
        mrs     x0, isr_el1
        str     x0, [x20, #R_MASKED_ISR]
        mov     x1, #GICC_BASE
        ldr     w0, [x1, #GICC_HPPIR]
        str     x0, [x20, #R_MASKED_HPPIR]
        str     x21, [x20, #R_MASKED_IRQS]

        ldr     x0, =0x1111222233334444
        cmp     x0, x0                  // Z = 1, C = 1
        msr     daifclr, #2             // the IRQ is taken here
after_unmask:
        mrs     x1, nzcv
        str     x1, [x20, #R_AFTER_IRQ_NZCV]
        str     x0, [x20, #R_AFTER_IRQ_X0]
        str     x21, [x20, #R_AFTER_IRQ_COUNT]

        // --- 5. WFI while masked wakes, unmask takes the IRQ
        msr     daifset, #2
        bl      arm_timer
        wfi
        str     x21, [x20, #R_WFI_IRQS_BEFORE_UNMASK]
        msr     daifclr, #2
        nop
        str     x21, [x20, #R_FINAL_IRQS]

        // --- 6. nothing pending
        mov     x1, #GICC_BASE
        ldr     w0, [x1, #GICC_IAR]
        str     x0, [x20, #R_SPURIOUS_IAR]

        ldr     x0, =PSCI_SYSTEM_OFF
        hvc     #0
parked: wfi
        b       parked

// arm_timer: CNTV_CVAL = CNTVCT + TIMER_DELTA, CNTV_CTL = ENABLE
arm_timer:
        mrs     x0, cntvct_el0
        add     x0, x0, #TIMER_DELTA
        msr     cntv_cval_el0, x0
        mov     x0, #1
        msr     cntv_ctl_el0, x0
        isb
        ret

// --- synchronous exceptions: UDF (EC 0) and SVC (EC 0x15)
sync_handler:
        stp     x0, x1, [sp, #-16]!
        mrs     x0, esr_el1
        lsr     x1, x0, #26
        cbz     x1, 1f
        cmp     x1, #0x15
        b.ne    unexpected
        str     x0, [x20, #R_SVC_ESR]
        mrs     x0, elr_el1
        str     x0, [x20, #R_SVC_ELR]
        b       2f
1:      str     x0, [x20, #R_UDF_ESR]
        mrs     x0, elr_el1
        str     x0, [x20, #R_UDF_ELR]
        add     x0, x0, #4              // step over the UDF
        msr     elr_el1, x0
        mrs     x0, spsr_el1
        str     x0, [x20, #R_UDF_SPSR]
        mrs     x0, daif
        str     x0, [x20, #R_SYNC_DAIF]
2:      ldp     x0, x1, [sp], #16
        eret

// --- IRQ: acknowledge, record, silence the timer, EOI
irq_handler:
        stp     x0, x1, [sp, #-48]!
        stp     x2, x3, [sp, #16]
        str     x30, [sp, #32]
        mov     x1, #GICC_BASE
        ldr     w2, [x1, #GICC_IAR]
        add     w21, w21, #1
        cmp     w21, #1
        b.ne    1f
        str     x2, [x20, #R_IRQ1_IAR]
        mrs     x0, elr_el1
        str     x0, [x20, #R_IRQ1_ELR]
        mrs     x0, spsr_el1
        str     x0, [x20, #R_IRQ1_SPSR]
        mrs     x0, daif
        str     x0, [x20, #R_IRQ1_DAIF]
        b       2f
1:      str     x2, [x20, #R_IRQ2_IAR]
2:      mov     x0, #3                  // ENABLE | IMASK: the output line drops
        msr     cntv_ctl_el0, x0
        isb
        str     w2, [x1, #GICC_EOIR]
        ldr     x30, [sp, #32]
        ldp     x2, x3, [sp, #16]
        ldp     x0, x1, [sp], #48
        eret

unexpected:
        mrs     x0, esr_el1
        str     x0, [x20, #R_UNEXPECTED]
        ldr     x0, =PSCI_SYSTEM_OFF
        hvc     #0
        b       .

// --- vector table (VBAR_EL1 needs 2 KiB alignment)
        .balign 2048
vectors:
        b       unexpected            // 0x000 current EL, SP_EL0: sync
        .balign 128
        b       unexpected            // 0x080 IRQ
        .balign 128
        b       unexpected            // 0x100 FIQ
        .balign 128
        b       unexpected            // 0x180 SError
        .balign 128
        b       sync_handler          // 0x200 current EL, SP_ELx: sync
        .balign 128
        b       irq_handler           // 0x280 IRQ
        .balign 128
        b       unexpected            // 0x300 FIQ
        .balign 128
        b       unexpected            // 0x380 SError
        .balign 128
        b       unexpected            // 0x400 lower EL, AArch64: sync
        .balign 128
        b       unexpected            // 0x480 IRQ
        .balign 128
        b       unexpected            // 0x500 FIQ
        .balign 128
        b       unexpected            // 0x580 SError
        .balign 128
        b       unexpected            // 0x600 lower EL, AArch32: sync
        .balign 128
        b       unexpected            // 0x680 IRQ
        .balign 128
        b       unexpected            // 0x700 FIQ
        .balign 128
        b       unexpected            // 0x780 SError

        .data
data_start:
results:
        .skip   256
        .balign 16
stack:
        .skip   1024
stack_top:
