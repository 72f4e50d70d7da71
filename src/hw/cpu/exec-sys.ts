// Execution of system instructions: MRS/MSR (core registers here, the rest
// through the GuestPort), MSR (immediate), exception generation, ERET,
// hints (WFI/WFE/SEV/SEVL), CLREX and SYS (DC ZVA, TLBI, AT).

import type { CpuCore } from './cpu-state.ts';
import { PA_LIMIT } from './cpu-state.ts';
import {
  EC_BRK64,
  EC_ILLEGAL_STATE,
  EC_SVC64,
  esr,
  FSC_ALIGNMENT,
  FSC_SYNC_EXTERNAL,
  takeDataAbort,
  takeException,
  takePcAlignment,
  takeSync,
  takeUndefined,
  VEC_SYNC,
} from './exceptions.ts';
import { SYSREG_EXIT, SYSREG_UNDEFINED } from './guest-port.ts';
import { MEM_FAULT, memWrite } from './mem-access.ts';
import {
  EXC_BRK,
  EXC_HVC,
  EXC_SMC,
  EXC_SVC,
  F_A,
  F_IMM,
  F_RD,
  HINT_SEV,
  HINT_SEVL,
  HINT_WFE,
  HINT_WFI,
  PSF_DAIFCLR,
  PSF_DAIFSET,
  ST_FAULT,
  ST_PC_SET,
  ST_RECHECK,
  ST_RETIRE,
  ST_STOP,
  SYS_AT,
  SYS_DC_ZVA,
  SYS_TLBI,
  undefId,
} from './ops.ts';
import {
  IDX_ELR,
  IDX_PAR,
  IDX_SCTLR,
  IDX_SPSR,
  IDX_TPIDRRO,
  IDX_VBAR,
  PORT_INDEX,
  RAZ_INDEX,
  SYSREGS,
} from './sysregs.ts';

const TWO32 = 4294967296;
const SYSREG_UNDEF_ID = undefId('sysreg-access');
const EL0_UNDEF_ID = undefId('el0-privileged');

function undefined_(c: CpuCore, why: number): number {
  c.undefCounts[why]++;
  takeUndefined(c);
  return ST_FAULT;
}

function portDone(c: CpuCore): number {
  c.stopReason = c.stopRequested ? 'stopped' : 'port';
  return ST_RETIRE | ST_STOP;
}

export function execMrs(c: CpuCore, f: Int32Array, k: number): number {
  const x = c.x;
  const rt = f[k + F_RD];
  const idx = f[k + F_A];
  let lo = 0;
  let hi = 0;
  if (idx === PORT_INDEX) {
    let v: bigint;
    if (c.replay) {
      c.replay = false;
      v = (BigInt(c.replayHi >>> 0) << 32n) | BigInt(c.replayLo >>> 0);
    } else {
      const r = c.port.sysregRead(c, f[k + F_IMM]);
      if (r === SYSREG_UNDEFINED) return undefined_(c, SYSREG_UNDEF_ID);
      if (r === SYSREG_EXIT) return sysregExit(c, f[k + F_IMM], false, rt, 0n);
      v = r;
    }
    x[rt] = Number(v & 0xffff_ffffn) | 0;
    x[rt + 1] = Number((v >> 32n) & 0xffff_ffffn) | 0;
    return portDone(c);
  }
  if (idx === RAZ_INDEX) {
    if (c.el === 0) return undefined_(c, EL0_UNDEF_ID);
  } else {
    const def = SYSREGS[idx];
    if (c.el === 0 && !def.el0) return undefined_(c, EL0_UNDEF_ID);
    switch (def.kind) {
      case 'rw':
      case 'ro':
        lo = c.sys[2 * idx];
        hi = c.sys[2 * idx + 1];
        break;
      case 'nzcv':
        lo = (c.nf << 31) | (c.zf << 30) | (c.cf << 29) | (c.vf << 28);
        break;
      case 'daif':
        // EL0 access needs SCTLR_EL1.UMA; without it the access is UNDEFINED here (a trap to EL1 on hardware).
        if (c.el === 0 && !((c.sys[2 * IDX_SCTLR] >>> 9) & 1)) return undefined_(c, EL0_UNDEF_ID);
        lo = c.daif << 6;
        break;
      case 'currentel':
        lo = c.el << 2;
        break;
      case 'isr':
        // I (bit 7) and F (bit 6) show the inputs whatever PSTATE masks; A (bit 8): no SError model.
        lo = ((c.irqLine ? 1 : 0) << 7) | ((c.fiqLine ? 1 : 0) << 6);
        break;
      case 'spsel':
        lo = c.spsel;
        break;
      case 'sp_el0': {
        // Arm ARM C5.2.18: SP_EL0 is UNDEFINED at EL1 while PSTATE.SP selects it.
        if (c.spsel === 0) return undefined_(c, SYSREG_UNDEF_ID);
        const v = c.bankedSp(false);
        lo = Number(v & 0xffff_ffffn) | 0;
        hi = Number(v >> 32n) | 0;
        break;
      }
      default:
        return undefined_(c, SYSREG_UNDEF_ID);
    }
  }
  x[rt] = lo;
  x[rt + 1] = hi;
  return ST_RETIRE;
}

