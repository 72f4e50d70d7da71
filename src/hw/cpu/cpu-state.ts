// The architectural state of one AArch64 core (EL0/EL1) and the plain-data
// form it saves to. X registers are pairs of 32-bit halves in an Int32Array
// (no BigInt on the hot path); slot 31 reads as zero, slot 32 swallows
// writes to XZR, slot 33 is the selected stack pointer (the other one is
// banked in spBank and swapped in when PSTATE.EL or PSTATE.SP changes).
// PC is a Number holding the address as a signed 64-bit value: exact for
// every canonical address (top bits a sign extension of bit 52 or below).

import type { GuestRam } from '../mem/guest-ram.ts';
import type { DecodeCache } from './decode-cache.ts';
import { FpRegs } from './fp-state.ts';
import type { GuestCpu, GuestPort, MmioAccess, StopReason, SysregAccess } from './guest-port.ts';
import { disassemble } from './isa/disasm.ts';
import { Mmu } from './mmu/mmu.ts';
import { PERM_EL0_SHIFT, PERM_R, PERM_W, PERM_X } from './mmu/tlb.ts';
import { SLOT_SP, SLOTS, UNDEF_NAMES } from './ops.ts';
import { mpidrAffinity } from './mpidr.ts';
import { IDX_MPIDR, IDX_SCTLR, SYSREGS } from './sysregs.ts';

const TWO32 = 4294967296;
/** How many distinct UNDEFINED instruction words a cpu remembers. */
const UNDEF_SEEN_MAX = 16;
/** PARange = 40 bits (ID_AA64MMFR0_EL1): physical addresses at or above fault. */
export const PA_LIMIT = 2 ** 40;

/**
 * The last exception entry: vector address (the PC after entry), ELR, ESR
 * (-1 for an interrupt, which leaves ESR_EL1 alone), instret at entry, and
 * how many times in a row it was taken with no instruction retired between.
 * Statistics for the run summary, not architectural state.
 */
export interface ExceptionLoopTracker {
  vector: number;
  elr: number;
  esr: number;
  instret: number;
  count: number;
}

