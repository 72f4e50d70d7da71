// The guest's view of the physical address space and of the timer system
// registers under the hypervisor, i.e. what traps and what does not: GICD
// is not mapped at stage 2 (every access traps and the vgic emulates it),
// the GICC window is the hardware GICV (no trap; except GICV_DIR's page for
// writes while the vgic asks for it: LR overflow), the PL011 is a userspace
// device (traps, KVM_EXIT_MMIO), anything else is a bus fault. The virtual
// timer and the counters are the hardware's while the vcpu runs; the
// physical timer's registers trap (CNTHCTL_EL2.EL1PCEN = 0) and are emulated;
// so do the virtual timer's when the hypervisor set CNTHCTL_EL2.EL1TVT in
// the cpu's timer (the trap-timer design).
// The Performance Monitors' registers trap too (MDCR_EL2.TPM).
// On a GICv3 board (vgic-v3): GICD and the redistributor region trap and are
// emulated; there is no GICC window (bus fault); with HCR_EL2.IMO/FMO set the
// guest's ICC_* accesses reach the ICV_* registers of its physical cpu's
// virtual interface, except what ICH_HCR_EL2 traps (TDIR: ICV_DIR_EL1 under LR
// overflow) and ICC_SGI*R_EL1 (always trapped with IMO/FMO); ICC_SRE_EL1
// reads SRE | DFB | DIB (KVM's vgic_sre), writes ignored.
// "The hardware's" is that of the physical cpu the vcpu is on (it may move).

import type { AckLog } from '../hw/board/acks.ts';
import type { Board } from '../hw/board/board.ts';
import { GuestWindow, guestWindowOf, inRegion, MEMMAP, windowBase } from '../hw/board/memory-map.ts';
import type { Scheduler } from '../hw/board/scheduler.ts';
import {
  CNTPCT_ENCODING,
  CNTVCT_ENCODING,
  counterAt,
  counterToCpu,
  el1Access,
  el2Traps,
  timerRegOf,
} from '../hw/board/sysreg-route.ts';
import {
  type GuestCpu,
  type GuestPort,
  MMIO_BUS_FAULT,
  MMIO_EXIT,
  MMIO_OK,
  SYSREG_EXIT,
  SYSREG_READ_IN_PLACE,
  SYSREG_UNDEFINED,
  type SysregTrap,
} from '../hw/cpu/guest-port.ts';
import { GICV_AIAR, GICV_IAR } from '../hw/gic/virt-regs.ts';
import { icvAccess } from '../hw/gic/v3/icv-registers.ts';
import { IccReg, iccRegOf } from '../hw/gic/v3/sysreg-encodings.ts';
import { pmuRegOf } from '../hw/pmu/pmu-regs.ts';
import { TimerReg } from '../hw/timer/sysregs.ts';
import type { PmuEmulation } from './generation/generation.ts';
import { hwUserEnable } from './pmu/kvm-pmu.ts';

/** The guest's emulated physical timer registers (CNTP_*): their accesses trap (CNTHCTL_EL2.EL1PCEN = 0). */
function trappedTimerReg(reg: TimerReg): boolean {
  return reg === TimerReg.CNTP_CTL_EL0 || reg === TimerReg.CNTP_CVAL_EL0 || reg === TimerReg.CNTP_TVAL_EL0;
}

/** ICC_SRE_EL1 as a vgic-v3 guest reads it: SRE, DFB, DIB (KVM's vgic_v3_enable). */
const ICC_SRE_VALUE = 0x7n;

/** What the port needs of the VM (read when an access happens, after construction). */
export interface Stage2Host {
  readonly board: Board;
  /** which GICV writes the vgic has trapped (the vgic's stage-2 mapping of the GICV frame) */
  readonly vgic: { trapsGicv(vcpu: number, offset: number): boolean };
  readonly scheduler: Scheduler;
  readonly acks: AckLog;
  /** the physical cpu a vcpu runs on: its GICV frame and its hardware timer */
  pcpuOf(vcpu: number): number;
  readonly generation: { readonly pmu: PmuEmulation };
}

