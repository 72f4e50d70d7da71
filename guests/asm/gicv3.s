// A bare-metal GICv3 guest (vgicsim `gic: v3`, QEMU -M virt,gic-version=3):
// the distributor, the redistributor of cpu 0 and the ICC system registers.
// Observations go to a log in RAM at LOG (one word each, in order) and are
// printed on the PL011 as 8 hex digits per line; then PSCI SYSTEM_OFF.
//   reset values: GICD_CTLR, GICD_TYPER.ITLinesNumber, .IDbits, PIDR2.ArchRev,
//   GICR_TYPER (Processor_Number, Last), its affinity, GICR_WAKER, ICC_CTLR_EL1,
//   ICC_SRE_EL1, ICC_PMR_EL1, ICC_BPR0_EL1, ICC_BPR1_EL1, GICR_IGROUPR0,
//   ID_AA64PFR0_EL1.GIC, GICD_IGROUPR1 (then every interrupt is made Group 1);
//   SGI 5 to self by ICC_SGI1R_EL1: ICC_HPPIR1_EL1 and GICR_ISPENDR0 while
//   masked, then taken (IAR1, RPR in the handler);
//   the virtual timer (PPI 27) taken through ICC_IAR1/EOIR1;
//   SPI 40 routed by GICD_IROUTER40: to an absent affinity (HPPIR1 1023),
//   then to cpu 0 (taken);
//   EOImode = 1: SGI 6's EOIR1 leaves it active, ICC_DIR_EL1 deactivates it.
        .equ    GICD, 0x08000000
        .equ    GICR, 0x080a0000
        .equ    SGI_BASE, 0x080b0000
        .equ    UART, 0x09000000
        .equ    LOG, 0x40200000

        .text
        .globl  _start
