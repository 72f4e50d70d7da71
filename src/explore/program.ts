// Random guest interrupt programs as data, and their rendering to a
// vgicsim scenario. A program is a straight-line list of steps (timer
// writes, PSTATE masks, GICD writes, busy loops, WFI, forced exits,
// userspace line changes at a step) plus host events at ticks (SPI line
// pulses, forced exits, save/restore points). `render` turns it into a
// scenario YAML that `node bin/vgicsim.mjs run file.yaml` runs as is: the
// reproducing scenario of a failed property.
//
// `normalize` makes a raw program well-formed: WFI only with a guaranteed
// wake-up, an epilogue that unmasks and runs on, and, in `avoid` mode, a
// forced exit after every line lowering made while IRQs are masked, so the
// program has no residual window (DESIGN.md, "What the seed says").

import fc from 'fast-check';

/** Virtual timer PPI, the SPIs programs use, and the priorities they set (all below PMR 0xf0). */
export const TIMER_INTID = 27;
export const PROGRAM_SPIS = [32, 33, 40] as const;
export const PRIORITIES = [0x00, 0x40, 0x80, 0xa0, 0xe0] as const;
/** The guest's PMR: every priority above is below it, so it never hides an interrupt. */
export const GUEST_PMR = 0xf0;
/** Acks of one kind (timer, SPI) after which the handler always silences the source (no storms). */
export const STORM_CAP = 6;
/** Address of the RAM log the handler appends every acknowledged IAR value to. */
export const LOG_BASE = 0x4020_0000;

export type Step =
  /** msr daifset, #2 */
  | { kind: 'mask' }
  /** msr daifclr, #2 */
  | { kind: 'unmask' }
  /** CNTV_CTL_EL0 = ENABLE | IMASK << 1 */
  | { kind: 'timerCtl'; enable: boolean; imask: boolean; exitAfter?: boolean }
  /** CNTV_CVAL_EL0 = CNTVCT_EL0 + delta (ticks; 0 = already expired) */
  | { kind: 'timerCval'; delta: number; exitAfter?: boolean }
  /** CNTV_TVAL_EL0 = value (signed 32-bit) */
  | { kind: 'timerTval'; value: number; exitAfter?: boolean }
  /** GICD_ISENABLER / GICD_ICENABLER (traps: an exit) */
  | { kind: 'gicdEnable'; intid: number; on: boolean }
  /** GICD_IPRIORITYR byte (traps) */
  | { kind: 'gicdPriority'; intid: number; priority: number }
  /** GICD_ISPENDR / GICD_ICPENDR of an SPI (traps) */
  | { kind: 'gicdPend'; intid: number; set: boolean }
  /** a loop of `iterations` x (subs, b.ne): 2 instructions each */
  | { kind: 'busy'; iterations: number }
  /** arm the timer `delta` (>= 2) ticks ahead, enable it, WFI: the timer wakes it */
  | { kind: 'wfi'; delta: number }
  /** host: force an exit right after this point */
  | { kind: 'exit' }
  /** host: KVM_IRQ_LINE of an SPI right after this point */
  | { kind: 'line'; intid: number; level: 0 | 1; exitAfter?: boolean };

export type TimedEvent =
  /** SPI line high at `at`, low at `at + width`, with a forced exit at the lowering */
  | { kind: 'pulse'; at: number; intid: number; width: number }
  | { kind: 'exit'; at: number }
  | { kind: 'saveRestore'; at: number };

export interface HandlerConfig {
  /** after acknowledging INTID 27: set CNTV_CTL.IMASK (`imask`), or leave the timer (`none`, up to STORM_CAP) */
  readonly timer: 'imask' | 'none';
  /** after acknowledging an SPI: disable it in GICD_ICENABLER (`disable`), or not (`none`, up to STORM_CAP) */
  readonly spi: 'disable' | 'none';
}

export interface Program {
  readonly steps: readonly Step[];
  readonly timed: readonly TimedEvent[];
  readonly handler: HandlerConfig;
}

export type WindowMode = 'avoid' | 'allow';

export interface ProgramOptions {
  /** `avoid`: a forced exit after every lowering made while masked; `allow`: exits only where generated */
  readonly window: WindowMode;
  readonly maxSteps?: number;
  /** generate save/restore points (default true) */
  readonly saveRestore?: boolean;
  /** generate timed SPI pulses (default true) */
  readonly pulses?: boolean;
}

