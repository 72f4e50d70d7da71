// handle_exit's emulation of the accesses that trapped: a data abort on a
// trapped MMIO window (the vgic's GICD, the GICV frame's DIR page, the
// VMM's devices) and a trapped system register (MDCR_EL2.TPM's PMU
// registers, the emulated CNTP_*, CNTV_* under CNTHCTL_EL2.EL1TVT).

import type { Board } from '../../hw/board/board.ts';
import { GuestWindow, guestWindowOf, windowBase } from '../../hw/board/memory-map.ts';
import { timerRegOf } from '../../hw/board/sysreg-route.ts';
import { pmuRegOf } from '../../hw/pmu/pmu-regs.ts';
import type { TimerPolicy } from '../policy/policy.ts';
import { TimerId } from '../timer/arch-timer.ts';
import type { VgicFacade } from '../vgic/facade.ts';
import { MMIO_EXIT_WINDOW } from './exits.ts';
import type { Vcpu } from './vcpu.ts';

/** The guest did something the hypervisor cannot handle (KVM_RUN would fail). */
export class GuestError extends Error {
  override name = 'GuestError';
  constructor(
    readonly vcpu: number,
    message: string,
  ) {
    super(`vcpu ${vcpu}: ${message}`);
  }
}

/** io_mem_abort: the access `v` trapped on, emulated on the device of its window, and completed. */
export function emulateMmio(
  vgic: VgicFacade,
  board: Board,
  v: Vcpu,
  reason: 'mmio-gicd' | 'mmio-gicv' | 'mmio-user',
): void {
  const cpu = v.cpu;
  const a = cpu.mmio;
  // userspace's devices (PL011, PL031) share one exit reason: the address picks the device
  const w = reason === 'mmio-user' ? guestWindowOf(a.pa) : MMIO_EXIT_WINDOW[reason];
  // the trapped GICC window is the GICV frame's DIR page (the rest is hardware, never trapped)
  const dev =
    w === GuestWindow.GICD ? vgic.gicd : w === GuestWindow.GICC ? vgic.gicvTrap : board.userDevice(w);
  const base = windowBase(w);
  // An access without a valid syndrome (LDP, writeback) cannot be emulated: KVM fails KVM_RUN.
  if (!a.isv)
    throw new GuestError(v.index, `MMIO access at 0x${a.pa.toString(16)} without a valid syndrome (ISV=0)`);
  if (a.size === 8 && w === GuestWindow.GICD) {
    // LDR/STR Xt: what the generation's vgic did with it (RAZ/WI, or two word accesses)
    if (a.write) {
      vgic.gicdWrite64(a.pa - base, a.valueLo, a.valueHi, v.index);
      cpu.completeMmioWrite();
    } else cpu.completeMmioRead(vgic.gicdRead64(a.pa - base, v.index));
    return;
  }
  const size = a.size === 8 ? 4 : (a.size as 1 | 2 | 4);
  if (a.write) {
    dev.write(a.pa - base, size, a.valueLo, v.index);
    cpu.completeMmioWrite();
  } else cpu.completeMmioRead(dev.read(a.pa - base, size, v.index));
}

/** A trapped system register access of `v`, emulated and completed. */
export function emulateSysreg(policy: TimerPolicy, v: Vcpu): void {
  const cpu = v.cpu;
  const a = cpu.sysregAccess;
  // MDCR_EL2.TPM: the PMU's registers (src/hyp/pmu); otherwise the emulated CNTP_*
  if (pmuRegOf(a.encoding) >= 0 && v.pmu !== null) {
    v.pmu.handleAccess();
    return;
  }
  const reg = timerRegOf(a.encoding)!;
  if (a.write) {
    // CNTP_* (emulated), or CNTV_* trapped by CNTHCTL_EL2.EL1TVT (trap-timer)
    if (v.timer.writeTrapped(reg, a.value) === TimerId.Phys) policy.ptimerChanged(v.timer);
    else policy.vtimerWritten?.(v.timer);
    cpu.completeSysregWrite();
  } else cpu.completeSysregRead(v.timer.readTrapped(reg));
}
