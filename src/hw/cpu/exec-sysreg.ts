// Execution of MRS/MSR (core registers here, the rest through the
// GuestPort, which may exit to the machine) and MSR (immediate), with the
// EL0 checks shared by every system instruction: the configurable traps to
// EL1 (EC 0x18) and UNDEFINED. Split from exec-sys.ts.

import type { CpuCore } from './cpu-state.ts';
import { EC_SYSREG, takeSync, takeUndefined } from './exceptions.ts';
import { SYSREG_EXIT, SYSREG_READ_IN_PLACE, SYSREG_UNDEFINED, type StopReason } from './guest-port.ts';
import { El0Access, el0Access, type PmuReg, pmuRegOf } from '../pmu/pmu-regs.ts';
import { isMmuControl } from './mmu/mmu.ts';
import { PSF_DAIFCLR, PSF_DAIFSET, ST_FAULT, ST_RECHECK, ST_RETIRE, ST_STOP, undefId } from './ops.ts';
import { F_PSTATE_FIELD, F_PSTATE_IMM, F_SYSREG_ENC, F_SYSREG_INDEX, F_SYSREG_RT } from './slots.ts';
import { SYSREG_INDEX, IDX_SCTLR, IDX_TPIDRRO, IDX_VBAR, PORT_INDEX, RAZ_INDEX, SYSREGS } from './sysregs.ts';

export const SYSREG_UNDEF_ID = undefId('sysreg-access');
export const EL0_UNDEF_ID = undefId('el0-privileged');
const IDX_CTR = SYSREG_INDEX.get('CTR_EL0')!;
const IDX_DCZID = SYSREG_INDEX.get('DCZID_EL0')!;
/** CNTKCTL_EL1 (S3_0_C14_C1_0), read through the port for EL0 timer access checks. */
const CNTKCTL_ENCODING = (3 << 14) | (14 << 7) | (1 << 3);

// SCTLR_EL1 bits that let EL0 do what would otherwise trap to EL1 (Arm ARM D19.2.118).
const SCTLR_UMA = 9;
export const SCTLR_DZE = 14;
const SCTLR_UCT = 15;
export const SCTLR_NTWI = 16;
export const SCTLR_NTWE = 18;
export const SCTLR_UCI = 26;

export function sctlrBit(c: CpuCore, n: number): boolean {
  return ((c.sys[2 * IDX_SCTLR] >>> n) & 1) === 1;
}

/**
 * Trap of an MRS/MSR/SYS at EL0 to EL1 (EC 0x18, Arm ARM D19.2.40 ISS:
 * Op0 [21:20], Op2 [19:17], Op1 [16:14], CRn [13:10], Rt [9:5], CRm [4:1],
 * Direction [0] = read). `enc` is op0:op1:CRn:CRm:op2 as sysregEncoding().
 */
export function trapSys(c: CpuCore, enc: number, rtSlot: number, read: boolean): number {
  const iss =
    (((enc >>> 14) & 3) << 20) |
    ((enc & 7) << 17) |
    (((enc >>> 11) & 7) << 14) |
    (((enc >>> 7) & 15) << 10) |
    (Math.min(rtSlot >> 1, 31) << 5) |
    (((enc >>> 3) & 15) << 1) |
    (read ? 1 : 0);
  takeSync(c, EC_SYSREG, iss);
  return ST_FAULT;
}

/**
 * EL0 access to a register the core does not hold (Arm ARM D19.2): only
 * op1 = 3 (EL0) registers exist at EL0; the generic timer's are gated by
 * CNTKCTL_EL1 (D11.3.2: EL0PCTEN bit 0 CNTPCT, EL0VCTEN bit 1 CNTVCT,
 * either for CNTFRQ; EL0VTEN bit 8 CNTV_*, EL0PTEN bit 9 CNTP_*), which the
 * timer (behind the port) owns: it is read through the port at each EL0
 * timer access, so there is no copy to keep coherent. Returns -1 when the
 * access may go on, else the status of the exception taken.
 */