function sysregExit(c: CpuCore, encoding: number, write: boolean, rt: number, value: bigint): number {
  const s = c.sysregAccess;
  s.encoding = encoding;
  s.write = write;
  s.rt = Math.min(rt >> 1, 31);
  s.value = value;
  c.pendingExit = 2;
  c.stopReason = 'sysreg-exit';
  return ST_STOP;
}

export function execMsr(c: CpuCore, f: Int32Array, k: number): number {
  const x = c.x;
  const rt = f[k + F_RD];
  const idx = f[k + F_A];
  const lo = x[rt];
  const hi = x[rt + 1];
  if (idx === PORT_INDEX) {
    if (c.replay) {
      c.replay = false;
      return portDone(c);
    }
    const v = (BigInt(hi >>> 0) << 32n) | BigInt(lo >>> 0);
    const r = c.port.sysregWrite(c, f[k + F_IMM], v);
    if (r === SYSREG_UNDEFINED) return undefined_(c, SYSREG_UNDEF_ID);
    if (r === SYSREG_EXIT) return sysregExit(c, f[k + F_IMM], true, rt, v);
    return portDone(c);
  }
  if (idx === RAZ_INDEX) return undefined_(c, SYSREG_UNDEF_ID);
  const def = SYSREGS[idx];
  if (c.el === 0 && !def.el0) return undefined_(c, EL0_UNDEF_ID);
  switch (def.kind) {
    case 'rw':
      if (idx === IDX_TPIDRRO && c.el === 0) return undefined_(c, EL0_UNDEF_ID);
      // VBAR_EL1[10:0] are RES0 (vectors are 2 KiB aligned).
      c.sys[2 * idx] = idx === IDX_VBAR ? lo & ~0x7ff : lo;
      c.sys[2 * idx + 1] = hi;
      if (idx === IDX_SCTLR) c.updateControl();
      return ST_RETIRE;
    case 'wi':
      return ST_RETIRE;
    case 'nzcv':
      c.setNzcv(lo);
      return ST_RETIRE;
    case 'daif':
      if (c.el === 0 && !((c.sys[2 * IDX_SCTLR] >>> 9) & 1)) return undefined_(c, EL0_UNDEF_ID);
      c.daif = (lo >>> 6) & 15;
      return ST_RETIRE | ST_RECHECK;
    case 'spsel':
      c.setElSp(c.el, lo & 1);
      return ST_RETIRE;
    case 'sp_el0':
      if (c.spsel === 0) return undefined_(c, SYSREG_UNDEF_ID);
      c.setBankedSp(false, (BigInt(hi >>> 0) << 32n) | BigInt(lo >>> 0));
      return ST_RETIRE;
    default:
      return undefined_(c, SYSREG_UNDEF_ID);
  }
}

export function execMsrImm(c: CpuCore, f: Int32Array, k: number): number {
  const field = f[k + F_A];
  const imm = f[k + F_IMM];
  if (
    c.el === 0 &&
    (field !== PSF_DAIFSET && field !== PSF_DAIFCLR ? true : !((c.sys[2 * IDX_SCTLR] >>> 9) & 1))
  )
    return undefined_(c, EL0_UNDEF_ID);
  if (field === PSF_DAIFSET) c.daif |= imm;
  else if (field === PSF_DAIFCLR) c.daif &= ~imm & 15;
  else c.setElSp(c.el, imm & 1);
  return ST_RETIRE | ST_RECHECK;
}

