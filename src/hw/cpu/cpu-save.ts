// Save and restore of a core's state as plain data. Restore the RAM first
// (it resets the global monitor and event registers), then each cpu.

import type { CpuCore } from './cpu-state.ts';
import type { MmioAccess, SysregAccess } from './guest-port.ts';
import { mpidrAffinity } from './mpidr.ts';
import { IDX_MPIDR, SYSREGS } from './sysregs.ts';

export interface CpuState {
  readonly version: 1;
  readonly index: number;
  /** X0..X30. */
  readonly x: readonly bigint[];
  readonly spEl0: bigint;
  readonly spEl1: bigint;
  readonly pc: bigint;
  /** PSTATE in SPSR layout (NZCV, DAIF, EL, SP). */
  readonly pstate: number;
  /** Stored system registers by name. */
  readonly sysregs: Readonly<Record<string, bigint>>;
  readonly irqLine: boolean;
  readonly fiqLine: boolean;
  readonly instret: number;
  /** Exceptions taken, and the cycles their entries cost (absent in older snapshots: 0). */
  readonly exceptions?: number;
  readonly exceptionCycles?: number;
  /** Instructions retired and cycles spent at EL0 so far, for the PMU's EL filters (absent in older snapshots: 0). */
  readonly el0Instret?: number;
  readonly el0Cycles?: number;
  readonly eventRegister: boolean;
  /** RAM offset of the exclusive reservation's granule, or -1. */
  readonly exclusive: number;
  readonly hvcImm: number;
  /** An outstanding exit (a snapshot may be taken while the machine emulates one). */
  readonly pendingMmio: MmioAccess | null;
  readonly pendingSysreg: SysregAccess | null;
  /** V0..V31 as 32 hex digits each, FPCR, FPSR (absent in older snapshots: all zero). */
  readonly fp?: { readonly v: readonly string[]; readonly fpcr: number; readonly fpsr: number };
}

export class CpuStateError extends Error {
  override name = 'CpuStateError';
}

function u64(v: number): bigint {
  return BigInt.asUintN(64, BigInt(v));
}

export function saveCpu(c: CpuCore): CpuState {
  const x: bigint[] = [];
  for (let n = 0; n < 31; n++) x.push(c.getX(n));
  const sysregs: Record<string, bigint> = {};
  SYSREGS.forEach((r, i) => {
    if (r.kind === 'rw' || r.kind === 'ro') sysregs[r.name] = c.getSysBig(i);
  });
  return {
    version: 1,
    index: c.index,
    x,
    spEl0: c.bankedSp(false),
    spEl1: c.bankedSp(true),
    pc: u64(c.pc),
    pstate: c.pstate(),
    sysregs,
    irqLine: c.irqLine,
    fiqLine: c.fiqLine,
    instret: c.instret,
    exceptions: c.exceptions,
    exceptionCycles: c.excCycles,
    el0Instret: c.instretAtEl0(),
    el0Cycles: c.cyclesAtEl0(),
    eventRegister: c.ram.eventRegs[c.index] !== 0,
    exclusive: c.ram.excl[c.index],
    hvcImm: c.hvcImm,
    pendingMmio: c.pendingExit === 1 ? { ...c.mmio } : null,
    pendingSysreg: c.pendingExit === 2 ? { ...c.sysregAccess } : null,
    fp: { v: Array.from({ length: 32 }, (_, r) => c.fp.hex(r)), fpcr: c.fp.fpcr, fpsr: c.fp.fpsr },
  };
}

/** PSTATE after reset: EL1h, D, A, I and F masked, flags clear. */
const RESET_PSTATE = (0xf << 6) | (1 << 2) | 1;

/**
 * A core as power-on reset leaves it (Arm ARM D1.9): EL1h with every
 * exception masked, general and vector registers zero, system registers at
 * their reset values (MPIDR_EL1: the core index's affinity, mpidr.ts), PC 0, no exclusive
 * reservation, nothing outstanding, input lines low.
 */