function el0PortCheck(c: CpuCore, enc: number, rtSlot: number, read: boolean): number {
  if (((enc >>> 11) & 7) !== 3) return undefined_(c, EL0_UNDEF_ID);
  const pmu = pmuRegOf(enc);
  if (pmu >= 0) return el0PmuCheck(c, pmu & 0xff, enc, rtSlot, read);
  if (((enc >>> 7) & 15) !== 14) return -1;
  const crm = (enc >>> 3) & 15;
  const op2 = enc & 7;
  let need = 0;
  if (crm === 0) {
    if (op2 === 0 && !read) return undefined_(c, EL0_UNDEF_ID); // CNTFRQ_EL0 is writable at the highest EL only
    need = op2 === 0 ? 3 : op2 === 1 ? 1 : op2 === 2 ? 2 : 0;
  } else if (crm === 2) need = 1 << 9;
  else if (crm === 3) need = 1 << 8;
  if (need === 0) return -1;
  const k = c.port.sysregRead(c, CNTKCTL_ENCODING);
  const kctl = typeof k === 'bigint' ? Number(k & 0xffff_ffffn) : k === SYSREG_READ_IN_PLACE ? c.readLo : 0;
  return (kctl & need) !== 0 ? -1 : trapSys(c, enc, rtSlot, read);
}

/**
 * EL0 access to a Performance Monitors register: PMUSERENR_EL0 (which the
 * PMU behind the port holds, read through the port as CNTKCTL_EL1 is)
 * decides between the access, a trap to EL1 (EC 0x18) and UNDEFINED
 * (src/hw/pmu/pmu-regs.ts el0Access; Arm ARM D13).
 */
function el0PmuCheck(c: CpuCore, reg: number, enc: number, rtSlot: number, read: boolean): number {
  const userenr = c.port.pmuUserEnable?.(c) ?? -1;
  if (userenr < 0) return undefined_(c, EL0_UNDEF_ID);
  const a = el0Access(reg as PmuReg, !read, userenr);
  if (a === El0Access.ALLOWED) return -1;
  if (a === El0Access.UNDEFINED) return undefined_(c, EL0_UNDEF_ID);
  return trapSys(c, enc, rtSlot, read);
}

