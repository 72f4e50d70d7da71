// The two ways a vgic_irq guest drives its CPU interface: GICv2 (GICC MMIO
// at x18) and GICv3 (the ICC_* system registers; x18 = this vcpu's
// redistributor SGI_base). gen-vgic-irq.mjs writes every check once and
// takes the lines that differ from here. SPIs stay at the distributor
// (x19) in both: GICD_ISENABLER/ICFGR/IPRIORITYR/ISPENDR/ISACTIVER keep
// their offsets in GICv3 (IHI 0069 12.9).

import { enablePpi, GICD_BIT, prelude, timerHandler } from './lib.mjs';
import { GIC_BIT_V3, preludeV3 } from './lib-v3.mjs';

export const V2 = {
  gic: 'v2',
  folder: 'vgic_irq',
  iarName: 'GICC_IAR',
  aprName: 'GICC_APR0',
  defaultPrio: 0xa0,
  prelude,
  bitHelper: GICD_BIT,
  /** x2 = IAR, w3 = its INTID */
  iar: (note = '') => `    ldr     w2, [x18, #0xc]         // GICC_IAR${note}
    and     w3, w2, #0x3ff`,
  /** w{reg} = the active priorities register */
  readApr: (reg, label = '', note = '') =>
    `${label ? `${label}  ` : '    '}ldr     w${reg}, [x18, #0xd0]${reg.length === 1 ? ' ' : ''}       // GICC_APR0${note}`,
  eoir: (reg, note = '') => `    str     w${reg}, [x18, #0x10]        // GICC_EOIR${note}`,
  dir: (reg, label = '', note = '') => `${label ? `${label}  ` : '    '}str     w${reg}, [x18, #0x1000]      // GICC_DIR${note}`,
  finalIar: '    ldr     w27, [x18, #0xc]        // GICC_IAR with nothing left: 1023',
  overflowText: 'GICH_HCR.LRENPIE and the\nEOICount walk for EOImode 0, GICV_DIR trapped for EOImode 1',
  // the arch_timer checks
  timerFolder: (name) => name,
  enablePpi,
  timerHandler,
};

export const V3 = {
  gic: 'v3',
  folder: 'vgic_irq_v3',
  iarName: 'ICC_IAR1_EL1',
  aprName: 'ICC_AP1R0_EL1',
  defaultPrio: 0xf0,
  prelude: preludeV3,
  bitHelper: GIC_BIT_V3,
  iar: (note = '') => `    mrs     x2, icc_iar1_el1        // ICC_IAR1_EL1${note}
    and     w3, w2, #0xffffff       // INTID (24 bits)`,
  readApr: (reg, label = '', note = '') =>
    `${label ? `${label}  ` : '    '}mrs     x${reg}, s3_0_c12_c9_0${reg.length === 1 ? ' ' : ''}      // ICC_AP1R0_EL1${note}`,
  eoir: (reg, note = '') => `    msr     icc_eoir1_el1, x${reg}       // ICC_EOIR1_EL1${note}`,
  dir: (reg, label = '', note = '') => `${label ? `${label}  ` : '    '}msr     icc_dir_el1, x${reg}         // ICC_DIR_EL1${note}`,
  finalIar: '    mrs     x27, icc_iar1_el1       // ICC_IAR1_EL1 with nothing left: 1023',
  /** SGIs and PPIs: enabled, the default priority, PPIs level (KVM: WI; the bare-metal GIC keeps it) */
  privateSetup: () => `    mov     w0, #-1
    str     w0, [x18, #0x100]       // GICR_ISENABLER0: SGIs 0..15, PPIs 16..31
    str     wzr, [x18, #0xc04]      // GICR_ICFGR1: PPIs level-sensitive
    ldr     w0, =0xf0f0f0f0
    mov     x1, #0x400              // GICR_IPRIORITYR0..7: SGIs and PPIs at 0xf0
1:  str     w0, [x18, x1]
    add     x1, x1, #4
    cmp     x1, #0x420
    b.lo    1b`,
  overflowText:
    'ICH_HCR_EL2.LRENPIE and the\nEOIcount walk for EOImode 0, ICV_DIR_EL1 trapped (ICH_HCR_EL2.TDIR) for EOImode 1',
  timerFolder: (name) => `${name}_v3`,
  /** GICR_ISENABLER0 of this vcpu's redistributor for the timer's PPI */
  enablePpi: (t) => `
    ldr     w0, =0x${(1 << t.ppi >>> 0).toString(16)}
    str     w0, [x18, #0x100]       // GICR_ISENABLER0: PPI ${t.ppi} (${t.name} timer)`,
  timerHandler: (t, o = {}) => timerHandler(t, { ...o, iar: V3.iar(), eoir: V3.eoir('2') }),
};
