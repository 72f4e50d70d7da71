// Execution of system instructions: MRS/MSR (core registers here, the rest
// through the GuestPort), MSR (immediate), exception generation, ERET,
// hints (WFI/WFE/SEV/SEVL), CLREX and SYS (DC ZVA, TLBI, AT).

import type { CpuCore } from './cpu-state.ts';
import { PA_LIMIT } from './cpu-state.ts';
import {
  EC_BRK64,
  EC_ILLEGAL_STATE,
  EC_SVC64,
  EC_SYSREG,
  EC_WFX,
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
import { translateData } from './mem-access.ts';
import { isMmuControl } from './mmu/mmu.ts';
import { PERM_DEVICE, PERM_EL0_SHIFT, PERM_R, PERM_W } from './mmu/tlb.ts';
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
  SYSREG_INDEX,
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
const UNALLOCATED_ID = undefId('unallocated');
const IDX_CTR = SYSREG_INDEX.get('CTR_EL0')!;
const IDX_DCZID = SYSREG_INDEX.get('DCZID_EL0')!;
/** CNTKCTL_EL1 (S3_0_C14_C1_0), read through the port for EL0 timer access checks. */
const CNTKCTL_ENCODING = (3 << 14) | (14 << 7) | (1 << 3);

// SCTLR_EL1 bits that let EL0 do what would otherwise trap to EL1 (Arm ARM D19.2.118).
const SCTLR_UMA = 9;
const SCTLR_DZE = 14;
const SCTLR_UCT = 15;
const SCTLR_NTWI = 16;
const SCTLR_NTWE = 18;
const SCTLR_UCI = 26;

function sctlrBit(c: CpuCore, n: number): boolean {
  return ((c.sys[2 * IDX_SCTLR] >>> n) & 1) === 1;
}

/**
 * Trap of an MRS/MSR/SYS at EL0 to EL1 (EC 0x18, Arm ARM D19.2.40 ISS:
 * Op0 [21:20], Op2 [19:17], Op1 [16:14], CRn [13:10], Rt [9:5], CRm [4:1],
 * Direction [0] = read). `enc` is op0:op1:CRn:CRm:op2 as sysregEncoding().
 */
function trapSys(c: CpuCore, enc: number, rtSlot: number, read: boolean): number {
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
  const kctl = typeof k === 'bigint' ? Number(k & 0xffff_ffffn) : 0;
  return (kctl & need) !== 0 ? -1 : trapSys(c, enc, rtSlot, read);
}

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
    if (c.el === 0) {
      const chk = el0PortCheck(c, f[k + F_IMM], rt, true);
      if (chk >= 0) return chk;
    }
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
        if (c.el === 0) {
          // CTR_EL0 at EL0 traps unless SCTLR_EL1.UCT; DCZID_EL0.DZP says DC ZVA is prohibited (DZE = 0).
          if (idx === IDX_CTR && !sctlrBit(c, SCTLR_UCT)) return trapSys(c, f[k + F_IMM], rt, true);
          if (idx === IDX_DCZID && !sctlrBit(c, SCTLR_DZE)) lo |= 16;
        }
        break;
      case 'nzcv':
        lo = (c.nf << 31) | (c.zf << 30) | (c.cf << 29) | (c.vf << 28);
        break;
      case 'daif':
        // EL0 access needs SCTLR_EL1.UMA; without it the access traps to EL1 (EC 0x18).
        if (c.el === 0 && !sctlrBit(c, SCTLR_UMA)) return trapSys(c, f[k + F_IMM], rt, true);
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
    if (c.el === 0) {
      const chk = el0PortCheck(c, f[k + F_IMM], rt, false);
      if (chk >= 0) return chk;
    }
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
      if (c.el === 0 && !sctlrBit(c, SCTLR_UMA)) return trapSys(c, f[k + F_IMM], rt, false);
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
  if (c.el === 0) {
    if (field !== PSF_DAIFSET && field !== PSF_DAIFCLR) return undefined_(c, EL0_UNDEF_ID);
    // MSR DAIFSet/DAIFClr at EL0 without SCTLR_EL1.UMA: EC 0x18 with op0 = 0, op1 = 3, CRn = 4, Rt = 31.
    if (!sctlrBit(c, SCTLR_UMA))
      return trapSys(c, (3 << 11) | (4 << 7) | (imm << 3) | (field === PSF_DAIFSET ? 6 : 7), 62, false);
  }
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
      c.excCycles--; // the SVC's cycle covers its exception entry
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
    if ((c.pc & 3) !== 0) {
      takePcAlignment(c);
      c.excCycles--; // the ERET's cycle covers the entry
    }
  } else {
    takeSync(c, EC_ILLEGAL_STATE, 0);
    c.excCycles--;
  }
  return ST_RETIRE | ST_PC_SET | ST_RECHECK;
}

