// The zod schema of scenario format version 1 (../../../shared/SCENARIOS.md):
// the shape and the per-value rules. Rules that relate several values (vcpu
// numbers vs machine.vcpus, `same` targets, event time order, exactly one
// trigger and one action per host event, files that must exist) are in
// semantics.ts, so that they are checked even when some other part of the
// file is malformed. Descriptions come from SCENARIOS.md and end up in the
// published JSON Schema.

import * as z from 'zod';
import { MAX_INTID } from '../hw/gic/intid.ts';
import { parseRamSize, RAM_SIZE_EXPECTED } from '../hw/board/ram-size.ts';
import { VERDICT_KEYS } from '../hyp/generation/names.ts';
import { MIN_LIST_REGISTERS } from '../hyp/vgic/list-registers.ts';
import { hertz, intKey, intSchema, smallInt, ticks, u32, u64 } from './values.ts';
import {
  cycles,
  DIVERGENCE_KINDS,
  EXIT_KINDS,
  GIC_VERSIONS,
  GPR_NAMES,
  MAX_LIST_REGISTERS,
  MAX_MACHINE_VCPUS,
  MAX_SPIS,
  MAX_VCPUS,
  perVcpu,
  POLICIES,
  SCENARIO_VERSION,
  SPI_GROUP,
  START_MODES,
  strict,
  union,
  VCPU_KEYS,
  VERDICTS,
} from './schema-base.ts';
import { buildHostEventSchemas } from './host-event-schema.ts';
// Every name of the format's parts is importable from here, as before they were split out.
export * from './host-event-schema.ts';
export * from './schema-base.ts';

/** CNTFRQ_EL0 holds the counter frequency in 32 bits (Arm ARM D11.2.1). */
const MAX_COUNTER_HZ = 0xffff_ffff;
/** Guest instruction rate: up to 100 GHz (ticks and cycles stay exact Numbers). */
const MAX_CPU_HZ = 100_000_000_000;

/** Why a conformance check is expected to fail under some generation (docs/conformance.md explains each). */
export const CONFORMANCE_NOTES = [
  'residual-window',
  'seed-fix',
  'old-vgic-priority',
  'old-vgic-bitmaps',
  'old-vgic-targets',
  'old-vgic-id',
  'old-vgic-group1',
  'old-vgic-dir',
  'no-vpmu',
] as const;

/**
 * The zod schemas of the format, built on first use: building them takes
 * ~20 ms of CPU at start-up (zod makes several objects per node), which a
 * command that parses no scenario file (`vgicsim qemu`, `--version`) need not pay.
 */
export function scenarioSchemas(): Schemas {
  built ??= buildSchemas();
  return built;
}

type Schemas = ReturnType<typeof buildSchemas>;
let built: Schemas | undefined;

