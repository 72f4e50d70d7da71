// Symbols the assembler predefines for guests of this board: frame bases,
// GIC and PL011 register offsets, PSCI function IDs and return codes, and
// the INTIDs of the timers, the maintenance interrupt and the UART. Every
// value is read from the definition the hardware model itself uses (so a
// guest and the model cannot disagree), and every name is that definition's
// architectural spelling. docs/assembler.md lists them all; its table is
// generated from BOARD_ASM_SYMBOLS by scripts/gen-asm-symbols-doc.ts.

import { fieldMask } from '../../sim/bits.ts';
import {
  UARTDR,
  UARTRSR,
  UARTECR,
  UARTFR,
  UARTILPR,
  UARTIBRD,
  UARTFBRD,
  UARTLCR_H,
  UARTCR,
  UARTIFLS,
  UARTIMSC,
  UARTRIS,
  UARTMIS,
  UARTICR,
  UARTDMACR,
  FR_BUSY,
  FR_RXFE,
  FR_RXFF,
  FR_TXFE,
  FR_TXFF,
} from '../devices/pl011.ts';
import {
  PSCI_VERSION,
  PSCI_CPU_SUSPEND_32,
  PSCI_CPU_SUSPEND_64,
  PSCI_CPU_OFF,
  PSCI_CPU_ON_32,
  PSCI_CPU_ON_64,
  PSCI_AFFINITY_INFO_32,
  PSCI_AFFINITY_INFO_64,
  PSCI_MIGRATE_INFO_TYPE,
  PSCI_SYSTEM_OFF,
  PSCI_SYSTEM_RESET,
  PSCI_FEATURES,
  PsciReturn,
} from '../firmware/psci.ts';
import { PPI, SPURIOUS } from '../gic/intid.ts';
import {
  GICD_CTLR,
  GICD_TYPER,
  GICD_IIDR,
  GICD_IGROUPR,
  GICD_ISENABLER,
  GICD_ICENABLER,
  GICD_ISPENDR,
  GICD_ICPENDR,
  GICD_ISACTIVER,
  GICD_ICACTIVER,
  GICD_IPRIORITYR,
  GICD_ITARGETSR,
  GICD_ICFGR,
  GICD_SGIR,
  GICD_CPENDSGIR,
  GICD_SPENDSGIR,
  GICD_ICPIDR2,
  GICC_CTLR,
  GICC_PMR,
  GICC_BPR,
  GICC_IAR,
  GICC_EOIR,
  GICC_RPR,
  GICC_HPPIR,
  GICC_ABPR,
  GICC_AIAR,
  GICC_AEOIR,
  GICC_AHPPIR,
  GICC_APR0,
  GICC_NSAPR0,
  GICC_IIDR,
  GICC_DIR,
  GICD_CTLR_EnableGrp0,
  GICD_CTLR_EnableGrp1,
  GICC_CTLR_EnableGrp0,
  GICC_CTLR_EnableGrp1,
  GICC_CTLR_AckCtl,
  GICC_CTLR_EOImode,
  GICC_IAR_InterruptID,
} from '../gic/registers.ts';
import {
  GICH_APR,
  GICH_EISR0,
  GICH_EISR1,
  GICH_ELRSR0,
  GICH_ELRSR1,
  GICH_HCR,
  GICH_LR0,
  GICH_MISR,
  GICH_VMCR,
  GICH_VTR,
} from '../gic/virt-regs.ts';
import { GICD_CTLR_ARE, GICD_IGRPMODR, GICD_IROUTER, GICD_PIDR2 } from '../gic/v3/gicd-regs.ts';
import {
  GICR_CTLR,
  GICR_ICACTIVER0,
  GICR_ICENABLER0,
  GICR_ICFGR0,
  GICR_ICFGR1,
  GICR_ICPENDR0,
  GICR_IGROUPR0,
  GICR_IIDR,
  GICR_IPRIORITYR0,
  GICR_ISACTIVER0,
  GICR_ISENABLER0,
  GICR_ISPENDR0,
  GICR_SGI_BASE,
  GICR_STRIDE,
  GICR_TYPER,
  GICR_WAKER,
  GICR_WAKER_ChildrenAsleep,
  GICR_WAKER_ProcessorSleep,
} from '../gic/v3/gicr-regs.ts';
import { ICC_CTLR_CBPR, ICC_CTLR_EOImode, ICC_IGRPEN_Enable } from '../gic/v3/icc-regs.ts';
import { MEMMAP, UART_INTID } from './memory-map.ts';

