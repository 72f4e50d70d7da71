// A program's guest code (program.ts): a prologue that sets up the GIC, the
// timer and the UART, one labelled block per step (`s<i>`), an epilogue that
// unmasks, prints the registers of DUMPED on the UART and powers off, and the
// IRQ handler with its vector table.

import { MEMMAP } from '../hw/board/memory-map.ts';
import {
  GICD_ICENABLER,
  GICD_ICPENDR,
  GICD_IPRIORITYR,
  GICD_ISENABLER,
  GICD_ISPENDR,
} from '../hw/gic/registers.ts';
import { hex } from '../sim/bits.ts';
import {
  GUEST_PMR,
  type HandlerConfig,
  LOG_BASE,
  type Program,
  PROGRAM_SPIS,
  type Step,
  STORM_CAP,
  TIMER_INTID,
} from './program.ts';

const GICD = MEMMAP.GICD.base;
const GICC = MEMMAP.GICC.base;
const UART = MEMMAP.UART.base;
const PSCI_SYSTEM_OFF = 0x8400_0008;
const bitOf = (intid: number) => hex(2 ** (intid % 32));
const wordOf = (base: number, intid: number) => hex(base + 4 * Math.floor(intid / 32));

/** The registers the epilogue prints (hex, one per line) so a run's final state is in its UART output. */
export const DUMPED = ['x20', 'x21', 'x22', 'x3', 'x4', 'cntv_ctl_el0', 'cntv_cval_el0', 'daif'] as const;

function stepAsm(s: Step, label: string): string[] {
  const at = (insn: string) => `${label}: ${insn}`;
  switch (s.kind) {
    case 'mask':
      return [at('msr     daifset, #2')];
    case 'unmask':
      return [at('msr     daifclr, #2')];
    case 'timerCtl':
      return [
        `mov     x4, #${(s.enable ? 1 : 0) | (s.imask ? 2 : 0)}`,
        at(`msr     cntv_ctl_el0, x4    // ENABLE=${s.enable ? 1 : 0} IMASK=${s.imask ? 1 : 0}`),
      ];
    case 'timerCval':
      return ['mrs     x3, cntvct_el0', `add     x3, x3, #${s.delta}`, at('msr     cntv_cval_el0, x3')];
    case 'timerTval':
      return [`mov     x3, #${s.value}`, at('msr     cntv_tval_el0, x3')];
    case 'gicdEnable':
      return [
        `mov     w7, #${bitOf(s.intid)}`,
        at(
          `str     w7, [x6, #${wordOf(s.on ? GICD_ISENABLER : GICD_ICENABLER, s.intid)}]  // ${s.on ? 'enable' : 'disable'} ${s.intid}`,
        ),
      ];
    case 'gicdPriority':
      return [
        `mov     w7, #${hex(s.priority)}`,
        at(`strb    w7, [x6, #${hex(GICD_IPRIORITYR + s.intid)}]  // priority of ${s.intid}`),
      ];
    case 'gicdPend':
      return [
        `mov     w7, #${bitOf(s.intid)}`,
        at(
          `str     w7, [x6, #${wordOf(s.set ? GICD_ISPENDR : GICD_ICPENDR, s.intid)}]  // ${s.set ? 'set' : 'clear'}-pending ${s.intid}`,
        ),
      ];
    case 'busy':
      return [at(`mov     x5, #${s.iterations}`), '1:  subs    x5, x5, #1', '    b.ne    1b'];
    case 'wfi':
      return [
        'mrs     x3, cntvct_el0',
        `add     x3, x3, #${s.delta}`,
        'msr     cntv_cval_el0, x3',
        'mov     x4, #1',
        'msr     cntv_ctl_el0, x4      // the timer wakes the WFI',
        at('wfi'),
      ];
    case 'exit':
      return [at('nop                       // host: exit')];
    case 'line':
      return [at(`nop                       // host: SPI ${s.intid} line ${s.level}`)];
  }
}

