// Rules that relate several values of a scenario: vcpu numbers against
// machine.vcpus, `same` targets, linux vs vcpuN, exactly one trigger and one
// action per host event, PPI/SPI rules of KVM_IRQ_LINE, time order of events,
// and files that must exist. They run on the raw data (each value parsed on
// its own), so they are reported even when other parts of the file are
// malformed: the user sees every problem in one run.

import { dirname, resolve } from 'node:path';
import { isScalar, Scalar } from 'yaml';
import type * as z from 'zod';
import { isPpi, isSpi, PRIVATE_COUNT } from '../hw/gic/intid.ts';
import { MEMMAP } from '../hw/board/memory-map.ts';
import { parseRamSize } from '../hw/board/ram-size.ts';
import { generationByName } from '../hyp/generation/index.ts';
import type { ScenarioDiagnostic } from './diagnostics.ts';
import { regularFileProblem } from './files.ts';
import { locate } from './issues.ts';
import {
  ACTION_KEYS,
  DEFAULT_MACHINE,
  scenarioSchemas,
  TRIGGER_KEYS,
  VCPU_KEYS,
  vcpuIndex,
} from './schema.ts';
import { ticks, u64 } from './values.ts';
import { type DataPath, formatPath, type YamlTree } from './yaml-tree.ts';

type Dict = Record<string, unknown>;

function dict(v: unknown): Dict | undefined {
  return typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Dict) : undefined;
}

function tryParse<T>(schema: z.ZodType<T>, v: unknown): T | undefined {
  const r = schema.safeParse(v, { jitless: true });
  return r.success ? r.data : undefined;
}

/** A value that may be left out: its default when absent, undefined when invalid. */
function field<T>(schema: z.ZodType<T>, v: unknown, dflt: T): T | undefined {
  return v === undefined ? dflt : tryParse(schema, v);
}

const anyTicks = ticks('');
const anyU64 = u64('');
/** Longest `at: { from, to }` window (ticks): the explorer tries every instant of it. */
export const MAX_WINDOW = 4096;
const anyVcpu = vcpuIndex('');
const VCPU_NAME = /^vcpu([0-9]+)$/;

export function vcpuNumber(name: unknown): number | undefined {
  const m = typeof name === 'string' ? VCPU_NAME.exec(name) : null;
  return m ? Number(m[1]) : undefined;
}

/** Resolves a path written in the scenario against the scenario's directory. */
export function resolvePath(scenarioFile: string, written: string): string {
  return resolve(dirname(scenarioFile), written);
}

export interface SemanticOptions {
  /** Check that referenced files exist (default true). */
  checkFiles: boolean;
}

export function checkSemantics(tree: YamlTree, options: SemanticOptions): ScenarioDiagnostic[] {
  const out: ScenarioDiagnostic[] = [];
  const emit = (path: DataPath, message: string, preferKey = false) =>
    out.push({ file: tree.file, ...locate(tree, path, preferKey), message });
  const top = dict(tree.data);
  if (top === undefined) return out;

  const machine = dict(top.machine) ?? {};
  const vcpus = field(
    scenarioSchemas().machineSchema.shape.vcpus.unwrap(),
    machine.vcpus,
    DEFAULT_MACHINE.vcpus,
  );
  const spis = field(scenarioSchemas().machineSchema.shape.spis.unwrap(), machine.spis, DEFAULT_MACHINE.spis);
  const ram = machine.memory === undefined ? undefined : parseRamSize(machine.memory as string | number);
  const ramSize = typeof ram === 'number' ? ram : undefined;
  const counterHz = field(
    scenarioSchemas().machineSchema.shape.counterHz.unwrap(),
    machine.counterHz,
    DEFAULT_MACHINE.counterHz,
  );
  const pcpus = field(scenarioSchemas().machineSchema.shape.pcpus.unwrap(), machine.pcpus, vcpus);
  if (machine.gic === 'v3') {
    const policy = field(
      scenarioSchemas().machineSchema.shape.policy.unwrap(),
      machine.policy,
      DEFAULT_MACHINE.policy,
    );
    const gen = policy === undefined ? undefined : generationByName(policy);
    // an unknown policy is reported at machine.policy
    if (gen !== undefined && gen.vgicV3 !== true)
      emit(
        ['machine', 'gic'],
        `machine.gic: ${gen.name} (machine.policy) has no vgic-v3: its VM runs GICv2 guests only (gic: v2); GICv3 guests need a generation with vgic-v3 (linux-7.0)`,
      );
  }
  const hostTickHz = tryParse(scenarioSchemas().machineSchema.shape.hostTickHz.unwrap(), machine.hostTickHz);
  if (hostTickHz !== undefined && counterHz !== undefined && hostTickHz > counterHz)
    emit(
      ['machine', 'hostTickHz'],
      `machine.hostTickHz: the host tick is an interrupt of the counter-driven EL1 physical timer, so at most machine.counterHz (${counterHz}) per second, found ${hostTickHz}`,
    );
  /** Reports a vcpu number the machine does not have; `path` points at it. */
  const checkVcpu = (n: number | undefined, path: DataPath, preferKey = false) => {
    if (n !== undefined && vcpus !== undefined && n >= vcpus) {
      emit(
        path,
        `${formatPath(path)}: the machine has ${vcpus} vcpu(s) (machine.vcpus), so vcpu${n} does not exist`,
        preferKey,
      );
    }
  };
  const checkFile = (path: DataPath, written: unknown) => {
    if (!options.checkFiles || typeof written !== 'string' || written === '') return;
    const resolved = resolvePath(tree.file, written);
    const problem = regularFileProblem(resolved, ramSize ?? MEMMAP.RAM.size, 'RAM (machine.memory)');
    // The Linux guest's files are downloaded, not committed: say how to get them.
    const hint = /(^|\/)\.cache\/linux\//.test(written) ? '; run `npm run fetch-linux` to download them' : '';
    if (problem === 'no such file')
      emit(path, `${formatPath(path)}: file not found: '${written}' (looked for ${resolved})${hint}`);
    else if (problem !== undefined)
      emit(path, `${formatPath(path)}: cannot use '${written}' (${resolved}): ${problem}`);
  };

  checkGuest(top, emit, checkVcpu, checkFile);
  checkPlainAssembly(tree, top, emit);
  checkHost(top, emit, checkVcpu, spis);
  checkPreempt(top, emit, checkVcpu, pcpus);
  checkChoose(top, emit);
  checkExpect(top, checkVcpu);
  return out;
}