export interface AsmSymbol {
  readonly name: string;
  readonly value: number;
  /** Heading of the group in docs/assembler.md. */
  readonly group: string;
}

const GICD_REGISTERS = {
  GICD_CTLR,
  GICD_TYPER,
  GICD_IIDR,
  GICD_IGROUPR,
  GICD_ISENABLER,
  GICD_ICENABLER,
  GICD_ISPENDR,
  GICD_ICPENDR,
  GICD_ISACTIVER,
  GICD_ICACTIVER,
  GICD_IPRIORITYR,
  GICD_ITARGETSR,
  GICD_ICFGR,
  GICD_SGIR,
  GICD_CPENDSGIR,
  GICD_SPENDSGIR,
  GICD_ICPIDR2,
};

const GICC_REGISTERS = {
  GICC_CTLR,
  GICC_PMR,
  GICC_BPR,
  GICC_IAR,
  GICC_EOIR,
  GICC_RPR,
  GICC_HPPIR,
  GICC_ABPR,
  GICC_AIAR,
  GICC_AEOIR,
  GICC_AHPPIR,
  GICC_APR0,
  GICC_NSAPR0,
  GICC_IIDR,
  GICC_DIR,
};

/** One-bit fields, as masks (the value to OR into the register). */
const GIC_FIELDS = {
  GICD_CTLR_EnableGrp0,
  GICD_CTLR_EnableGrp1,
  GICC_CTLR_EnableGrp0,
  GICC_CTLR_EnableGrp1,
  GICC_CTLR_AckCtl,
  GICC_CTLR_EOImode,
  GICC_IAR_InterruptID,
};

const GICH_REGISTERS = {
  GICH_HCR,
  GICH_VTR,
  GICH_VMCR,
  GICH_MISR,
  GICH_EISR0,
  GICH_EISR1,
  GICH_ELRSR0,
  GICH_ELRSR1,
  GICH_APR,
  GICH_LR0,
};

/** GICv3 (`gic: v3`): GICD registers v3 adds, and the redistributor frames' registers. */
const GICV3_REGISTERS = {
  GICD_IGRPMODR,
  GICD_IROUTER,
  GICD_PIDR2,
  GICR_STRIDE,
  GICR_CTLR,
  GICR_IIDR,
  GICR_TYPER,
  GICR_WAKER,
  GICR_SGI_BASE,
};

/** SGI_base registers: offsets in the SGI_base frame (RD_base + GICR_SGI_BASE). */
const GICR_SGI_REGISTERS = {
  GICR_IGROUPR0,
  GICR_ISENABLER0,
  GICR_ICENABLER0,
  GICR_ISPENDR0,
  GICR_ICPENDR0,
  GICR_ISACTIVER0,
  GICR_ICACTIVER0,
  GICR_IPRIORITYR0,
  GICR_ICFGR0,
  GICR_ICFGR1,
};

const GICV3_FIELDS = {
  GICD_CTLR_ARE,
  GICR_WAKER_ProcessorSleep,
  GICR_WAKER_ChildrenAsleep,
  ICC_CTLR_CBPR,
  ICC_CTLR_EOImode,
  ICC_IGRPEN_Enable,
};

const PL011_REGISTERS = {
  UARTDR,
  UARTRSR,
  UARTECR,
  UARTFR,
  UARTILPR,
  UARTIBRD,
  UARTFBRD,
  UARTLCR_H,
  UARTCR,
  UARTIFLS,
  UARTIMSC,
  UARTRIS,
  UARTMIS,
  UARTICR,
  UARTDMACR,
};

const PSCI_FUNCTIONS = {
  PSCI_VERSION,
  PSCI_CPU_SUSPEND_32,
  PSCI_CPU_SUSPEND_64,
  PSCI_CPU_OFF,
  PSCI_CPU_ON_32,
  PSCI_CPU_ON_64,
  PSCI_AFFINITY_INFO_32,
  PSCI_AFFINITY_INFO_64,
  PSCI_MIGRATE_INFO_TYPE,
  PSCI_SYSTEM_OFF,
  PSCI_SYSTEM_RESET,
  PSCI_FEATURES,
};

