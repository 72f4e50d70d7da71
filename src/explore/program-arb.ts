// fast-check arbitraries of random guest interrupt programs (program.ts):
// steps weighted towards masks and timer writes, the seed's pattern, timed
// host events, the handler's behaviour; every program comes out normalized.

import fc from 'fast-check';
import {
  type HandlerConfig,
  normalize,
  PRIORITIES,
  type Program,
  PROGRAM_SPIS,
  type ProgramOptions,
  type Step,
  type TimedEvent,
  TIMER_INTID,
} from './program.ts';

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
