// The host kernel's use of the physical GIC: what it programs at boot, how
// it takes a physical interrupt after a guest exit (IAR, handler, EOIR with
// EOImode 0), and its own periodic tick on the EL1 physical timer (a
// non-VHE host's timer; the guest's CNTP is emulated, so the hardware one is
// the host's). The handlers of the 2015 KVM do nothing for the timer and
// maintenance interrupts: their work happens in the sync on the exit path.
// On a GICv3 board the host is a GICv3 Linux: its PPIs Group 1 (IRQ) in each
// redistributor, the redistributor awake (GICR_WAKER.ProcessorSleep = 0),
// GICD_CTLR.EnableGrp1, ICC_PMR_EL1 and ICC_IGRPEN1_EL1, and it takes
// interrupts with ICC_IAR1_EL1 / ICC_EOIR1_EL1 (EOImode 0).

import { fieldMask, getField } from '../../sim/bits.ts';
import type { Board } from '../../hw/board/board.ts';
import { PPI, isSpecial } from '../../hw/gic/intid.ts';
import {
  GICC_CTLR,
  GICC_EOIR,
  GICC_IAR,
  GICC_PMR,
  GICD_CTLR,
  GICD_IPRIORITYR,
  GICD_ISENABLER,
  GICC_CTLR_EnableGrp0,
  GICC_IAR_InterruptID,
  GICD_CTLR_EnableGrp0,
  GICD_CTLR_EnableGrp1,
} from '../../hw/gic/registers.ts';
import {
  GICR_IGROUPR0,
  GICR_ISENABLER0,
  GICR_SGI_BASE,
  GICR_STRIDE,
  GICR_WAKER,
} from '../../hw/gic/v3/gicr-regs.ts';
import { IccReg } from '../../hw/gic/v3/sysreg-encodings.ts';
import { TimerReg } from '../../hw/timer/sysregs.ts';
import type { HypCounters } from '../vcpu/exits.ts';

const WORD = 4;
/** Host interrupts the host enables on every cpu: maintenance, virtual timer, host tick. */
const HOST_PPIS = [PPI.MAINTENANCE, PPI.VIRT_TIMER, PPI.PHYS_TIMER];
/** GICD_CTLR / GICC_CTLR: enable group 0 (all interrupts are group 0 after reset). */
const GICD_ENABLE_GRP0 = fieldMask(GICD_CTLR_EnableGrp0);
const GICC_ENABLE_GRP0 = fieldMask(GICC_CTLR_EnableGrp0);
/** GICC_PMR: let every priority through. */
const PMR_ALL = 0xff;
/** Host tick priority (lower than KVM's interest in nothing: all equal is fine). */
const HOST_PRIORITY = 0xa0;

export class HostGic {
  private readonly tickPeriod: number;

  constructor(
    private readonly board: Board,
    private readonly counters: HypCounters,
    hostTickHz: number,
  ) {
    this.tickPeriod = hostTickHz > 0 ? Math.max(1, Math.round(board.config.counterHz / hostTickHz)) : 0;
  }

  /** Boot: enable the distributor, each cpu interface and the host's PPIs; start the tick. */
  init(): void {
    if (this.board.gicV3 !== undefined) {
      this.initV3();
      return;
    }
    const gic = this.board.gic;
    gic.gicd.write(GICD_CTLR, WORD, GICD_ENABLE_GRP0, 0);
    for (let cpu = 0; cpu < this.board.timers.length; cpu++) {
      let mask = 0;
      for (const id of HOST_PPIS) mask |= 1 << id;
      gic.gicd.write(GICD_ISENABLER, WORD, mask >>> 0, cpu);
      for (const id of HOST_PPIS) gic.gicd.write(GICD_IPRIORITYR + id, 1, HOST_PRIORITY, cpu);
      gic.gicc(cpu).write(GICC_PMR, WORD, PMR_ALL, cpu);
      gic.gicc(cpu).write(GICC_CTLR, WORD, GICC_ENABLE_GRP0, cpu);
      if (this.tickPeriod > 0) this.armTick(cpu);
    }
  }

  private initV3(): void {
    const gic = this.board.gicV3!;
    gic.gicd.write(GICD_CTLR, WORD, fieldMask(GICD_CTLR_EnableGrp1), 0);
    let mask = 0;
    for (const id of HOST_PPIS) mask |= 1 << id;
    for (let cpu = 0; cpu < this.board.timers.length; cpu++) {
      const rd = cpu * GICR_STRIDE;
      gic.gicr.write(rd + GICR_WAKER, WORD, 0, cpu);
      gic.gicr.write(rd + GICR_SGI_BASE + GICR_IGROUPR0, WORD, mask >>> 0, cpu);
      gic.gicr.write(rd + GICR_SGI_BASE + GICR_ISENABLER0, WORD, mask >>> 0, cpu);
      for (const id of HOST_PPIS)
        gic.gicr.write(rd + GICR_SGI_BASE + GICD_IPRIORITYR + id, 1, HOST_PRIORITY, cpu);
      const cif = gic.cpuInterface(cpu);
      cif.writeReg(IccReg.ICC_PMR_EL1, PMR_ALL, 0);
      cif.writeReg(IccReg.ICC_IGRPEN1_EL1, 1, 0);
      if (this.tickPeriod > 0) this.armTick(cpu);
    }
  }

  private armTick(cpu: number): void {
    const t = this.board.timers[cpu];
    t.writeSysReg(TimerReg.CNTP_CVAL_EL0, BigInt(this.board.kernel.now + this.tickPeriod));
    t.writeSysReg(TimerReg.CNTP_CTL_EL0, 1n);
  }

  /** local_irq_enable(): take every pending physical interrupt of `pcpu`. */
  handlePending(pcpu: number): void {
    if (this.board.gicV3 !== undefined) {
      this.handlePendingV3(pcpu);
      return;
    }
    const cif = this.board.gic.cpuInterface(pcpu);
    if (!cif.irq.level) return; // (nothing pending: the common exit)
    const gicc = this.board.gic.gicc(pcpu);
    // Each acknowledged interrupt is handled and ended; a level one that is
    // still asserted comes back, so the loop is bounded by its handlers.
    for (let guard = 0; cif.irq.level && guard < 64; guard++) {
      const iar = gicc.read(GICC_IAR, WORD, pcpu);
      const intid = getField(iar, GICC_IAR_InterruptID);
      if (isSpecial(intid)) break;
      this.counters.hostIrqs[intid] = (this.counters.hostIrqs[intid] ?? 0) + 1;
      if (intid === PPI.PHYS_TIMER && this.tickPeriod > 0) this.armTick(pcpu);
      gicc.write(GICC_EOIR, WORD, iar, pcpu);
    }
  }

  private handlePendingV3(pcpu: number): void {
    const cif = this.board.gicV3!.cpuInterface(pcpu);
    for (let guard = 0; cif.irq.level && guard < 64; guard++) {
      const intid = cif.readReg(IccReg.ICC_IAR1_EL1)!;
      if (isSpecial(intid)) break;
      this.counters.hostIrqs[intid] = (this.counters.hostIrqs[intid] ?? 0) + 1;
      if (intid === PPI.PHYS_TIMER && this.tickPeriod > 0) this.armTick(pcpu);
      cif.writeReg(IccReg.ICC_EOIR1_EL1, intid, 0);
    }
  }
}