export class Stage2Port implements GuestPort {
  constructor(private readonly vm: Stage2Host) {}

  mmioRead(cpu: GuestCpu, pa: number, size: 1 | 2 | 4): number {
    const { board, scheduler, acks } = this.vm;
    scheduler.syncTo(cpu.index);
    if (board.gicV3 !== undefined) return this.v3Window(pa);
    const w = guestWindowOf(pa);
    if (w === GuestWindow.GICC) {
      const off = pa - windowBase(w);
      const pcpu = this.vm.pcpuOf(cpu.index);
      const v = board.gic.gicv(pcpu).read(off, size, pcpu);
      if ((off === GICV_IAR || off === GICV_AIAR) && size === 4)
        acks.record(board.kernel.now, scheduler.localCycles(cpu.index), cpu.index, v, cpu.pc);
      return v;
    }
    // GICD (emulated by the vgic) and the PL011 (userspace) trap; nothing else is mapped
    return w === GuestWindow.None ? MMIO_BUS_FAULT : MMIO_EXIT;
  }

  mmioWrite(cpu: GuestCpu, pa: number, size: 1 | 2 | 4, value: number): number {
    this.vm.scheduler.syncTo(cpu.index);
    if (this.vm.board.gicV3 !== undefined) return this.v3Window(pa);
    const w = guestWindowOf(pa);
    if (w === GuestWindow.GICC) {
      const off = pa - windowBase(w);
      if (this.vm.vgic.trapsGicv(cpu.index, off)) return MMIO_EXIT;
      const pcpu = this.vm.pcpuOf(cpu.index);
      this.vm.board.gic.gicv(pcpu).write(off, size, value, pcpu);
      return MMIO_OK;
    }
    return w === GuestWindow.None ? MMIO_BUS_FAULT : MMIO_EXIT;
  }

  sysregRead(cpu: GuestCpu, encoding: number): bigint | SysregTrap | typeof SYSREG_READ_IN_PLACE {
    if (encoding === CNTVCT_ENCODING || encoding === CNTPCT_ENCODING) {
      // The counters are the hardware's while the guest runs (not trapped:
      // CNTHCTL_EL2.EL1PCTEN = 1, EL1TVCT = 0), read where the cpu is.
      const t = this.vm.scheduler.syncToLocal(cpu.index);
      const timer = this.vm.board.timers[this.vm.pcpuOf(cpu.index)];
      counterToCpu(cpu, encoding === CNTPCT_ENCODING, t, timer.cntvoffLo, timer.cntvoffHi);
      return SYSREG_READ_IN_PLACE;
    }
    // (timer, PMU and ICC encodings are disjoint: the order of the tests is free)
    const reg = timerRegOf(encoding);
    if (reg === undefined) return pmuRegOf(encoding) >= 0 ? this.pmuTrap() : this.iccRead(cpu, encoding);
    if (trappedTimerReg(reg)) return SYSREG_EXIT;
    const denied = el1Access(reg, false);
    if (denied !== undefined) return denied;
    const { scheduler, board } = this.vm;
    scheduler.syncTo(cpu.index);
    const timer = board.timers[this.vm.pcpuOf(cpu.index)];
    if (el2Traps(reg, timer.cnthctl)) return SYSREG_EXIT; // trap-timer's CNTHCTL_EL2.EL1TVT
    return counterAt(reg, scheduler.localTicks(cpu.index), timer.cntvoff) ?? timer.readSysReg(reg);
  }