// ---- arbitraries -----------------------------------------------------------

const spiArb = fc.constantFrom(...PROGRAM_SPIS);
const anyIntidArb = fc.constantFrom(TIMER_INTID, ...PROGRAM_SPIS);

/** One step; masks and timer writes are weighted up: they make the interesting interleavings. */
export const stepArb: fc.Arbitrary<Step> = fc.oneof(
  { weight: 4, arbitrary: fc.constant<Step>({ kind: 'mask' }) },
  { weight: 4, arbitrary: fc.constant<Step>({ kind: 'unmask' }) },
  {
    weight: 5,
    arbitrary: fc.record({
      kind: fc.constant('timerCtl' as const),
      enable: fc.boolean(),
      imask: fc.boolean(),
      exitAfter: fc.boolean(),
    }),
  },
  {
    weight: 3,
    arbitrary: fc.record({
      kind: fc.constant('timerCval' as const),
      delta: fc.oneof(fc.constant(0), fc.integer({ min: 0, max: 120 })),
      exitAfter: fc.boolean(),
    }),
  },
  {
    weight: 1,
    arbitrary: fc.record({
      kind: fc.constant('timerTval' as const),
      value: fc.integer({ min: -20, max: 150 }),
      exitAfter: fc.boolean(),
    }),
  },
  {
    weight: 2,
    arbitrary: fc.record({ kind: fc.constant('gicdEnable' as const), intid: anyIntidArb, on: fc.boolean() }),
  },
  {
    weight: 1,
    arbitrary: fc.record({
      kind: fc.constant('gicdPriority' as const),
      intid: anyIntidArb,
      priority: fc.constantFrom(...PRIORITIES),
    }),
  },
  {
    weight: 1,
    arbitrary: fc.record({ kind: fc.constant('gicdPend' as const), intid: spiArb, set: fc.boolean() }),
  },
  {
    weight: 4,
    arbitrary: fc.record({
      kind: fc.constant('busy' as const),
      iterations: fc.integer({ min: 1, max: 400 }),
    }),
  },
  {
    weight: 1,
    arbitrary: fc.record({ kind: fc.constant('wfi' as const), delta: fc.integer({ min: 2, max: 80 }) }),
  },
  { weight: 1, arbitrary: fc.constant<Step>({ kind: 'exit' }) },
  {
    weight: 2,
    arbitrary: fc.record({
      kind: fc.constant('line' as const),
      intid: spiArb,
      level: fc.constantFrom<0 | 1>(0, 1),
      exitAfter: fc.boolean(),
    }),
  },
);

/**
 * The seed's guest as a block (DESIGN.md item 7): mask, timer expired and
 * enabled, some work, timer disabled or masked (with or without an exit
 * after it), unmask. It makes the interesting interleavings common.
 */
export const seedPatternArb: fc.Arbitrary<Step[]> = fc
  .record({
    work: fc.integer({ min: 1, max: 300 }),
    imask: fc.boolean(),
    exitAfter: fc.boolean(),
  })
  .map(({ work, imask, exitAfter }) => [
    { kind: 'mask' },
    { kind: 'timerCval', delta: 0 },
    { kind: 'timerCtl', enable: true, imask: false },
    { kind: 'busy', iterations: work },
    { kind: 'timerCtl', enable: imask, imask, exitAfter },
    { kind: 'unmask' },
  ]);

function timedArb(o: ProgramOptions): fc.Arbitrary<TimedEvent> {
  const at = fc.integer({ min: 1, max: 500 });
  const kinds: fc.Arbitrary<TimedEvent>[] = [fc.record({ kind: fc.constant('exit' as const), at })];
  if (o.pulses !== false)
    kinds.push(
      fc.record({
        kind: fc.constant('pulse' as const),
        at,
        intid: spiArb,
        width: fc.integer({ min: 1, max: 60 }),
      }),
    );
  if (o.saveRestore !== false) kinds.push(fc.record({ kind: fc.constant('saveRestore' as const), at }));
  return fc.oneof(...kinds);
}

export const handlerArb: fc.Arbitrary<HandlerConfig> = fc.record({
  timer: fc.constantFrom('imask' as const, 'none' as const),
  spi: fc.constantFrom('disable' as const, 'none' as const),
});

