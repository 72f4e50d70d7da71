// The host kernel's use of the physical GIC: what it programs at boot, how
// it takes a physical interrupt after a guest exit (IAR, handler, EOIR with
// EOImode 0), and its own periodic tick on the EL1 physical timer (a
// non-VHE host's timer; the guest's CNTP is emulated, so the hardware one is
// the host's). The handlers of the 2015 KVM do nothing for the timer and
// maintenance interrupts: their work happens in the sync on the exit path.

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
} from '../../hw/gic/registers.ts';
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

  private armTick(cpu: number): void {
    const t = this.board.timers[cpu];
    t.writeSysReg(TimerReg.CNTP_CVAL_EL0, BigInt(this.board.kernel.now + this.tickPeriod));
    t.writeSysReg(TimerReg.CNTP_CTL_EL0, 1n);
  }

  /** local_irq_enable(): take every pending physical interrupt of `pcpu`. */
  handlePending(pcpu: number): void {
    const gicc = this.board.gic.gicc(pcpu);
    const cif = this.board.gic.cpuInterface(pcpu);
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
}