function group(name: string, entries: [string, number][]): AsmSymbol[] {
  return entries.map(([n, value]) => ({ name: n, value, group: name }));
}

/** Every predefined symbol, in the order docs/assembler.md lists them. */
export const BOARD_ASM_SYMBOLS: readonly AsmSymbol[] = [
  ...group('Memory map (physical addresses of the virt board)', [
    ['GICD_BASE', MEMMAP.GICD.base],
    ['GICC_BASE', MEMMAP.GICC.base],
    ['GICH_BASE', MEMMAP.GICH.base],
    ['GICV_BASE', MEMMAP.GICV.base],
    ['GICR_BASE', MEMMAP.GICR.base],
    ['PL011_BASE', MEMMAP.UART.base],
    ['RAM_BASE', MEMMAP.RAM.base],
  ]),
  ...group('GIC distributor register offsets (from GICD_BASE; GICv2 4.1.2)', Object.entries(GICD_REGISTERS)),
  ...group(
    'GIC CPU interface register offsets (from GICC_BASE; GICv2 4.1.3)',
    Object.entries(GICC_REGISTERS),
  ),
  ...group(
    'GIC register fields (masks; GICv2 4.3.1, 4.4.1, 4.4.4)',
    Object.entries(GIC_FIELDS).map(([n, f]): [string, number] => [n, fieldMask(f)]),
  ),
  ...group(
    'GIC virtual interface control offsets (from GICH_BASE, hypervisor only; GICv2 5.3)',
    Object.entries(GICH_REGISTERS),
  ),
  ...group(
    'GICv3 register offsets (gic: v3; GICD_* from GICD_BASE; GICR_* from a redistributor RD_base = GICR_BASE + cpu * GICR_STRIDE, GICR_IGROUPR0 to GICR_ICFGR1 from its SGI_base = RD_base + GICR_SGI_BASE; IHI 0069 chapter 12)',
    [...Object.entries(GICV3_REGISTERS), ...Object.entries(GICR_SGI_REGISTERS)],
  ),
  ...group(
    'GICv3 register fields (masks; IHI 0069 chapter 12)',
    Object.entries(GICV3_FIELDS).map(([n, f]): [string, number] => [n, fieldMask(f)]),
  ),
  ...group('PL011 UART register offsets (from PL011_BASE; PL011 TRM) and UARTFR flags', [
    ...Object.entries(PL011_REGISTERS),
    ['UARTFR_BUSY', FR_BUSY],
    ['UARTFR_RXFE', FR_RXFE],
    ['UARTFR_TXFF', FR_TXFF],
    ['UARTFR_RXFF', FR_RXFF],
    ['UARTFR_TXFE', FR_TXFE],
  ]),
  ...group('PSCI function IDs (for hvc #0 in w0; DEN 0022)', Object.entries(PSCI_FUNCTIONS)),
  ...group(
    'PSCI return codes (in x0; DEN 0022)',
    Object.entries(PsciReturn).map(([n, v]): [string, number] => [`PSCI_RET_${n}`, v]),
  ),
  ...group(
    'INTIDs (GICv2 2.2.1; the PPIs of the generic timer, GIC virtualization and the PMU, the UART SPI)',
    [
      ['INTID_MAINTENANCE', PPI.MAINTENANCE],
      ['INTID_HPTIMER', PPI.HYP_TIMER],
      ['INTID_VTIMER', PPI.VIRT_TIMER],
      ['INTID_SPTIMER', PPI.SEC_PHYS_TIMER],
      ['INTID_PTIMER', PPI.PHYS_TIMER],
      ['INTID_PMU', PPI.PMU],
      ['INTID_UART', UART_INTID],
      ['INTID_SPURIOUS', SPURIOUS],
    ],
  ),
];

/** The symbols as the assembler's `predefined` option takes them. */
export const BOARD_ASM_SYMBOL_MAP: ReadonlyMap<string, number> = new Map(
  BOARD_ASM_SYMBOLS.map((s) => [s.name, s.value]),
);
