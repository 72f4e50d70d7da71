// gicd.s — a guest that exercises the GICv2 distributor (GICD) register by
// register and records what it reads, for the bare-metal GIC and for the
// hypervisor's trapped-and-emulated vgic alike. Runs on cpu 0.
//
// Every observation is a word in `results` at the W_* offset below; the
// IRQ handler appends each GICC_IAR value it reads to `iars`. SPI 40 is
// the test interrupt (level-sensitive, no device drives it, so only
// GICD_ISPENDR makes it pending).

        .equ GICD_BASE, 0x08000000
        .equ GICC_BASE, 0x08010000
        .equ GICD_CTLR, 0x000
        .equ GICD_TYPER, 0x004
        .equ GICD_IIDR, 0x008
        .equ GICD_ISENABLER, 0x100
        .equ GICD_ICENABLER, 0x180
        .equ GICD_ISPENDR, 0x200
        .equ GICD_ICPENDR, 0x280
        .equ GICD_IPRIORITYR, 0x400
        .equ GICD_ITARGETSR, 0x800
        .equ GICD_ICFGR, 0xc00
        .equ GICD_SGIR, 0xf00
        .equ GICD_ICPIDR2, 0xfe8
        .equ GICC_CTLR, 0x000
        .equ GICC_PMR, 0x004
        .equ GICC_IAR, 0x00c
        .equ GICC_EOIR, 0x010
        .equ GICC_HPPIR, 0x018
        .equ SPI, 40                    // the test SPI: word 1, bit 8
        .equ SPI_BIT, (1 << (SPI - 32))
        .equ SGI, 5
        .equ PSCI_SYSTEM_OFF, 0x84000008

        .equ W_TYPER, 0
        .equ W_IIDR, 4
        .equ W_PIDR2, 8
        .equ W_CTLR, 12
        .equ W_SGIR_READ, 16
        .equ W_PRIO_BYTE, 20
        .equ W_PRIO_WORD, 24
        .equ W_PRIO_SGI, 28
        .equ W_TARGETS0, 32
        .equ W_TARGETS_PPI, 36
        .equ W_TARGET_SPI_BYTE, 40
        .equ W_TARGET_SPI_WORD, 44
        .equ W_ICFGR0, 48
        .equ W_ICFGR1, 52
        .equ W_ICFGR2_SET, 56
        .equ W_ICFGR2_CLR, 60
        .equ W_ISENABLER0, 64
        .equ W_ISENABLER1_SET, 68
        .equ W_ISENABLER1_CLR, 72
        .equ W_ISPENDR1_SET, 76
        .equ W_HPPIR_PENDING, 80
        .equ W_ISPENDR1_CLR, 84
        .equ W_IRQS_AFTER_CLR, 88
        .equ W_IRQS_AFTER_PEND, 92
        .equ W_ISPENDR1_AFTER_ACK, 96
        .equ W_DISABLED_PENDING, 100
        .equ W_IRQS_DISABLED, 104
        .equ W_IRQS_REENABLED, 108
        .equ W_IRQS_SGI, 112
        .equ W_HPPIR_IDLE, 116
        .equ W_ICFGR0_WRITE, 120
        .equ W_UNEXPECTED, 124

        .text
        .global _start