type Emit = (path: DataPath, message: string, preferKey?: boolean) => void;
type CheckVcpu = (n: number | undefined, path: DataPath, preferKey?: boolean) => void;
type CheckFile = (path: DataPath, written: unknown) => void;

function checkGuest(top: Dict, emit: Emit, checkVcpu: CheckVcpu, checkFile: CheckFile): void {
  const guest = dict(top.guest);
  if (guest === undefined) return;
  const names = VCPU_KEYS.filter((k) => guest[k] !== undefined);
  const linux = dict(guest.linux);
  if (guest.linux !== undefined) {
    for (const k of names)
      emit(['guest', k], `guest.${k}: vcpuN keys cannot be combined with guest.linux`, true);
  } else if (guest.vcpu0 === undefined) {
    emit(['guest'], 'guest: expected code for vcpu0 (the boot vcpu): add guest.vcpu0 or guest.linux', true);
  }
  for (const k of names) {
    checkVcpu(vcpuNumber(k), ['guest', k], true);
    const same = dict(guest[k])?.same;
    if (typeof same === 'string') {
      const target = VCPU_KEYS.includes(same) ? guest[same] : undefined;
      const path = ['guest', k, 'same'];
      if (same === k) emit(path, `guest.${k}.same: a vcpu cannot share its own image, found '${same}'`);
      else if (target === undefined)
        emit(
          path,
          `guest.${k}.same: expected the name of a vcpu with code (${names.join(', ')}), found '${same}'`,
        );
      else if (dict(target)?.same !== undefined)
        emit(path, `guest.${k}.same: '${same}' is itself { same: ... }; name the vcpu that has the code`);
    }
    const binary = dict(guest[k])?.binary;
    checkFile(['guest', k, 'binary'], binary);
  }
  if (linux !== undefined) {
    checkFile(['guest', 'linux', 'kernel'], linux.kernel);
    checkFile(['guest', 'linux', 'initrd'], linux.initrd);
    if (linux.dtb !== 'auto') checkFile(['guest', 'linux', 'dtb'], linux.dtb);
  }
}

/**
 * `vcpu0: hvc #0` is YAML for the string "hvc" and the comment "0": the
 * immediate silently disappears. A comment glued to its `#` after a plain
 * one-line assembly string is almost surely an immediate, so it is an error.
 */
function checkPlainAssembly(tree: YamlTree, top: Dict, emit: Emit): void {
  const guest = dict(top.guest);
  for (const k of VCPU_KEYS) {
    if (typeof guest?.[k] !== 'string') continue;
    const node = tree.valueNode(['guest', k]);
    if (!isScalar(node) || node.type !== Scalar.PLAIN || !IMMEDIATE_LIKE.test(node.comment ?? '')) continue;
    emit(
      ['guest', k],
      `guest.${k}: '#${node.comment}' after the assembly is a YAML comment, not code: quote the string or use a | block`,
    );
  }
}

const IMMEDIATE_LIKE = /^\S/;

