// The zod schema of scenario format version 1 (../../../shared/SCENARIOS.md):
// the shape and the per-value rules. Rules that relate several values (vcpu
// numbers vs machine.vcpus, `same` targets, event time order, exactly one
// trigger and one action per host event, files that must exist) are in
// semantics.ts, so that they are checked even when some other part of the
// file is malformed. Descriptions come from SCENARIOS.md and end up in the
// published JSON Schema.

import * as z from 'zod';
import { MAX_INTID, PRIVATE_COUNT, SGI_COUNT } from '../hw/gic/intid.ts';
import { parseRamSize, RAM_SIZE_EXPECTED } from '../hw/board/ram-size.ts';
import { GENERATION_OR_ALIAS, VERDICT_KEYS } from '../hyp/generation/names.ts';
import { MIN_LIST_REGISTERS } from '../hyp/vgic/list-registers.ts';
import { hertz, intKey, intSchema, smallInt, ticks, u32, u64, withJson } from './values.ts';

const cycles = (description: string) =>
  intSchema(
    { min: 0n, max: BigInt(MAX_SWITCH_CYCLES), expected: `a number of cycles 0..${MAX_SWITCH_CYCLES}` },
    description,
    Number,
  );

export const SCENARIO_VERSION = 1;
/** GIC versions that can be simulated. */
export const GIC_VERSIONS = ['v2'] as const;
/** Versions the format names but the simulator cannot run yet. */
export const RESERVED_GIC_VERSIONS = ['v3'] as const;
/**
 * Generations (src/hyp/generation: one KVM release each) and the aliases
 * kept from when they were called policies (level = linux-7.0,
 * legacy-edge = linux-4.2).
 */
export const POLICIES = GENERATION_OR_ALIAS;
/** Expected overall verdict of a scenario under a policy. */
export const VERDICTS = ['pass', 'fail'] as const;
export const START_MODES = ['boot', 'all'] as const;
/** A GICv2 distributor serves at most 8 CPU interfaces (GICv2 1.4.2). */
export const MAX_VCPUS = 8;
/** GICH_VTR.ListRegs is 6 bits: 1..64 list registers. */
export const MAX_LIST_REGISTERS = 64;
/** SPIs come in groups of 32 (GICD_TYPER.ITLinesNumber). */
export const SPI_GROUP = 32;
/**
 * A GICv2 distributor could have 988 SPIs (INTIDs 32..1019), but the vgic is
 * sized as KVM's KVM_DEV_ARM_VGIC_GRP_NR_IRQS: a multiple of 32 INTIDs below
 * 1024 (VGIC_MAX_RESERVED), so 992 INTIDs, 960 SPIs at most.
 */
export const MAX_SPIS = 1024 - SPI_GROUP - PRIVATE_COUNT;
/** CNTFRQ_EL0 holds the counter frequency in 32 bits (Arm ARM D11.2.1). */
const MAX_COUNTER_HZ = 0xffff_ffff;
/** Guest instruction rate: up to 100 GHz (ticks and cycles stay exact Numbers). */
const MAX_CPU_HZ = 100_000_000_000;
/** Cycles per exit or entry: up to 2^32-1 (over 4 s at 1 GHz), so summed costs stay exact. */
const MAX_SWITCH_CYCLES = 0xffff_ffff;
/** How a run ends (RunEnd): PSCI SYSTEM_OFF or SYSTEM_RESET, a limit, or every vcpu waiting with nothing to wake it. */
export const EXIT_KINDS = ['poweroff', 'reset', 'limit', 'idle'] as const;
export const DIVERGENCE_KINDS = ['none', 'allowed'] as const;
export const GPR_NAMES: readonly string[] = [...Array.from({ length: 31 }, (_, i) => `x${i}`), 'sp', 'pc'];
export const VCPU_KEYS: readonly string[] = Array.from({ length: MAX_VCPUS }, (_, i) => `vcpu${i}`);

export const DEFAULT_MACHINE = {
  gic: 'v2',
  vcpus: 1,
  spis: 64,
  counterHz: 62_500_000,
  cpuHz: 1_000_000_000,
  policy: 'level',
  nLR: 4,
  hostTickHz: 0,
  exitCycles: 0,
  entryCycles: 0,
  preemptCycles: 0,
  limits: { ticks: 10_000_000, instructions: 10_000_000 },
  start: 'boot',
  memory: '128M',
  rtc: 1_704_067_200,
} as const;

/** A strict mapping whose unknown-key message lists the keys it accepts. */
export function strict<S extends z.ZodRawShape>(shape: S) {
  const keys = Object.keys(shape).join(', ');
  return z.strictObject(shape, {
    error: (iss) => (iss.code === 'unrecognized_keys' ? `expected one of: ${keys}` : undefined),
  });
}

function perVcpu<T extends z.ZodType>(value: T) {
  const shape: Record<string, z.ZodOptional<T>> = {};
  for (const k of VCPU_KEYS) shape[k] = value.optional();
  return strict(shape);
}

