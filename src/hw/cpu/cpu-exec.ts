// The interpreter's inner loop: fetch through the decode cache, execute the
// decoded op, take interrupts at block start and after instructions that can
// unmask or raise them, stop at the budget, a port call or an exit. The
// common ALU and branch ops run inline in the switch (the hot path); the
// rest are calls into exec-*.ts. Split from cpu.ts, which keeps the API.

import { addc32, addc64, R, shift32, shift64 } from './alu.ts';
import { CpuCore } from './cpu-state.ts';
import { decode } from './decode.ts';
import type { DecodedPage } from './decode-cache.ts';
import {
  FSC_ADDRESS_SIZE_L0,
  FSC_SYNC_EXTERNAL,
  takeException,
  takeInstructionAbort,
  takePcAlignment,
  VEC_FIQ,
  VEC_IRQ,
} from './exceptions.ts';
import {
  addSubR,
  conditionHolds,
  execAdc,
  execAddSubExt,
  execBitfield,
  execCcmp,
  execCsel,
} from './exec-alu.ts';
import { execExtr, execLogicShift, execShiftV } from './exec-alu.ts';
import { logic } from './exec-alu.ts';
import { execCold } from './exec-cold.ts';
import { execMadd } from './exec-mul.ts';
import { execLdSt, execLdStPair, execLdStReg } from './exec-mem.ts';
import type { StopReason } from './guest-port.ts';
import { enterBlock, NEVER_HOT, NO_BLOCK, pageHits } from './jit/jit.ts';
import * as O from './ops.ts';
import * as S from './slots.ts';

const TWO32 = 4294967296;
const EMPTY_OPS = new Uint16Array(0);
const EMPTY_F = new Int32Array(0);

export abstract class CpuExec extends CpuCore {
  /** addresses with a breakpoint (empty: none, the common case) */
  protected bpAddrs: number[] = [];
  /** address of the breakpoint the last exec() stopped after, or -1 */
  protected bpHit = -1;

