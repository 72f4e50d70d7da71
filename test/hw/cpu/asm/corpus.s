// Cross-check corpus: every instruction form and directive the assembler
// accepts, assembled by both vgicsim's assembler and GNU binutils
// (binutils.test.ts). Keep every mnemonic of MNEMONICS and every directive
// of DIRECTIVES in here.
  .global _start
  .globl other
  .type _start, %function
  .type other, @object
  .size other, 8
_start:
  nop
  /* block comment */ nop ; nop // two statements on one line
  .equ CONST, 0x10
  .set SHIFTED, (CONST << 2) | 1
  ANSWER = 6 * 7 - (8 / 2) % 3 + (~0 & 0xff) ^ 3 - -1
  mov x0, #CONST
  mov x1, SHIFTED
  mov x2, #ANSWER
  mov x3, #(end - _start)

// MOV and move wide
  mov x0, x1
  mov w0, w1
  mov x0, sp
  mov sp, x1
  mov wsp, w2
  mov w3, wsp
  mov x0, #0
  mov x0, #0x10000
  mov x0, #0xffff000000000000
  mov x0, #-1
  mov w0, #-1
  mov w0, #0xffff0000
  mov w0, #0xfffeffff
  mov x0, #0x5555555555555555
  mov w0, #0x0f0f0f0f
  mov sp, #0xff00
  mov x0, lr
  mov x29, fp
  mov x16, ip0
  mov x17, ip1
  mov x5, xzr
  movz x0, #0x1234
  movz x0, #0x1234, lsl #16
  movz x0, #0x1234, lsl #32
  movz x0, #0x1234, lsl #48
  movz w0, #0xffff, lsl #16
  movk x0, #0xbeef, lsl #48
  movk w0, #7
  movn x0, #3
  movn w0, #3, lsl #16

// add/sub
  add x0, x1, #1
  add w0, w1, #4095
  add x0, x1, #1, lsl #12
  add x0, x1, #4096
  add x0, x1, #-1
  add sp, sp, #16
  add x0, sp, #0
  sub sp, sp, #0x20
  sub x0, x1, #4, lsl #0
  adds x0, x1, #1
  subs w0, w1, #1
  subs x0, x1, #-4096
  add x0, x1, x2
  add w0, w1, w2, lsl #31
  add x0, x1, x2, lsr #63
  add x0, x1, x2, asr #3
  adds x0, x1, x2, lsl #4
  sub x0, x1, x2
  subs w0, w1, w2, asr #2
  add x0, sp, x1
  add x0, sp, x1, lsl #2
  add sp, x1, w2, uxtw
  add x0, x1, w2, uxtb
  add x0, x1, w2, uxth #1
  add x0, x1, w2, uxtw #2
  add x0, x1, x2, uxtx #3
  add x0, x1, w2, sxtb #4
  add x0, x1, w2, sxth
  add x0, x1, w2, sxtw #2
  add x0, x1, x2, sxtx
  add w0, w1, w2, uxtb
  add w0, wsp, w2
  sub x0, sp, x1, uxtx #1
  subs x0, x1, w2, sxtw
  adds w0, w1, w2, uxth
  cmp x0, #1
  cmp w0, #-1
  cmp x0, x1
  cmp x0, x1, lsl #3
  cmp sp, x1
  cmp x0, w1, uxtw
  cmn x0, #4
  cmn w0, w1
  cmn x0, x1, asr #1
  // The zero register as Rn of the shifted-register forms (found by test/hw/cpu/diff).
  cmn xzr, x15, lsl #16
  cmp wzr, w19, lsr #0
  sub x26, xzr, x17, lsl #23
  adds w1, wzr, w2
  add xzr, x14, x27, asr #36
  sub wzr, w1, w2, lsl #3
  neg x0, x1
  neg w0, w1, lsl #2
  negs x0, x1
  negs w0, w1, lsr #3
  adc x0, x1, x2
  adc w0, w1, w2
  adcs x0, x1, x2
  sbc x0, x1, x2
  sbcs w0, w1, w2

