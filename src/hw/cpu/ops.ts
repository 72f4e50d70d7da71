// Decoded operation numbers and the layout of a decoded instruction.
// Each instruction decodes once into an op number (DecodedPage.ops) and
// STRIDE int32 fields (DecodedPage.f); register fields hold the index of the
// register's low half in Cpu.x (2 * slot), so the executor never shifts.
// What each op keeps in which field, by name, is slots.ts.

/** Fields per decoded instruction. */
export const STRIDE = 8;
export const F_RD = 0;
export const F_RN = 1;
export const F_RM = 2;
/** Ra, Rt2, or a packed field. */
export const F_R3 = 3;
export const F_IMM = 4;
export const F_IMMHI = 5;
export const F_A = 6;
export const F_B = 7;

// Register slots in Cpu.x (each is a pair of 32-bit halves).
/** Reads of register 31 in its zero-register meaning. */
export const SLOT_ZR = 31;
/** Writes to register 31 in its zero-register meaning land here and are never read. */
export const SLOT_DISCARD = 32;
/** The stack pointer currently selected (SP_EL0 or SP_ELx, per PSTATE). */
export const SLOT_SP = 33;
export const SLOTS = 34;

export const OP_UNDECODED = 0;
export const OP_UNDEF = 1;
export const OP_MOVI = 2;
export const OP_MOVK = 3;
export const OP_ADDSUB_IMM = 4;
export const OP_ADDSUB_SHIFT = 5;
export const OP_ADDSUB_EXT = 6;
export const OP_ADC = 7;
export const OP_LOGIC_IMM = 8;
export const OP_LOGIC_SHIFT = 9;
export const OP_SHIFT_IMM = 10;
export const OP_SHIFTV = 11;
export const OP_BITFIELD = 12;
export const OP_EXTR = 13;
export const OP_MADD = 14;
export const OP_MULL = 15;
export const OP_MULH = 16;
export const OP_DIV = 17;
export const OP_CSEL = 18;
export const OP_CCMP = 19;
export const OP_ONE_SRC = 20;
export const OP_ADR = 21;
export const OP_B = 22;
export const OP_BL = 23;
export const OP_BCOND = 24;
export const OP_CBZ = 25;
export const OP_TBZ = 26;
export const OP_BR = 27;
export const OP_LDST = 28;
export const OP_LDST_REG = 29;
export const OP_LDR_LIT = 30;
export const OP_LDSTP = 31;
export const OP_LDX = 32;
export const OP_NOP = 33;
export const OP_HINT = 34;
export const OP_CLREX = 35;
export const OP_MSR_IMM = 36;
export const OP_MRS = 37;
export const OP_MSR = 38;
export const OP_EXC = 39;
export const OP_ERET = 40;
export const OP_SYS = 41;
/** FP/SIMD: handler (FPH_*) in F_FP_HANDLER, raw word in F_FP_WORD (slots.ts; isa/encodings-fp*.ts, exec-fp.ts). */
export const OP_FP = 42;

// F_FP_HANDLER (slots.ts) of OP_FP: the FP/SIMD handler (exec-fp.ts).
export const FPH_LDST_UIMM = 1;
export const FPH_LDST_IMM9 = 2;
export const FPH_LDST_REG = 3;
export const FPH_LDR_LIT = 4;
export const FPH_LDSTP = 5;
export const FPH_LDST_MULTI = 6;
export const FPH_SYSREG = 7;
export const FPH_SIMD_3SAME = 10;
export const FPH_SIMD_2MISC = 11;
export const FPH_SIMD_ACROSS = 12;
export const FPH_SIMD_COPY = 13;
export const FPH_SIMD_PERMUTE = 14;
export const FPH_SIMD_EXT = 15;
export const FPH_SIMD_TBL = 16;
export const FPH_SIMD_MODIMM = 17;
export const FPH_SIMD_SHIFTIMM = 18;
export const FPH_FP_ARITH2 = 20;
export const FPH_FP_ARITH1 = 21;
export const FPH_FP_CMP = 22;
export const FPH_FP_CCMP = 23;
export const FPH_FP_CSEL = 24;
export const FPH_FP_MOVIMM = 25;
export const FPH_FP_CONV = 26;
/** AdvSIMD scalar two-register miscellaneous (the FP <-> integer conversions). */
export const FPH_SIMD_SCALAR_2MISC = 27;

// Flag bits of F_AS_FLAGS (slots.ts) for add/sub and friends.
export const AS_SUB = 1;
export const AS_S = 2;
export const AS_SF = 4;

// The kind in F_LS_ACCESS (slots.ts) of OP_LDST/OP_LDST_REG/OP_LDR_LIT/OP_LDSTP (size log2 below it).
export const LK_STORE = 0;
/** Load, zero-extend. */
export const LK_LOAD = 1;
/** Load, sign-extend to 64 bits. */
export const LK_LOADS64 = 2;
/** Load, sign-extend to 32 bits (upper half zeroed). */
export const LK_LOADS32 = 3;

// F_LS_MODE (slots.ts) of OP_LDST/OP_LDSTP: addressing mode.
export const AM_OFFSET = 0;
export const AM_PRE = 1;
export const AM_POST = 2;
/** LDTR/STTR: base + imm9, checked with EL0's permissions when executed at EL1 (Arm ARM C6.2 LDTR). */
export const AM_UNPRIV = 3;

// F_LS_ACCESS (slots.ts) of OP_LDX: size log2 | flags.
export const LX_LOAD = 4;
export const LX_PAIR = 8;
export const LX_EXCL = 16;
export const LX_ORDERED = 32;

// F_HINT (slots.ts) of OP_HINT.
export const HINT_WFE = 2;
export const HINT_WFI = 3;
export const HINT_SEV = 4;
export const HINT_SEVL = 5;

// F_EXC_KIND (slots.ts) of OP_EXC.
export const EXC_SVC = 1;
export const EXC_HVC = 2;
export const EXC_SMC = 3;
export const EXC_BRK = 4;

// F_PSTATE_FIELD (slots.ts) of OP_MSR_IMM.
export const PSF_SPSEL = 0;
export const PSF_DAIFSET = 1;
export const PSF_DAIFCLR = 2;

// F_SYS_KIND (slots.ts) of OP_SYS.
export const SYS_NOP = 0;
export const SYS_DC_ZVA = 1;
export const SYS_TLBI = 2;
export const SYS_AT = 3;

/** Names of the reasons an encoding is UNDEFINED here, counted per cpu (F_UNDEF_REASON of OP_UNDEF, slots.ts). */
export const UNDEF_NAMES = [
  'unallocated',
  'fp-simd',
  'sve-sme',
  'lse-atomic',
  'crc32',
  'pointer-auth',
  'mte',
  'lrcpc',
  'flagm',
  'sysreg-access',
  'hlt',
  'el0-privileged',
  'other-extension',
] as const;
export type UndefName = (typeof UNDEF_NAMES)[number];
export function undefId(name: UndefName): number {
  return UNDEF_NAMES.indexOf(name);
}

// What an out-of-line executor tells the run loop (bit set).
/** Nothing retired (an exception was taken, PC is the vector): go on. */
export const ST_FAULT = 0;
/** The instruction retired. */
export const ST_RETIRE = 1;
/** Return from run() with cpu.stopReason. */
export const ST_STOP = 2;
/** Check for interrupts before the next instruction (PSTATE.DAIF or the inputs may have changed). */
export const ST_RECHECK = 4;
/** The executor set PC itself (branch-like: ERET, SVC); the loop must not add 4. */
export const ST_PC_SET = 8;
