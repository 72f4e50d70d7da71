// The device tree a vgicsim machine hands to a kernel: the hardware of the
// board (board.ts, memory-map.ts) described with the standard bindings
// (Devicetree Specification v0.4 chapter 3 for the root, memory, cpus and
// chosen nodes; the Linux kernel's bindings for arm,gic, arm,arch_timer,
// arm,psci, arm,pl011 and fixed-clock), with the node names, compatibles
// and interrupt encodings QEMU's `virt` board uses, so that a kernel sees
// the same machine in both.
//
// What differs from QEMU's tree, on purpose:
// - Only the devices vgicsim models: no PCIe, virtio-mmio, flash, fw-cfg,
//   GPIO or GICv2m. The PL031 RTC is there, as QEMU writes it, and the PMU
//   where the guest has one (`pmu`): QEMU's fdt_add_pmu_nodes writes /pmu
//   only when the vcpu has a PMU (under KVM: KVM_ARM_VCPU_PMU_V3, Linux 4.6+).
// - The GICC frame is 8 KiB (GICv2 architecture spec 4.1.1: the CPU
//   interface registers end with GICC_DIR at 0x1000), not 64 KiB; what the
//   guest sees there is the GICV frame the hypervisor maps.
// - No kaslr-seed / rng-seed in /chosen: the model is deterministic.
// - The timer's PPIs are level-high with the GICv2 CPU mask of every cpu in
//   bits 15:8 of the flags cell (binding arm,gic.yaml, third cell), as QEMU
//   writes them for the virt board since 2.9; with a GICv3 (`gic: 'v3'`)
//   without the mask (binding arm,gic-v3.yaml has none), as QEMU does.
// - With a GICv3 the intc node is QEMU's gic-version=3 one (its=off):
//   `arm,gic-v3`, reg = the GICD frame and the one redistributor region,
//   #redistributor-regions = 1, and the maintenance interrupt (PPI 9 =
//   INTID 25) that QEMU writes when the machine has EL2 (virtualization=on).

import { mpidrAffinity } from '../cpu/mpidr.ts';
import { PPI } from '../gic/intid.ts';
import { MAX_GICV3_CPUS } from '../gic/v3/gic-v3.ts';
import { cells, cells64, EMPTY, encodeFdt, type FdtNode, node, strings } from './fdt.ts';
import { GICC_FRAME_SIZE } from '../gic/registers.ts';
import { MEMMAP, RTC_INTID, UART_INTID } from './memory-map.ts';

/** First cell of a GIC interrupt specifier (binding arm,gic.yaml). */
const GIC_SPI = 0;
const GIC_PPI = 1;
/** Third cell, bits 3:0: trigger type (include/dt-bindings/interrupt-controller/irq.h numbering). */
const IRQ_TYPE_LEVEL_HIGH = 4;
/** Third cell, bits 15:8 (GICv2 only): the cpus a PPI is wired to. */
const PPI_CPU_MASK_SHIFT = 8;
/** The PL011's reference clock on the virt board: a 24 MHz fixed clock. */
export const APB_PCLK_HZ = 24_000_000;

/** Phandles the tree uses (any distinct non-zero values do). */
export const PHANDLE = { GIC: 0x8001, APB_PCLK: 0x8000 } as const;

/** PSCI function IDs for the legacy "arm,psci" (0.1) binding (PSCI spec 5.1, SMC64 where there is one). */
const PSCI_0_1_IDS = {
  cpu_suspend: 0xc400_0001,
  cpu_off: 0x8400_0002,
  cpu_on: 0xc400_0003,
  migrate: 0xc400_0005,
} as const;

export interface DtbConfig {
  readonly cpus: number;
  readonly ramBase: number;
  readonly ramSize: number;
  /** /chosen/bootargs (omitted when undefined) */
  readonly bootargs?: string;
  /** guest physical range of the initrd: [start, end) */
  readonly initrd?: { readonly start: number; readonly end: number };
  /** a /pmu node (arm,armv8-pmuv3 on PPI 7 = INTID 23, level-high, the cpu mask as for the timer) */
  readonly pmu?: boolean;
  /** the interrupt controller: 'v2' (default, arm,cortex-a15-gic) or 'v3' (arm,gic-v3) */
  readonly gic?: 'v2' | 'v3';
}

/** The intc node of a GICv2 (GICD + GICC frames) or of a GICv3 (GICD + redistributor region). */
function intcNode(gic: 'v2' | 'v3'): FdtNode {
  const common = { '#interrupt-cells': cells(3), 'interrupt-controller': EMPTY, phandle: cells(PHANDLE.GIC) };
  if (gic === 'v3')
    return node(`intc@${unit(MEMMAP.GICD.base)}`, {
      compatible: strings('arm,gic-v3'),
      ...common,
      '#address-cells': cells(2),
      '#size-cells': cells(2),
      ranges: EMPTY,
      reg: cells64(MEMMAP.GICD.base, MEMMAP.GICD.size, MEMMAP.GICR.base, MEMMAP.GICR.size),
      '#redistributor-regions': cells(1),
      interrupts: cells(GIC_PPI, PPI.MAINTENANCE - 16, IRQ_TYPE_LEVEL_HIGH),
    });
  return node(`intc@${unit(MEMMAP.GICD.base)}`, {
    compatible: strings('arm,cortex-a15-gic'),
    '#interrupt-cells': cells(3),
    // No child nodes, no interrupt-map parents: 0 address cells (dtc's interrupt_provider check wants it said).
    '#address-cells': cells(0),
    'interrupt-controller': EMPTY,
    reg: cells64(MEMMAP.GICD.base, MEMMAP.GICD.size, MEMMAP.GICC.base, GICC_FRAME_SIZE),
    phandle: cells(PHANDLE.GIC),
  });
}