// logical
  and x0, x1, #0xff
  and w0, w1, #1
  and w0, w1, #-2
  and sp, x1, #0xfffffffffffffff0
  orr x0, x1, #0x8000000000000000
  orr w0, wzr, #0xaaaaaaaa
  eor x0, x1, #0x3333333333333333
  eor w0, w1, #0xfffffffe
  ands x0, x1, #0x7
  ands w0, w1, #0x7ffffffe
  and x0, x1, x2
  and x0, x1, x2, lsl #3
  orr w0, w1, w2, lsr #1
  orr x0, x1, x2, ror #3
  eor x0, x1, x2, asr #63
  ands w0, w1, w2
  bic x0, x1, x2
  bic w0, w1, w2, lsl #5
  bics x0, x1, x2, ror #1
  orn x0, x1, x2
  orn w0, w1, w2, lsl #2
  eon x0, x1, x2
  eon w0, w1, w2, asr #4
  tst x0, #0x8
  tst w0, #1
  tst x0, x1
  tst w0, w1, lsl #2
  mvn x0, x1
  mvn w0, w1, ror #7

// shifts and bitfields
  lsl x0, x1, #3
  lsl w0, w1, #31
  lsl x0, x1, #0
  lsr x0, x1, #63
  lsr w0, w1, #1
  asr x0, x1, #7
  asr w0, w1, #31
  ror x0, x1, #7
  ror w0, w1, #1
  lsl x0, x1, x2
  lsr w0, w1, w2
  asr x0, x1, x2
  ror w0, w1, w2
  lslv x0, x1, x2
  lsrv w0, w1, w2
  asrv x0, x1, x2
  rorv w0, w1, w2
  ubfm x0, x1, #4, #8
  sbfm w0, w1, #31, #0
  bfm x0, x1, #63, #63
  ubfx x0, x1, #4, #8
  ubfx w0, w1, #31, #1
  sbfx x0, x1, #0, #64
  sbfx w0, w1, #3, #5
  bfi x0, x1, #8, #8
  bfi w0, w1, #0, #32
  bfxil x0, x1, #16, #16
  bfxil w0, w1, #1, #2
  ubfiz x0, x1, #3, #10
  ubfiz w0, w1, #31, #1
  sbfiz x0, x1, #60, #4
  sbfiz w0, w1, #2, #3
  uxtb w0, w1
  uxth w0, w1
  sxtb x0, w1
  sxtb w0, w1
  sxth x0, w1
  sxth w0, w1
  sxtw x0, w1
  extr x0, x1, x2, #17
  extr w0, w1, w2, #31

// multiply, divide, bit operations
  mul x0, x1, x2
  mul w0, w1, w2
  madd x0, x1, x2, x3
  madd w0, w1, w2, w3
  msub x0, x1, x2, x3
  msub w0, w1, w2, w3
  mneg x0, x1, x2
  mneg w0, w1, w2
  smull x0, w1, w2
  umull x0, w1, w2
  smnegl x0, w1, w2
  umnegl x0, w1, w2
  smaddl x0, w1, w2, x3
  smsubl x0, w1, w2, x3
  umaddl x0, w1, w2, x3
  umsubl x0, w1, w2, x3
  smulh x0, x1, x2
  umulh x0, x1, x2
  udiv x0, x1, x2
  udiv w0, w1, w2
  sdiv x0, x1, x2
  sdiv w0, w1, w2
  clz x0, x1
  clz w0, w1
  cls x0, x1
  cls w0, w1
  rbit x0, x1
  rbit w0, w1
  rev x0, x1
  rev w0, w1
  rev16 x0, x1
  rev16 w0, w1
  rev32 x0, x1

// conditional select and compare
  csel x0, x1, x2, eq
  csel x0, x1, x2, ne
  csel x0, x1, x2, cs
  csel x0, x1, x2, hs
  csel x0, x1, x2, cc
  csel x0, x1, x2, lo
  csel x0, x1, x2, mi
  csel x0, x1, x2, pl
  csel x0, x1, x2, vs
  csel x0, x1, x2, vc
  csel x0, x1, x2, hi
  csel x0, x1, x2, ls
  csel x0, x1, x2, ge
  csel x0, x1, x2, lt
  csel x0, x1, x2, gt
  csel x0, x1, x2, le
  csel x0, x1, x2, al
  csel x0, x1, x2, nv
  csel w0, w1, w2, ne
  csinc x0, x1, x2, ge
  csinc w0, w1, w2, lt
  csinv x0, x1, x2, hi
  csinv w0, w1, w2, ls
  csneg x0, x1, x2, mi
  csneg w0, w1, w2, pl
  cset x0, eq
  cset w0, hs
  csetm x0, lo
  csetm w0, gt
  cinc x0, x1, le
  cinc w0, w1, vs
  cinv x0, x1, vc
  cinv w0, w1, cc
  cneg x0, x1, cs
  cneg w0, w1, ne
  ccmp x0, x1, #4, ne
  ccmp w0, #31, #15, eq
  ccmp x0, #0, #0, al
  ccmn x0, x1, #2, ge
  ccmn w0, #5, #8, lt

