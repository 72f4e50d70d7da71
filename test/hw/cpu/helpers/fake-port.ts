// A GuestPort for tests: a few MMIO registers, scripted exits and faults,
// a counter system register, and a log of every call.

import {
  type GuestCpu,
  type GuestPort,
  MMIO_BUS_FAULT,
  MMIO_EXIT,
  MMIO_OK,
  SYSREG_EXIT,
  SYSREG_UNDEFINED,
  type SysregTrap,
  sysregEncoding,
} from '../../../../src/hw/cpu/guest-port.ts';

export const CNTVCT_EL0 = sysregEncoding(3, 3, 14, 0, 2);
export const CNTFRQ_EL0 = sysregEncoding(3, 3, 14, 0, 0);

export interface PortCall {
  kind: 'read' | 'write' | 'sysread' | 'syswrite';
  pa: number;
  size: number;
  value: number | bigint;
  instret: number;
}

export class FakePort implements GuestPort {
  /** Readable/writable 32-bit device registers (by physical address). */
  readonly regs = new Map<number, number>();
  /** Addresses whose accesses request an exit. */
  readonly exitAt = new Set<number>();
  /** Sysreg encodings whose accesses request an exit. */
  readonly sysExit = new Set<number>();
  readonly calls: PortCall[] = [];
  /** Called after each MMIO write (to raise an interrupt line, stop the cpu, ...). */
  onWrite: ((cpu: GuestCpu, pa: number, value: number) => void) | null = null;
  /** CNTFRQ value; CNTVCT reads return the cpu's instret (1 tick per instruction). */
  cntfrq = 62_500_000n;

  mmioRead(cpu: GuestCpu, pa: number, size: 1 | 2 | 4): number {
    this.calls.push({ kind: 'read', pa, size, value: 0, instret: cpu.instret });
    if (this.exitAt.has(pa)) return MMIO_EXIT;
    const v = this.regs.get(pa);
    if (v === undefined) return MMIO_BUS_FAULT;
    return size === 4 ? v >>> 0 : size === 2 ? v & 0xffff : v & 0xff;
  }

  mmioWrite(cpu: GuestCpu, pa: number, size: 1 | 2 | 4, value: number): number {
    this.calls.push({ kind: 'write', pa, size, value, instret: cpu.instret });
    if (this.exitAt.has(pa)) return MMIO_EXIT;
    if (!this.regs.has(pa)) return MMIO_BUS_FAULT;
    this.regs.set(pa, value);
    this.onWrite?.(cpu, pa, value);
    return MMIO_OK;
  }

  sysregRead(cpu: GuestCpu, encoding: number): bigint | SysregTrap {
    this.calls.push({ kind: 'sysread', pa: encoding, size: 8, value: 0, instret: cpu.instret });
    if (this.sysExit.has(encoding)) return SYSREG_EXIT;
    if (encoding === CNTVCT_EL0) return BigInt(cpu.instret);
    if (encoding === CNTFRQ_EL0) return this.cntfrq;
    return SYSREG_UNDEFINED;
  }

  sysregWrite(cpu: GuestCpu, encoding: number, value: bigint): SysregTrap | undefined {
    this.calls.push({ kind: 'syswrite', pa: encoding, size: 8, value, instret: cpu.instret });
    if (this.sysExit.has(encoding)) return SYSREG_EXIT;
    return SYSREG_UNDEFINED;
  }
}
