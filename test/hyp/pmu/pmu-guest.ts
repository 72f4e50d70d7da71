// A kvm-unit-tests-style PMU check as a guest (kvm-unit-tests arm/pmu.c's
// pmu-event-introspection, pmu-cycle-counter and pmu-overflow-interrupt, in
// our own words), run on the reference machine and on each generation. Each
// observation is a quad at RES + 8 * index; the guest ends with SYSTEM_OFF.

import { BOARD_ASM_SYMBOL_MAP } from '../../../src/hw/board/asm-symbols.ts';
import { DEFAULT_BOARD } from '../../../src/hw/board/board.ts';
import { assemble } from '../../../src/hw/cpu/asm/index.ts';
import { Vm } from '../../../src/hyp/vm.ts';
import { ReferenceMachine } from '../../../src/reference/machine.ts';
import type { TraceSink } from '../../../src/sim/trace/sink.ts';

export const RES = 0x4100_0000;
export const CODE = 0x4008_0000;

/** Result slots. */
export const R = {
  DFR0: 0,
  PMCR: 1,
  PMCEID0: 2,
  CYCLES: 3,
  INSTRET: 4,
  SWINC: 5,
  IRQS: 6,
  IRQ_INTID: 7,
  OVS_AFTER: 8,
  EL0_NO_CR: 9,
  EL0_CR: 10,
  EL0_COUNTED: 11,
  EL1_SYNC: 12,
  EL1_ONLY: 13,
} as const;