// loads and stores
  ldr x0, [x1]
  ldr x0, [x1, #8]
  ldr x0, [x1, #32760]
  ldr w0, [sp, #16380]
  ldr x0, [x1, #-8]
  ldr x0, [x1, #4]
  ldr w0, [x1, #255]
  ldr x0, [x1, #16]!
  ldr x0, [x1, #-256]!
  ldr w0, [x1], #4
  ldr x0, [sp], #-16
  ldr x0, [x1, x2]
  ldr x0, [x1, x2, lsl #3]
  ldr x0, [x1, x2, lsl #0]
  ldr w0, [x1, w2, uxtw]
  ldr w0, [x1, w2, uxtw #2]
  ldr x0, [x1, w2, sxtw #3]
  ldr x0, [x1, x2, sxtx]
  ldr w0, [x1, x2, sxtx #2]
  str x0, [x1]
  str w0, [x1, #4]
  str x0, [sp, #-16]!
  str xzr, [x1], #8
  str wzr, [x1, x2, lsl #2]
  ldrb w0, [x1]
  ldrb w0, [x1, #4095]
  ldrb w0, [x1, #-1]
  ldrb w0, [x1, #1]!
  ldrb w0, [x1], #1
  ldrb w0, [x1, x2]
  ldrb w0, [x1, x2, lsl #0]
  ldrb w0, [x1, w2, uxtw]
  ldrb w0, [x1, w2, sxtw #0]
  strb w0, [x1, #3]
  strb wzr, [x1, x2]
  ldrh w0, [x1, #2]
  ldrh w0, [x1, #1]
  ldrh w0, [x1, x2, lsl #1]
  ldrh w0, [x1], #2
  strh w0, [x1, #8190]
  strh w0, [x1, w2, uxtw #1]
  ldrsb x0, [x1]
  ldrsb w0, [x1, #7]
  ldrsb x0, [x1, x2]
  ldrsh x0, [x1, #2]
  ldrsh w0, [x1, #-2]!
  ldrsw x0, [x1, #4]
  ldrsw x0, [x1, x2, lsl #2]
  ldrsw x0, [x1], #-4
  ldur x0, [x1, #-8]
  ldur w0, [x1, #3]
  ldur x0, [x1]
  stur x0, [x1, #255]
  stur w0, [sp, #-256]
  ldurb w0, [x1, #-1]
  sturb w0, [x1, #1]
  ldurh w0, [x1, #-2]
  sturh w0, [x1, #2]
  ldursb x0, [x1, #-3]
  ldursb w0, [x1, #-3]
  ldursh x0, [x1, #5]
  ldursh w0, [x1, #5]
  ldursw x0, [x1, #-4]
  ldr x0, lit64
  ldr w0, lit32
  ldrsw x0, lit32
  ldr x1, 1f
  ldr x0, =0x1122334455667788
  ldr w0, =0x12345678
  ldr x2, =lit64
  ldr x3, =0x1122334455667788
  ldr w4, =0x12345678
  ldr x5, =CONST
  ldrsw x6, =-2
  ldr x7, =data_start
  ldr x8, =_start + 8
  b 2f
  .ltorg
2:
  ldp x0, x1, [x2]
  ldp x0, x1, [x2, #16]
  ldp x0, x1, [sp, #-512]
  ldp w0, w1, [x2, #252]
  ldp x29, x30, [sp], #16
  ldp w0, w1, [x2, #-8]!
  stp x29, x30, [sp, #-16]!
  stp x0, x1, [x2, #504]
  stp w0, w1, [x2], #-256
  stp xzr, xzr, [x0]
  ldpsw x0, x1, [x2, #8]
  ldpsw x0, x1, [x2], #4
  ldpsw x0, x1, [x2, #-4]!
  ldxr x0, [x1]
  ldxr w0, [x1, #0]
  ldxrb w0, [x1]
  ldxrh w0, [sp]
  ldaxr x0, [x1]
  ldaxrb w0, [x1]
  ldaxrh w0, [x1]
  stxr w2, x0, [x1]
  stxr w2, w0, [x1]
  stxrb w2, w0, [x1]
  stxrh w2, w0, [x1]
  stlxr w3, x0, [x1]
  stlxrb w3, w0, [x1]
  stlxrh w3, w0, [x1]
  ldxp x0, x1, [x2]
  ldxp w0, w1, [x2]
  ldaxp x0, x1, [x2]
  stxp w3, x0, x1, [x2]
  stxp w3, w0, w1, [x2]
  stlxp w3, x0, x1, [x2]
  ldar x0, [x1]
  ldar w0, [x1]
  ldarb w0, [x1]
  ldarh w0, [x1]
  stlr x0, [x1]
  stlr w0, [sp]
  stlrb w0, [x1]
  stlrh w0, [x1]

// branches
1:
  b 1b
  b 1f
  bl 1b
  bl far_label
  b end
1:
  cbz x0, 1b
  cbz w0, 1f
  cbnz x0, end
  cbnz w30, 1b
  tbz x0, #63, 1b
  tbz w0, #0, 1f
  tbnz x0, #32, 1b
  tbnz w1, #31, end
  br x0
  blr x1
  ret
  ret x2
  adr x0, 1b
  adr x0, 1f
  adr x1, end
  adrp x0, data_start
  add x0, x0, :lo12:data_start
  adrp x1, lit64
  ldr x1, [x1, :lo12:lit64]
1:
  b.eq 1b
  b.ne 1b
  b.cs 1b
  b.hs 1b
  b.cc 1b
  b.lo 1b
  b.mi 1b
  b.pl 1b
  b.vs 1b
  b.vc 1b
  b.hi 1b
  b.ls 1b
  b.ge 1b
  b.lt 1b
  b.gt 1b
  b.le 1b
  b.al 1b
  b.nv 1b
  b.eq end
// system
  nop
  yield
  wfe
  wfi
  sev
  sevl
  hint #0
  hint #34
  isb
  isb sy
  isb #5
  clrex
  clrex #3
  dsb sy
  dsb ish
  dsb ishst
  dsb ishld
  dsb nsh
  dsb nshst
  dsb nshld
  dsb osh
  dsb oshst
  dsb oshld
  dsb ld
  dsb st
  dmb ish
  dmb ishst
  dmb sy
  dmb #7
  msr daifset, #2
  msr daifclr, #0xf
  msr spsel, #1
  msr DAIFSet, #3
  svc #0
  hvc #0
  hvc #0xffff
  smc #1
  brk #0x3e8
  hlt #0xf000
  udf #1
  eret

  mrs x0, MIDR_EL1
  mrs x0, MPIDR_EL1
  mrs x0, REVIDR_EL1
  mrs x0, ID_AA64PFR0_EL1
  mrs x0, ID_AA64PFR1_EL1
  mrs x0, ID_AA64DFR0_EL1
  mrs x0, ID_AA64ISAR0_EL1
  mrs x0, ID_AA64ISAR1_EL1
  mrs x0, ID_AA64MMFR0_EL1
  mrs x0, ID_AA64MMFR1_EL1
  mrs x0, CurrentEL
  mrs x0, CTR_EL0
  mrs x0, DCZID_EL0
  mrs x0, CNTPCT_EL0
  mrs x0, CNTVCT_EL0
  mrs x0, ISR_EL1
  mrs x0, ICC_IAR1_EL1
  mrs x0, ICC_HPPIR1_EL1
  mrs x0, SCTLR_EL1
  mrs x0, ACTLR_EL1
  mrs x0, CPACR_EL1
  mrs x0, TTBR0_EL1
  mrs x0, TTBR1_EL1
  mrs x0, TCR_EL1
  mrs x0, SPSR_EL1
  mrs x0, ELR_EL1
  mrs x0, SP_EL0
  mrs x0, SPSel
  mrs x0, ICC_PMR_EL1
  mrs x0, AFSR0_EL1
  mrs x0, AFSR1_EL1
  mrs x0, ESR_EL1
  mrs x0, FAR_EL1
  mrs x0, PAR_EL1
  mrs x0, MAIR_EL1
  mrs x0, AMAIR_EL1
  mrs x0, VBAR_EL1
  mrs x0, ICC_BPR1_EL1
  mrs x0, ICC_CTLR_EL1
  mrs x0, ICC_SRE_EL1
  mrs x0, ICC_IGRPEN0_EL1
  mrs x0, ICC_IGRPEN1_EL1
  mrs x0, CONTEXTIDR_EL1
  mrs x0, TPIDR_EL1
  mrs x0, CNTKCTL_EL1
  mrs x0, NZCV
  mrs x0, DAIF
  mrs x0, TPIDR_EL0
  mrs x0, TPIDRRO_EL0
  mrs x0, CNTFRQ_EL0
  mrs x0, CNTP_TVAL_EL0
  mrs x0, CNTP_CTL_EL0
  mrs x0, CNTP_CVAL_EL0
  mrs x0, CNTV_TVAL_EL0
  mrs x0, CNTV_CTL_EL0
  mrs x0, CNTV_CVAL_EL0
  mrs x0, VPIDR_EL2
  mrs x0, VMPIDR_EL2
  mrs x0, SCTLR_EL2
  mrs x0, HCR_EL2
  mrs x0, SPSR_EL2
  mrs x0, ELR_EL2
  mrs x0, SP_EL1
  mrs x0, ESR_EL2
  mrs x0, FAR_EL2
  mrs x0, VBAR_EL2
  mrs x0, CNTVOFF_EL2
  mrs x0, CNTHCTL_EL2
  mrs x0, CNTHP_TVAL_EL2
  mrs x0, CNTHP_CTL_EL2
  mrs x0, CNTHP_CVAL_EL2
  msr SCTLR_EL1, x1
  msr ACTLR_EL1, x1
  msr CPACR_EL1, x1
  msr TTBR0_EL1, x1
  msr TTBR1_EL1, x1
  msr TCR_EL1, x1
  msr SPSR_EL1, x1
  msr ELR_EL1, x1
  msr SP_EL0, x1
  msr SPSel, x1
  msr ICC_PMR_EL1, x1
  msr AFSR0_EL1, x1
  msr AFSR1_EL1, x1
  msr ESR_EL1, x1
  msr FAR_EL1, x1
  msr PAR_EL1, x1
  msr MAIR_EL1, x1
  msr AMAIR_EL1, x1
  msr VBAR_EL1, x1
  msr ICC_BPR1_EL1, x1
  msr ICC_CTLR_EL1, x1
  msr ICC_SRE_EL1, x1
  msr ICC_IGRPEN0_EL1, x1
  msr ICC_IGRPEN1_EL1, x1
  msr CONTEXTIDR_EL1, x1
  msr TPIDR_EL1, x1
  msr CNTKCTL_EL1, x1
  msr NZCV, x1
  msr DAIF, x1
  msr TPIDR_EL0, x1
  msr TPIDRRO_EL0, x1
  msr CNTFRQ_EL0, x1
  msr CNTP_TVAL_EL0, x1
  msr CNTP_CTL_EL0, x1
  msr CNTP_CVAL_EL0, x1
  msr CNTV_TVAL_EL0, x1
  msr CNTV_CTL_EL0, x1
  msr CNTV_CVAL_EL0, x1
  msr VPIDR_EL2, x1
  msr VMPIDR_EL2, x1
  msr SCTLR_EL2, x1
  msr HCR_EL2, x1
  msr SPSR_EL2, x1
  msr ELR_EL2, x1
  msr SP_EL1, x1
  msr ESR_EL2, x1
  msr FAR_EL2, x1
  msr VBAR_EL2, x1
  msr CNTVOFF_EL2, x1
  msr CNTHCTL_EL2, x1
  msr CNTHP_TVAL_EL2, x1
  msr CNTHP_CTL_EL2, x1
  msr CNTHP_CVAL_EL2, x1
  msr ICC_EOIR1_EL1, x1
  msr ICC_DIR_EL1, x1
  msr ICC_SGI1R_EL1, x1
  mrs x0, s3_0_c15_c2_0
  msr s3_7_c15_c15_7, x2
  mrs x3, vbar_el1
  msr cntv_ctl_el0, xzr

// directives
  .byte 1, 2, 0xff, -1
  .hword 0x1234, -2
  .short 7
  .align 2
  .word 0xdeadbeef, end - _start
  .long -1
  .inst 0xd503201f
  .quad 0x123456789abcdef0, _start
  .quad 1 << 4 + 1, 1 | 2 + 4, 0x10 - 1 & 0xf, -8 / 3, -8 % 3, -1 >> 60, 010, 0b101, ~0 ^ 5, (3 + 4) * -2
  .ascii "ab\n\t\\\"\x41\101"
  .asciz "z"
  .string "str", "two"
  .balign 8
  .skip 3
  .space 2, 0xaa
  .p2align 3
  .byte 9
  .align 4
  .balign 16, 0xcc
  .byte 7
  .balign 8, 0xee
  .org . + 5
  .org (. - _start) + 3, 0x11
  .p2align 2
  .word . - _start
  .size _start, . - _start
  .pool
lit32: .word 0x87654321
  .balign 8
lit64: .quad 0x0102030405060708
  b far_label
  .skip 0x1000
far_label:
  ret
  ldr x9, =0xabcdef
  ldr w9, =end

  .data
data_start:
  .word 1, 2, lit32
  .quad data_start, end
  .byte 3
  .align 3
other: .quad -1
  .asciz "data"
  .p2align 4
  .text
end:
  ret