_start:
        ldr     x0, =stack_top
        mov     sp, x0
        ldr     x0, =vectors
        msr     vbar_el1, x0
        isb
        ldr     x20, =results
        ldr     x22, =iars
        mov     w21, #0                 // IRQs taken
        mov     x19, #GICD_BASE
        mov     x18, #GICC_BASE

        // --- identification
        ldr     w0, [x19, #GICD_TYPER]
        str     w0, [x20, #W_TYPER]
        ldr     w0, [x19, #GICD_IIDR]
        str     w0, [x20, #W_IIDR]
        ldr     w0, [x19, #GICD_ICPIDR2]
        str     w0, [x20, #W_PIDR2]
        mov     w0, #1
        str     w0, [x19, #GICD_CTLR]
        ldr     w0, [x19, #GICD_CTLR]
        str     w0, [x20, #W_CTLR]
        ldr     w0, [x19, #GICD_SGIR]   // write-only: reads as zero
        str     w0, [x20, #W_SGIR_READ]

        // --- IPRIORITYR: 5 implemented bits (0xf8)
        mov     w0, #0xff
        strb    w0, [x19, #(GICD_IPRIORITYR + SPI)]
        ldrb    w0, [x19, #(GICD_IPRIORITYR + SPI)]
        str     w0, [x20, #W_PRIO_BYTE]
        ldr     w0, =0x12345678
        str     w0, [x19, #(GICD_IPRIORITYR + 44)]
        ldr     w0, [x19, #(GICD_IPRIORITYR + 44)]
        str     w0, [x20, #W_PRIO_WORD]
        mov     w0, #-1
        str     w0, [x19, #GICD_IPRIORITYR]
        ldr     w0, [x19, #GICD_IPRIORITYR]
        str     w0, [x20, #W_PRIO_SGI]
        str     wzr, [x19, #GICD_IPRIORITYR]

        // --- ITARGETSR: read-only for 0..31, masked to the cpus for SPIs
        mov     w0, #-1
        str     w0, [x19, #GICD_ITARGETSR]
        ldr     w0, [x19, #GICD_ITARGETSR]
        str     w0, [x20, #W_TARGETS0]
        ldr     w0, [x19, #(GICD_ITARGETSR + 28)]
        str     w0, [x20, #W_TARGETS_PPI]
        mov     w0, #0xff
        strb    w0, [x19, #(GICD_ITARGETSR + SPI)]
        ldrb    w0, [x19, #(GICD_ITARGETSR + SPI)]
        str     w0, [x20, #W_TARGET_SPI_BYTE]
        ldr     w0, =0xfefefefe
        str     w0, [x19, #(GICD_ITARGETSR + SPI)]
        ldr     w0, [x19, #(GICD_ITARGETSR + SPI)]
        str     w0, [x20, #W_TARGET_SPI_WORD]
        mov     w0, #1                  // SPI 40 -> cpu 0
        strb    w0, [x19, #(GICD_ITARGETSR + SPI)]

        // --- ICFGR: SGIs edge and read-only, PPIs level, SPIs configurable
        ldr     w0, [x19, #GICD_ICFGR]
        str     w0, [x20, #W_ICFGR0]
        str     wzr, [x19, #GICD_ICFGR]
        ldr     w0, [x19, #GICD_ICFGR]
        str     w0, [x20, #W_ICFGR0_WRITE]
        ldr     w0, [x19, #(GICD_ICFGR + 4)]
        str     w0, [x20, #W_ICFGR1]
        mov     w0, #-1
        str     w0, [x19, #(GICD_ICFGR + 8)]
        ldr     w0, [x19, #(GICD_ICFGR + 8)]
        str     w0, [x20, #W_ICFGR2_SET]
        str     wzr, [x19, #(GICD_ICFGR + 8)]
        ldr     w0, [x19, #(GICD_ICFGR + 8)]
        str     w0, [x20, #W_ICFGR2_CLR]

        // --- ISENABLER / ICENABLER
        ldr     w0, [x19, #GICD_ISENABLER]
        str     w0, [x20, #W_ISENABLER0]
        mov     w1, #SPI_BIT
        str     w1, [x19, #(GICD_ISENABLER + 4)]
        ldr     w0, [x19, #(GICD_ISENABLER + 4)]
        str     w0, [x20, #W_ISENABLER1_SET]
        str     w1, [x19, #(GICD_ICENABLER + 4)]
        ldr     w0, [x19, #(GICD_ISENABLER + 4)]
        str     w0, [x20, #W_ISENABLER1_CLR]

        // --- the CPU interface, then SPI 40 at priority 0x80, enabled
        mov     w0, #0xf0
        str     w0, [x18, #GICC_PMR]
        mov     w0, #1
        str     w0, [x18, #GICC_CTLR]
        mov     w0, #0x80
        strb    w0, [x19, #(GICD_IPRIORITYR + SPI)]
        str     w1, [x19, #(GICD_ISENABLER + 4)]

        // --- ISPENDR / ICPENDR with IRQs masked: pending, then not
        str     w1, [x19, #(GICD_ISPENDR + 4)]
        ldr     w0, [x19, #(GICD_ISPENDR + 4)]
        str     w0, [x20, #W_ISPENDR1_SET]
        ldr     w0, [x18, #GICC_HPPIR]
        str     w0, [x20, #W_HPPIR_PENDING]
        str     w1, [x19, #(GICD_ICPENDR + 4)]
        ldr     w0, [x19, #(GICD_ISPENDR + 4)]
        str     w0, [x20, #W_ISPENDR1_CLR]
        msr     daifclr, #2
        isb
        msr     daifset, #2
        str     w21, [x20, #W_IRQS_AFTER_CLR]

        // --- pended again: delivered once unmasked; the acknowledge clears the latch
        str     w1, [x19, #(GICD_ISPENDR + 4)]
        msr     daifclr, #2
        isb
        msr     daifset, #2
        str     w21, [x20, #W_IRQS_AFTER_PEND]
        ldr     w0, [x19, #(GICD_ISPENDR + 4)]
        str     w0, [x20, #W_ISPENDR1_AFTER_ACK]

        // --- disabled: pending but not delivered; enabling delivers it
        str     w1, [x19, #(GICD_ICENABLER + 4)]
        str     w1, [x19, #(GICD_ISPENDR + 4)]
        msr     daifclr, #2
        isb
        ldr     w0, [x19, #(GICD_ISPENDR + 4)]
        str     w0, [x20, #W_DISABLED_PENDING]
        str     w21, [x20, #W_IRQS_DISABLED]
        str     w1, [x19, #(GICD_ISENABLER + 4)]
        isb
        str     w21, [x20, #W_IRQS_REENABLED]

        // --- SGI to self (TargetListFilter = 2)
        ldr     w0, =((2 << 24) | SGI)
        str     w0, [x19, #GICD_SGIR]
        isb
        str     w21, [x20, #W_IRQS_SGI]
        msr     daifset, #2

        ldr     w0, [x18, #GICC_HPPIR]
        str     w0, [x20, #W_HPPIR_IDLE]

        ldr     x0, =PSCI_SYSTEM_OFF
        hvc     #0
parked: wfi
        b       parked

irq_handler:
        stp     x0, x1, [sp, #-16]!
        ldr     w0, [x18, #GICC_IAR]
        str     w0, [x22, w21, uxtw #2]
        add     w21, w21, #1
        str     w0, [x18, #GICC_EOIR]
        ldp     x0, x1, [sp], #16
        eret

unexpected:
        mrs     x0, esr_el1
        str     w0, [x20, #W_UNEXPECTED]
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
        .skip   128
iars:
        .skip   64
        .balign 16
stack:
        .skip   1024
stack_top:
