// checksum.s — a small bare-metal AArch64 guest for vgicsim (and GNU as).
//
// Fills a 256-byte buffer from an LCG (seed 0x12345678, byte = state >> 24,
// the pattern of guests/c), computes its Adler-32 (zlib) with a helper call
// per byte, computes fib(15) recursively, prints both in hex on the PL011
// and powers off with PSCI SYSTEM_OFF:
//
//   adler32=0x........
//   fib15=0x00000262
//
// On exit: x19 = Adler-32, x20 = fib(15), and `result` holds
// { adler32 (word), fib (word), sp at the end (quad) } so a test can check
// that every call returned with the stack balanced.
// Calls follow AAPCS64: frame records with stp/ldp, x19-x22 callee-saved.

        .equ UART_BASE, 0x09000000
        .equ UARTFR, 0x18
        .equ UARTFR_TXFF, 5            // bit 5: transmit FIFO full
        .equ PSCI_SYSTEM_OFF, 0x84000008
        .equ ADLER_MOD, 65521
        .equ N, 256

        .text
        .global _start
_start:
        ldr     x0, =stack_top
        mov     sp, x0
        mov     x29, #0

        ldr     x0, =buffer
        mov     x1, #N
        ldr     w2, =0x12345678
        bl      fill

        ldr     x0, =buffer
        mov     x1, #N
        bl      adler32
        mov     w19, w0

        mov     w0, #15
        bl      fib
        mov     w20, w0

        ldr     x1, =result
        stp     w19, w20, [x1]
        mov     x2, sp
        str     x2, [x1, #8]

        ldr     x0, =msg_adler
        bl      puts
        mov     w0, w19
        bl      puthex32
        ldr     x0, =msg_fib
        bl      puts
        mov     w0, w20
        bl      puthex32

        ldr     x0, =PSCI_SYSTEM_OFF
        hvc     #0
parked: wfi                             // SYSTEM_OFF does not return
        b       parked

// fill(x0 = buffer, x1 = length, w2 = seed): leaf
fill:
        ldr     w3, =1664525
        ldr     w4, =1013904223
1:      cbz     x1, 2f
        madd    w2, w2, w3, w4
        lsr     w5, w2, #24
        strb    w5, [x0], #1
        sub     x1, x1, #1
        b       1b
2:      ret

// mod_adler(w0) -> w0 % 65521: leaf
mod_adler:
        mov     w1, #ADLER_MOD
        udiv    w2, w0, w1
        msub    w0, w2, w1, w0
        ret

// adler32(x0 = buffer, x1 = length) -> w0
adler32:
        stp     x29, x30, [sp, #-48]!
        mov     x29, sp
        stp     x19, x20, [sp, #16]
        stp     x21, x22, [sp, #32]
        mov     x19, x0                 // cursor
        add     x20, x0, x1             // end
        mov     w21, #1                 // a
        mov     w22, #0                 // b
1:      cmp     x19, x20
        b.hs    2f
        ldrb    w0, [x19], #1
        add     w0, w21, w0
        bl      mod_adler
        mov     w21, w0
        add     w0, w22, w21
        bl      mod_adler
        mov     w22, w0
        b       1b
2:      orr     w0, w21, w22, lsl #16
        ldp     x21, x22, [sp, #32]
        ldp     x19, x20, [sp, #16]
        ldp     x29, x30, [sp], #48
        ret

// fib(w0 = n) -> w0, recursively: fib(n) = n < 2 ? n : fib(n-1) + fib(n-2)
fib:
        cmp     w0, #2
        b.lo    1f
        stp     x29, x30, [sp, #-32]!
        mov     x29, sp
        stp     x19, x20, [sp, #16]
        mov     w19, w0
        sub     w0, w19, #1
        bl      fib
        mov     w20, w0
        sub     w0, w19, #2
        bl      fib
        add     w0, w0, w20
        ldp     x19, x20, [sp, #16]
        ldp     x29, x30, [sp], #32
1:      ret

// putc(w0): poll UARTFR.TXFF, then write UARTDR
putc:
        mov     x1, #UART_BASE
1:      ldr     w2, [x1, #UARTFR]
        tbnz    w2, #UARTFR_TXFF, 1b
        str     w0, [x1]
        ret

// puts(x0 = NUL-terminated string)
puts:
        stp     x29, x30, [sp, #-32]!
        mov     x29, sp
        str     x19, [sp, #16]
        mov     x19, x0
1:      ldrb    w0, [x19], #1
        cbz     w0, 2f
        bl      putc
        b       1b
2:      ldr     x19, [sp, #16]
        ldp     x29, x30, [sp], #32
        ret

// puthex32(w0): eight lower-case hex digits and a newline
puthex32:
        stp     x29, x30, [sp, #-32]!
        mov     x29, sp
        stp     x19, x20, [sp, #16]
        mov     w19, w0
        mov     w20, #28                // shift of the top nibble
1:      lsr     w0, w19, w20
        and     w0, w0, #0xf
        cmp     w0, #10
        add     w1, w0, #48             // '0' + d
        add     w0, w0, #87             // 'a' - 10 + d
        csel    w0, w1, w0, lo
        bl      putc
        subs    w20, w20, #4
        b.pl    1b
        mov     w0, #10                 // '\n'
        bl      putc
        ldp     x19, x20, [sp, #16]
        ldp     x29, x30, [sp], #32
        ret

        .data
data_start:
msg_adler:
        .asciz  "adler32=0x"
msg_fib:
        .asciz  "fib15=0x"
        .balign 8
result:
        .word   0, 0
        .quad   0
buffer:
        .skip   N
        .balign 16
stack:
        .skip   4096
stack_top:
