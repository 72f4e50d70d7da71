// Issue 14, defect 2: a 64-bit access (LDR/STR of an X register) to the
// GICD window. GICv2 has no 64-bit registers; vgicsim used to cut such an
// access to its low 32 bits. Per generation, as each release behaved:
// - linux-7.0: dispatch_mmio_read/write find no region allowing an 8-byte
//   access on GICv2 (check_region), so the access is RAZ/WI: the load
//   returns 0 and the store changes nothing.
// - linux-4.2 / 4.3: vgic_handle_mmio_access finds the range that holds all
//   8 bytes and call_range_handler splits the access into two 32-bit
//   handler calls, the upper word (offset + 4) first: a 64-bit store to
//   GICD_ISENABLER0 enables interrupts of ISENABLER0 and ISENABLER1, a load
//   returns both words. An access no range holds whole went to userspace
//   (-ENXIO), where QEMU's in-kernel-GIC region has no handlers: RAZ/WI.

import { describe, it } from 'node:test';
import { GENERATION_KEYS } from '../../../src/hyp/generation/names.ts';
import { POWEROFF } from '../helpers/guest-vm.ts';
import { vmGuest } from '../helpers/vm-guest.ts';

const PPI_BIT = 1 << 20; // INTID 20, in ISENABLER0
const SPI_BIT = 1 << 8; // INTID 40, in ISENABLER1
const SGIS = 0xffff; // SGIs are enabled at reset in every generation

/**
 * x20 = 64-bit load of GICD_ISENABLER0/1 before, x21 = the same after a
 * 64-bit store of {ISENABLER1: SPI 40, ISENABLER0: PPI 20}, x22/x23 = 32-bit
 * loads of ISENABLER0 and ISENABLER1 after it, x24 = a 64-bit load of
 * GICD_CTLR/TYPER, x25 = a 64-bit load at GICD_IIDR (crosses into the
 * reserved 0x00C: no range of the old vgic holds it whole).
 */
const GUEST = `
_start:
    ldr     x1, =0x08000000         // GICD
    mov     w2, #1
    str     w2, [x1]                // GICD_CTLR.EnableGrp0
    ldr     x20, [x1, #0x100]
    ldr     x2, =${(BigInt(SPI_BIT) << 32n) | BigInt(PPI_BIT)}
    str     x2, [x1, #0x100]        // 64-bit store to GICD_ISENABLER0
    ldr     x21, [x1, #0x100]
    ldr     w22, [x1, #0x100]
    ldr     w23, [x1, #0x104]
    ldr     x24, [x1]
    ldr     x25, [x1, #0x8]
${POWEROFF}
`;

/** GICD_TYPER of a 1-vcpu VM with the default SPIs, as the 32-bit read returns it. */
const TYPER_GUEST = `
_start:
    ldr     x1, =0x08000000
    ldr     w20, [x1, #0x4]
${POWEROFF}
`;

describe('defect 2: 64-bit accesses to GICD', () => {
  for (const gen of GENERATION_KEYS) {
    const legacy = gen !== 'linux-7.0';
    it(`${gen}: ${legacy ? 'split into two word accesses, upper first' : 'RAZ/WI (no 8-byte region on GICv2)'}`, () => {
      const typer = vmGuest(TYPER_GUEST).policy(gen).run().assertExit('poweroff').reg('x20');
      const g = vmGuest(GUEST).policy(gen).run().assertExit('poweroff');
      if (legacy) {
        g.assertReg('x20', SGIS, 0, '64-bit load: ISENABLER0 | ISENABLER1 << 32')
          .assertReg(
            'x21',
            (BigInt(SPI_BIT) << 32n) | BigInt(SGIS | PPI_BIT),
            0,
            '64-bit load after the store',
          )
          .assertReg('x22', SGIS | PPI_BIT, 0, 'ISENABLER0: the low word was written')
          .assertReg('x23', SPI_BIT, 0, 'ISENABLER1: the high word was written too')
          .assertReg('x24', (typer << 32n) | 1n, 0, 'GICD_CTLR | GICD_TYPER << 32')
          .assertReg('x25', 0, 0, 'no range holds 0x008-0x00F: RAZ');
      } else {
        g.assertReg('x20', 0, 0, '64-bit load: RAZ')
          .assertReg('x21', 0, 0, '64-bit load after the store: RAZ')
          .assertReg('x22', SGIS, 0, 'ISENABLER0 unchanged: the store was ignored')
          .assertReg('x23', 0, 0, 'ISENABLER1 unchanged')
          .assertReg('x24', 0, 0, 'GICD_CTLR/TYPER: RAZ')
          .assertReg('x25', 0, 0, 'RAZ');
      }
    });
  }
});