/**
 * linux,initrd-start/end: one cell below 4 GiB, as QEMU writes them
 * (qemu_fdt_setprop_cell; `dtc` of its tree shows `<0x48000000>`), two above.
 */
export const initrdCells = (pa: number): Uint8Array => (pa < 2 ** 32 ? cells(pa) : cells64(pa));

const unit = (addr: number): string => addr.toString(16);

/** The tree as nodes (tests and tools may inspect it before encoding). */
export function machineTree(c: DtbConfig): FdtNode {
  const gic = c.gic ?? 'v2';
  const max = gic === 'v2' ? 8 : MAX_GICV3_CPUS;
  if (!Number.isInteger(c.cpus) || c.cpus < 1 || c.cpus > max)
    throw new RangeError(`a vgicsim board with a GIC${gic} has 1..${max} cpus, found ${c.cpus}`);
  const cpuMask = gic === 'v2' ? ((1 << c.cpus) - 1) << PPI_CPU_MASK_SHIFT : 0;
  const ppi = (intid: number) => [GIC_PPI, intid - 16, IRQ_TYPE_LEVEL_HIGH | cpuMask];
  const spi = (intid: number) => [GIC_SPI, intid - 32, IRQ_TYPE_LEVEL_HIGH];

  const chosen: Record<string, Uint8Array> = {};
  if (c.bootargs !== undefined) chosen.bootargs = strings(c.bootargs);
  chosen['stdout-path'] = strings(`/pl011@${unit(MEMMAP.UART.base)}`);
  if (c.initrd !== undefined) {
    chosen['linux,initrd-start'] = initrdCells(c.initrd.start);
    chosen['linux,initrd-end'] = initrdCells(c.initrd.end);
  }

  // QEMU's fdt_add_cpu_nodes: cpu@<index> (decimal), reg = the MPIDR affinity (hw/cpu/mpidr.ts)
  const cpuNodes = Array.from({ length: c.cpus }, (_, i) =>
    node(`cpu@${i}`, {
      device_type: strings('cpu'),
      compatible: strings('arm,cortex-a57'),
      reg: cells(mpidrAffinity(i)),
      'enable-method': strings('psci'),
    }),
  );

  return node(
    '',
    {
      '#address-cells': cells(2),
      '#size-cells': cells(2),
      compatible: strings('linux,dummy-virt'),
      model: strings('linux,dummy-virt'),
      'interrupt-parent': cells(PHANDLE.GIC),
    },
    [
      node('chosen', chosen),
      node(`memory@${unit(c.ramBase)}`, {
        device_type: strings('memory'),
        reg: cells64(c.ramBase, c.ramSize),
      }),
      node('cpus', { '#address-cells': cells(1), '#size-cells': cells(0) }, cpuNodes),
      node('psci', {
        compatible: strings('arm,psci-1.0', 'arm,psci-0.2', 'arm,psci'),
        method: strings('hvc'),
        ...Object.fromEntries(Object.entries(PSCI_0_1_IDS).map(([k, v]) => [k, cells(v)])),
      }),
      intcNode(gic),
      node('timer', {
        compatible: strings('arm,armv8-timer', 'arm,armv7-timer'),
        // Order fixed by the binding: secure phys, non-secure phys, virtual, hypervisor.
        interrupts: cells(
          ...ppi(PPI.SEC_PHYS_TIMER),
          ...ppi(PPI.PHYS_TIMER),
          ...ppi(PPI.VIRT_TIMER),
          ...ppi(PPI.HYP_TIMER),
        ),
        'always-on': EMPTY,
      }),
      ...(c.pmu
        ? [node('pmu', { compatible: strings('arm,armv8-pmuv3'), interrupts: cells(...ppi(PPI.PMU)) })]
        : []),
      node('apb-pclk', {
        compatible: strings('fixed-clock'),
        '#clock-cells': cells(0),
        'clock-frequency': cells(APB_PCLK_HZ),
        'clock-output-names': strings('clk24mhz'),
        phandle: cells(PHANDLE.APB_PCLK),
      }),
      node(`pl011@${unit(MEMMAP.UART.base)}`, {
        compatible: strings('arm,pl011', 'arm,primecell'),
        reg: cells64(MEMMAP.UART.base, MEMMAP.UART.size),
        interrupts: cells(...spi(UART_INTID)),
        clocks: cells(PHANDLE.APB_PCLK, PHANDLE.APB_PCLK),
        'clock-names': strings('uartclk', 'apb_pclk'),
      }),
      node(`pl031@${unit(MEMMAP.RTC.base)}`, {
        compatible: strings('arm,pl031', 'arm,primecell'),
        reg: cells64(MEMMAP.RTC.base, MEMMAP.RTC.size),
        interrupts: cells(...spi(RTC_INTID)),
        clocks: cells(PHANDLE.APB_PCLK),
        'clock-names': strings('apb_pclk'),
      }),
    ],
  );
}

/** The DTB (FDT v17) of a machine; boot cpu 0. */
export function machineDtb(c: DtbConfig): Uint8Array {
  return encodeFdt(machineTree(c), { bootCpu: 0 });
}
