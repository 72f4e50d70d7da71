// The layout of each op's decoded slot, by name: which of the STRIDE int32
// fields (ops.ts: F_RD F_RN F_RM F_R3 F_IMM F_IMMHI F_A F_B) holds what,
// and the bits packed into a field. Defined once here: the decode table's
// fills (isa/encodings-*.ts) write by these names, the executors (exec-*.ts),
// the run loop and the translator (jit/) read by them. `F_<OP>_<FIELD>` is a
// field index, `<OP>_<BIT>` a bit mask, `_MASK` a mask after shifting right
// by `_LSB`. Plain numeric consts: esbuild folds them into the bundle's
// code (`f[k+6]`), so a named read costs what a raw one did. It folds only
// the consts of a file without value imports: so each field index here is a
// literal typed `typeof F_A` (...), which the compiler checks against ops.ts.
// The values of a whole field (AS_*, LK_*, AM_*, LX_*, HINT_*, EXC_*, PSF_*, SYS_*, FPH_*)
// stay in ops.ts with the op numbers. Register fields hold Cpu.x indexes.

import type { F_A, F_B, F_IMM, F_IMMHI, F_R3, F_RD, F_RM, F_RN } from './ops.ts';

// A shifted register operand (OP_ADDSUB_SHIFT, OP_LOGIC_SHIFT: F_B): type, amount.
/** Shift type in bits 1:0: SHIFT_LSL, SHIFT_LSR, SHIFT_ASR, SHIFT_ROR (alu.ts shift64/shift32). */
export const SHIFT_TYPE_MASK = 3;
export const SHIFT_AMOUNT_LSB = 2;
export const SHIFT_LSL = 0;
export const SHIFT_LSR = 1;
export const SHIFT_ASR = 2;
export const SHIFT_ROR = 3;

// OP_MOVI (MOVZ, MOVN, MOV bitmask): the 64-bit value as two halves.
export const F_MOVI_LO: typeof F_IMM = 4;
export const F_MOVI_HI: typeof F_IMMHI = 5;

// OP_MOVK: imm16 inserted at bit F_MOVK_POS (hw * 16); F_MOVK_SF 1 for the 64-bit form.
export const F_MOVK_IMM16: typeof F_IMM = 4;
export const F_MOVK_POS: typeof F_A = 6;
export const F_MOVK_SF: typeof F_B = 7;

// OP_ADDSUB_IMM, OP_ADDSUB_SHIFT, OP_ADDSUB_EXT, OP_ADC: AS_SUB | AS_S | AS_SF (ops.ts) in F_AS_FLAGS.
export const F_AS_FLAGS: typeof F_A = 6;
/** OP_ADDSUB_IMM: imm12, already shifted by 12 where sh = 1. */
export const F_AS_IMM: typeof F_IMM = 4;
/** OP_ADDSUB_SHIFT: the shifted operand (SHIFT_*). */
export const F_AS_SHIFT: typeof F_B = 7;
/** OP_ADDSUB_EXT: option (UXTB..SXTX, alu.ts extend64) in bits 2:0, the left shift (0-4) above. */
export const F_AS_EXTEND: typeof F_B = 7;
export const EXTEND_OPTION_MASK = 7;
export const EXTEND_AMOUNT_LSB = 3;

// OP_LOGIC_IMM, OP_LOGIC_SHIFT: opc in bits 1:0 of F_LOGIC_OP.
export const F_LOGIC_OP: typeof F_A = 6;
export const LOGIC_OPC_MASK = 3;
export const LOGIC_AND = 0;
export const LOGIC_ORR = 1;
export const LOGIC_EOR = 2;
/** ANDS: AND setting N and Z (C = V = 0). */
export const LOGIC_ANDS = 3;
/** OP_LOGIC_IMM: the 64-bit form (bit 2); the immediate (DecodeBitMasks) in F_LOGIC_IMM_LO/HI. */
export const LOGIC_IMM_SF = 4;
export const LOGIC_IMM_SF_LSB = 2;
export const F_LOGIC_IMM_LO: typeof F_IMM = 4;
export const F_LOGIC_IMM_HI: typeof F_IMMHI = 5;
/** OP_LOGIC_SHIFT: N, the shifted operand inverted (BIC ORN EON BICS). */
export const LOGIC_NOT = 4;
/** OP_LOGIC_SHIFT: the 64-bit form. */
export const LOGIC_SHIFT_SF = 8;
export const LOGIC_SHIFT_SF_LSB = 3;
/** OP_LOGIC_SHIFT: the shifted operand (SHIFT_*). */
export const F_LOGIC_SHIFT: typeof F_B = 7;