export function execException(c: CpuCore, f: Int32Array, k: number): number {
  const imm = f[k + F_IMM];
  switch (f[k + F_A]) {
    case EXC_SVC:
      takeException(c, VEC_SYNC, esr(EC_SVC64, imm), c.pc + 4);
      return ST_RETIRE | ST_PC_SET | ST_RECHECK;
    case EXC_HVC:
    case EXC_SMC:
      // UNDEFINED at EL0 (Arm ARM C6.2 HVC, SMC). At EL1 the machine decides (PSCI, or inject UNDEFINED).
      if (c.el === 0) return undefined_(c, EL0_UNDEF_ID);
      c.hvcImm = imm;
      c.stopReason = f[k + F_A] === EXC_HVC ? 'hvc' : 'smc';
      return ST_RETIRE | ST_STOP;
    case EXC_BRK:
      takeSync(c, EC_BRK64, imm);
      return ST_FAULT;
    default:
      return undefined_(c, SYSREG_UNDEF_ID);
  }
}

/**
 * ERET (Arm ARM C6.2 ERET, D1.11 exception return): PSTATE from SPSR_EL1,
 * PC from ELR_EL1, local monitor cleared. A return to an EL that is not
 * implemented or to AArch32 is an illegal exception return: NZCV/DAIF are
 * restored, EL and SP kept, and the Illegal Execution state exception
 * (EC 0x0E) is taken at the target at once (on hardware: at the next
 * instruction, with the same result).
 */
export function execEret(c: CpuCore): number {
  if (c.el === 0) return undefined_(c, EL0_UNDEF_ID);
  const spsr = c.sys[2 * IDX_SPSR];
  const m = spsr & 0x1f;
  c.setNzcv(spsr);
  c.daif = (spsr >>> 6) & 15;
  c.pc = c.getSysNum(IDX_ELR);
  c.ram.excl[c.index] = -1;
  // An exception return sets the Event Register (Arm ARM D1.6.1 lists it among WFE wake-up events).
  c.ram.eventRegs[c.index] = 1;
  if (m === 0 || m === 4 || m === 5) {
    c.setElSp(m >>> 2, m & 1);
    if ((c.pc & 3) !== 0) takePcAlignment(c);
  } else takeSync(c, EC_ILLEGAL_STATE, 0);
  return ST_RETIRE | ST_PC_SET | ST_RECHECK;
}

export function execHint(c: CpuCore, f: Int32Array, k: number): number {
  const ev = c.ram.eventRegs;
  switch (f[k + F_A]) {
    case HINT_WFI:
      c.stopReason = 'wfi';
      return ST_RETIRE | ST_STOP;
    case HINT_WFE:
      if (ev[c.index]) {
        ev[c.index] = 0;
        return ST_RETIRE;
      }
      c.stopReason = 'wfe';
      return ST_RETIRE | ST_STOP;
    case HINT_SEV:
      ev.fill(1);
      return ST_RETIRE;
    case HINT_SEVL:
      ev[c.index] = 1;
      return ST_RETIRE;
    default:
      return ST_RETIRE;
  }
}

export function execSys(c: CpuCore, f: Int32Array, k: number): number {
  const op = f[k + F_A];
  const rt = f[k + F_RD];
  if (op === SYS_TLBI || op === SYS_AT) {
    if (c.el === 0) return undefined_(c, EL0_UNDEF_ID);
    if (op === SYS_TLBI) c.tlbInvalidate();
    else {
      // With no translation, AT reports the identity mapping: Device-nGnRnE (ATTR 0), outer shareable.
      const va = c.x[rt + 1] * TWO32 + (c.x[rt] >>> 0);
      if (va >= 0 && va < PA_LIMIT) c.setSysNum(IDX_PAR, va - (va % 4096) + (2 << 7));
      else c.setSysNum(IDX_PAR, 1); // F = 1, FST = address size fault level 0
    }
    return ST_RETIRE;
  }
  if (op !== SYS_DC_ZVA) return ST_RETIRE;
  // DC ZVA: zero the 64-byte block (DCZID_EL0.BS = 4). To Device memory (MMU off) it is an Alignment fault.
  const x = c.x;
  const lo = x[rt] & ~63;
  const va = x[rt + 1] * TWO32 + (lo >>> 0);
  if ((c.sys[2 * IDX_SCTLR] & 1) === 0) {
    takeDataAbort(c, c.x[rt + 1] * TWO32 + (x[rt] >>> 0), true, FSC_ALIGNMENT);
    return ST_FAULT;
  }
  const off = va - c.ram.base;
  if (!(off >= 0 && off <= c.ram.size - 64)) {
    takeDataAbort(c, va, true, FSC_SYNC_EXTERNAL);
    return ST_FAULT;
  }
  for (let b = 0; b < 64; b += 8) if (memWrite(c, va + b, 8, 0, 0, 0) === MEM_FAULT) return ST_FAULT;
  return ST_RETIRE;
}

export function execClrex(c: CpuCore): number {
  c.ram.excl[c.index] = -1;
  return ST_RETIRE;
}
