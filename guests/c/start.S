// Entry of the C guest: EL1, MMU off, no stack, .bss undefined.
// Sets SP, zeroes .bss (C expects it), calls main, and powers the machine
// off through PSCI if main ever returns.

#define PSCI_SYSTEM_OFF_HI 0x8400   // SYSTEM_OFF = 0x8400_0008 (Arm DEN 0022)
#define PSCI_SYSTEM_OFF_LO 0x0008

    .section .text.start, "ax"
    .global _start
_start:
    adrp    x0, stack_top
    add     x0, x0, :lo12:stack_top
    mov     sp, x0

    // .bss is 16-byte aligned and sized by the linker script
    adrp    x0, __bss_start
    add     x0, x0, :lo12:__bss_start
    adrp    x1, __bss_end
    add     x1, x1, :lo12:__bss_end
1:  cmp     x0, x1
    b.hs    2f
    stp     xzr, xzr, [x0], #16
    b       1b

2:  bl      main

    movz    x0, #PSCI_SYSTEM_OFF_LO
    movk    x0, #PSCI_SYSTEM_OFF_HI, lsl #16
    hvc     #0
3:  wfi
    b       3b

    // The stack lives in .bss: zeroing it above is harmless (nothing is on it yet).
    .section .bss.stack, "aw", %nobits
    .balign 16
stack_bottom:
    .space  0x4000
stack_top:
