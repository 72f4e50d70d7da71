// Random guest interrupt programs as data. A program is a straight-line
// list of steps (timer writes, PSTATE masks, GICD writes, busy loops, WFI,
// forced exits, userspace line changes at a step) plus host events at ticks
// (SPI line pulses, forced exits, save/restore points). program-arb.ts
// generates them, program-asm.ts writes a program's guest code and
// program-scenario.ts the scenario YAML that `node bin/vgicsim.mjs run
// file.yaml` runs as is: the reproducing scenario of a failed property.
//
// `normalize` makes a raw program well-formed: WFI only with a guaranteed
// wake-up, an epilogue that unmasks and runs on, and, in `avoid` mode, a
// forced exit after every line lowering made while IRQs are masked, so the
// program has no residual window (DESIGN.md, "What the seed says").

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
