// Issue 14, defect 1: GICD_IGROUPR is read/write (GICv2 4.3.4), one bit per
// interrupt, 0 = group 0. Per generation, as each release behaved:
// - linux-7.0: KVM's vgic_mmio_write_group stores each bit as written (the
//   GICv2 IIDR revision 2, "groups configurable by the guest"): write 1 then
//   0, read 1 then 0. vgicsim used to treat a 0 bit as "leave it", so the
//   second read still said group 1.
// - linux-4.2 / 4.3: the old vgic's IGROUPR range is RAZ/WI
//   (handle_mmio_raz_wi): every interrupt is group 0, both reads are 0.

import { describe, it } from 'node:test';
import { GENERATION_KEYS } from '../../../src/hyp/generation/names.ts';
import { POWEROFF } from '../helpers/guest-vm.ts';
import { vmGuest } from '../helpers/vm-guest.ts';

const SPI40_BIT = 1 << 8;

/** Set then clear SPI 40's group bit in GICD_IGROUPR1; x20/x21 = the reads after each write. */
const GUEST = `
_start:
    ldr     x1, =0x08000000         // GICD
    ldr     w2, =${SPI40_BIT}
    str     w2, [x1, #0x84]         // GICD_IGROUPR1: SPI 40 -> group 1
    ldr     w20, [x1, #0x84]
    str     wzr, [x1, #0x84]        // GICD_IGROUPR1: SPI 40 -> group 0
    ldr     w21, [x1, #0x84]
${POWEROFF}
`;

const EXPECTED: Record<(typeof GENERATION_KEYS)[number], [number, number]> = {
  'linux-4.2': [0, 0],
  'linux-4.3': [0, 0],
  'linux-7.0': [SPI40_BIT, 0],
};

describe('defect 1: GICD_IGROUPR is read/write where the release emulated it', () => {
  for (const gen of GENERATION_KEYS) {
    const [first, second] = EXPECTED[gen];
    it(`${gen}: write 1 reads ${first}, write 0 reads ${second}`, () => {
      vmGuest(GUEST)
        .policy(gen)
        .run()
        .assertExit('poweroff')
        .assertReg('x20', first, 0, 'after writing 1')
        .assertReg('x21', second, 0, 'after writing 0');
    });
  }
});