function handlerAsm(h: HandlerConfig): string[] {
  const capTimer = h.timer === 'none' ? [`cmp     x21, #${STORM_CAP}`, 'b.lo    8f'] : [];
  const capSpi = h.spi === 'none' ? [`cmp     x22, #${STORM_CAP}`, 'b.lo    8f'] : [];
  return [
    '.balign 2048',
    'vectors:',
    '.skip   0x280                  // current EL with SPx, IRQ at +0x280',
    'b       irq',
    '.balign 128',
    'irq:',
    `ldr     x9, =${hex(GICC)}`,
    'ldr     w10, [x9, #0xc]        // GICC_IAR',
    'and     w11, w10, #0x3ff',
    'cmp     w11, #1020',
    'b.hs    9f                     // spurious',
    'str     w10, [x19], #4         // log the IAR value',
    'add     x20, x20, #1',
    `cmp     w11, #${TIMER_INTID}`,
    'b.ne    5f',
    'add     x21, x21, #1',
    ...capTimer,
    'mrs     x12, cntv_ctl_el0',
    'orr     x12, x12, #2',
    'msr     cntv_ctl_el0, x12      // IMASK the timer',
    'b       8f',
    '5: cmp  w11, #32',
    'b.lo    8f',
    'add     x22, x22, #1',
    ...capSpi,
    'lsr     w12, w11, #5',
    'and     w14, w11, #31',
    'mov     w15, #1',
    'lsl     w15, w15, w14',
    `ldr     x13, =${hex(GICD + GICD_ICENABLER)}`,
    'str     w15, [x13, x12, lsl #2] // disable the SPI',
    '8: str  w10, [x9, #0x10]       // GICC_EOIR',
    '9: eret',
  ];
}

const PROLOGUE = [
  '_start:',
  'ldr     x0, =vectors',
  'msr     vbar_el1, x0',
  `ldr     x19, =${hex(LOG_BASE)}   // RAM log of acknowledged IAR values`,
  'mov     x20, #0                // interrupts taken',
  'mov     x21, #0                // timer interrupts taken',
  'mov     x22, #0                // SPIs taken',
  `ldr     x6, =${hex(GICD)}`,
  'mov     w7, #1',
  'str     w7, [x6]               // GICD_CTLR.EnableGrp0',
  `mov     w7, #${bitOf(TIMER_INTID)}`,
  `str     w7, [x6, #${hex(GICD_ISENABLER)}]  // enable PPI 27`,
  `mov     w7, #${hex(PROGRAM_SPIS.reduce((m, i) => m | (2 ** (i % 32)), 0))}`,
  `str     w7, [x6, #${hex(GICD_ISENABLER + 4)}]  // enable SPIs ${PROGRAM_SPIS.join(', ')}`,
  `ldr     x8, =${hex(GICC)}`,
  `mov     w7, #${hex(GUEST_PMR)}`,
  'str     w7, [x8, #0x4]         // GICC_PMR',
  'mov     w7, #1',
  'str     w7, [x8]               // GICC_CTLR.EnableGrp0',
  `ldr     x13, =${hex(UART)}`,
  'mov     w7, #0x301',
  'str     w7, [x13, #0x30]       // UARTCR: UARTEN, TXE, RXE',
];

function epilogueAsm(): string[] {
  const dump = DUMPED.flatMap((r) => [
    r.startsWith('x') ? `mov     x0, ${r}` : `mrs     x0, ${r}`,
    'bl      puthex',
  ]);
  return [
    'done:',
    'msr     daifset, #2',
    ...dump,
    `ldr     x0, =${hex(PSCI_SYSTEM_OFF)}`,
    'hvc     #0',
    '1: b    1b',
    'puthex:                        // x0 as 16 hex digits and a newline',
    `ldr     x13, =${hex(UART)}`,
    'mov     x14, #60',
    '2: lsr  x15, x0, x14',
    'and     x15, x15, #0xf',
    'cmp     x15, #10',
    'b.lo    3f',
    'add     x15, x15, #87          // a..f',
    'b       4f',
    '3: add  x15, x15, #48          // 0..9',
    '4: str  w15, [x13]',
    'subs    x14, x14, #4',
    'b.pl    2b',
    'mov     w15, #10',
    'str     w15, [x13]',
    'ret',
  ];
}

/** The guest's assembly: prologue, one labelled block per step (`s<i>`), epilogue, vectors. */
export function programAsm(p: Program): string {
  const lines: string[] = [...PROLOGUE];
  p.steps.forEach((s, i) => {
    lines.push(...stepAsm(s, `s${i}`));
  });
  lines.push(...epilogueAsm(), ...handlerAsm(p.handler));
  return lines
    .map((l) => (l.endsWith(':') && !l.includes(' ') ? l : `    ${l}`))
    .map((l) => `    ${l}`)
    .join('\n');
}
