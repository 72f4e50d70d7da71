// The bare-metal guests of `npm run bench` (issue 16), assembled by
// vgicsim's own assembler into AArch64 ELF executables that both
// `vgicsim qemu` and qemu-system-aarch64 boot with the same command line
// (-M virt,gic-version=2 -cpu max -kernel x.elf: the guest starts at EL1 at
// its entry point, the MMU off). Each ends with PSCI SYSTEM_OFF through HVC
// (QEMU's virt board without EL2 implements PSCI with the HVC conduit; under
// vgicsim, KVM's PSCI handles it), so both processes exit 0 at the end.
// GICv2 at QEMU's virt addresses: GICD 0x08000000, GICC 0x08010000; the
// virtual timer is PPI 27 (INTID 27).

import { assemble } from '../src/hw/cpu/asm/index.ts';

/** Where the ELF is linked (RAM starts at 0x40000000; QEMU puts the DTB there). */
export const LOAD_ADDRESS = 0x4008_0000;

/** PSCI 0.2 SYSTEM_OFF (DEN0022, function ID 0x8400_0008) through HVC #0. */
const POWER_OFF = `
        movz x0, #0x0008
        movk x0, #0x8400, lsl #16
        hvc #0
        b .
`;

export interface BenchGuest {
  /** short name used on the command line (--only) and in results.json */
  readonly id: string;
  readonly title: string;
  /** what the guest does `count` times (the rate reported per wall-clock second) */
  readonly count: number;
  readonly unit: string;
  readonly source: string;
}

/** (a) add/subs/b.ne, `iterations` times: 3 instructions each, no exits. */
export function loopGuest(instructions: number): BenchGuest {
  const n = Math.max(1, Math.round(instructions / 3));
  return {
    id: 'loop',
    title: `add/subs/b.ne loop, ${fmt(3 * n)} guest instructions, no exits`,
    count: 3 * n,
    unit: 'M guest instructions/s',
    source: `
_start: ldr x0, =${n}
        mov x1, #0
1:      add x1, x1, #1
        subs x0, x0, #1
        b.ne 1b
${POWER_OFF}
        .ltorg
`,
  };
}

/**
 * (b) `ticks` virtual timer interrupts, the timer re-armed 10 us (625 ticks
 * of the 62.5 MHz counter) ahead by the handler through CNTV_TVAL_EL0, WFI
 * between them. The handler acknowledges (GICC_IAR), re-arms (the line
 * drops: the timer's condition is false again), and ends the interrupt
 * (GICC_EOIR); the last one disables the timer instead.
 */
export function tickGuest(ticks: number): BenchGuest {
  return {
    id: 'ticks',
    title: `timer tick storm, ${fmt(ticks)} interrupts, WFI between`,
    count: ticks,
    unit: 'M timer interrupts/s',
    source: `
_start: ldr x0, =vectors
        msr vbar_el1, x0
        isb
        ldr x1, =0x08000000             // GICD
        mov w2, #1
        str w2, [x1]                    // GICD_CTLR.Enable
        mov w2, #(1 << 27)
        str w2, [x1, #0x100]            // GICD_ISENABLER0: PPI 27
        ldr x1, =0x08010000             // GICC
        mov w2, #0xf0
        str w2, [x1, #4]                // GICC_PMR
        mov w2, #1
        str w2, [x1]                    // GICC_CTLR.Enable
        ldr x20, =${ticks}
        mov x9, #625                    // 10 us at 62.5 MHz
        msr cntv_tval_el0, x9
        mov x2, #1
        msr cntv_ctl_el0, x2            // ENABLE, not masked
        msr daifclr, #2
1:      wfi
        cbnz x20, 1b
        msr daifset, #2
${POWER_OFF}
        .ltorg
        .balign 2048
vectors:
        .skip 0x280                     // IRQ, current EL with SPx
        ldr w2, [x1, #0xc]              // GICC_IAR
        subs x20, x20, #1
        b.eq 2f
        msr cntv_tval_el0, x9
        b 3f
2:      msr cntv_ctl_el0, xzr
3:      str w2, [x1, #0x10]             // GICC_EOIR
        eret
`,
  };
}

/**
 * (d) Start-up: a guest that powers off at its first instructions, so the
 * whole process is start-up (the bundle loaded, the board built, one
 * instruction run) and shut-down.
 */
export function startupGuest(): BenchGuest {
  return {
    id: 'startup',
    title: 'start-up: a guest that powers off at once (PSCI SYSTEM_OFF)',
    count: 1,
    unit: 'M starts/s',
    source: `
_start:
${POWER_OFF}
`,
  };
}

/**
 * (c) kvm-unit-tests' timer test style: a loop reading the counters and
 * programming the physical timer. CNTP_CVAL_EL0 and CNTP_CTL_EL0 trap to
 * the hypervisor under KVM (CNTHCTL_EL2.EL1PCEN = 0): two exits per
 * iteration; CNTPCT_EL0 / CNTVCT_EL0 are read directly (no exit). The
 * timer stays disabled (no interrupt).
 */
export function sysregGuest(iterations: number): BenchGuest {
  return {
    id: 'sysreg',
    title: `trapped CNTP_* loop, ${fmt(iterations)} iterations (2 traps + 2 counter reads each)`,
    count: 2 * iterations,
    unit: 'M trapped accesses/s',
    source: `
_start: ldr x20, =${iterations}
1:      mrs x0, cntpct_el0
        add x0, x0, #1000
        msr cntp_cval_el0, x0
        mrs x1, cntp_ctl_el0
        mrs x2, cntvct_el0
        subs x20, x20, #1
        b.ne 1b
${POWER_OFF}
        .ltorg
`,
  };
}

function fmt(n: number): string {
  if (n >= 1e9 && n % 1e7 === 0) return `${n / 1e9} G`;
  if (n >= 1e6) return `${(n / 1e6).toFixed(n % 1e6 === 0 ? 0 : 1)} M`;
  return n.toLocaleString('en-US');
}

/**
 * The guest as an ELF64 little-endian AArch64 executable (System V gABI,
 * EM_AARCH64 = 183): the header, one PT_LOAD program header (RWX) and the
 * code, loaded and entered at LOAD_ADDRESS.
 */
export function guestElf(g: BenchGuest): Uint8Array {
  const img = assemble(g.source, { base: LOAD_ADDRESS });
  const EHDR = 64;
  const PHDR = 56;
  const out = new Uint8Array(EHDR + PHDR + img.bytes.length);
  const v = new DataView(out.buffer);
  out.set([0x7f, 0x45, 0x4c, 0x46, 2, 1, 1]); // ELFCLASS64, ELFDATA2LSB, EV_CURRENT
  v.setUint16(16, 2, true); // ET_EXEC
  v.setUint16(18, 183, true); // EM_AARCH64
  v.setUint32(20, 1, true);
  v.setBigUint64(24, BigInt(img.entry), true);
  v.setBigUint64(32, BigInt(EHDR), true); // e_phoff
  v.setUint16(52, EHDR, true);
  v.setUint16(54, PHDR, true);
  v.setUint16(56, 1, true);
  v.setUint32(EHDR, 1, true); // PT_LOAD
  v.setUint32(EHDR + 4, 7, true); // PF_R | PF_W | PF_X
  v.setBigUint64(EHDR + 8, BigInt(EHDR + PHDR), true); // p_offset
  v.setBigUint64(EHDR + 16, BigInt(img.base), true); // p_vaddr
  v.setBigUint64(EHDR + 24, BigInt(img.base), true); // p_paddr
  v.setBigUint64(EHDR + 32, BigInt(img.bytes.length), true);
  v.setBigUint64(EHDR + 40, BigInt(img.bytes.length), true);
  v.setBigUint64(EHDR + 48, 0x1000n, true); // p_align
  out.set(img.bytes, EHDR + PHDR);
  return out;
}