function checkHost(top: Dict, emit: Emit, checkVcpu: CheckVcpu, spis: number | undefined): void {
  if (!Array.isArray(top.host)) return;
  let last: { at: number; index: number } | undefined;
  top.host.forEach((raw, i) => {
    const ev = dict(raw);
    if (ev === undefined) return;
    const here = ['host', i];
    const name = `host[${i}]`;
    const triggers = TRIGGER_KEYS.filter((k) => ev[k] !== undefined);
    if (triggers.length === 0) emit(here, `${name}: expected a time: at: <ticks> or after: { vcpu, label }`);
    if (triggers.length > 1) emit([...here, 'after'], `${name}: give either at or after, not both`, true);
    const actions = ACTION_KEYS.filter((k) => ev[k] !== undefined);
    if (actions.length === 0) emit(here, `${name}: expected one action: ${ACTION_KEYS.join(', ')}`);
    if (actions.length > 1)
      emit(
        [...here, actions[1]],
        `${name}: expected one action per event, found ${actions.join(' and ')}`,
        true,
      );

    checkVcpu(tryParse(anyVcpu, dict(ev.after)?.vcpu), [...here, 'after', 'vcpu']);
    const after = dict(ev.after);
    if (after !== undefined) {
      const where = (after.label === undefined) === (after.address === undefined);
      if (where) emit([...here, 'after'], `${name}.after: give exactly one of label or address`);
      const addr = tryParse(anyU64, after.address);
      if (addr !== undefined && (addr & 3n) !== 0n)
        emit(
          [...here, 'after', 'address'],
          `${name}.after.address: an instruction address is a multiple of 4`,
        );
    }
    const window = dict(ev.at);
    const from = tryParse(anyTicks, window?.from);
    const to = tryParse(anyTicks, window?.to);
    if (from !== undefined && to !== undefined && to < from)
      emit([...here, 'at', 'to'], `${name}.at: the window ends before it starts (to ${to} < from ${from})`);
    if (from !== undefined && to !== undefined && to - from >= MAX_WINDOW)
      emit(
        [...here, 'at', 'to'],
        `${name}.at: a window spans at most ${MAX_WINDOW} ticks (the explorer tries each)`,
      );

    const irq = dict(ev.irqLine);
    const intid = tryParse(scenarioSchemas().irqLineSchema.shape.intid, irq?.intid);
    if (irq !== undefined && intid !== undefined) {
      const at = [...here, 'irqLine'];
      const vcpu = tryParse(anyVcpu, irq.vcpu);
      if (isPpi(intid) && irq.vcpu === undefined)
        emit(
          at,
          `${formatPath(at)}: INTID ${intid} is a PPI (16..31), private to one vcpu: expected vcpu: <n>`,
        );
      if (isPpi(intid)) checkVcpu(vcpu, [...at, 'vcpu']);
      if (isSpi(intid) && irq.vcpu !== undefined)
        emit(
          [...at, 'vcpu'],
          `${formatPath(at)}.vcpu: not allowed for an SPI (32..): the guest routes SPIs`,
          true,
        );
      if (isSpi(intid) && spis !== undefined && intid >= PRIVATE_COUNT + spis) {
        const range = spis === 0 ? 'no SPIs' : `SPIs ${PRIVATE_COUNT}..${PRIVATE_COUNT + spis - 1}`;
        emit(
          [...at, 'intid'],
          `${formatPath(at)}.intid: the machine has ${range} (machine.spis: ${spis}), found ${intid}`,
        );
      }
    }

    const t = tryParse(anyTicks, ev.at) ?? from;
    if (t !== undefined) {
      if (last !== undefined && t < last.at)
        emit([...here, 'at'], `${name}: events with \`at\` must be in time order (${t} after ${last.at})`);
      else last = { at: t, index: i };
    }
  });
}

/** `preempt: { vcpu, migrateTo }`: a vcpu the machine has, a physical cpu the host has. */
function checkPreempt(top: Dict, emit: Emit, checkVcpu: CheckVcpu, pcpus: number | undefined): void {
  if (!Array.isArray(top.host)) return;
  top.host.forEach((raw, i) => {
    const p = dict(dict(raw)?.preempt);
    if (p === undefined) return;
    const at = ['host', i, 'preempt'];
    checkVcpu(tryParse(anyVcpu, p.vcpu), [...at, 'vcpu']);
    const to = tryParse(scenarioSchemas().preemptSchema.shape.migrateTo.unwrap(), p.migrateTo);
    if (to !== undefined && pcpus !== undefined && to >= pcpus)
      emit(
        [...at, 'migrateTo'],
        `${formatPath([...at, 'migrateTo'])}: the host has ${pcpus} physical cpu(s) (machine.pcpus), so physical cpu ${to} does not exist`,
      );
  });
}

/** `choose`: the decision is named by its tick, so `at: <ticks>` (not a window, not `after`). */
function checkChoose(top: Dict, emit: Emit): void {
  if (!Array.isArray(top.host)) return;
  top.host.forEach((raw, i) => {
    const ev = dict(raw);
    if (ev?.choose === undefined) return;
    if (ev.after !== undefined || dict(ev.at) !== undefined)
      emit(
        ['host', i, ev.after !== undefined ? 'after' : 'at'],
        `host[${i}]: a choose event names its decision by a tick: expected at: <ticks>, not a window or after`,
      );
  });
}

function checkExpect(top: Dict, checkVcpu: CheckVcpu): void {
  const expect = dict(top.expect);
  for (const section of ['acknowledged', 'registers'] as const) {
    const perVcpu = dict(expect?.[section]);
    for (const k of Object.keys(perVcpu ?? {})) checkVcpu(vcpuNumber(k), ['expect', section, k], true);
  }
}