export function defaultCpuState(index: number): CpuState {
  const sysregs: Record<string, bigint> = {};
  SYSREGS.forEach((r, i) => {
    if (r.kind === 'rw' || r.kind === 'ro')
      sysregs[r.name] = i === IDX_MPIDR ? r.reset | BigInt(mpidrAffinity(index)) : r.reset;
  });
  return {
    version: 1,
    index,
    x: new Array<bigint>(31).fill(0n),
    spEl0: 0n,
    spEl1: 0n,
    pc: 0n,
    pstate: RESET_PSTATE,
    sysregs,
    irqLine: false,
    fiqLine: false,
    instret: 0,
    exceptions: 0,
    exceptionCycles: 0,
    el0Instret: 0,
    el0Cycles: 0,
    eventRegister: false,
    exclusive: -1,
    hvcImm: 0,
    pendingMmio: null,
    pendingSysreg: null,
    fp: { v: new Array<string>(32).fill('0'.repeat(32)), fpcr: 0, fpsr: 0 },
  };
}

export function restoreCpu(c: CpuCore, s: CpuState): void {
  if (s.version !== 1) throw new CpuStateError(`cpu snapshot version ${s.version} is not supported`);
  if (s.index !== c.index) throw new CpuStateError(`snapshot of cpu ${s.index} restored into cpu ${c.index}`);
  if (s.x.length !== 31) throw new CpuStateError('cpu snapshot must hold X0..X30');
  SYSREGS.forEach((r, i) => {
    if (r.kind !== 'rw' && r.kind !== 'ro') return;
    const v = s.sysregs[r.name];
    if (v === undefined) throw new CpuStateError(`cpu snapshot lacks ${r.name}`);
    c.setSysBig(i, v);
  });
  const m = s.pstate & 0x1f;
  if (m !== 0 && m !== 4 && m !== 5)
    throw new CpuStateError(`cpu snapshot PSTATE.M = ${m} is not EL0t/EL1t/EL1h`);
  // Select the mode first, then write the banked and selected stack pointers.
  c.setElSp(m >>> 2, m & 1);
  c.setNzcv(s.pstate);
  c.daif = (s.pstate >>> 6) & 15;
  s.x.forEach((v, n) => {
    c.setX(n, v);
  });
  c.x.fill(0, 62, 66); // slots 31 (XZR) and 32 (discard)
  c.setBankedSp(false, s.spEl0);
  c.setBankedSp(true, s.spEl1);
  c.pc = Number(BigInt.asIntN(64, s.pc));
  c.irqLine = s.irqLine;
  c.fiqLine = s.fiqLine;
  c.instret = s.instret;
  c.exceptions = s.exceptions ?? 0;
  c.excCycles = s.exceptionCycles ?? 0;
  // The EL0 counts so far; a core restored at EL0 starts its stint now.
  c.el0Instret = s.el0Instret ?? 0;
  c.el0Cycles = s.el0Cycles ?? 0;
  c.el0InstretMark = c.instret;
  c.el0CyclesMark = c.instret + c.excCycles;
  // The loop tracker is statistics: a restored core starts with no loop seen.
  c.excLoop.count = 0;
  c.excLoop.instret = -1;
  c.ram.eventRegs[c.index] = s.eventRegister ? 1 : 0;
  if (s.exclusive >= 0) c.ram.reserve(c.index, s.exclusive);
  else c.ram.excl[c.index] = -1;
  c.hvcImm = s.hvcImm;
  c.fp.reset();
  if (s.fp) {
    if (s.fp.v.length !== 32) throw new CpuStateError('cpu snapshot must hold V0..V31');
    s.fp.v.forEach((h, r) => {
      c.fp.setHex(r, h);
    });
    c.fp.fpcr = s.fp.fpcr >>> 0;
    c.fp.fpsr = s.fp.fpsr >>> 0;
  }
  c.pendingExit = 0;
  if (s.pendingMmio) {
    Object.assign(c.mmio, s.pendingMmio);
    c.pendingExit = 1;
  } else if (s.pendingSysreg) {
    Object.assign(c.sysregAccess, s.pendingSysreg);
    c.pendingExit = 2;
  }
  c.replay = false;
  c.updateControl();
  // RAM (and so the page tables) changed under the TLBs.
  c.tlbInvalidate();
}