  sysregWrite(cpu: GuestCpu, encoding: number, value: bigint): SysregTrap | undefined {
    const reg = timerRegOf(encoding);
    if (reg === undefined)
      return pmuRegOf(encoding) >= 0 ? this.pmuTrap() : this.iccWrite(cpu, encoding, value);
    if (trappedTimerReg(reg)) return SYSREG_EXIT;
    const denied = el1Access(reg, true);
    if (denied !== undefined) return denied;
    this.vm.scheduler.syncTo(cpu.index);
    const timer = this.vm.board.timers[this.vm.pcpuOf(cpu.index)];
    if (el2Traps(reg, timer.cnthctl)) return SYSREG_EXIT; // trap-timer's CNTHCTL_EL2.EL1TVT
    timer.writeSysReg(reg, value);
    return undefined;
  }

  /** GICv3 board: GICD and the redistributors trap (emulated), no GICC window; the rest as on GICv2. */
  private v3Window(pa: number): number {
    if (inRegion(MEMMAP.GICR, pa)) return MMIO_EXIT;
    const w = guestWindowOf(pa);
    return w === GuestWindow.None || w === GuestWindow.GICC ? MMIO_BUS_FAULT : MMIO_EXIT;
  }

  /** MRS of an ICC_* encoding on a GICv3 board: the ICV_* register of the vcpu's physical cpu (or a trap). */
  private iccRead(cpu: GuestCpu, encoding: number): bigint | SysregTrap {
    const v3 = this.vm.board.gicV3;
    const r = v3 === undefined ? undefined : iccRegOf(encoding);
    if (v3 === undefined || r === undefined) return SYSREG_UNDEFINED;
    if (r === IccReg.ICC_SRE_EL1) return ICC_SRE_VALUE;
    const acc = icvAccess(r);
    if (acc === undefined || acc === 'WO') return SYSREG_UNDEFINED;
    const { scheduler, board, acks } = this.vm;
    scheduler.syncTo(cpu.index);
    const vif = v3.virtInterface(this.vm.pcpuOf(cpu.index));
    if (vif.trapsToEl2(r, false)) return SYSREG_EXIT;
    const v = vif.readIcv(r);
    if (r === IccReg.ICC_IAR1_EL1 || r === IccReg.ICC_IAR0_EL1)
      acks.record(board.kernel.now, scheduler.localCycles(cpu.index), cpu.index, v, cpu.pc);
    return BigInt(v);
  }

  /** MSR of an ICC_* encoding on a GICv3 board; ICC_SGI*R_EL1 trap (IMO/FMO), as what ICH_HCR_EL2 traps. */
  private iccWrite(cpu: GuestCpu, encoding: number, value: bigint): SysregTrap | undefined {
    const v3 = this.vm.board.gicV3;
    const r = v3 === undefined ? undefined : iccRegOf(encoding);
    if (v3 === undefined || r === undefined) return SYSREG_UNDEFINED;
    if (r === IccReg.ICC_SGI1R_EL1 || r === IccReg.ICC_SGI0R_EL1 || r === IccReg.ICC_ASGI1R_EL1)
      return SYSREG_EXIT;
    if (r === IccReg.ICC_SRE_EL1) return undefined;
    const acc = icvAccess(r);
    if (acc === undefined || acc === 'RO') return SYSREG_UNDEFINED;
    this.vm.scheduler.syncTo(cpu.index);
    const vif = v3.virtInterface(this.vm.pcpuOf(cpu.index));
    if (vif.trapsToEl2(r, true)) return SYSREG_EXIT;
    vif.writeIcv(r, Number(BigInt.asUintN(32, value)));
    return undefined;
  }

  /** MDCR_EL2.TPM (and TPMCR): every PMU register access of the guest traps to EL2. */
  private pmuTrap(): SysregTrap {
    return this.vm.board.pmus.length > 0 ? SYSREG_EXIT : SYSREG_UNDEFINED;
  }

  /** PMUSERENR_EL0 as the hardware holds it while the guest runs (src/hyp/pmu/kvm-pmu.ts). */
  pmuUserEnable(_cpu: GuestCpu): number {
    return this.vm.board.pmus.length > 0 ? hwUserEnable(this.vm.generation.pmu) : -1;
  }
}
