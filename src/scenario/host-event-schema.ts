// The zod schema of a scenario's host events (`host:`): one trigger (at a
// time or window, after an instruction) and one action (KVM_IRQ_LINE, a
// forced exit, save/restore, the counter offset, a preemption, a VMM's
// migration). That each event has exactly one of each is checked in
// semantics.ts and stated in the JSON Schema below.

import * as z from 'zod';
import { MAX_INTID, SGI_COUNT } from '../hw/gic/intid.ts';
import { cycles, MAX_VCPUS, strict, union, vcpuIndex } from './schema-base.ts';
import { intSchema, smallInt, ticks, u64, withJson } from './values.ts';

export const TRIGGER_KEYS = ['at', 'after'] as const;
export const ACTION_KEYS = [
  'irqLine',
  'exit',
  'saveRestore',
  'counterOffset',
  'preempt',
  'vmmMigrate',
  'choose',
] as const;

/** The host's own decisions a `choose` event directs (the kinds the machine asks its chooser). */
export const CHOICE_KINDS = ['slice-order', 'yield', 'preempt', 'migrate'] as const;

/** The zod schemas of host events (schema.ts builds them once, on first use). */
export function buildHostEventSchemas() {
  const irqIntid = intSchema(
    {
      min: 0n,
      max: BigInt(MAX_INTID),
      expected: `an INTID ${SGI_COUNT}..${MAX_INTID}`,
      reject: (n) =>
        n < BigInt(SGI_COUNT)
          ? `SGIs (0..${SGI_COUNT - 1}) cannot be raised by KVM_IRQ_LINE (a guest sends them by writing GICD_SGIR); expected an INTID ${SGI_COUNT}..${MAX_INTID}`
          : undefined,
      jsonMin: BigInt(SGI_COUNT),
    },
    'INTID: an SPI (32..) or a PPI (16..31, with vcpu)',
    Number,
  );
  const irqLineSchema = strict({
    intid: irqIntid,
    level: smallInt(0, 1, 'line level: 1 raised, 0 lowered', '0 or 1'),
    vcpu: vcpuIndex('target vcpu: required for a PPI, not allowed for an SPI').optional(),
  }).describe('KVM_IRQ_LINE: set an SPI line by INTID, or a PPI of one vcpu');

  const chooseSchema = strict({
    kind: z
      .enum(CHOICE_KINDS)
      .describe(
        'which decision: slice-order (which cpu runs first in an SMP slice: option n = cpu n), yield (at preempt_enable() with another thread waiting for the physical cpu: 0 gives it way, 1 runs on), preempt (at preempt_enable(), machine.preemptCycles > 0: 1 preempts), migrate (a preempted or woken thread: 0 stays, n the n-th free physical cpu)',
      ),
    option: smallInt(0, 63, 'the option taken (what the explorer chose)', 'an option 0..63'),
    nth: smallInt(
      1,
      Number.MAX_SAFE_INTEGER,
      'the n-th decision of this kind asked at that tick (1 = the first); default 1',
      'a count >= 1',
    ).optional(),
  }).describe(
    "vgicsim extension: the n-th decision of `kind` the host makes at tick `at` takes `option` (what `vgicsim explore` writes for a counterexample's forced choices; with machine.choices: default every other decision takes option 0, as in the explorer's default run)",
  );

  const preemptSchema = strict({
    vcpu: vcpuIndex('the vcpu whose thread the host preempts'),
    migrateTo: smallInt(
      0,
      MAX_VCPUS - 1,
      'the physical cpu it resumes on (a free one: no other vcpu on it); default: the one it left',
      'a physical cpu 0..7',
    ).optional(),
    cycles: cycles(
      'cpu cycles it stays scheduled out; default 0 (a vcpu blocked in WFI moves when woken and runs at once)',
    ).optional(),
  }).describe(
    "vgicsim extension: the host preempts the vcpu's thread at its next preemption point (a running vcpu exits first, as for the scheduler's IPI; linux-4.2 syncs the timer after this point, 4.3+ before) and resumes it on migrateTo",
  );

  const hostEventSchema = withJson(
    strict({
      at: union(
        [
          ticks('counter ticks since start'),
          strict({
            from: ticks('first instant of the window (counter ticks since start); `run` uses it'),
            to: ticks('last instant of the window (>= from); the explorer tries every instant in [from, to]'),
          }).describe('a window of instants: `run` uses `from`; `vgicsim explore` tries each'),
        ],
        'counter ticks since start, or { from: <ticks>, to: <ticks> }',
      )
        .describe('when: counter ticks since start, or a window { from, to }')
        .optional(),
      after: strict({
        vcpu: vcpuIndex('the vcpu that executes the instruction'),
        label: z.string().min(1).describe('a label of that vcpu (give label or address)').optional(),
        address: u64('the address of the instruction (give label or address); vgicsim extension').optional(),
        hit: smallInt(
          1,
          Number.MAX_SAFE_INTEGER,
          'only the n-th time the instruction executes (1 = the first); default: every time',
          'a count >= 1',
        ).optional(),
      })
        .describe('right after the guest executes the instruction at this label or address')
        .optional(),
      irqLine: irqLineSchema.optional(),
      exit: z.literal('host').describe('force an exit to the host').optional(),
      saveRestore: z.literal(true).describe('save the whole VM, restore into a fresh one, go on').optional(),
      counterOffset: u64('userspace sets CNTVOFF to this value').optional(),
      preempt: preemptSchema.optional(),
      choose: chooseSchema.optional(),
      vmmMigrate: union(
        [
          z.literal(true),
          strict({
            reassertLines: z
              .boolean()
              .describe(
                'raise again with KVM_IRQ_LINE the lines userspace left high (default true); false shows what KVM cannot carry: a level line is not a register',
              ),
          }),
        ],
        'true or { reassertLines: true | false }',
      )
        .describe(
          "vgicsim extension: migrate as a VMM does: every vcpu out of KVM_RUN (KVM_EXIT_INTR), the vgic read through KVM_DEV_ARM_VGIC_GRP_DIST_REGS/CPU_REGS and the timers through KVM_GET_ONE_REG, a fresh VM written back in QEMU's order, userspace's lines raised again, then run",
        )
        .optional(),
    }),
    {
      // Merged into the generated object schema (see json-schema.ts).
      description: 'one host event: exactly one of at/after, and exactly one action',
      allOf: [
        { oneOf: TRIGGER_KEYS.map((k) => ({ required: [k] })) },
        { oneOf: ACTION_KEYS.map((k) => ({ required: [k] })) },
      ],
    },
  );
  return { irqLineSchema, chooseSchema, preemptSchema, hostEventSchema };
}