/** Random well-formed programs (see `normalize`). */
export function programArb(o: ProgramOptions): fc.Arbitrary<Program> {
  return fc
    .record({
      steps: fc
        .array(
          fc.oneof(
            { weight: 6, arbitrary: stepArb.map((s) => [s]) },
            { weight: 1, arbitrary: seedPatternArb },
          ),
          {
            minLength: 1,
            maxLength: o.maxSteps ?? 20,
          },
        )
        .map((chunks) => chunks.flat()),
      timed: fc.array(timedArb(o), { maxLength: 4 }),
      handler: handlerArb,
    })
    .map((p) => normalize(p, o.window));
}

// ---- well-formedness ---------------------------------------------------------

/** A timer write that may lower the timer's output line (every write but "enable, unmasked"). */
export function lowersTimer(s: Step): boolean {
  return (
    (s.kind === 'timerCtl' && !(s.enable && !s.imask)) || s.kind === 'timerCval' || s.kind === 'timerTval'
  );
}

/** A step that may lower an interrupt line (timer output or a userspace SPI line). */
export function lowersLine(s: Step): boolean {
  return lowersTimer(s) || (s.kind === 'line' && s.level === 0);
}

/** A step after which the vcpu certainly exits (a trap, WFI, or a forced exit). */
export function forcesExit(s: Step): boolean {
  return (
    s.kind === 'exit' ||
    s.kind === 'wfi' ||
    s.kind === 'gicdEnable' ||
    s.kind === 'gicdPriority' ||
    s.kind === 'gicdPend' ||
    ('exitAfter' in s && s.exitAfter === true)
  );
}

/**
 * Make `p` well-formed: append the epilogue (unmask, run on), enable PPI 27
 * before a WFI when it is disabled (the timer is the guaranteed wake-up),
 * and in `avoid` mode force an exit after every lowering made while IRQs
 * are masked. Timed events are sorted by time (stable).
 */
export function normalize(p: Program, mode: WindowMode): Program {
  const out: Step[] = [];
  let masked = true; // PSTATE.DAIF is all ones out of reset
  let timerEnabledInGicd = true;
  const raw: Step[] = [...p.steps, { kind: 'unmask' }, { kind: 'busy', iterations: 100 }];
  for (const s0 of raw) {
    let s = s0;
    if (s.kind === 'wfi' && !timerEnabledInGicd)
      out.push({ kind: 'gicdEnable', intid: TIMER_INTID, on: true });
    if (s.kind === 'wfi' || (s.kind === 'gicdEnable' && s.intid === TIMER_INTID))
      timerEnabledInGicd = s.kind === 'wfi' || s.on;
    if (mode === 'avoid' && masked && lowersLine(s) && 'exitAfter' in s) s = { ...s, exitAfter: true };
    if (s.kind === 'mask') masked = true;
    if (s.kind === 'unmask') masked = false;
    out.push(s);
  }
  const timed = [...p.timed].sort((a, b) => a.at - b.at);
  return { steps: out, timed, handler: p.handler };
}

/**
 * Does `p` have a residual window: a line lowering made while IRQs are
 * masked with no certain exit between it and the next unmask? (Exits the
 * guest cannot count on, such as the timer firing, do not count.) Timed
 * pulses always lower with an exit, so only steps can open one.
 */
export function residualWindows(p: Program): number[] {
  const found: number[] = [];
  let masked = true; // out of reset
  let openedAt = -1;
  p.steps.forEach((s, i) => {
    if (s.kind === 'mask') masked = true;
    if (masked && lowersLine(s)) openedAt = i;
    if (forcesExit(s)) openedAt = -1;
    if (s.kind === 'unmask') {
      if (masked && openedAt >= 0) found.push(openedAt);
      masked = false;
      openedAt = -1;
    }
  });
  return found;
}

export function hasResidualWindow(p: Program): boolean {
  return residualWindows(p).length > 0;
}

/** The same program with its save/restore points removed (or turned into nothing). */
export function withoutSaveRestore(p: Program): Program {
  return { ...p, timed: p.timed.filter((e) => e.kind !== 'saveRestore') };
}

// ---- rendering to a scenario ---------------------------------------------------