export const PMU_GUEST = `
        .equ RES, ${RES}
_start:
        ldr     x0, =vectors
        msr     vbar_el1, x0
        ldr     x20, =RES
        ldr     x21, =GICD_BASE
        ldr     x22, =GICC_BASE
        mov     x23, #0                 // PMU interrupts taken
        mov     x24, #0                 // the INTID acknowledged
        mov     x25, #0                 // ESR of the last EL0 trap / UNDEFINED
        mov     x26, #0                 // EL1 synchronous exceptions (UNDEFINED)
        // introspection
        mrs     x0, id_aa64dfr0_el1
        str     x0, [x20, #0]
        mrs     x0, pmcr_el0
        str     x0, [x20, #8]
        mrs     x0, pmceid0_el0
        str     x0, [x20, #16]
        // the cycle counter over ten instructions (the enabling MSR counts, the reading MRS not)
        msr     pmccfiltr_el0, xzr
        mov     x0, #5                  // PMCR.E | PMCR.C
        msr     pmcr_el0, x0
        mov     x0, #0x80000000
        msr     pmcntenset_el0, x0
        nop
        nop
        nop
        nop
        nop
        nop
        nop
        nop
        nop
        nop
        mrs     x1, pmccntr_el0
        str     x1, [x20, #24]
        // instructions retired on event counter 0 over a 20-iteration loop (2 instructions each)
        mov     x0, #8
        msr     pmevtyper0_el0, x0
        msr     pmevcntr0_el0, xzr
        mov     x2, #20
        mov     x0, #1
        msr     pmcntenset_el0, x0
1:      subs    x2, x2, #1
        b.ne    1b
        mrs     x1, pmevcntr0_el0
        str     x1, [x20, #32]
        // software increment on counter 2
        msr     pmevtyper2_el0, xzr
        msr     pmevcntr2_el0, xzr
        mov     x0, #4
        msr     pmcntenset_el0, x0
        msr     pmswinc_el0, x0
        msr     pmswinc_el0, x0
        msr     pmswinc_el0, x0
        mrs     x1, pmevcntr2_el0
        str     x1, [x20, #40]
        // the overflow interrupt: counter 1 counts instructions from 0xffffffe0
        mov     w0, #1
        str     w0, [x21, #GICD_CTLR]
        mov     w0, #(1 << INTID_PMU)
        str     w0, [x21, #GICD_ISENABLER]
        mov     w0, #0xa0
        strb    w0, [x21, #(GICD_IPRIORITYR + INTID_PMU)]
        mov     w0, #0xf0
        str     w0, [x22, #GICC_PMR]
        mov     w0, #1
        str     w0, [x22, #GICC_CTLR]
        mov     x0, #8
        msr     pmevtyper1_el0, x0
        ldr     x0, =0xffffffe0
        msr     pmevcntr1_el0, x0
        mov     x0, #2
        msr     pmintenset_el1, x0
        msr     pmcntenset_el0, x0
        msr     daifclr, #2
        mov     x2, #300
2:      subs    x2, x2, #1
        b.ne    2b
        msr     daifset, #2
        mov     x0, #2
        msr     pmcntenclr_el0, x0
        str     x23, [x20, #48]
        str     x24, [x20, #56]
        mrs     x0, pmovsset_el0
        str     x0, [x20, #64]
        // EL0: PMCCNTR_EL0 with PMUSERENR_EL0 = 0, then with CR
        msr     pmuserenr_el0, xzr
        bl      el0_try
        str     x25, [x20, #72]
        mov     x0, #4
        msr     pmuserenr_el0, x0
        bl      el0_try
        str     x25, [x20, #80]
        // EL filtering: counter 3 counts instructions at EL0 only (P), counter 4 at EL1 only (U)
        mov     x0, #8
        orr     x0, x0, #0x80000000
        msr     pmevtyper3_el0, x0
        mov     x0, #8
        orr     x0, x0, #0x40000000
        msr     pmevtyper4_el0, x0
        msr     pmevcntr3_el0, xzr
        msr     pmevcntr4_el0, xzr
        mov     x0, #0x18
        msr     pmcntenset_el0, x0
        bl      el0_try
        mov     x0, #0x18
        msr     pmcntenclr_el0, x0
        mrs     x0, pmevcntr3_el0
        str     x0, [x20, #88]
        mrs     x0, pmevcntr4_el0
        str     x0, [x20, #104]
        str     x26, [x20, #96]
        ldr     x0, =PSCI_SYSTEM_OFF
        hvc     #0
        b       .

// Run el0_code at EL0 (interrupts masked), back at the SVC it ends with.
el0_try:
        mov     x25, #0
        mov     x28, x30
        ldr     x0, =el0_code
        msr     elr_el1, x0
        mov     x0, #0x3c0
        msr     spsr_el1, x0
        ldr     x0, =0x41100000
        msr     sp_el0, x0
        eret
el0_code:
        mrs     x1, pmccntr_el0
        nop
        nop
        svc     #0

// EL1 synchronous (an UNDEFINED PMU access of an older KVM): count it, skip the instruction.
el1_sync:
        add     x26, x26, #1
        mrs     x27, elr_el1
        add     x27, x27, #4
        msr     elr_el1, x27
        eret

// From EL0: an SVC returns to el0_try's caller; anything else is recorded and skipped.
el0_sync:
        mrs     x27, esr_el1
        lsr     x0, x27, #26
        cmp     x0, #0x15
        b.eq    3f
        mov     x25, x27
        mrs     x27, elr_el1
        add     x27, x27, #4
        msr     elr_el1, x27
        eret
3:      br      x28

irq:
        ldr     w10, [x22, #GICC_IAR]
        and     w11, w10, #0x3ff
        mov     x24, x11
        add     x23, x23, #1
        mov     x12, #2
        msr     pmovsclr_el0, x12
        str     w10, [x22, #GICC_EOIR]
        eret

        .balign 2048
vectors:
        b       .
        .balign 0x80
        b       .
        .balign 0x80
        b       .
        .balign 0x80
        b       .
        .balign 0x80
        b       el1_sync                // 0x200 current EL, SP_ELx
        .balign 0x80
        b       irq                     // 0x280
        .balign 0x80
        b       .
        .balign 0x80
        b       .
        .balign 0x80
        b       el0_sync                // 0x400 lower EL
        .balign 0x80
        b       .
`;

export type MachineName = 'reference' | 'linux-4.2' | 'linux-4.3' | 'linux-7.0';
export const MACHINES: readonly MachineName[] = ['reference', 'linux-4.2', 'linux-4.3', 'linux-7.0'];

export interface PmuRun {
  readonly end: string;
  readonly res: (i: number) => bigint;
  readonly machine: ReferenceMachine | Vm;
}

export function runPmuGuest(name: MachineName, opts: { trace?: TraceSink; src?: string } = {}): PmuRun {
  const img = assemble(opts.src ?? PMU_GUEST, { base: CODE, predefined: BOARD_ASM_SYMBOL_MAP });
  const limits = { ticks: 1_000_000, instructions: 1_000_000 };
  let end: string;
  let m: ReferenceMachine | Vm;
  if (name === 'reference') {
    const ref = new ReferenceMachine({ board: DEFAULT_BOARD, trace: opts.trace });
    ref.load(img.base, img.bytes, img.entry);
    end = ref.run(limits).end;
    m = ref;
  } else {
    const vm = new Vm({ board: DEFAULT_BOARD, policy: name, trace: opts.trace });
    vm.load(img.base, img.bytes, img.entry);
    end = vm.run(limits);
    m = vm;
  }
  const ram = m.board.ram;
  return { end, machine: m, res: (i) => ram.read64(RES + 8 * i) };
}