function union<T extends readonly [z.ZodType, ...z.ZodType[]]>(options: T, expected: string) {
  return z.union(options, {
    error: (iss) => (iss.code === 'invalid_union' ? `expected ${expected}` : undefined),
  });
}

// ---- machine --------------------------------------------------------------

const gic = z
  .literal(GIC_VERSIONS[0], {
    error: (iss) =>
      (RESERVED_GIC_VERSIONS as readonly unknown[]).includes(iss.input)
        ? `GIC ${String(iss.input)} is not supported yet (only ${GIC_VERSIONS.join(', ')})`
        : undefined,
  })
  .describe('GIC version: v2 now (v3 is reserved for later)');

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

export const machineSchema = strict({
  gic: gic.optional(),
  vcpus: smallInt(1, MAX_VCPUS, 'number of vcpus: 1..8 for v2').optional(),
  pcpus: smallInt(
    1,
    MAX_VCPUS,
    'vgicsim extension: physical cpus of the host, 1..8; default machine.vcpus, each vcpu pinned to its own; with more, a preempted or woken vcpu thread may migrate to a free one; with fewer, vcpu threads time-share them (a holder gives its cpu to a waiting thread when it blocks, and at preempt_enable() by choice; give spinning guests a host tick, machine.hostTickHz)',
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
    .describe('boot: vcpus other than 0 start powered off (PSCI CPU_ON); all: every vcpu starts at the entry')
    .optional(),
  memory: memory.optional(),
  rtc: smallInt(
    0,
    0xffff_ffff,
    'PL031 RTC at power-on: seconds since the Unix epoch (default 1704067200 = 2024-01-01T00:00:00Z, fixed so runs are deterministic); it then counts virtual time',
  ).optional(),
});

// ---- guest ----------------------------------------------------------------

const path = (what: string) => z.string().min(1).describe(`${what} (relative to the scenario file)`);

export const binaryGuestSchema = strict({
  binary: path('guest image: ELF64 AArch64 or flat binary'),
  entry: u64('entry address; default: the ELF entry, or the load address of a flat binary').optional(),
});

export const sameGuestSchema = strict({
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

export const linuxGuestSchema = strict({
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
export const guestSchema = strict({ ...vcpuGuestShape, linux: linuxGuestSchema.optional() }).describe(
  'guest code: vcpuN keys, or linux',
);

// ---- host events ------------------------------------------------------------

export const vcpuIndex = (description: string) =>
  smallInt(0, MAX_VCPUS - 1, description, 'a vcpu number 0..7');

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
export const irqLineSchema = strict({
  intid: irqIntid,
  level: smallInt(0, 1, 'line level: 1 raised, 0 lowered', '0 or 1'),
  vcpu: vcpuIndex('target vcpu: required for a PPI, not allowed for an SPI').optional(),
}).describe('KVM_IRQ_LINE: set an SPI line by INTID, or a PPI of one vcpu');

export const TRIGGER_KEYS = ['at', 'after'] as const;
export const ACTION_KEYS = [
  'irqLine',
  'exit',
  'saveRestore',
  'counterOffset',
  'preempt',
  'vmmMigrate',
] as const;

export const preemptSchema = strict({
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

export const hostEventSchema = withJson(
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

export const expectSchema = strict({
  acknowledged: perVcpu(acknowledgedOfVcpu)
    .describe("INTIDs the guest's IAR reads returned (1023 excluded), in order, per vcpu")
    .optional(),
  never: z.array(ackIntid).describe('INTIDs that must never be acknowledged, any vcpu').optional(),
  registers: perVcpu(registersOfVcpu).describe('register values at the end of the run').optional(),
  memory: z.record(addressKey, u32('32-bit word')).describe('32-bit words at the end of the run').optional(),
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

/** Why a conformance check is expected to fail under some generation (docs/conformance.md explains each). */
export const CONFORMANCE_NOTES = [
  'residual-window',
  'seed-fix',
  'old-vgic-priority',
  'old-vgic-bitmaps',
  'old-vgic-targets',
  'old-vgic-id',
  'no-vpmu',
] as const;

export const conformanceSchema = strict({
  suite: z.string().describe('the suite the check mirrors, e.g. kvm-unit-tests/timer or selftests/vgic_irq'),
  check: z.string().describe('the check, named as in that suite'),
  mirrors: z.string().describe('what it mirrors: the test function and the assertion, in words'),
  note: z
    .enum(CONFORMANCE_NOTES)
    .describe(
      'why it fails under some generation: residual-window (DESIGN.md: the line is only sampled at exits), seed-fix (what the seed change fixed), old-vgic-priority (the old vgic ignores priorities), old-vgic-bitmaps (the old GICD registers act on bitmaps, not on the LRs), old-vgic-targets (one ITARGETSR target kept), old-vgic-id (no GICD ID registers), no-vpmu (the release predates the vPMU of KVM: PMU registers RAZ/WI)',
    )
    .optional(),
});

// ---- the file ---------------------------------------------------------------

export const scenarioSchema = strict({
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

export type ScenarioParsed = z.output<typeof scenarioSchema>;
