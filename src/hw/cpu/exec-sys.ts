// Execution of the other system instructions: exception generation
// (SVC/HVC/SMC/BRK), ERET, hints (WFI/WFE/SEV/SEVL), CLREX and SYS (DC ZVA,
// TLBI, AT). MRS/MSR are in exec-sysreg.ts.

import type { CpuCore } from './cpu-state.ts';
import { PA_LIMIT } from './cpu-state.ts';
import {
  EC_BRK64,
  EC_ILLEGAL_STATE,
  EC_SVC64,
  EC_WFX,
  esr,
  FSC_ALIGNMENT,
  FSC_SYNC_EXTERNAL,
  takeDataAbort,
  takeException,
  takePcAlignment,
  takeSync,
  VEC_SYNC,
} from './exceptions.ts';
import {
  EL0_UNDEF_ID,
  SYSREG_UNDEF_ID,
  SCTLR_DZE,
  SCTLR_NTWE,
  SCTLR_NTWI,
  SCTLR_UCI,
  sctlrBit,
  trapSys,
  undefined_,
} from './exec-sysreg.ts';
import { translateData } from './mem-access.ts';
import { PERM_DEVICE, PERM_EL0_SHIFT, PERM_R, PERM_W } from './mmu/tlb.ts';
import {
  EXC_BRK,
  EXC_HVC,
  EXC_SMC,
  EXC_SVC,
  HINT_SEV,
  HINT_SEVL,
  HINT_WFE,
  HINT_WFI,
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
  F_EXC_IMM16,
  F_EXC_KIND,
  F_HINT,
  F_SYS_KIND,
  F_SYS_OPS,
  F_SYS_RT,
  SYS_CRM_LSB,
  SYS_CRM_MASK,
  SYS_OP1_LSB,
  SYS_OP2_MASK,
} from './slots.ts';
import { IDX_ELR, IDX_PAR, IDX_SPSR } from './sysregs.ts';

const TWO32 = 4294967296;
const UNALLOCATED_ID = undefId('unallocated');

export function execException(c: CpuCore, f: Int32Array, k: number): number {
  const imm = f[k + F_EXC_IMM16];
  const kind = f[k + F_EXC_KIND];
  switch (kind) {
    case EXC_SVC:
      // An SVC from EL0 executes (and retires, with its one cycle) at EL0: the EL0 counts take it.
      if (c.el === 0) {
        c.el0Instret++;
        c.el0Cycles++;
      }
      takeException(c, VEC_SYNC, esr(EC_SVC64, imm), c.pc + 4);
      c.excCycles--; // the SVC's cycle covers its exception entry
      return ST_RETIRE | ST_PC_SET | ST_RECHECK;
    case EXC_HVC:
    case EXC_SMC:
      // UNDEFINED at EL0 (Arm ARM C6.2 HVC, SMC). At EL1 the machine decides (PSCI, or inject UNDEFINED).
      if (c.el === 0) return undefined_(c, EL0_UNDEF_ID);
      c.hvcImm = imm;
      c.stopReason = kind === EXC_HVC ? 'hvc' : 'smc';
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
  const wasI = c.daif & 2;
  c.daif = (spsr >>> 6) & 15;
  if ((c.daif & 2) !== wasI && c.onMaskI !== null) c.onMaskI(c);
  c.pc = c.getSysNum(IDX_ELR);
  c.ram.excl[c.index] = -1;
  // An exception return sets the Event Register (Arm ARM D1.6.1 lists it among WFE wake-up events).
  c.ram.eventRegs[c.index] = 1;
  if (m === 0 || m === 4 || m === 5) {
    c.setElSp(m >>> 2, m & 1);
    if ((c.pc & 3) !== 0) {
      takePcAlignment(c);
      c.excCycles--; // the ERET's cycle covers the entry
    } else if (c.el === 0) {
      // The ERET retires after this, but at EL1: the EL0 stint starts after it.
      c.el0InstretMark++;
      c.el0CyclesMark++;
    }
  } else {
    takeSync(c, EC_ILLEGAL_STATE, 0);
    c.excCycles--;
  }
  return ST_RETIRE | ST_PC_SET | ST_RECHECK;
}

export function execHint(c: CpuCore, f: Int32Array, k: number): number {
  const ev = c.ram.eventRegs;
  const hint = f[k + F_HINT];
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
  const op = f[k + F_SYS_KIND];
  const rt = f[k + F_SYS_RT];
  const imm = f[k + F_SYS_OPS]; // op1:CRn:CRm:op2
  const op1 = imm >>> SYS_OP1_LSB;
  const crm = (imm >>> SYS_CRM_LSB) & SYS_CRM_MASK;
  const op2 = imm & SYS_OP2_MASK;
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