  protected exec(max: number, checkFirst: boolean): StopReason {
    const x = this.x;
    const ram = this.ram;
    const cache = this.cache;
    // The budget is in cycles (CpuCore.cycles): one per instruction retired,
    // one per exception entry not part of a retiring instruction, so a core
    // whose every fetch faults still spends it. Each pass of the loop costs
    // exactly one cycle: the budget is exact.
    let end = this.instret + this.excCycles + max;
    const bps = this.bpAddrs;
    let ops = EMPTY_OPS;
    let f = EMPTY_F;
    let page: DecodedPage | null = null;
    const jit = cache.jit;
    const hot = Math.min(cache.jitHot, NEVER_HOT - 1);
    let pageVa = Number.NaN;
    let pageOff = 0;
    // pageVa's 64-bit halves (pageLo unsigned): BL's link register without a division.
    let pageLo = 0;
    let pageHi = 0;
    // A block may start here: after a branch, a block, an exception (VGICSIM_JIT_BLOCKS=all: anywhere).
    // Loops-only translation needs entry counts only where a branch lands: its loops start there.
    const jitOn = jit && !this.replay; // (a replay is exec(1): no block runs in it)
    const jitAnywhere = !cache.jitLoopsOnly;
    let entry = true;
    let check = checkFirst;
    if ((this.pc & 3) !== 0) takePcAlignment(this);
    for (;;) {
      // (Out of budget with a check pending: the next run() checks first, at the same cycle.)
      if (this.instret + this.excCycles >= end) return 'budget';
      if (check) {
        check = false;
        // PSTATE.EL, the translation regime or the TLBs may have changed: re-translate the PC's page.
        pageVa = Number.NaN;
        if (this.fiqLine && (this.daif & 1) === 0) {
          takeException(this, VEC_FIQ, null, this.pc);
          continue;
        }
        if (this.irqLine && (this.daif & 2) === 0) {
          takeException(this, VEC_IRQ, null, this.pc);
          continue;
        }
      }
      const pc = this.pc;
      if (bps.length !== 0 && this.bpHit < 0 && bps.includes(pc)) {
        // Execute this one instruction, then return so run() reports the breakpoint.
        this.bpHit = pc;
        end = this.instret + this.excCycles + 1;
      }
      let off = pc - pageVa;
      if (!(off >= 0 && off < 4096)) {
        let pa = pc;
        if (!this.identityMap) {
          const mmu = this.mmu;
          pa = mmu.translate(mmu.itlb, pc, this.permX);
          if (pa < 0) {
            takeInstructionAbort(this, mmu.fsc);
            pageVa = Number.NaN;
            continue;
          }
        }
        const roff = pa - ram.base;
        if (!(roff >= 0 && roff < ram.size)) {
          // No memory at this physical address: synchronous external abort on
          // the fetch (Arm ARM D8.4 / ESR IFSC 0b010000), or an address size
          // fault beyond PARange (40 bits).
          takeInstructionAbort(this, pa >= 0 && pa < 2 ** 40 ? FSC_SYNC_EXTERNAL : FSC_ADDRESS_SIZE_L0);
          pageVa = Number.NaN;
          continue;
        }
        const dp = cache.page(roff >>> 12);
        page = dp;
        ops = dp.ops;
        f = dp.f;
        pageOff = roff - (roff & 4095);
        pageVa = pc - (roff & 4095);
        pageHi = Math.floor(pageVa / TWO32);
        pageLo = pageVa - pageHi * TWO32;
        off = pc - pageVa;
      }
      const i = off >>> 2;
      if (entry && jitOn && page !== null) {
        entry = jitAnywhere;
        // A translated block (jit/): it stops where this loop would, with the same status.
        const hits = page.hits ?? pageHits(page);
        const h = hits[i];
        if (h < hot) hits[i] = h + 1;
        else if (h !== NEVER_HOT) {
          // this.pc, not the local pc (the same value): passing the local made V8 box it into a new
          // HeapNumber at every instruction of the loop, not only here (16 B per interpreted instruction).
          const st = enterBlock(this, page, pageOff, i, this.pc, end - this.instret - this.excCycles, bps);
          if (st !== NO_BLOCK) {
            entry = true;
            if (st === O.ST_RETIRE) continue;
            if (!(st & O.ST_RETIRE)) pageVa = Number.NaN;
            if (st & O.ST_STOP) return this.stopReason;
            if (st & O.ST_RECHECK) check = true;
            continue;
          }
        }
      }
      let op = ops[i];
      if (op === O.OP_UNDECODED) {
        decode(ram.i32[(pageOff + off) >> 2], ops, f, i);
        op = ops[i];
      }
      const k = i << 3;
      let st = O.ST_RETIRE;
      switch (op) {
        case O.OP_MOVI: {
          const d = f[k + O.F_RD];
          x[d] = f[k + S.F_MOVI_LO];
          x[d + 1] = f[k + S.F_MOVI_HI];
          break;
        }
        case O.OP_ADDSUB_IMM: {
          const d = f[k + O.F_RD];
          const n = f[k + O.F_RN];
          const a = f[k + S.F_AS_FLAGS];
          const imm = f[k + S.F_AS_IMM];
          if (a === O.AS_SF) {
            const lo = (x[n] >>> 0) + imm;
            x[d + 1] = (x[n + 1] + (lo > 0xffff_ffff ? 1 : 0)) | 0;
            x[d] = lo | 0;
          } else if (a === (O.AS_SF | O.AS_SUB)) {
            const lo = (x[n] >>> 0) - imm;
            x[d + 1] = (x[n + 1] - (lo < 0 ? 1 : 0)) | 0;
            x[d] = lo | 0;
          } else if (a === 0) {
            x[d] = (x[n] + imm) | 0;
            x[d + 1] = 0;
          } else {
            const sub = a & O.AS_SUB;
            if (a & O.AS_SF) addc64(x[n], x[n + 1], sub ? ~imm : imm, sub ? -1 : 0, sub);
            else addc32(x[n], sub ? ~imm : imm, sub);
            x[d] = R[0];
            x[d + 1] = R[1];
            if (a & O.AS_S) {
              this.nf = R[2];
              this.zf = R[3];
              this.cf = R[4];
              this.vf = R[5];
            }
          }
          break;
        }
        case O.OP_ADDSUB_SHIFT: {
          const m = f[k + O.F_RM];
          const b = f[k + S.F_AS_SHIFT];
          const a = f[k + S.F_AS_FLAGS];
          if (b === 0 && a === O.AS_SF) {
            // ADD Xd, Xn, Xm (no shift, no flags), the commonest form: no call.
            const n = f[k + O.F_RN];
            const lo = (x[n] >>> 0) + (x[m] >>> 0);
            x[f[k + O.F_RD] + 1] = (x[n + 1] + x[m + 1] + (lo > 0xffff_ffff ? 1 : 0)) | 0;
            x[f[k + O.F_RD]] = lo | 0;
            break;
          }
          if (a & O.AS_SF) shift64(x[m], x[m + 1], b & 3, b >>> 2);
          else shift32(x[m], b & 3, b >>> 2);
          addSubR(this, f[k + O.F_RD], f[k + O.F_RN], a);
          break;
        }
        case O.OP_LOGIC_IMM: {
          const a = f[k + S.F_LOGIC_OP];
          logic(
            this,
            f[k + O.F_RD],
            f[k + O.F_RN],
            a & S.LOGIC_OPC_MASK,
            a >>> S.LOGIC_IMM_SF_LSB,
            f[k + S.F_LOGIC_IMM_LO],
            f[k + S.F_LOGIC_IMM_HI],
          );
          break;
        }
        case O.OP_LOGIC_SHIFT: {
          const a = f[k + S.F_LOGIC_OP];
          if (f[k + S.F_LOGIC_SHIFT] !== 0 || (a & (S.LOGIC_NOT | S.LOGIC_OPC_MASK)) !== S.LOGIC_ORR) {
            execLogicShift(this, f, k);
            break;
          }
          // ORR with an unshifted register (MOV Xd, Xm: Rn is XZR), the commonest form: no call.
          const n = f[k + O.F_RN];
          const m = f[k + O.F_RM];
          const hi = a & S.LOGIC_SHIFT_SF ? x[n + 1] | x[m + 1] : 0;
          x[f[k + O.F_RD]] = x[n] | x[m];
          x[f[k + O.F_RD] + 1] = hi;
          break;
        }
        case O.OP_MOVK: {
          const d = f[k + O.F_RD];
          const pos = f[k + S.F_MOVK_POS];
          const imm = f[k + S.F_MOVK_IMM16];
          if (pos < 32) x[d] = (x[d] & ~(0xffff << pos)) | (imm << pos);
          else x[d + 1] = (x[d + 1] & ~(0xffff << (pos - 32))) | (imm << (pos - 32));
          if (!f[k + S.F_MOVK_SF]) x[d + 1] = 0;
          break;
        }
        case O.OP_SHIFT_IMM: {
          const a = f[k + S.F_SHIFTOP];
          const n = f[k + O.F_RN];
          if (a & S.SHIFTOP_SF) shift64(x[n], x[n + 1], a & S.SHIFTOP_TYPE_MASK, f[k + S.F_SHIFTOP_AMOUNT]);
          else shift32(x[n], a & S.SHIFTOP_TYPE_MASK, f[k + S.F_SHIFTOP_AMOUNT]);
          const d = f[k + O.F_RD];
          x[d] = R[0];
          x[d + 1] = R[1];
          break;
        }
        case O.OP_CSEL:
          execCsel(this, f, k);
          break;
        case O.OP_B:
          this.pc = pc + f[k + S.F_BRANCH_OFFSET];
          this.instret++;
          entry = true;
          continue;
        case O.OP_BL: {
          // X30 = pc + 4 = pageVa + off + 4 (pageLo is 4 KiB aligned: at most one carry)
          const l = pageLo + off + 4;
          x[60] = l | 0;
          x[61] = (l > 0xffff_ffff ? pageHi + 1 : pageHi) | 0;
          this.pc = pc + f[k + S.F_BRANCH_OFFSET];
          this.instret++;
          entry = true;
          continue;
        }
        case O.OP_BCOND:
          this.pc = conditionHolds(this, f[k + S.F_BCOND_COND]) ? pc + f[k + S.F_BRANCH_OFFSET] : pc + 4;
          this.instret++;
          entry = true;
          continue;
        case O.OP_CBZ: {
          const n = f[k + O.F_RN];
          const a = f[k + S.F_CBZ_BITS];
          const zero = a & S.CBZ_SF ? (x[n] | x[n + 1]) === 0 : x[n] === 0;
          this.pc = zero !== ((a & S.CBZ_NZ) !== 0) ? pc + f[k + S.F_BRANCH_OFFSET] : pc + 4;
          this.instret++;
          entry = true;
          continue;
        }
        case O.OP_TBZ: {
          const n = f[k + O.F_RN];
          const bit = f[k + S.F_TBZ_BIT];
          const v = bit < 32 ? (x[n] >>> bit) & 1 : (x[n + 1] >>> (bit - 32)) & 1;
          this.pc = v === f[k + S.F_TBZ_IF] ? pc + f[k + S.F_BRANCH_OFFSET] : pc + 4;
          this.instret++;
          entry = true;
          continue;
        }
        case O.OP_BR: {
          const n = f[k + O.F_RN];
          const target = x[n + 1] * TWO32 + (x[n] >>> 0);
          if (f[k + S.F_BR_KIND] === S.BR_BLR) setPairNum(x, 60, pc + 4);
          this.pc = target;
          this.instret++;
          entry = true;
          if ((target & 3) !== 0) {
            takePcAlignment(this);
            this.excCycles--; // the branch's cycle covers the entry
          }
          continue;
        }
        case O.OP_ADR: {
          const imm = f[k + S.F_ADR_OFFSET];
          setPairNum(
            x,
            f[k + O.F_RD],
            f[k + S.F_ADR_PAGE] ? Math.floor(pc / 4096) * 4096 + imm * 4096 : pc + imm,
          );
          break;
        }
        case O.OP_NOP:
          break;
        case O.OP_LDST:
          st = execLdSt(this, f, k);
          break;
        case O.OP_LDST_REG:
          st = execLdStReg(this, f, k);
          break;
        case O.OP_LDSTP:
          st = execLdStPair(this, f, k);
          break;
        case O.OP_ADDSUB_EXT:
          execAddSubExt(this, f, k);
          break;
        case O.OP_ADC:
          execAdc(this, f, k);
          break;
        case O.OP_SHIFTV:
          execShiftV(this, f, k);
          break;
        case O.OP_BITFIELD:
          execBitfield(this, f, k);
          break;
        case O.OP_EXTR:
          execExtr(this, f, k);
          break;
        case O.OP_MADD:
          execMadd(this, f, k);
          break;
        case O.OP_CCMP:
          execCcmp(this, f, k);
          break;
        default:
          st = execCold(this, op, f, k);
      }
      if (st === O.ST_RETIRE) {
        this.pc = pc + 4;
        this.instret++;
        continue;
      }
      entry = true;
      if (st & O.ST_RETIRE) {
        if (!(st & O.ST_PC_SET)) this.pc = pc + 4;
        this.instret++;
      } else {
        // An exception was taken: the EL (and so the fetch permissions) may differ.
        pageVa = Number.NaN;
      }
      if (st & O.ST_STOP) return this.stopReason;
      if (st & O.ST_RECHECK) check = true;
    }
  }
}

/** Write a signed-64-bit Number (an address) into register halves. */
function setPairNum(x: Int32Array, d: number, v: number): void {
  const hi = Math.floor(v / TWO32);
  x[d] = (v - hi * TWO32) | 0;
  x[d + 1] = hi | 0;
}