export class CpuCore implements GuestCpu {
  readonly x = new Int32Array(SLOTS * 2);
  /** V0-V31, FPCR, FPSR. */
  readonly fp = new FpRegs();
  pc = 0;
  nf = 0;
  zf = 0;
  cf = 0;
  vf = 0;
  /** PSTATE.{D,A,I,F} as bits 3..0 (the DAIFSet/DAIFClr immediate layout). */
  daif = 0xf;
  /**
   * Told after PSTATE.I changed (MSR DAIF/DAIFSet/DAIFClr, exception entry,
   * ERET, warm reset): the trace's hook (a VM sets it only when it traces).
   * Null, the default, costs one test where PSTATE.I changes, none per instruction.
   */
  onMaskI: ((c: CpuCore) => void) | null = null;
  /**
   * Told after each exception entry (exceptions.ts takeException) with the
   * vector offset (VEC_*) and the EL it was taken from: the trace's hook
   * (exception-record.ts), set only when a VM traces; null costs one test per entry.
   */
  onException: ((c: CpuCore, vec: number, fromEl: number) => void) | null = null;
  el = 1;
  /** PSTATE.SP: 1 selects SP_ELx at EL1 (always 0 at EL0). */
  spsel = 1;
  /** Banked stack pointers [SP_EL0 lo, hi, SP_EL1 lo, hi]; the selected one is stale here. */
  readonly spBank = new Int32Array(4);
  /** Stored system registers, a lo/hi pair per SYSREGS entry. */
  readonly sys = new Int32Array(SYSREGS.length * 2);
  irqLine = false;
  fiqLine = false;
  instret = 0;
  /** Exceptions taken (entries to EL1: synchronous, IRQ, FIQ). */
  exceptions = 0;
  /** Cycles spent on exception entries: one each, except those part of a retiring instruction (SVC). */
  excCycles = 0;
  /**
   * Instructions retired and cycles spent at EL0 before the current EL0
   * stint, and the counts when it began: the PMU's EL filters read
   * instretAtEl0()/cyclesAtEl0(). Updated at EL changes only (setElSp), not
   * per instruction. An exception entry's cycle belongs to EL1; an ERET's
   * instruction to EL1; an SVC's to EL0.
   */
  el0Instret = 0;
  el0Cycles = 0;
  el0InstretMark = 0;
  el0CyclesMark = 0;
  /** ID_AA64DFR0_EL1.PMUVer: 0 no PMU, 1 PMUv3 (Armv8.0). Configuration, set by the machine. */
  pmuVer = 0;
  /** ID_AA64PFR0_EL1.GIC: 0 no GIC system registers, 1 GICv3 CPU interface (a GICv3 board). Configuration. */
  gicSysregs = 0;
  /** The last exception taken and how often in a row with nothing retired between (exceptions.ts). */
  readonly excLoop: ExceptionLoopTracker = { vector: 0, elr: 0, esr: 0, instret: -1, count: 0 };
  stopReason: StopReason = 'budget';
  stopRequested = false;
  /** imm16 of the last HVC/SMC. */
  hvcImm = 0;
  readonly mmio: MmioAccess = {
    va: 0,
    pa: 0,
    size: 0,
    write: false,
    isv: false,
    sas: 0,
    sse: false,
    srt: 0,
    sf: false,
    ar: false,
    valueLo: 0,
    valueHi: 0,
    iss: 0,
  };
  readonly sysregAccess: SysregAccess = { encoding: 0, write: false, rt: 0, value: 0n };
  /** An exit is outstanding: 0 none, 1 MMIO, 2 system register. */
  pendingExit = 0;
  /** Completing an exit: the next port access of that kind returns replay* instead of calling the port. */
  replay = false;
  replayLo = 0;
  replayHi = 0;
  /** The value a port gave with setReadValue (SYSREG_READ_IN_PLACE). */
  readLo = 0;
  readHi = 0;
  /** UNDEFINED encodings executed, by reason (statistics, not state). */
  readonly undefCounts = new Uint32Array(UNDEF_NAMES.length);
  /**
   * The first distinct UNDEFINED instruction words this cpu executed (at most
   * UNDEF_SEEN_MAX), with where and at which EL: what a run summary reports so
   * a user can tell which instruction a guest needed. Statistics, not state.
   */
  readonly undefSeen: { pc: number; insn: number; el: number }[] = [];
  /** Derived from SCTLR_EL1 and PSTATE.EL (recomputed by updateControl). */
  strictAlign = true;
  spAlignCheck = false;
  /** SCTLR_EL1.M = 0: no stage-1 translation, VA = PA (the hot path skips the MMU). */
  identityMap = true;
  /** Stage-1 MMU and its TLBs (src/hw/cpu/mmu). */
  readonly mmu: Mmu;
  /** TLB permission bit an access needs at the current EL (read, write, fetch). */
  permR = PERM_R;
  permW = PERM_W;
  permX = PERM_X;

  constructor(
    readonly index: number,
    readonly ram: GuestRam,
    readonly port: GuestPort,
    readonly cache: DecodeCache,
  ) {
    this.mmu = new Mmu(ram, this.sys, index);
    this.warmReset(0);
  }

  /** Record the instruction at PC as UNDEFINED (not on a hot path: only when one is taken). */
  noteUndefined(): void {
    if (this.undefSeen.length >= UNDEF_SEEN_MAX) return;
    const insn = this.insnWordAt(this.pc);
    if (this.undefSeen.some((u) => u.insn === insn)) return;
    this.undefSeen.push({ pc: this.pc, insn, el: this.el });
  }

  /**
   * The instruction word at virtual address `va` (unsigned), or -1 where it
   * is not readable: a side-effect-free walk (no TLB fill, no fault taken).
   * For reports and traces, never the execution path.
   */
  insnWordAt(va: number): number {
    const pa = this.identityMap ? va : this.mmu.walk(va) < 0 ? this.mmu.wPa + (va & 0xfff) : -1;
    return pa >= 0 && this.ram.contains(pa, 4) ? this.ram.read32(pa) >>> 0 : -1;
  }

  /** The disassembly of the instruction at `va` (`disassemble`, isa/disasm.ts), or `?` where it is not readable. */
  insnTextAt(va: number): string {
    const w = this.insnWordAt(va);
    return w < 0 ? '?' : disassemble(w, va);
  }

