// handle_exit's emulation of the accesses that trapped: a data abort on a
// trapped MMIO window (the vgic's GICD, the GICV frame's DIR page, the
// VMM's devices) and a trapped system register (MDCR_EL2.TPM's PMU
// registers, the emulated CNTP_*, CNTV_* under CNTHCTL_EL2.EL1TVT); for a
// GICv3 guest the GICD frame and redistributor region of vgic-mmio-v3 and
// the trapped ICC_SGI*R_EL1 / ICV_DIR_EL1 writes.

import type { Board } from '../../hw/board/board.ts';
import { GuestWindow, guestWindowOf, inRegion, MEMMAP, windowBase } from '../../hw/board/memory-map.ts';
import { IccReg, iccRegOf } from '../../hw/gic/v3/sysreg-encodings.ts';
import { timerRegOf } from '../../hw/board/sysreg-route.ts';
import type { TimerReg } from '../../hw/timer/sysregs.ts';
import { pmuRegOf } from '../../hw/pmu/pmu-regs.ts';
import type { TimerPolicy } from '../policy/policy.ts';
import { TimerId } from '../timer/arch-timer.ts';
import type { VgicFacade, VgicGuestV3 } from '../vgic/facade.ts';
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
  const g3 = vgic.guestV3;
  if (reason === 'mmio-gicd' && g3 != null) {
    emulateMmioV3(g3, v);
    return;
  }
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

/** A GICv3 guest's trapped GICD or redistributor access (vgic-mmio-v3), emulated and completed. */
function emulateMmioV3(g3: VgicGuestV3, v: Vcpu): void {
  const cpu = v.cpu;
  const a = cpu.mmio;
  if (!a.isv)
    throw new GuestError(v.index, `MMIO access at 0x${a.pa.toString(16)} without a valid syndrome (ISV=0)`);
  const gicr = inRegion(MEMMAP.GICR, a.pa);
  const dev = gicr ? g3.gicr : g3.gicd;
  const off = a.pa - (gicr ? MEMMAP.GICR.base : MEMMAP.GICD.base);
  if (a.size === 8) {
    // 64-bit: GICD_IROUTER<n> and GICR_TYPER only (VGIC_ACCESS_64bit); elsewhere RAZ/WI
    if (a.write) {
      dev.write64(off, a.valueLo, a.valueHi, v.index);
      cpu.completeMmioWrite();
    } else cpu.completeMmioRead(dev.read64(off, v.index));
    return;
  }
  const size = a.size as 1 | 2 | 4;
  if (a.write) {
    dev.write(off, size, a.valueLo, v.index);
    cpu.completeMmioWrite();
  } else cpu.completeMmioRead(dev.read(off, size, v.index));
}

/**
 * A GICv3 guest's trapped ICC_* access: ICC_SGI1R_EL1 (either group),
 * ICC_SGI0R_EL1 / ICC_ASGI1R_EL1 (Group 0 SGIs only) to vgic_v3_dispatch_sgi;
 * ICV_DIR_EL1 trapped by ICH_HCR_EL2.TDIR to the backend. KVM sets no other
 * ICH_HCR_EL2 trap: anything else is a guest error here.
 */
function emulateIcc(vgic: VgicFacade, v: Vcpu, r: IccReg): void {
  const cpu = v.cpu;
  const a = cpu.sysregAccess;
  const g3 = vgic.guestV3;
  if (g3 == null || !a.write)
    throw new GuestError(v.index, `trapped ${r} access without a GICv3 vgic emulating it`);
  const lo = Number(BigInt.asUintN(32, a.value));
  const hi = Number(BigInt.asUintN(32, a.value >> 32n));
  switch (r) {
    case IccReg.ICC_SGI1R_EL1:
      g3.dispatchSgi(v.index, lo, hi, true);
      break;
    case IccReg.ICC_SGI0R_EL1:
    case IccReg.ICC_ASGI1R_EL1:
      // before Linux 4.18 sys_regs.c had no handler for them: kvm_inject_undefined
      if (g3.sgi0r === false) {
        cpu.injectUndefined();
        return;
      }
      g3.dispatchSgi(v.index, lo, hi, false);
      break;
    case IccReg.ICC_DIR_EL1:
      g3.deactivateTrapped(v.index, lo);
      break;
    default:
      throw new GuestError(v.index, `trapped ${r} write: vgicsim's KVM sets no such ICH_HCR_EL2 trap`);
  }
  cpu.completeSysregWrite();
}

/** A trapped system register access of `v`, emulated and completed. */
export function emulateSysreg(policy: TimerPolicy, v: Vcpu, vgic?: VgicFacade): void {
  const cpu = v.cpu;
  const a = cpu.sysregAccess;
  // the emulated CNTP_* (CNTV_* under CNTHCTL_EL2.EL1TVT); timer, ICC and PMU encodings are disjoint
  const reg = timerRegOf(a.encoding);
  if (reg !== undefined) {
    emulateTimer(policy, v, reg);
    return;
  }
  const icc = vgic === undefined ? undefined : iccRegOf(a.encoding);
  if (icc !== undefined && vgic !== undefined) {
    emulateIcc(vgic, v, icc);
    return;
  }
  // MDCR_EL2.TPM: the PMU's registers (src/hyp/pmu)
  if (pmuRegOf(a.encoding) >= 0 && v.pmu !== null) {
    v.pmu.handleAccess();
    return;
  }
  throw new RangeError(`vcpu ${v.index}: trapped encoding 0x${a.encoding.toString(16)}: nothing emulates it`);
}

function emulateTimer(policy: TimerPolicy, v: Vcpu, reg: TimerReg): void {
  const cpu = v.cpu;
  const a = cpu.sysregAccess;
  if (a.write) {
    // CNTP_* (emulated), or CNTV_* trapped by CNTHCTL_EL2.EL1TVT (trap-timer)
    if (v.timer.writeTrapped(reg, a.value) === TimerId.Phys) policy.ptimerChanged(v.timer);
    else policy.vtimerWritten?.(v.timer);
    cpu.completeSysregWrite();
  } else cpu.completeSysregRead(v.timer.readTrapped(reg));
}