export function undefined_(c: CpuCore, why: number): number {
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
  const rt = f[k + F_SYSREG_RT];
  const idx = f[k + F_SYSREG_INDEX];
  let lo = 0;
  let hi = 0;
  if (idx === PORT_INDEX) {
    if (c.el === 0) {
      const chk = el0PortCheck(c, f[k + F_SYSREG_ENC], rt, true);
      if (chk >= 0) return chk;
    }
    const v = c.port.sysregRead(c, f[k + F_SYSREG_ENC]);
    if (v === SYSREG_READ_IN_PLACE) {
      // a counter read: no BigInt, and the block goes on (no deadline moved)
      x[rt] = c.readLo;
      x[rt + 1] = c.readHi;
      return ST_RETIRE;
    }
    if (v === SYSREG_UNDEFINED) return undefined_(c, SYSREG_UNDEF_ID);
    if (v === SYSREG_EXIT) return sysregExit(c, f[k + F_SYSREG_ENC], false, rt, 0n);
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
        if (c.el === 0) {
          // CTR_EL0 at EL0 traps unless SCTLR_EL1.UCT; DCZID_EL0.DZP says DC ZVA is prohibited (DZE = 0).
          if (idx === IDX_CTR && !sctlrBit(c, SCTLR_UCT)) return trapSys(c, f[k + F_SYSREG_ENC], rt, true);
          if (idx === IDX_DCZID && !sctlrBit(c, SCTLR_DZE)) lo |= 16;
        }
        break;
      case 'nzcv':
        lo = (c.nf << 31) | (c.zf << 30) | (c.cf << 29) | (c.vf << 28);
        break;
      case 'daif':
        // EL0 access needs SCTLR_EL1.UMA; without it the access traps to EL1 (EC 0x18).
        if (c.el === 0 && !sctlrBit(c, SCTLR_UMA)) return trapSys(c, f[k + F_SYSREG_ENC], rt, true);
        lo = c.daif << 6;
        break;
      case 'currentel':
        lo = c.el << 2;
        break;
      case 'dfr0':
        lo = c.sys[2 * idx] | (c.pmuVer << 8);
        break;
      case 'pfr0':
        lo = c.sys[2 * idx] | (c.gicSysregs << 24);
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

/**
 * Complete a trapped MRS/MSR the machine has emulated (Cpu.completeSysregRead
 * and completeSysregWrite): a read's Rt gets `lo`/`hi` (XZR: discarded) and
 * the instruction retires, as re-executing it with the value would, without
 * fetching and executing it again. Returns the stop status of a port call.
 */
export function retireTrappedSysreg(c: CpuCore, lo: number, hi: number): StopReason {
  const s = c.sysregAccess;
  if (!s.write && s.rt !== 31) {
    c.x[2 * s.rt] = lo;
    c.x[2 * s.rt + 1] = hi;
  }
  c.pc += 4;
  c.instret++;
  c.stopReason = c.stopRequested ? 'stopped' : 'port';
  return c.stopReason;
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
  const rt = f[k + F_SYSREG_RT];
  const idx = f[k + F_SYSREG_INDEX];
  const lo = x[rt];
  const hi = x[rt + 1];
  if (idx === PORT_INDEX) {
    if (c.el === 0) {
      const chk = el0PortCheck(c, f[k + F_SYSREG_ENC], rt, false);
      if (chk >= 0) return chk;
    }
    // (a value below 2^32, the usual CTL or early CVAL: one BigInt instead of four)
    const v = hi === 0 ? BigInt(lo >>> 0) : (BigInt(hi >>> 0) << 32n) | BigInt(lo >>> 0);
    const r = c.port.sysregWrite(c, f[k + F_SYSREG_ENC], v);
    if (r === SYSREG_UNDEFINED) return undefined_(c, SYSREG_UNDEF_ID);
    if (r === SYSREG_EXIT) return sysregExit(c, f[k + F_SYSREG_ENC], true, rt, v);
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
      if (isMmuControl(idx)) {
        // The translation regime changed: resync the MMU; the run loop re-translates the PC's page.
        c.updateControl();
        return ST_RETIRE | ST_RECHECK;
      }
      return ST_RETIRE;
    case 'wi':
      return ST_RETIRE;
    case 'nzcv':
      c.setNzcv(lo);
      return ST_RETIRE;
    case 'daif':
      if (c.el === 0 && !sctlrBit(c, SCTLR_UMA)) return trapSys(c, f[k + F_SYSREG_ENC], rt, false);
      {
        const wasI = c.daif & 2;
        c.daif = (lo >>> 6) & 15;
        if ((c.daif & 2) !== wasI && c.onMaskI !== null) c.onMaskI(c);
      }
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
  const field = f[k + F_PSTATE_FIELD];
  const imm = f[k + F_PSTATE_IMM];
  if (c.el === 0) {
    if (field !== PSF_DAIFSET && field !== PSF_DAIFCLR) return undefined_(c, EL0_UNDEF_ID);
    // MSR DAIFSet/DAIFClr at EL0 without SCTLR_EL1.UMA: EC 0x18 with op0 = 0, op1 = 3, CRn = 4, Rt = 31.
    if (!sctlrBit(c, SCTLR_UMA))
      return trapSys(c, (3 << 11) | (4 << 7) | (imm << 3) | (field === PSF_DAIFSET ? 6 : 7), 62, false);
  }
  const wasI = c.daif & 2;
  if (field === PSF_DAIFSET) c.daif |= imm;
  else if (field === PSF_DAIFCLR) c.daif &= ~imm & 15;
  else c.setElSp(c.el, imm & 1);
  if ((c.daif & 2) !== wasI && c.onMaskI !== null) c.onMaskI(c);
  return ST_RETIRE | ST_RECHECK;
}