  /**
   * Warm reset to `pc` (PSCI CPU_ON, an image loader): EL1h, all of DAIF
   * masked, registers zero, system registers at their reset values. The
   * instruction count and the input lines are kept; Cpu.reset() is the
   * power-on reset of the Saveable interface.
   */
  warmReset(pc: number): void {
    this.x.fill(0);
    this.fp.reset();
    this.spBank.fill(0);
    this.pc = pc;
    this.nf = this.zf = this.cf = this.vf = 0;
    const wasI = this.daif & 2;
    this.daif = 0xf;
    if (wasI === 0 && this.onMaskI !== null) this.onMaskI(this);
    this.countEl0(1);
    this.el = 1;
    this.spsel = 1;
    SYSREGS.forEach((r, i) => {
      this.setSysBig(i, r.reset);
    });
    this.setSysBig(IDX_MPIDR, SYSREGS[IDX_MPIDR].reset | BigInt(mpidrAffinity(this.index)));
    this.pendingExit = 0;
    this.replay = false;
    this.ram.excl[this.index] = -1;
    this.ram.eventRegs[this.index] = 0;
    this.updateControl();
    this.mmu.flushAll();
  }

  // ---- general registers ----
  getX(n: number): bigint {
    return (BigInt(this.x[2 * n + 1] >>> 0) << 32n) | BigInt(this.x[2 * n] >>> 0);
  }
  setX(n: number, v: bigint | number): void {
    const u = BigInt.asUintN(64, BigInt(v));
    if (n >= 31) return;
    this.x[2 * n] = Number(u & 0xffff_ffffn) | 0;
    this.x[2 * n + 1] = Number(u >> 32n) | 0;
  }
  xLo(n: number): number {
    return this.x[2 * n] >>> 0;
  }
  xHi(n: number): number {
    return this.x[2 * n + 1] >>> 0;
  }
  setXHalves(n: number, lo: number, hi: number): void {
    if (n >= 31) return;
    this.x[2 * n] = lo | 0;
    this.x[2 * n + 1] = hi | 0;
  }
  /** The selected stack pointer. */
  getSp(): bigint {
    return (BigInt(this.x[2 * SLOT_SP + 1] >>> 0) << 32n) | BigInt(this.x[2 * SLOT_SP] >>> 0);
  }
  setSp(v: bigint | number): void {
    const u = BigInt.asUintN(64, BigInt(v));
    this.x[2 * SLOT_SP] = Number(u & 0xffff_ffffn) | 0;
    this.x[2 * SLOT_SP + 1] = Number(u >> 32n) | 0;
  }
  /**
   * Cycles this core has spent: one per instruction retired and one per
   * exception entry that is not part of a retiring instruction
   * (exceptions.ts). run(max) budgets in these; the run limit counts them.
   */
  get cycles(): number {
    return this.instret + this.excCycles;
  }
  instretAtEl0(): number {
    return this.el0Instret + (this.el === 0 ? this.instret - this.el0InstretMark : 0);
  }
  cyclesAtEl0(): number {
    return this.el0Cycles + (this.el === 0 ? this.instret + this.excCycles - this.el0CyclesMark : 0);
  }
  /** EL0 bookkeeping at a change of PSTATE.EL (before `el` is set). */
  private countEl0(el: number): void {
    if (this.el === 0 && el !== 0) {
      this.el0Instret += this.instret - this.el0InstretMark;
      this.el0Cycles += this.instret + this.excCycles - this.el0CyclesMark;
    } else if (this.el !== 0 && el === 0) {
      this.el0InstretMark = this.instret;
      this.el0CyclesMark = this.instret + this.excCycles;
    }
  }
  requestStop(): void {
    this.stopRequested = true;
  }
  setReadValue(lo: number, hi: number): void {
    this.readLo = lo | 0;
    this.readHi = hi | 0;
  }
  /** Event Register (Arm ARM D1.6.1): WFE completes at once when set. */
  get eventRegister(): boolean {
    return this.ram.eventRegs[this.index] !== 0;
  }

