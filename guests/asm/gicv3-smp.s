// Two cpus on a GICv3 (vgicsim `gic: v3`, QEMU -M virt,gic-version=3 -smp 2):
// cpu 0 starts cpu 1 (PSCI CPU_ON); SGIs by ICC_SGI1R_EL1 target list
// (cpu 0 -> 1, and cpu 1's reply 1 -> 0 from its handler) and with IRM = 1
// (every cpu but the sender); SPI 41 routed to cpu 1 by GICD_IROUTER41;
// both redistributors' GICR_TYPER. cpu 1 tells cpu 0 it is ready, and
// later done, with SGI 3 too (cpu 0 waits in WFI, never spins). Each cpu logs what its ICC_IAR1_EL1
// returns; cpu 0 prints its log, then cpu 1's, as 8 hex digits per line on
// the PL011, then PSCI SYSTEM_OFF.
        .equ    GICD, 0x08000000
        .equ    GICR0, 0x080a0000
        .equ    GICR1, 0x080c0000
        .equ    UART, 0x09000000
        .equ    LOG0, 0x40200000
        .equ    LOG1, 0x40201000
        .equ    FLAGS, 0x40202000        // +8: cpu 1's log end

        .text
        .globl  _start
_start:
        ldr     x0, =vectors
        msr     vbar_el1, x0
        ldr     x21, =LOG0
        mov     x20, #0
        ldr     x1, =GICD
        mov     w2, #2
        str     w2, [x1]                // GICD_CTLR.EnableGrp1
        mov     w2, #-1
        str     w2, [x1, #0x84]         // GICD_IGROUPR1: SPIs 32-63 Group 1
        ldr     x3, =GICR0
        bl      cpuif
        ldr     x0, =0xc4000003         // PSCI CPU_ON (SMC64)
        mov     x1, #1                  // target MPIDR: cpu 1
        ldr     x2, =secondary
        mov     x3, #0
        hvc     #0
        mov     x25, x0
        mov     x9, #1                  // cpu 1 is ready: SGI 3
        bl      waitn
        str     w25, [x21], #4          // CPU_ON's return code
        // SGI 2 to cpu 1 by target list; cpu 1 answers with SGI 3
        ldr     x2, =(2 << 24) | 0b10
        msr     icc_sgi1r_el1, x2
        mov     x9, #2
        bl      waitn
        // SGI 4 to every cpu but self (IRM = 1)
        mov     x2, #4 << 24
        orr     x2, x2, #1 << 40
        msr     icc_sgi1r_el1, x2
        isb
        ldr     x3, =GICR0 + 0x10000
        ldr     w2, [x3, #0x200]        // own GICR_ISPENDR0: not sent to self
        str     w2, [x21], #4
        // SPI 41 routed to cpu 1
        ldr     x1, =GICD
        ldr     x6, =GICD + 0x6000 + 8 * 41
        mov     w2, #1
        str     w2, [x6]                // GICD_IROUTER41: Aff0 = 1
        mov     w2, #0x80
        strb    w2, [x1, #0x400 + 41]   // GICD_IPRIORITYR: SPI 41 0x80
        mov     w2, #1 << 9
        str     w2, [x1, #0x104]        // GICD_ISENABLER1
        str     w2, [x1, #0x204]        // GICD_ISPENDR1
        mov     x9, #3                  // cpu 1 took three interrupts: SGI 3
        bl      waitn
        // both redistributors' GICR_TYPER
        ldr     w5, =0x00ffff10
        ldr     x3, =GICR0
        ldr     w2, [x3, #8]
        and     w2, w2, w5
        str     w2, [x21], #4
        ldr     x3, =GICR1
        ldr     w2, [x3, #8]
        and     w2, w2, w5
        str     w2, [x21], #4
        ldr     w2, [x3, #12]
        str     w2, [x21], #4
        // print both logs, power off
        ldr     x23, =UART
        ldr     x22, =LOG0
        mov     x24, x21
        bl      putlog
        ldr     x22, =LOG1
        ldr     x9, =FLAGS
        ldr     w24, [x9, #8]
        bl      putlog
        ldr     x0, =0x84000008         // PSCI SYSTEM_OFF
        hvc     #0
3:      b       3b

secondary:
        ldr     x0, =vectors
        msr     vbar_el1, x0
        ldr     x21, =LOG1
        mov     x20, #0
        ldr     x3, =GICR1
        bl      cpuif
        ldr     x2, =(3 << 24) | 0b01   // ready: SGI 3 to cpu 0
        msr     icc_sgi1r_el1, x2
        mov     x9, #3
        bl      waitn
        ldr     x9, =FLAGS
        str     w21, [x9, #8]           // log end
        dsb     sy
        ldr     x2, =(3 << 24) | 0b01   // done: SGI 3 to cpu 0
        msr     icc_sgi1r_el1, x2
4:      wfi
        b       4b

// x3 = this cpu's RD_base: wake the redistributor, enable SGIs 2-4 (Group 1,
// priority 0x80), PMR, Group 1 on, IRQs unmasked.
cpuif:
        str     wzr, [x3, #0x14]        // GICR_WAKER.ProcessorSleep = 0
5:      ldr     w2, [x3, #0x14]
        tbnz    w2, #2, 5b
        add     x4, x3, #0x10000        // SGI_base
        mov     w2, #-1
        str     w2, [x4, #0x80]         // GICR_IGROUPR0: Group 1
        ldr     w2, =0x80808080
        str     w2, [x4, #0x400]        // GICR_IPRIORITYR0: SGIs 0-3 0x80
        ldr     w2, =0x40404040
        str     w2, [x4, #0x404]        // GICR_IPRIORITYR1: SGIs 4-7 0x40 (SGI 4 before SPI 41)
        mov     w2, #0b11100
        str     w2, [x4, #0x100]        // GICR_ISENABLER0: SGIs 2, 3, 4
        mov     x2, #0xf0
        msr     icc_pmr_el1, x2
        mov     x2, #1
        msr     icc_igrpen1_el1, x2
        msr     daifclr, #2
        isb
        ret

// Wait (WFI) until x9 interrupts have been taken in all.
waitn:
6:      cmp     x20, x9
        b.hs    7f
        wfi
        b       6b
7:      ret

// Print the words from x22 up to x24 (exclusive), 8 hex digits each, on the PL011 (x23).
putlog:
8:      cmp     x22, x24
        b.hs    12f
        ldr     w0, [x22], #4
        mov     x10, #28
9:      lsr     w11, w0, w10
        and     w11, w11, #0xf
        cmp     w11, #10
        b.lo    10f
        add     w11, w11, #'a' - 10
        b       11f
10:     add     w11, w11, #'0'
11:     str     w11, [x23]
        subs    x10, x10, #4
        b.pl    9b
        mov     w11, #'\n'
        str     w11, [x23]
        b       8b
12:     ret

        .balign 2048
vectors:
        .skip   0x280
        b       irq
        .balign 2048
irq:
        mrs     x2, icc_iar1_el1
        str     w2, [x21], #4
        add     x20, x20, #1
        cmp     w2, #2
        b.ne    13f
        ldr     x6, =(3 << 24) | 0b01   // the reply: SGI 3 to cpu 0
        msr     icc_sgi1r_el1, x6
13:     msr     icc_eoir1_el1, x2
        eret
