// The scenario format's limits and defaults, and the zod helpers every part
// of the schema (schema.ts, host-event-schema.ts) builds on.

import * as z from 'zod';
import { PRIVATE_COUNT } from '../hw/gic/intid.ts';
import { MAX_GICV3_CPUS } from '../hw/gic/v3/gic-v3.ts';
import { GENERATION_OR_ALIAS } from '../hyp/generation/names.ts';
import { intSchema, smallInt } from './values.ts';

export const SCENARIO_VERSION = 1;
/**
 * GIC versions of the format. v3: the bare-metal reference machine has a
 * GICv3; a generation's VM runs it only where the generation has vgic-v3
 * (Generation.vgicV3; semantics.ts reports the others, located).
 */
export const GIC_VERSIONS = ['v2', 'v3'] as const;
/**
 * Generations (src/hyp/generation: one KVM release each) and the aliases
 * kept from when they were called policies (level = linux-7.0,
 * legacy-edge = linux-4.2).
 */
export const POLICIES = GENERATION_OR_ALIAS;
/**
 * Expected overall verdict of a scenario under a policy; `rejected`: the
 * generation refuses the machine (gic: v3 without vgic-v3), a located error.
 */
export const VERDICTS = ['pass', 'fail', 'rejected'] as const;
export const START_MODES = ['boot', 'all'] as const;
/**
 * A GICv2 distributor serves at most 8 CPU interfaces (GICv2 1.4.2); the
 * per-vcpu keys (guest.vcpuN, expect.*.vcpuN, host events) name vcpus 0..7.
 */
export const MAX_VCPUS = 8;
/**
 * machine.vcpus and machine.pcpus with a GICv3: the redistributors of QEMU
 * virt's first redistributor region (MAX_GICV3_CPUS, src/hw/gic/v3/gic-v3.ts);
 * semantics.ts holds a GICv2 machine to MAX_VCPUS.
 */
export const MAX_MACHINE_VCPUS = MAX_GICV3_CPUS;
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
/** Cycles per exit or entry: up to 2^32-1 (over 4 s at 1 GHz), so summed costs stay exact. */
export const MAX_SWITCH_CYCLES = 0xffff_ffff;
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
  choices: 'seeded',
  mappedSpis: [],
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

export function perVcpu<T extends z.ZodType>(value: T) {
  const shape: Record<string, z.ZodOptional<T>> = {};
  for (const k of VCPU_KEYS) shape[k] = value.optional();
  return strict(shape);
}

export function union<T extends readonly [z.ZodType, ...z.ZodType[]]>(options: T, expected: string) {
  return z.union(options, {
    error: (iss) => (iss.code === 'invalid_union' ? `expected ${expected}` : undefined),
  });
}

export const cycles = (description: string) =>
  intSchema(
    { min: 0n, max: BigInt(MAX_SWITCH_CYCLES), expected: `a number of cycles 0..${MAX_SWITCH_CYCLES}` },
    description,
    Number,
  );

export const vcpuIndex = (description: string) =>
  smallInt(0, MAX_VCPUS - 1, description, 'a vcpu number 0..7');
