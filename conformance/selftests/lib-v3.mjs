// The GICv3 form of the selftests guests' shared pieces (lib.mjs has the
// GICv2 ones): a vcpu brings up its CPU interface through the ICC_* system
// registers, as KVM's selftests' gic_v3 driver does (ICC_SRE_EL1.SRE,
// ICC_PMR_EL1, ICC_CTLR_EL1.EOImode, ICC_IGRPEN1_EL1), and finds its
// redistributor at QEMU virt's gic-version=3 layout (IHI 0069 12.10/12.11).
//
// Register conventions as in lib.mjs, except: x18 = this vcpu's
// redistributor SGI_base (GICR_ISENABLER0, GICR_ISPENDR0, GICR_ISACTIVER0,
// GICR_IPRIORITYR, GICR_ICFGR1 at their GICD offsets), x17 = its RD_base.

export const GICR = 0x080a0000;
export const GICR_STRIDE = 0x20000;

/**
 * Vector table, stack per vcpu, the distributor (affinity routing, Group 1),
 * this vcpu's redistributor awake, every interrupt Group 1 (KVM resets them
 * so; the bare-metal GIC resets them Group 0), ICC_* on.
 */
export function preludeV3({ eoiMode = 0, grp0 = false } = {}) {
  return `
_start:
    ldr     x0, =vectors
    msr     vbar_el1, x0
    mrs     x0, mpidr_el1
    and     x0, x0, #0xff           // Aff0 = vcpu index
    lsl     x1, x0, #16
    ldr     x2, =0x40400000
    add     x1, x1, x2
    mov     sp, x1                  // a 64 KiB stack per vcpu
    ldr     x19, =0x08000000        // GICD
    ldr     x17, =0x${GICR.toString(16)}        // GICR: redistributor 0's RD_base
    add     x17, x17, x0, lsl #17   // + 128 KiB per vcpu: this vcpu's RD_base
    add     x18, x17, #0x10, lsl #12 // its SGI_base (RD_base + 64 KiB)
    mov     x0, #1
    msr     icc_sre_el1, x0         // ICC_SRE_EL1.SRE: the system register interface
    isb
    mov     w0, #${grp0 ? '0x13' : '0x12'}
    str     w0, [x19]               // GICD_CTLR: ARE_NS, EnableGrp1NS${grp0 ? ', EnableGrp0' : ''}
    ldr     w0, [x17, #0x14]
    and     w0, w0, #0xfffffffd
    str     w0, [x17, #0x14]        // GICR_WAKER.ProcessorSleep = 0
1:  ldr     w0, [x17, #0x14]
    tbnz    w0, #2, 1b              // until ChildrenAsleep = 0
    mov     w0, #-1
    str     w0, [x18, #0x80]        // GICR_IGROUPR0: SGIs and PPIs Group 1
    str     w0, [x19, #0x84]        // GICD_IGROUPR1..2: SPIs 32..95 Group 1
    str     w0, [x19, #0x88]
    mov     x0, #0xf8
    msr     icc_pmr_el1, x0         // ICC_PMR_EL1: all 32 priority levels but the lowest
    mov     x0, #${eoiMode ? 2 : 0}
    msr     icc_ctlr_el1, x0        // ICC_CTLR_EL1.EOImode = ${eoiMode}${eoiMode ? ' (EOIR drops priority, DIR deactivates)' : ''}
    mov     x0, #1
    msr     icc_igrpen1_el1, x0     // ICC_IGRPEN1_EL1: Group 1 on
    isb
    mov     x22, #0                 // interrupts handled
    mov     x23, #0                 // errors
    mov     x24, #0                 // spurious IAR reads`;
}

/**
 * bl gicd_bit: x3 = INTID, x4 = register block (0x200 ISPENDR, 0x300
 * ISACTIVER) -> x7 = its bit; INTIDs 0..31 from this vcpu's redistributor
 * (GICR_ISPENDR0/ISACTIVER0), the rest from the distributor. Clobbers x5..x7.
 */
export const GIC_BIT_V3 = `
gicd_bit:
    lsr     w5, w3, #5
    add     x6, x19, x4
    cbnz    w5, 1f
    add     x6, x18, x4             // a private INTID: the redistributor's SGI_base
1:  ldr     w7, [x6, w5, uxtw #2]
    lsr     w7, w7, w3              // shift by INTID mod 32
    and     w7, w7, #1
    ret`;