_start:
        ldr     x0, =vectors
        msr     vbar_el1, x0
        ldr     x1, =GICD
        ldr     x3, =GICR
        ldr     x4, =SGI_BASE
        ldr     x21, =LOG
        mov     x20, #0                 // interrupts taken
        // ---- reset values ----
        ldr     w2, [x1]                // GICD_CTLR
        str     w2, [x21], #4
        ldr     w2, [x1, #4]            // GICD_TYPER
        and     w5, w2, #0x1f           // ITLinesNumber
        str     w5, [x21], #4
        ubfx    w5, w2, #19, #5         // IDbits
        str     w5, [x21], #4
        ldr     x6, =GICD + 0xffe8      // GICD_PIDR2
        ldr     w2, [x6]
        ubfx    w5, w2, #4, #4          // ArchRev
        str     w5, [x21], #4
        ldr     w2, [x3, #8]            // GICR_TYPER low
        ldr     w5, =0x00ffff10
        and     w2, w2, w5              // Processor_Number, Last
        str     w2, [x21], #4
        ldr     w2, [x3, #12]           // GICR_TYPER high: Affinity_Value
        str     w2, [x21], #4
        ldr     w2, [x3, #0x14]         // GICR_WAKER
        str     w2, [x21], #4
        mrs     x2, icc_ctlr_el1
        str     w2, [x21], #4
        mrs     x2, icc_sre_el1
        str     w2, [x21], #4
        mrs     x2, icc_pmr_el1
        str     w2, [x21], #4
        mrs     x2, s3_0_c12_c8_3       // ICC_BPR0_EL1
        str     w2, [x21], #4
        mrs     x2, icc_bpr1_el1
        str     w2, [x21], #4
        ldr     w2, [x4, #0x80]         // GICR_IGROUPR0
        str     w2, [x21], #4
        mrs     x2, id_aa64pfr0_el1
        ubfx    w2, w2, #24, #4         // GIC: 1 = the GICv3 system registers
        str     w2, [x21], #4
        ldr     w2, [x1, #0x84]         // GICD_IGROUPR1
        str     w2, [x21], #4
        mov     w2, #-1
        str     w2, [x4, #0x80]         // every SGI and PPI Group 1
        str     w2, [x1, #0x84]         // SPIs 32-63 Group 1
        // ---- bring up the GIC: Group 1 on, the redistributor awake ----
        mov     w2, #2
        str     w2, [x1]                // GICD_CTLR.EnableGrp1
        str     wzr, [x3, #0x14]        // GICR_WAKER.ProcessorSleep = 0
1:      ldr     w2, [x3, #0x14]
        tbnz    w2, #2, 1b              // wait for ChildrenAsleep = 0
        ldr     w2, =0xa0a00000         // priorities: SGI 6 0xa0, SGI 7 0xa0
        str     w2, [x4, #0x404]        // GICR_IPRIORITYR1 (INTIDs 4-7): SGI 5 0x00
        mov     w2, #0xa0
        strb    w2, [x4, #0x405]        // SGI 5: 0xa0 (byte access)
        mov     w2, #0x80
        strb    w2, [x4, #0x41b]        // PPI 27: 0x80
        ldr     w2, =(1 << 5) | (1 << 6) | (1 << 27)
        str     w2, [x4, #0x100]        // GICR_ISENABLER0
        mov     x2, #0xf0
        msr     icc_pmr_el1, x2
        mov     x2, #1
        msr     icc_igrpen1_el1, x2
        isb
        // ---- SGI 5 to self ----
        ldr     x2, =(5 << 24) | 1      // INTID 5, TargetList cpu 0
        msr     icc_sgi1r_el1, x2
        isb
        mrs     x2, icc_hppir1_el1
        str     w2, [x21], #4
        ldr     w2, [x4, #0x200]        // GICR_ISPENDR0
        str     w2, [x21], #4
        msr     daifclr, #2
        isb
        mov     x9, #1
        bl      waitn
        // ---- the virtual timer ----
        mrs     x2, cntvct_el0
        add     x2, x2, #200
        msr     cntv_cval_el0, x2
        mov     x2, #1
        msr     cntv_ctl_el0, x2
        mov     x9, #2
        bl      waitn
        // ---- SPI 40 by GICD_IROUTER40 ----
        ldr     x6, =GICD + 0x6000 + 8 * 40
        mov     w2, #5
        str     w2, [x6]                // Aff0 = 5: no such cpu
        ldr     w2, [x6]
        str     w2, [x21], #4
        mov     w2, #0x100
        str     w2, [x1, #0x104]        // GICD_ISENABLER1: SPI 40
        str     w2, [x1, #0x204]        // GICD_ISPENDR1: SPI 40 pending
        isb
        mrs     x2, icc_hppir1_el1
        str     w2, [x21], #4
        str     wzr, [x6]               // Aff0 = 0: cpu 0
        isb
        mov     x9, #3
        bl      waitn
        // ---- EOImode = 1 ----
        mov     x2, #2
        msr     icc_ctlr_el1, x2
        ldr     x2, =(6 << 24) | 1
        msr     icc_sgi1r_el1, x2
        isb
        mov     x9, #4
        bl      waitn
        mrs     x2, icc_ctlr_el1
        str     w2, [x21], #4
        str     w20, [x21], #4          // interrupts taken
        // ---- print the log, power off ----
        ldr     x22, =LOG
        ldr     x23, =UART
2:      cmp     x22, x21
        b.hs    3f
        ldr     w0, [x22], #4
        bl      puthex
        b       2b
3:      ldr     x0, =0x84000008         // PSCI SYSTEM_OFF
        hvc     #0
4:      b       4b

// Wait (WFI) until x9 interrupts have been taken in all.
waitn:
5:      cmp     x20, x9
        b.hs    6f
        wfi
        b       5b
6:      ret

// Print w0 as 8 hex digits and a newline on the PL011 (x23).
puthex:
        mov     x10, #28
7:      lsr     w11, w0, w10
        and     w11, w11, #0xf
        cmp     w11, #10
        b.lo    8f
        add     w11, w11, #'a' - 10
        b       9f
8:      add     w11, w11, #'0'
9:      str     w11, [x23]
        subs    x10, x10, #4
        b.pl    7b
        mov     w11, #'\n'
        str     w11, [x23]
        ret

        .balign 2048
vectors:
        .skip   0x280
        b       irq
        .balign 2048
irq:
        mrs     x2, icc_iar1_el1
        str     w2, [x21], #4
        add     x20, x20, #1
        and     w5, w2, #0xffffff
        cmp     w5, #27
        b.ne    10f
        msr     cntv_ctl_el0, xzr       // the timer's level drops
10:     cmp     w5, #6
        b.ne    11f
        msr     icc_eoir1_el1, x2       // EOImode = 1: priority drop only
        ldr     w6, [x4, #0x300]        // GICR_ISACTIVER0: still active
        str     w6, [x21], #4
        msr     icc_dir_el1, x2
        ldr     w6, [x4, #0x300]        // deactivated
        str     w6, [x21], #4
        eret
11:     mrs     x6, s3_0_c12_c11_3      // ICC_RPR_EL1
        str     w6, [x21], #4
        msr     icc_eoir1_el1, x2
        ldr     w6, [x4, #0x300]        // GICR_ISACTIVER0 after EOI
        str     w6, [x21], #4
        eret