// OP_SHIFT_IMM (LSL/LSR/ASR immediate), OP_SHIFTV (LSLV..RORV): SHIFT_* type | SHIFTOP_SF.
export const F_SHIFTOP: typeof F_A = 6;
export const SHIFTOP_TYPE_MASK = 3;
export const SHIFTOP_SF = 4;
/** OP_SHIFT_IMM: the amount. */
export const F_SHIFTOP_AMOUNT: typeof F_B = 7;

// OP_BITFIELD (SBFM, BFM, UBFM): immr, imms, opc, sf packed in F_BFM_PARAMS; the decode-time
// DecodeBitMasks (wmask, tmask) in the other fields.
export const F_BFM_PARAMS: typeof F_RM = 2;
export const BFM_IMMR_MASK = 63;
export const BFM_IMMS_LSB = 8;
export const BFM_IMMS_MASK = 63;
export const BFM_OPC_LSB = 16;
export const BFM_OPC_MASK = 3;
export const BFM_SF_LSB = 20;
export const BFM_SBFM = 0;
export const BFM_BFM = 1;
export const BFM_UBFM = 2;
export const F_BFM_WMASK_LO: typeof F_IMM = 4;
export const F_BFM_WMASK_HI: typeof F_IMMHI = 5;
export const F_BFM_TMASK_LO: typeof F_A = 6;
export const F_BFM_TMASK_HI: typeof F_B = 7;

// OP_EXTR: the lsb (imms) and 1 for the 64-bit form.
export const F_EXTR_LSB: typeof F_A = 6;
export const F_EXTR_SF: typeof F_B = 7;

// OP_ONE_SRC: the operation (ONE_SRC_*) and 1 for the 64-bit form.
export const F_ONE_SRC_OP: typeof F_A = 6;
export const F_ONE_SRC_SF: typeof F_B = 7;
export const ONE_SRC_RBIT = 0;
export const ONE_SRC_REV16 = 1;
export const ONE_SRC_REV32 = 2;
/** REV of the whole register (REV Xd, and REV Wd whose opcode is REV32's). */
export const ONE_SRC_REV = 3;
export const ONE_SRC_CLZ = 4;
export const ONE_SRC_CLS = 5;

// OP_CCMP (CCMN/CCMP): the condition, imm5 (immediate form), and the rest packed in F_CCMP_BITS.
export const F_CCMP_COND: typeof F_A = 6;
export const F_CCMP_IMM5: typeof F_IMM = 4;
export const F_CCMP_BITS: typeof F_B = 7;
/** The NZCV to set when the condition fails, N in bit 3 (CCMP_N_LSB) .. V in bit 0. */
export const CCMP_NZCV_MASK = 15;
export const CCMP_N_LSB = 3;
export const CCMP_Z_LSB = 2;
export const CCMP_C_LSB = 1;
/** CCMP (subtract); 0 for CCMN. The carry in of the comparison is this bit. */
export const CCMP_SUB_LSB = 4;
export const CCMP_SF = 32;
/** The immediate form (compare with F_CCMP_IMM5, not Rm). */
export const CCMP_IMM = 64;

// OP_CSEL (CSEL, CSINC, CSINV, CSNEG): the condition, and kind | CSEL_SF in F_CSEL_BITS.
export const F_CSEL_COND: typeof F_A = 6;
export const F_CSEL_BITS: typeof F_B = 7;
export const CSEL_KIND_MASK = 3;
export const CSEL_KIND_SEL = 0;
export const CSEL_KIND_INC = 1;
export const CSEL_KIND_INV = 2;
export const CSEL_KIND_NEG = 3;
export const CSEL_SF = 4;

// OP_MADD, OP_MULL (Ra in F_MUL_RA), OP_MULH, OP_DIV.
export const F_MUL_RA: typeof F_R3 = 3;
export const F_MUL_BITS: typeof F_A = 6;
/** MSUB, SMSUBL, UMSUBL: subtract the product from Ra. */
export const MUL_SUB = 1;
/** OP_MADD: the 64-bit form. */
export const MADD_SF = 2;
/** OP_MULL: signed (SMADDL, SMSUBL). */
export const MULL_SIGNED = 2;
/** OP_MULH: signed (SMULH), in F_MUL_BITS. */
export const MULH_SIGNED = 1;
/** OP_DIV: SDIV, in F_MUL_BITS. */
export const DIV_SIGNED = 1;
export const DIV_SF = 2;

// OP_ADR: the offset (in pages for ADRP) and 1 for ADRP.
export const F_ADR_OFFSET: typeof F_IMM = 4;
export const F_ADR_PAGE: typeof F_A = 6;