function buildSchemas() {
  const host = buildHostEventSchemas();
  const { hostEventSchema } = host;

  // ---- machine --------------------------------------------------------------

  const gic = z
    .enum(GIC_VERSIONS)
    .describe(
      'GIC version: v2, or v3 where the generation has vgic-v3 (every generation: linux-4.2/4.3 on the old vgic.c, linux-7.0)',
    );

  const spisExpected = `a multiple of ${SPI_GROUP} in 0..${MAX_SPIS} (the vgic's limit, as KVM's)`;
  const spis = intSchema(
    {
      min: 0n,
      max: BigInt(MAX_SPIS),
      expected: spisExpected,
      reject: (n) => (n % BigInt(SPI_GROUP) !== 0n ? `expected ${spisExpected}` : undefined),
    },
    `number of SPIs (a multiple of 32, at most ${MAX_SPIS}), INTIDs 32..`,
    Number,
  );

  const memory = z
    .union([z.string(), z.number()], { error: `expected ${RAM_SIZE_EXPECTED}` })
    .superRefine((v, ctx) => {
      const r = parseRamSize(v);
      if (typeof r === 'string') ctx.addIssue({ code: 'custom', message: r, input: v });
    })
    .describe(
      "RAM size, QEMU -m syntax (a bare number is MiB; 128M, 1G); QEMU virt's default 128M; at most 2G",
    );

  const machineSchema = strict({
    gic: gic.optional(),
    vcpus: smallInt(
      1,
      MAX_MACHINE_VCPUS,
      `number of vcpus: 1..8 for v2, 1..${MAX_MACHINE_VCPUS} for v3`,
    ).optional(),
    pcpus: smallInt(
      1,
      MAX_MACHINE_VCPUS,
      `vgicsim extension: physical cpus of the host, 1..8 for v2, 1..${MAX_MACHINE_VCPUS} for v3; default machine.vcpus, each vcpu pinned to its own; with more, a preempted or woken vcpu thread may migrate to a free one; with fewer, vcpu threads time-share them (a holder gives its cpu to a waiting thread when it blocks, and at preempt_enable() by choice; give spinning guests a host tick, machine.hostTickHz)`,
    ).optional(),
    spis: spis.optional(),
    counterHz: hertz('system counter frequency (CNTFRQ_EL0, 32 bits), Hz', 1, MAX_COUNTER_HZ).optional(),
    cpuHz: hertz('guest instruction rate, Hz: 1 instruction = 1 cycle', 1, MAX_CPU_HZ).optional(),
    policy: z
      .enum(POLICIES)
      .describe(
        'generation (a KVM release as its code behaves): linux-4.2 | linux-4.3 | linux-7.0; aliases: level = linux-7.0, legacy-edge = linux-4.2',
      )
      .optional(),
    nLR: smallInt(
      MIN_LIST_REGISTERS,
      MAX_LIST_REGISTERS,
      'list registers per vcpu (GICH_VTR.ListRegs + 1); at least 2: with one, KVM livelocks on underflow maintenance',
      `an integer ${MIN_LIST_REGISTERS}..${MAX_LIST_REGISTERS} (with fewer list registers KVM livelocks on underflow maintenance)`,
    ).optional(),
    hostTickHz: hertz(
      'periodic host interrupts forcing exits, Hz; 0 = none; at most machine.counterHz',
      0,
      MAX_COUNTER_HZ,
    ).optional(),
    exitCycles: cycles(
      'vgicsim extension: cpu cycles each exit costs (world switch out + handling); time spent in the hypervisor. 0 = exits are instantaneous (the default, so the guest runs the same instruction stream at the same times as on the reference machine)',
    ).optional(),
    entryCycles: cycles(
      'vgicsim extension: cpu cycles each entry (world switch in) costs; 0 = instantaneous',
    ).optional(),
    mappedSpis: z
      .array(
        intSchema(
          { min: 32n, max: BigInt(MAX_INTID), expected: `an SPI 32..${MAX_INTID}` },
          'an SPI INTID',
          Number,
        ),
      )
      .describe(
        "vgicsim extension: SPIs the host maps to the same physical SPI (kvm_vgic_map_phys_irq: LR HW=1, the physical interrupt held active while the guest handles the virtual one), as a passed-through device's; `irqLine` events inject them (KVM_IRQ_LINE); the guest chooses level or edge (GICD_ICFGR)",
      )
      .optional(),
    choices: z
      .enum(['seeded', 'default'])
      .describe(
        "vgicsim extension: the host's own decisions (slice order, yield, preemption, migration): seeded draws them from `run --seed` (the default); default takes option 0 at each, as `vgicsim explore`'s default run does, except where a `choose` host event directs one (what a counterexample file sets)",
      )
      .optional(),
    preemptCycles: cycles(
      "vgicsim extension: cpu cycles a vcpu thread stays scheduled out when the host preempts it after preempt_enable() on the exit path; 0 = the host never preempts by itself (the default); non-zero: every exit asks the chooser ('preempt'), so `run --seed` and `explore` vary it",
    ).optional(),
    limits: strict({
      ticks: ticks('run budget in counter ticks; reaching it ends the run with exit: limit', 1).optional(),
      instructions: ticks('run budget in guest instructions and exception entries (all vcpus)', 1).optional(),
    })
      .describe('run budget: a run that reaches a limit stops cleanly and ends with exit: limit')
      .optional(),
    start: z
      .enum(START_MODES)
      .describe(
        'boot: vcpus other than 0 start powered off (PSCI CPU_ON); all: every vcpu starts at the entry',
      )
      .optional(),
    memory: memory.optional(),
    rtc: smallInt(
      0,
      0xffff_ffff,
      'PL031 RTC at power-on: seconds since the Unix epoch (default 1704067200 = 2024-01-01T00:00:00Z, fixed so runs are deterministic); it then counts virtual time',
    ).optional(),
  }).superRefine((m, ctx) => {
    // a GICv2 serves 8 CPU interfaces (GICv2 1.4.2): machine.vcpus and pcpus above 8 need gic: v3
    if (m.gic === 'v3') return;
    for (const k of ['vcpus', 'pcpus'] as const) {
      const n = m[k];
      if (n !== undefined && n > MAX_VCPUS)
        ctx.addIssue({
          code: 'custom',
          path: [k],
          input: n,
          message: `expected an integer 1..${MAX_VCPUS} (a GICv2 serves ${MAX_VCPUS} cpus; gic: v3 takes up to ${MAX_MACHINE_VCPUS}), found ${n}`,
        });
    }
  });

  // ---- guest ----------------------------------------------------------------

  const path = (what: string) => z.string().min(1).describe(`${what} (relative to the scenario file)`);

  const binaryGuestSchema = strict({
    binary: path('guest image: ELF64 AArch64 or flat binary'),
    entry: u64('entry address; default: the ELF entry, or the load address of a flat binary').optional(),
  });

  const sameGuestSchema = strict({
    same: z.string().describe('share the image of another vcpu (vcpuM); each vcpu starts at its entry'),
  });

  const vcpuGuest = union(
    [
      z.string().describe('AArch64 assembly (the documented subset), placed at 0x40080000'),
      binaryGuestSchema,
      sameGuestSchema,
    ],
    'assembly text, { binary: path, entry? } or { same: vcpuM }',
  )
    .describe('code of one vcpu: inline assembly, a binary file, or { same: vcpuM }')
    .meta({ id: 'vcpuGuest' });

  const linuxGuestSchema = strict({
    kernel: path('arm64 Image (header honoured) or raw binary'),
    initrd: path('initial ramdisk').optional(),
    bootargs: z.string().describe('kernel command line').optional(),
    dtb: z
      .string()
      .min(1)
      .describe("'auto' (generated from machine:) or a path to a .dtb (relative to the scenario file)")
      .optional(),
  }).describe("boot a kernel as QEMU's virt board does (instead of vcpuN keys)");

  const vcpuGuestShape = Object.fromEntries(VCPU_KEYS.map((k) => [k, vcpuGuest.optional()])) as Record<
    string,
    z.ZodOptional<typeof vcpuGuest>
  >;
  const guestSchema = strict({ ...vcpuGuestShape, linux: linuxGuestSchema.optional() }).describe(
    'guest code: vcpuN keys, or linux',
  );

  // ---- expectations -----------------------------------------------------------

  const ackIntid = smallInt(0, MAX_INTID, 'an INTID the guest acknowledged', 'an INTID 0..1019');
  const countKey = intKey({ min: 0n, max: BigInt(MAX_INTID), expected: 'an INTID 0..1019' }, 'INTID', Number);
  const countValue = smallInt(0, Number.MAX_SAFE_INTEGER, 'how many times', 'a count >= 0');

  const acknowledgedOfVcpu = union(
    [
      z.array(ackIntid).describe('INTIDs in the order IAR returned them'),
      strict({ count: z.record(countKey, countValue).describe('INTID -> how many times, any order') }),
    ],
    'a list of INTIDs or { count: { intid: n } }',
  )
    .describe(
      'INTIDs this vcpu acknowledged: a list in order, or { count: { intid: n } } when order does not matter',
    )
    .meta({ id: 'acknowledgedOfVcpu' });

  const registersOfVcpu = strict(
    Object.fromEntries(GPR_NAMES.map((r) => [r, u64(`${r} at the end of the run`).optional()])),
  )
    .describe('register values of this vcpu: x0..x30, sp, pc')
    .meta({ id: 'registersOfVcpu' });

  const addressKey = intKey(
    { min: 0n, max: (1n << 64n) - 1n, expected: 'a 64-bit address' },
    'guest physical address',
    (_n, text) => text,
  );
  // (A record key must stay text, as written, so it still names its YAML node; normalize.ts makes the BigInt.)

  const expectSchema = strict({
    acknowledged: perVcpu(acknowledgedOfVcpu)
      .describe("INTIDs the guest's IAR reads returned (1023 excluded), in order, per vcpu")
      .optional(),
    never: z.array(ackIntid).describe('INTIDs that must never be acknowledged, any vcpu').optional(),
    registers: perVcpu(registersOfVcpu).describe('register values at the end of the run').optional(),
    memory: z
      .record(addressKey, u32('32-bit word'))
      .describe('32-bit words at the end of the run')
      .optional(),
    uart: union(
      [
        z.string().describe('exact PL011 output'),
        strict({ contains: z.string().describe('a substring of the output') }),
      ],
      'a string or { contains: string }',
    )
      .describe('PL011 output: exact, or { contains }')
      .optional(),
    exit: z
      .enum(EXIT_KINDS)
      .describe(
        'how the run ends: poweroff (PSCI SYSTEM_OFF) | reset (PSCI SYSTEM_RESET) | limit | idle (every vcpu waits in WFI with nothing left to wake it)',
      )
      .optional(),
    divergence: z
      .enum(DIVERGENCE_KINDS)
      .describe('vs the reference (bare-metal) machine: none | allowed')
      .optional(),
    verdicts: strict(
      Object.fromEntries(
        VERDICT_KEYS.map((p) => [p, z.enum(VERDICTS).describe(`expected verdict under ${p}`).optional()]),
      ) as Record<string, z.ZodOptional<z.ZodEnum<{ pass: 'pass'; fail: 'fail' }>>>,
    )
      .describe(
        'vgicsim extension: the verdict this scenario is expected to get under each generation, design or mutant (`mutant:<id>`, docs/generations.md) (default pass; an alias key counts for the generation it names, the generation key wins); `npm test` and `vgicsim run --check-verdicts` compare against it',
      )
      .optional(),
  });

  // ---- conformance metadata (vgicsim extension) ---------------------------------

  const conformanceSchema = strict({
    suite: z
      .string()
      .describe('the suite the check mirrors, e.g. kvm-unit-tests/timer or selftests/vgic_irq'),
    check: z.string().describe('the check, named as in that suite'),
    mirrors: z.string().describe('what it mirrors: the test function and the assertion, in words'),
    note: z
      .enum(CONFORMANCE_NOTES)
      .describe(
        'why it fails under some generation: residual-window (DESIGN.md: the line is only sampled at exits), seed-fix (what the seed change fixed), old-vgic-priority (the old vgic ignores priorities), old-vgic-bitmaps (the old GICD registers act on bitmaps, not on the LRs), old-vgic-targets (one ITARGETSR target kept), old-vgic-id (no GICD ID registers), old-vgic-group1 (the old vgic-v3 emulation has Group 1 only), old-vgic-dir (the old vgic never traps the DIR of a GICv3 guest), no-vpmu (the release predates the vPMU of KVM: PMU registers RAZ/WI)',
      )
      .optional(),
  });

  // ---- the file ---------------------------------------------------------------

  const scenarioSchema = strict({
    version: smallInt(
      SCENARIO_VERSION,
      SCENARIO_VERSION,
      'scenario format version: 1',
      String(SCENARIO_VERSION),
    ),
    name: z.string().describe('scenario name (default: the file name)').optional(),
    description: z.string().describe('free text').optional(),
    machine: machineSchema.describe('the simulated machine; every key may be left out').optional(),
    guest: guestSchema,
    host: z.array(hostEventSchema).describe('events outside the guest, in order of time').optional(),
    expect: expectSchema.describe('what must hold when the run ends').optional(),
    conformance: conformanceSchema
      .describe('vgicsim extension: this scenario is a conformance check (vgicsim conformance)')
      .optional(),
  });

  const { irqLineSchema, chooseSchema, preemptSchema } = host;
  return {
    machineSchema,
    binaryGuestSchema,
    sameGuestSchema,
    linuxGuestSchema,
    guestSchema,
    expectSchema,
    conformanceSchema,
    scenarioSchema,
    irqLineSchema,
    chooseSchema,
    preemptSchema,
    hostEventSchema,
  };
}

export type ScenarioParsed = z.output<Schemas['scenarioSchema']>;