  // ---- PSTATE ----
  /** PSTATE in SPSR layout (NZCV, DAIF, M[3:0]). */
  pstate(): number {
    return (
      (((this.nf << 31) |
        (this.zf << 30) |
        (this.cf << 29) |
        (this.vf << 28) |
        (this.daif << 6) |
        (this.el << 2)) +
        this.spsel) >>>
      0
    );
  }
  setNzcv(v: number): void {
    this.nf = (v >>> 31) & 1;
    this.zf = (v >>> 30) & 1;
    this.cf = (v >>> 29) & 1;
    this.vf = (v >>> 28) & 1;
  }
  /** Change PSTATE.EL / PSTATE.SP, swapping the selected stack pointer. */
  setElSp(el: number, spsel: number): void {
    const x = this.x;
    const s = 2 * SLOT_SP;
    const oldBank = this.el !== 0 && this.spsel === 1 ? 2 : 0;
    this.spBank[oldBank] = x[s];
    this.spBank[oldBank + 1] = x[s + 1];
    if (el !== this.el) this.countEl0(el);
    this.el = el;
    this.spsel = el === 0 ? 0 : spsel;
    const newBank = this.el !== 0 && this.spsel === 1 ? 2 : 0;
    x[s] = this.spBank[newBank];
    x[s + 1] = this.spBank[newBank + 1];
    this.updateControl();
  }
  /** SP_EL0 or SP_EL1 whichever is selected or banked. */
  bankedSp(el1: boolean): bigint {
    const selected = this.el !== 0 && this.spsel === 1;
    if (selected === el1) return this.getSp();
    const b = el1 ? 2 : 0;
    return (BigInt(this.spBank[b + 1] >>> 0) << 32n) | BigInt(this.spBank[b] >>> 0);
  }
  setBankedSp(el1: boolean, v: bigint): void {
    const selected = this.el !== 0 && this.spsel === 1;
    if (selected === el1) {
      this.setSp(v);
      return;
    }
    const u = BigInt.asUintN(64, v);
    const b = el1 ? 2 : 0;
    this.spBank[b] = Number(u & 0xffff_ffffn) | 0;
    this.spBank[b + 1] = Number(u >> 32n) | 0;
  }

  // ---- system registers ----
  sysLo(i: number): number {
    return this.sys[2 * i];
  }
  getSysBig(i: number): bigint {
    return (BigInt(this.sys[2 * i + 1] >>> 0) << 32n) | BigInt(this.sys[2 * i] >>> 0);
  }
  setSysBig(i: number, v: bigint): void {
    const u = BigInt.asUintN(64, v);
    this.sys[2 * i] = Number(u & 0xffff_ffffn) | 0;
    this.sys[2 * i + 1] = Number(u >> 32n) | 0;
  }
  /** A system register as a signed-64-bit Number (addresses: ELR, VBAR). */
  getSysNum(i: number): number {
    return this.sys[2 * i + 1] * TWO32 + (this.sys[2 * i] >>> 0);
  }
  setSysNum(i: number, v: number): void {
    const hi = Math.floor(v / TWO32);
    this.sys[2 * i] = (v - hi * TWO32) | 0;
    this.sys[2 * i + 1] = hi | 0;
  }
  /** By architectural name (tests, debuggers); throws for names not in the core. */
  getSysreg(name: string): bigint {
    const i = SYSREGS.findIndex((r) => r.name === name);
    if (i < 0) throw new RangeError(`no core system register ${name}`);
    return this.getSysBig(i);
  }
  setSysreg(name: string, v: bigint | number): void {
    const i = SYSREGS.findIndex((r) => r.name === name);
    if (i < 0) throw new RangeError(`no core system register ${name}`);
    this.setSysBig(i, BigInt(v));
    this.updateControl();
  }

  /** Recompute what the hot path reads from SCTLR_EL1 and PSTATE.EL. */
  updateControl(): void {
    const sctlr = this.sys[2 * IDX_SCTLR];
    // With SCTLR_EL1.M = 0 every data access is Device-nGnRnE (Arm ARM D8.2.11), and
    // unaligned accesses to Device memory take an Alignment fault; SCTLR_EL1.A checks all.
    this.strictAlign = (sctlr & 1) === 0 || (sctlr & 2) !== 0;
    // SCTLR_EL1.SA (EL1) / SA0 (EL0): SP alignment checking (Arm ARM D1.8.2).
    this.spAlignCheck = ((sctlr >>> (this.el === 0 ? 4 : 3)) & 1) === 1;
    this.identityMap = (sctlr & 1) === 0;
    const sh = this.el === 0 ? PERM_EL0_SHIFT : 0;
    this.permR = PERM_R << sh;
    this.permW = PERM_W << sh;
    this.permX = PERM_X << sh;
    this.mmu.sync();
  }

  /** Invalidate this cpu's TLBs (TLBI VMALLE1; also after a restore, when RAM changed). */
  tlbInvalidate(): void {
    this.mmu.flushAll();
  }
}