// Branches. OP_B, OP_BL, OP_BCOND, OP_CBZ, OP_TBZ: the byte offset from the branch.
export const F_BRANCH_OFFSET: typeof F_IMM = 4;
export const F_BCOND_COND: typeof F_A = 6;
/** OP_CBZ: CBZ_NZ | CBZ_SF; Rt in F_RN. */
export const F_CBZ_BITS: typeof F_A = 6;
export const CBZ_NZ = 1;
export const CBZ_SF = 2;
/** OP_TBZ: the bit value that branches (0 TBZ, 1 TBNZ) and the bit number; Rt in F_RN. */
export const F_TBZ_IF: typeof F_A = 6;
export const F_TBZ_BIT: typeof F_B = 7;
/** OP_BR: BR_BR, BR_BLR or BR_RET; the target register in F_RN. */
export const F_BR_KIND: typeof F_A = 6;
export const BR_BR = 0;
export const BR_BLR = 1;
export const BR_RET = 2;

// Loads and stores, general registers (OP_LDST, OP_LDST_REG, OP_LDR_LIT, OP_LDSTP, OP_LDX).
/** Rt (written by a load, read by a store); Rt2 of a pair (OP_LDSTP, OP_LDX) in F_LS_RT2. */
export const F_LS_RT: typeof F_RD = 0;
export const F_LS_RT2: typeof F_R3 = 3;
export const F_LS_BASE: typeof F_RN = 1;
/** Size log2 (bits 1:0) | LK_* kind << LS_KIND_LSB; for OP_LDX size | LX_* flags (ops.ts). */
export const F_LS_ACCESS: typeof F_A = 6;
export const LS_SIZE_MASK = 3;
export const LS_KIND_LSB = 2;
/** Offset in bytes (OP_LDST, OP_LDSTP: from the base; OP_LDR_LIT: from the PC). */
export const F_LS_OFFSET: typeof F_IMM = 4;
/** OP_LDST, OP_LDSTP: AM_* (ops.ts). */
export const F_LS_MODE: typeof F_B = 7;
/** OP_LDST, OP_LDST_REG, OP_LDR_LIT: the ISS a data abort reports (issFor in isa/encodings-ldst.ts; 0 with writeback). */
export const F_LS_ISS: typeof F_R3 = 3;
/** OP_LDST_REG: the index register, and its option | (scaled ? size : 0) << LS_INDEX_AMOUNT_LSB. */
export const F_LS_INDEX: typeof F_RM = 2;
export const F_LS_INDEX_EXTEND: typeof F_B = 7;
export const LS_INDEX_OPTION_MASK = 7;
export const LS_INDEX_AMOUNT_LSB = 3;
/** OP_LDX: Rs, the status register of a store exclusive. */
export const F_LDX_RS: typeof F_RM = 2;

// System instructions.
/** OP_MRS, OP_MSR: Rt, op0:op1:CRn:CRm:op2 (sysregEncoding), the core register's index (sysregs.ts lookupSysreg). */
export const F_SYSREG_RT: typeof F_RD = 0;
export const F_SYSREG_ENC: typeof F_IMM = 4;
export const F_SYSREG_INDEX: typeof F_A = 6;
/** OP_MSR_IMM: the PSTATE field (PSF_*) and the 4-bit immediate (CRm). */
export const F_PSTATE_FIELD: typeof F_A = 6;
export const F_PSTATE_IMM: typeof F_IMM = 4;
/** OP_HINT: the hint number (HINT_*). */
export const F_HINT: typeof F_A = 6;
/** OP_EXC: EXC_* and imm16. */
export const F_EXC_KIND: typeof F_A = 6;
export const F_EXC_IMM16: typeof F_IMM = 4;
/** OP_SYS: Rt, op1:CRn:CRm:op2 (14 bits), what it does (SYS_*). */
export const F_SYS_RT: typeof F_RD = 0;
export const F_SYS_OPS: typeof F_IMM = 4;
export const F_SYS_KIND: typeof F_A = 6;
export const SYS_OP1_LSB = 11;
export const SYS_CRM_LSB = 3;
export const SYS_CRM_MASK = 15;
export const SYS_OP2_MASK = 7;
/** OP_FP: the handler (FPH_*) and the raw instruction word. */
export const F_FP_HANDLER: typeof F_A = 6;
export const F_FP_WORD: typeof F_IMM = 4;
/** OP_UNDEF: the reason (UNDEF_NAMES index). */
export const F_UNDEF_REASON: typeof F_A = 6;