export function execHint(c: CpuCore, f: Int32Array, k: number): number {
  const ev = c.ram.eventRegs;
  const hint = f[k + F_A];
  // WFI/WFE at EL0 trap to EL1 (EC 0x01, CV = 1, COND = 0xE, TI = WFE) unless SCTLR_EL1.nTWI/nTWE,
  // when they would wait: WFI with no interrupt input raised, WFE with the Event Register clear.
  if (c.el === 0 && (hint === HINT_WFI || hint === HINT_WFE)) {
    const wfe = hint === HINT_WFE;
    const waits = wfe ? ev[c.index] === 0 : !c.irqLine && !c.fiqLine;
    if (waits && !sctlrBit(c, wfe ? SCTLR_NTWE : SCTLR_NTWI)) {
      takeSync(c, EC_WFX, (1 << 24) | (0xe << 20) | (wfe ? 1 : 0));
      return ST_FAULT;
    }
  }
  switch (hint) {
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

/**
 * SYS (Arm ARM C5.3): TLBI, AT, DC ZVA, and the other DC/IC operations
 * (no-ops: the decode cache is coherent, CTR_EL0.DIC/IDC = 1). At EL0 only
 * the op1 = 3 cache operations exist: DC ZVA traps unless SCTLR_EL1.DZE,
 * DC CVAU/CVAC/CIVAC and IC IVAU unless SCTLR_EL1.UCI (EC 0x18); the rest
 * is UNDEFINED.
 */
export function execSys(c: CpuCore, f: Int32Array, k: number): number {
  const op = f[k + F_A];
  const rt = f[k + F_RD];
  const imm = f[k + F_IMM]; // op1:CRn:CRm:op2
  const op1 = imm >>> 11;
  const crm = (imm >>> 3) & 15;
  const op2 = imm & 7;
  if (c.el === 0) {
    if (op1 !== 3 || op === SYS_TLBI || op === SYS_AT) return undefined_(c, EL0_UNDEF_ID);
    const enc = (1 << 14) | imm;
    if (op === SYS_DC_ZVA) {
      if (!sctlrBit(c, SCTLR_DZE)) return trapSys(c, enc, rt, false);
    } else if (op2 === 1 && (crm === 5 || crm === 10 || crm === 11 || crm === 14)) {
      if (!sctlrBit(c, SCTLR_UCI)) return trapSys(c, enc, rt, false);
    } else return undefined_(c, EL0_UNDEF_ID);
  }
  const x = c.x;
  if (op === SYS_TLBI) {
    if (op1 !== 0 || !c.mmu.tlbi(crm, op2, x[rt], x[rt + 1])) return undefined_(c, UNALLOCATED_ID);
    // The run loop re-translates the PC's page after this.
    return ST_RETIRE | ST_RECHECK;
  }
  if (op === SYS_AT) {
    // AT S1E1R, S1E1W, S1E0R, S1E0W; the EL2/EL3 and stage-1+2 forms are UNDEFINED without EL2.
    if (op1 !== 0 || op2 > 3) return undefined_(c, UNALLOCATED_ID);
    const va = x[rt + 1] * TWO32 + (x[rt] >>> 0);
    if (!c.identityMap) {
      const need = (op2 & 1 ? PERM_W : PERM_R) << (op2 & 2 ? PERM_EL0_SHIFT : 0);
      c.setSysBig(IDX_PAR, c.mmu.at(va, need));
    }
    // With the MMU off, AT reports the identity mapping: Device-nGnRnE (ATTR 0), outer shareable.
    else if (va >= 0 && va < PA_LIMIT) c.setSysNum(IDX_PAR, va - (va % 4096) + (2 << 7));
    else c.setSysNum(IDX_PAR, 1); // F = 1, FST = address size fault level 0
    return ST_RETIRE;
  }
  if (op !== SYS_DC_ZVA) return ST_RETIRE;
  // DC ZVA: zero the 64-byte block (DCZID_EL0.BS = 4), a write for translation and permissions.
  // To Device memory (all data with the MMU off) it is an Alignment fault; FAR is Xt.
  const xva = x[rt + 1] * TWO32 + (x[rt] >>> 0);
  let pa = xva;
  if (c.identityMap) {
    takeDataAbort(c, xva, true, FSC_ALIGNMENT);
    return ST_FAULT;
  }
  pa = translateData(c, xva, 1, true);
  if (pa < 0) return ST_FAULT;
  if (c.mmu.lastPerm & PERM_DEVICE) {
    takeDataAbort(c, xva, true, FSC_ALIGNMENT);
    return ST_FAULT;
  }
  const ram = c.ram;
  const off = pa - (pa % 64) - ram.base;
  if (!(off >= 0 && off <= ram.size - 64)) {
    takeDataAbort(c, xva, true, FSC_SYNC_EXTERNAL);
    return ST_FAULT;
  }
  ram.noteStore(off, 64);
  ram.u8.fill(0, off, off + 64);
  return ST_RETIRE;
}

export function execClrex(c: CpuCore): number {
  c.ram.excl[c.index] = -1;
  return ST_RETIRE;
}
