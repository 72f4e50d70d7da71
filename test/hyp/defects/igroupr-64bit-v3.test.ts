// The GICv3 counterparts of igroupr.test.ts and gicd-64bit.test.ts (issue
// 18), where a GICv3 guest sees something else (linux-7.0, the only
// generation with vgic-v3 here):
// - groups: KVM's v3 model resets every interrupt to Group 1
//   (vgic_init: irq->group = 1 for KVM_DEV_TYPE_ARM_VGIC_V3), so
//   GICD_IGROUPR1 and GICR_IGROUPR0 read all ones before the guest writes
//   them (a v2 guest reads 0); the bits stay read/write (IIDR revision 3).
// - 64-bit accesses: GICv2 has none (RAZ/WI, gicd-64bit.test.ts); a GICv3
//   has GICD_IROUTER<n> and GICR_TYPER (IHI 0069 12.9.22, 12.11.37), which
//   vgic-mmio-v3 accepts as one 8-byte access; the other registers stay
//   RAZ/WI for an 8-byte access (check_region).

import { it } from 'node:test';
import { POWEROFF } from '../helpers/guest-vm.ts';
import { vmGuest } from '../helpers/vm-guest.ts';

const SPI40_BIT = 1 << 8;

const GROUPS = `
_start:
    ldr     x1, =GICD_BASE
    ldr     x4, =GICR_BASE + GICR_SGI_BASE
    ldr     w20, [x1, #GICD_IGROUPR + 4]   // reset: Group 1
    ldr     w21, [x4, #GICR_IGROUPR0]      // reset: Group 1
    str     wzr, [x1, #GICD_IGROUPR + 4]   // SPIs 32-63 -> Group 0
    ldr     w22, [x1, #GICD_IGROUPR + 4]
    ldr     w2, =${SPI40_BIT}
    str     w2, [x1, #GICD_IGROUPR + 4]    // SPI 40 -> Group 1
    ldr     w23, [x1, #GICD_IGROUPR + 4]
${POWEROFF}
`;

it('linux-7.0, GICv3: GICD_IGROUPR1 and GICR_IGROUPR0 reset to all ones (Group 1) and are read/write', () => {
  vmGuest(GROUPS)
    .gicV3()
    .policy('linux-7.0')
    .run()
    .assertExit('poweroff')
    .assertReg('x20', 0xffffffff, 0, 'GICD_IGROUPR1 at reset')
    .assertReg('x21', 0xffffffff, 0, 'GICR_IGROUPR0 at reset')
    .assertReg('x22', 0, 0, 'after writing 0')
    .assertReg('x23', SPI40_BIT, 0, 'after writing SPI 40 only');
});

const WIDE = `
_start:
    ldr     x1, =GICD_BASE
    ldr     x3, =GICR_BASE + GICR_STRIDE           // vcpu 1's RD_base
    ldr     x5, =GICD_BASE + GICD_IROUTER + 8 * 40 // GICD_IROUTER40
    ldr     x6, =GICD_BASE + GICD_ISENABLER + 8    // GICD_ISENABLER2 (SPIs 64-95), 8-aligned
    ldr     x2, =0x0000000000000001
    str     x2, [x5]                // 64-bit store: Aff 0.0.1
    ldr     x20, [x5]               // 64-bit load
    ldr     w21, [x5]               // its low word
    ldr     x22, [x3, #GICR_TYPER]  // 64-bit load: Affinity_Value [63:32]
    ldr     x2, =0x0000000100000001
    str     x2, [x6]                // 64-bit store to ISENABLER2/3: WI
    ldr     w23, [x6]
    mov     w2, #1
    str     w2, [x6]                // a 32-bit store enables SPI 64
    ldr     x24, [x6]               // 64-bit load: RAZ all the same
    ldr     w25, [x6]
${POWEROFF}
`;

it('linux-7.0, GICv3: 64-bit accesses reach GICD_IROUTER40 and GICR_TYPER; an 8-byte access to GICD_ISENABLER is RAZ/WI', () => {
  const g = vmGuest(WIDE).gicV3().policy('linux-7.0').vcpus(2).run().assertExit('poweroff');
  g.assertReg('x20', 1, 0, 'IROUTER40 as written')
    .assertReg('x21', 1, 0, 'IROUTER40 low word')
    .assertReg('x23', 0, 0, 'ISENABLER2 unchanged by the 8-byte store')
    .assertReg('x24', 0, 0, 'ISENABLER2/3 read as zero by the 8-byte load')
    .assertReg('x25', 1, 0, 'the 32-bit store did enable SPI 64');
  // GICR_TYPER of vcpu 1: Affinity_Value Aff0 = 1 in [63:32], Processor_Number 1 in [23:8], Last ([4])
  const typer = g.reg('x22');
  if (typer >> 32n !== 1n || ((typer >> 8n) & 0xffffn) !== 1n || (typer & 0x10n) === 0n)
    throw new Error(`GICR_TYPER of vcpu 1 read 0x${typer.toString(16)}`);
});
