// Validated data -> the normalized Scenario: defaults applied, vcpu names
// turned into numbers, `same` resolved to the shared image, paths resolved,
// assembly located, host events typed by trigger and action. Runs only when
// the file has no problems left, so it may rely on every rule of schema.ts
// and semantics.ts.

import { basename, extname } from 'node:path';
import { parseRamSize } from '../hw/board/ram-size.ts';
import type { ExpectedVerdict } from '../hyp/generation/index.ts';
import { locate } from './issues.ts';
import { integerOf } from './values.ts';
import { ACTION_KEYS, DEFAULT_MACHINE, type ScenarioParsed, VCPU_KEYS } from './schema.ts';
import { resolvePath, vcpuNumber } from './semantics.ts';
import { assemblySource } from './source.ts';
import type {
  AckExpectation,
  Expectations,
  Policy,
  FilePath,
  Guest,
  GuestImage,
  HostAction,
  HostEvent,
  Location,
  MachineConfig,
  Scenario,
  VcpuGuest,
} from './types.ts';
import type { DataPath, YamlTree } from './yaml-tree.ts';

type Parsed = ScenarioParsed;
type VcpuGuestParsed = string | { binary: string; entry?: bigint } | { same: string };

function machineOf(m: Parsed['machine']): MachineConfig {
  const d = DEFAULT_MACHINE;
  return {
    gic: m?.gic ?? d.gic,
    vcpus: m?.vcpus ?? d.vcpus,
    spis: m?.spis ?? d.spis,
    counterHz: m?.counterHz ?? d.counterHz,
    cpuHz: m?.cpuHz ?? d.cpuHz,
    policy: m?.policy ?? d.policy,
    nLR: m?.nLR ?? d.nLR,
    hostTickHz: m?.hostTickHz ?? d.hostTickHz,
    exitCycles: m?.exitCycles ?? d.exitCycles,
    entryCycles: m?.entryCycles ?? d.entryCycles,
    preemptCycles: m?.preemptCycles ?? d.preemptCycles,
    choices: m?.choices ?? d.choices,
    mappedSpis: m?.mappedSpis ?? d.mappedSpis,
    ...(m?.pcpus === undefined ? {} : { pcpus: m.pcpus }),
    limits: {
      ticks: m?.limits?.ticks ?? d.limits.ticks,
      instructions: m?.limits?.instructions ?? d.limits.instructions,
    },
    start: m?.start ?? d.start,
    memory: parseRamSize(m?.memory ?? d.memory) as number,
    rtc: m?.rtc ?? d.rtc,
  };
}

export function normalize(parsed: Parsed, tree: YamlTree): Scenario {
  const where = (path: DataPath): Location => ({ file: tree.file, ...locate(tree, path) });
  const filePath = (path: DataPath, written: string): FilePath => ({
    written,
    resolved: resolvePath(tree.file, written),
    where: where(path),
  });
  const machine = machineOf(parsed.machine);
  if (parsed.machine?.gic !== undefined) machine.gicWhere = where(['machine', 'gic']);
  return {
    version: 1,
    name: parsed.name ?? basename(tree.file, extname(tree.file)),
    ...(parsed.description === undefined ? {} : { description: parsed.description }),
    ...(parsed.conformance === undefined ? {} : { conformance: { ...parsed.conformance } }),
    file: tree.file,
    machine,
    guest: guestOf(parsed.guest, machine.vcpus, tree, filePath),
    host: (parsed.host ?? []).map((ev, i) => hostEventOf(ev, where(['host', i]))),
    expect: expectOf(parsed.expect, where),
  };
}

type MakePath = (path: DataPath, written: string) => FilePath;

function guestOf(g: Parsed['guest'], vcpus: number, tree: YamlTree, filePath: MakePath): Guest {
  if (g.linux !== undefined) {
    const l = g.linux;
    const p = ['guest', 'linux'];
    return {
      kind: 'linux',
      linux: {
        kernel: filePath([...p, 'kernel'], l.kernel),
        ...(l.initrd === undefined ? {} : { initrd: filePath([...p, 'initrd'], l.initrd) }),
        ...(l.bootargs === undefined ? {} : { bootargs: l.bootargs }),
        dtb: l.dtb === undefined || l.dtb === 'auto' ? 'auto' : filePath([...p, 'dtb'], l.dtb),
      },
    };
  }
  // The vcpuN keys are generated (schema.ts), so their type is looked up by name here.
  const byName = g as unknown as Record<string, VcpuGuestParsed | undefined>;
  const out: (VcpuGuest | undefined)[] = Array.from({ length: vcpus }, () => undefined);
  // Own images first, so that `same` can point at the very same object.
  VCPU_KEYS.forEach((k, n) => {
    const v = byName[k];
    if (v === undefined || (typeof v === 'object' && 'same' in v)) return;
    let image: GuestImage;
    if (typeof v === 'string') image = { kind: 'asm', source: assemblySource(tree, ['guest', k], v) };
    else {
      const path = filePath(['guest', k, 'binary'], v.binary);
      image = v.entry === undefined ? { kind: 'binary', path } : { kind: 'binary', path, entry: v.entry };
    }
    out[n] = { image };
  });
  VCPU_KEYS.forEach((k, n) => {
    const v = byName[k];
    if (v === undefined || typeof v !== 'object' || !('same' in v)) return;
    const m = vcpuNumber(v.same)!;
    out[n] = { image: out[m]!.image, sameAs: m };
  });
  return { kind: 'vcpus', vcpus: out };
}

