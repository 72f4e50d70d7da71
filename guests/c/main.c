/*
 * vgicsim C guest: computes a CRC-32 over a message and a generated
 * pattern through several function calls, prints it on the PL011, checks it
 * against the value the host computed, prints PASS or FAIL, and powers off.
 *
 * Expected UART output (also in README.md and scripts/build-guest.ts):
 *   crc32=0x1d0216bd\nPASS\n
 *
 * Freestanding: no libc. Exercises .rodata (message), .data (seed), .bss
 * (table, pattern, counter: zeroed by start.S), the stack, calls with
 * arguments and results, loops, shifts, and MMIO loads/stores.
 */
#include <stddef.h>
#include <stdint.h>

/* PL011 on the virt board (PL011 TRM: UARTDR 0x000, UARTFR 0x018, TXFF bit 5) */
#define UART_BASE 0x09000000UL
#define UARTDR 0x000
#define UARTFR 0x018
#define UARTFR_TXFF (1u << 5)

/* PSCI SYSTEM_OFF function ID (Arm DEN 0022), called with hvc #0 */
#define PSCI_SYSTEM_OFF 0x84000008UL

/* CRC-32 (IEEE 802.3, reflected polynomial), as zlib's crc32() */
#define CRC32_POLY 0xEDB88320u
/* Numerical Recipes LCG: the pattern generator */
#define LCG_MUL 1664525u
#define LCG_INC 1013904223u
#define PATTERN_LEN 256

#define EXPECTED_CRC 0x1d0216bdu /* zlib crc32(message || pattern), computed on the host */

static const char message[] = "vgicsim C guest: the quick brown fox jumps over the lazy dog";
static uint32_t seed = 0x12345678u; /* .data */
static uint32_t crc_table[256];     /* .bss */
static uint8_t pattern[PATTERN_LEN];
static unsigned update_calls;

static inline uint32_t mmio_read32(uintptr_t addr)
{
    return *(volatile uint32_t *)addr;
}

static inline void mmio_write32(uintptr_t addr, uint32_t value)
{
    *(volatile uint32_t *)addr = value;
}

static void uart_putc(char c)
{
    while (mmio_read32(UART_BASE + UARTFR) & UARTFR_TXFF)
        ;
    mmio_write32(UART_BASE + UARTDR, (uint8_t)c);
}

static void uart_puts(const char *s)
{
    while (*s)
        uart_putc(*s++);
}

static void uart_puthex32(uint32_t v)
{
    static const char digits[] = "0123456789abcdef";
    for (int shift = 28; shift >= 0; shift -= 4)
        uart_putc(digits[(v >> shift) & 0xf]);
}

static void crc32_init(uint32_t *table)
{
    for (uint32_t i = 0; i < 256; i++) {
        uint32_t c = i;
        for (int k = 0; k < 8; k++)
            c = (c & 1) ? (CRC32_POLY ^ (c >> 1)) : (c >> 1);
        table[i] = c;
    }
}

static uint32_t __attribute__((noinline))
crc32_update(const uint32_t *table, uint32_t crc, const uint8_t *p, size_t n)
{
    update_calls++;
    crc = ~crc;
    while (n--)
        crc = table[(crc ^ *p++) & 0xff] ^ (crc >> 8);
    return ~crc;
}

static void __attribute__((noinline)) fill_pattern(uint8_t *buf, size_t n, uint32_t *state)
{
    for (size_t i = 0; i < n; i++) {
        *state = *state * LCG_MUL + LCG_INC;
        buf[i] = (uint8_t)(*state >> 24);
    }
}

static void __attribute__((noreturn)) psci_system_off(void)
{
    register uint64_t x0 __asm__("x0") = PSCI_SYSTEM_OFF;
    __asm__ volatile("hvc #0" : "+r"(x0) : : "memory");
    for (;;)
        __asm__ volatile("wfi");
}

int main(void)
{
    crc32_init(crc_table);
    fill_pattern(pattern, PATTERN_LEN, &seed);
    uint32_t crc = crc32_update(crc_table, 0, (const uint8_t *)message, sizeof message - 1);
    crc = crc32_update(crc_table, crc, pattern, PATTERN_LEN);

    uart_puts("crc32=0x");
    uart_puthex32(crc);
    uart_puts("\n");
    /* update_calls == 2 only if .bss was zeroed */
    uart_puts(crc == EXPECTED_CRC && update_calls == 2 ? "PASS\n" : "FAIL\n");
    psci_system_off();
}