export interface RenderOptions {
  readonly name?: string;
  readonly description?: string;
  readonly policy?: string;
  /** `none` (default): the run must match the reference machine */
  readonly divergence?: 'none' | 'allowed';
}

const GICD = 0x0800_0000;
const GICC = 0x0801_0000;
const UART = 0x0900_0000;
const GICD_ISENABLER = 0x100;
const GICD_ICENABLER = 0x180;
const GICD_ISPENDR = 0x200;
const GICD_ICPENDR = 0x280;
const GICD_IPRIORITYR = 0x400;
const PSCI_SYSTEM_OFF = 0x8400_0008;
const hex = (n: number) => `0x${n.toString(16)}`;
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

interface HostLine {
  readonly text: string;
}

function hostEvents(p: Program): HostLine[] {
  const out: HostLine[] = [];
  const after = (i: number, action: string) => ({
    text: `  - after: { vcpu: 0, label: s${i} }\n    ${action}`,
  });
  p.steps.forEach((s, i) => {
    if (s.kind === 'line') out.push(after(i, `irqLine: { intid: ${s.intid}, level: ${s.level} }`));
    if (forcesExitByHost(s)) out.push(after(i, 'exit: host'));
  });
  const timed: { at: number; action: string }[] = [];
  for (const e of p.timed) {
    if (e.kind === 'exit') timed.push({ at: e.at, action: 'exit: host' });
    else if (e.kind === 'saveRestore') timed.push({ at: e.at, action: 'saveRestore: true' });
    else {
      timed.push({ at: e.at, action: `irqLine: { intid: ${e.intid}, level: 1 }` });
      timed.push({ at: e.at + e.width, action: `irqLine: { intid: ${e.intid}, level: 0 }` });
      timed.push({ at: e.at + e.width, action: 'exit: host' });
    }
  }
  timed.sort((a, b) => a.at - b.at);
  for (const e of timed) out.push({ text: `  - at: ${e.at}\n    ${e.action}` });
  return out;
}

/** Steps whose exit is a host event (the others exit by trapping). */
function forcesExitByHost(s: Step): boolean {
  return s.kind === 'exit' || ('exitAfter' in s && s.exitAfter === true);
}

/** One line per step, for descriptions and failure messages. */
export function describeStep(s: Step): string {
  const { kind, ...rest } = s;
  const fields = Object.entries(rest)
    .filter(([, v]) => v !== false && v !== undefined)
    .map(([k, v]) => (v === true ? k : `${k}=${typeof v === 'number' && k === 'priority' ? hex(v) : v}`));
  return [kind, ...fields].join(' ');
}

/** A scenario YAML that runs `p` (vgicsim run file.yaml): the reproducing scenario. */
export function renderScenario(p: Program, o: RenderOptions = {}): string {
  const steps = p.steps.map((s, i) => `#   s${i}: ${describeStep(s)}`).join('\n');
  const timed = p.timed.map((e) => `#   ${JSON.stringify(e)}`).join('\n');
  const host = hostEvents(p);
  return [
    '# yaml-language-server: $schema=../schema/scenario.schema.json',
    '#',
    '# Generated by src/explore/program.ts (a random guest interrupt program).',
    `# handler: timer=${p.handler.timer} spi=${p.handler.spi} (storm cap ${STORM_CAP})`,
    '# steps:',
    steps,
    ...(timed.length > 0 ? ['# timed host events:', timed] : []),
    '# The epilogue prints x20 (interrupts taken), x21 (timer), x22 (SPIs), x3, x4,',
    '# CNTV_CTL_EL0, CNTV_CVAL_EL0 and DAIF in hex on the UART.',
    'version: 1',
    `name: ${o.name ?? 'generated-program'}`,
    `description: ${JSON.stringify(o.description ?? 'random guest interrupt program (src/explore/program.ts)')}`,
    'machine:',
    `  policy: ${o.policy ?? 'level'}`,
    '  limits: { ticks: 100000, instructions: 400000 }',
    'guest:',
    '  vcpu0: |',
    programAsm(p),
    ...(host.length > 0 ? ['host:', ...host.map((h) => h.text)] : []),
    'expect:',
    '  exit: poweroff',
    `  divergence: ${o.divergence ?? 'none'}`,
    '',
  ].join('\n');
}