function hostEventOf(ev: NonNullable<Parsed['host']>[number], where: Location): HostEvent {
  let trigger: HostEvent['trigger'];
  if (typeof ev.at === 'number') trigger = { kind: 'at', ticks: ev.at };
  else if (ev.at !== undefined) trigger = { kind: 'at', ticks: ev.at.from, to: ev.at.to };
  else {
    const a = ev.after!;
    trigger = {
      kind: 'after',
      vcpu: a.vcpu,
      ...(a.label === undefined ? {} : { label: a.label }),
      ...(a.address === undefined ? {} : { address: Number(a.address) }),
      ...(a.hit === undefined ? {} : { hit: a.hit }),
    };
  }
  const kind = ACTION_KEYS.find((k) => ev[k] !== undefined)!;
  let action: HostAction;
  switch (kind) {
    case 'irqLine': {
      const { intid, level, vcpu } = ev.irqLine!;
      action = { kind, intid, level: level === 1 ? 1 : 0, ...(vcpu === undefined ? {} : { vcpu }) };
      break;
    }
    case 'counterOffset':
      action = { kind, value: ev.counterOffset! };
      break;
    case 'preempt': {
      const { vcpu, migrateTo, cycles } = ev.preempt!;
      action = { kind, vcpu, cycles: cycles ?? 0, ...(migrateTo === undefined ? {} : { migrateTo }) };
      break;
    }
    case 'choose': {
      const c = ev.choose!;
      action = { kind, choice: c.kind, option: c.option, nth: c.nth ?? 1 };
      break;
    }
    case 'vmmMigrate': {
      const m = ev.vmmMigrate!;
      action = { kind, reassertLines: m === true ? true : m.reassertLines };
      break;
    }
    default:
      action = { kind };
  }
  return { trigger, action, where };
}

function expectOf(e: Parsed['expect'], where: (path: DataPath) => Location): Expectations {
  const acknowledged: AckExpectation[] = [];
  for (const [k, v] of Object.entries(e?.acknowledged ?? {})) {
    if (v === undefined) continue;
    const vcpu = vcpuNumber(k)!;
    if (Array.isArray(v)) acknowledged.push({ vcpu, kind: 'sequence', intids: v });
    else {
      const counts = Object.entries(v.count).map(([intid, count]) => ({ intid: Number(intid), count }));
      acknowledged.push({ vcpu, kind: 'count', counts });
    }
  }
  const registers: Expectations['registers'] = [];
  for (const [k, regs] of Object.entries(e?.registers ?? {})) {
    for (const [register, value] of Object.entries(regs ?? {})) {
      if (value === undefined) continue;
      registers.push({
        vcpu: vcpuNumber(k)!,
        register,
        value,
        where: where(['expect', 'registers', k, register]),
      });
    }
  }
  const memory: Expectations['memory'] = [];
  const rawMemory = e?.memory ?? {};
  for (const [address, value] of Object.entries(rawMemory)) {
    memory.push({
      address: BigInt.asUintN(64, integerOf(address, true)!),
      value,
      where: where(['expect', 'memory', address]),
    });
  }
  const out: Expectations = { acknowledged, never: e?.never ?? [], registers, memory };
  if (e?.uart !== undefined)
    out.uart =
      typeof e.uart === 'string'
        ? { kind: 'exact', text: e.uart }
        : { kind: 'contains', text: e.uart.contains };
  if (e?.exit !== undefined) out.exit = e.exit;
  if (e?.divergence !== undefined) out.divergence = e.divergence;
  if (e?.verdicts !== undefined) {
    const v: Partial<Record<Policy, ExpectedVerdict>> = {};
    for (const [p, verdict] of Object.entries(e.verdicts))
      if (verdict !== undefined) v[p as Policy] = verdict;
    out.verdicts = v;
  }
  return out;
}
