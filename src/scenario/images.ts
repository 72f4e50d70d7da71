// Guest images of a scenario: inline assembly assembled with positions that
// point into the YAML file, or binaries loaded by the ELF/flat loader. Each
// vcpu with its own inline code gets its own 1 MiB slot above 0x4008_0000
// (vcpu0 at 0x4008_0000, vcpu N at 0x4008_0000 + N MiB), so that two
// different programs never overlap; `same` shares the image of another.
// `guest.linux` is one image for vcpu0 with the initrd and the device tree
// beside it and x0..x3 set by the boot protocol (linux-boot.ts).

import { BOARD_ASM_SYMBOL_MAP } from '../hw/board/asm-symbols.ts';
import { DEFAULT_ENTRY, MEMMAP } from '../hw/board/memory-map.ts';
import { AsmError, assemble } from '../hw/cpu/asm/index.ts';
import { loadGuest } from '../hw/cpu/loader/loader.ts';
import { LoadError } from '../hw/cpu/loader/target.ts';
import type { GuestRam } from '../hw/mem/guest-ram.ts';
import { type ScenarioDiagnostic, ScenarioError } from './diagnostics.ts';
import { FileProblem, readRegularFile } from './files.ts';
import { generationByName } from '../hyp/generation/index.ts';
import { type BootFile, planLinuxBoot } from './linux-boot.ts';
import type { FilePath, LinuxGuest, Scenario, VcpuGuest } from './types.ts';

const SLOT = 0x10_0000;

export interface VcpuImage {
  readonly base: number;
  readonly bytes: Uint8Array;
  readonly entry: number;
  readonly symbols: ReadonlyMap<string, number>;
  /** More bytes to write into RAM (a Linux boot's kernel, initrd and DTB). */
  readonly blobs?: readonly { readonly pa: number; readonly bytes: Uint8Array }[];
  /** x0, x1, ... at entry (the boot protocol's); zero when absent */
  readonly regs?: readonly bigint[];
}

/** The kernel, initrd and DTB of `guest.linux`, as vcpu0's image; problems located at the path that has them. */
function buildLinuxImages(s: Scenario, g: LinuxGuest, pmu: boolean): (VcpuImage | undefined)[] {
  const files: FilePath[] = [g.kernel, ...(g.initrd ? [g.initrd] : []), ...(g.dtb === 'auto' ? [] : [g.dtb])];
  const located = (e: unknown): never => {
    if (!(e instanceof LoadError)) throw e;
    const at = files.find((f) => f.written === e.file) ?? g.kernel;
    throw new ScenarioError([{ ...at.where, message: e.message }]);
  };
  const read = (f: FilePath): BootFile => {
    try {
      return { name: f.written, bytes: readRegularFile(f.resolved, s.machine.memory) };
    } catch (e) {
      if (!(e instanceof FileProblem)) throw e;
      return located(new LoadError(f.written, e.message));
    }
  };
  try {
    const boot = planLinuxBoot({
      kernel: read(g.kernel),
      initrd: g.initrd ? read(g.initrd) : undefined,
      dtb: g.dtb === 'auto' ? 'auto' : read(g.dtb),
      bootargs: g.bootargs,
      cpus: s.machine.vcpus,
      ramBase: MEMMAP.RAM.base,
      ramSize: s.machine.memory,
      pmu,
      gic: s.machine.gic,
    });
    const image: VcpuImage = {
      base: MEMMAP.RAM.base,
      bytes: new Uint8Array(0),
      entry: boot.entry,
      symbols: new Map(),
      blobs: boot.blobs,
      regs: boot.regs,
    };
    return Array.from({ length: s.machine.vcpus }, (_, i) => (i === 0 ? image : undefined));
  } catch (e) {
    return located(e);
  }
}

/** Where a guest's code is written in the scenario, for messages about its image. */
function whereOf(img: VcpuGuest['image']): ScenarioDiagnostic {
  if (img.kind === 'asm')
    return { file: img.source.file, line: img.source.line, column: img.source.column, message: '' };
  return { ...img.path.where, message: '' };
}

const hexAddr = (n: number) => `0x${n.toString(16)}`;

/** One vcpu's image: assembled in its slot, or a binary read and staged (an explicit entry wins over the file's). */
function buildOne(
  img: VcpuGuest['image'],
  vcpu: number,
  ramSize: number,
): { image: VcpuImage; ranges: Range[] } {
  const ramEnd = MEMMAP.RAM.base + ramSize;
  if (img.kind === 'asm') {
    const r = assemble(img.source.text, {
      base: DEFAULT_ENTRY + vcpu * SLOT,
      file: img.source.file,
      line: img.source.line,
      column: img.source.column - 1,
      predefined: BOARD_ASM_SYMBOL_MAP,
    });
    return {
      image: { base: r.base, bytes: r.bytes, entry: r.entry, symbols: r.symbols },
      ranges: [{ start: r.base, end: r.base + r.bytes.length }],
    };
  }
  if (img.entry !== undefined && (img.entry < BigInt(MEMMAP.RAM.base) || img.entry >= BigInt(ramEnd)))
    throw new LoadError(
      img.path.written,
      `entry 0x${img.entry.toString(16)} is outside RAM (${hexAddr(MEMMAP.RAM.base)}..${hexAddr(ramEnd - 1)})`,
    );
  const bytes = readRegularFile(img.path.resolved, ramSize);
  const entry = img.entry === undefined ? undefined : Number(img.entry);
  const staged = new Staging(ramSize);
  const r = loadGuest(img.path.written, bytes, staged, {
    flatBase: entry ?? DEFAULT_ENTRY,
    flatEntry: entry,
  });
  return {
    image: {
      base: staged.lowest,
      bytes: staged.bytes(),
      entry: entry ?? Number(r.entry),
      symbols: new Map(),
    },
    ranges: staged.ranges(),
  };
}

interface Range {
  start: number;
  end: number;
}

/**
 * Assemble (or read) every vcpu's image; all problems of all blocks are
 * reported at once. `policy` (default the scenario's) decides whether a
 * generated device tree has a /pmu node: where the generation gives the
 * guest the vPMU, as QEMU on that KVM would.
 */
export function buildImages(s: Scenario, policy: string = s.machine.policy): (VcpuImage | undefined)[] {
  if (s.guest.kind === 'linux')
    return buildLinuxImages(s, s.guest.linux, generationByName(policy).pmu === 'vpmu');
  const diags: ScenarioDiagnostic[] = [];
  const built = new Map<VcpuGuest['image'], VcpuImage>();
  const placed: { vcpu: number; img: VcpuGuest['image']; ranges: Range[] }[] = [];
  const out: (VcpuImage | undefined)[] = [];
  s.guest.vcpus.forEach((g, i) => {
    if (g === undefined) {
      out.push(undefined);
      return;
    }
    const done = built.get(g.image);
    if (done !== undefined) {
      out.push(done);
      return;
    }
    const img = g.image;
    try {
      const { image, ranges } = buildOne(img, i, s.machine.memory);
      built.set(g.image, image);
      placed.push({ vcpu: i, img, ranges });
      out.push(image);
    } catch (e) {
      if (e instanceof AsmError) diags.push(...e.diagnostics);
      else if (e instanceof LoadError && img.kind === 'binary')
        diags.push({ ...img.path.where, message: e.message });
      else if (e instanceof FileProblem && img.kind === 'binary')
        diags.push({ ...img.path.where, message: `cannot read ${img.path.written}: ${e.message}` });
      else throw e;
      out.push(undefined);
    }
  });
  diags.push(...placementProblems(placed, MEMMAP.RAM.base + s.machine.memory));
  if (diags.length > 0) throw new ScenarioError(diags);
  return out;
}

/** Images must lie in RAM and must not overlap each other (a later one would silently overwrite code). */
function placementProblems(
  placed: { vcpu: number; img: VcpuGuest['image']; ranges: Range[] }[],
  ramEnd: number,
): ScenarioDiagnostic[] {
  const out: ScenarioDiagnostic[] = [];
  const what = (p: (typeof placed)[number]) =>
    p.img.kind === 'asm' ? `vcpu${p.vcpu}'s inline code` : `vcpu${p.vcpu}'s binary '${p.img.path.written}'`;
  const span = (r: Range) => `${hexAddr(r.start)}..${hexAddr(r.end - 1)}`;
  placed.forEach((p) => {
    const outside = p.ranges.find((r) => r.end > r.start && (r.start < MEMMAP.RAM.base || r.end > ramEnd));
    if (outside !== undefined)
      out.push({
        ...whereOf(p.img),
        message: `guest.vcpu${p.vcpu}: ${what(p)} occupies ${span(outside)}, which does not fit in RAM (${hexAddr(MEMMAP.RAM.base)}..${hexAddr(ramEnd - 1)}, machine.memory)`,
      });
  });
  out.push(...overlaps(placed, what, span));
  return out;
}

/**
 * The first overlap of each image with an earlier one, in one sweep over the
 * ranges sorted by start (an ELF may have thousands of segments): each image
 * keeps its range reaching furthest so far.
 */
function overlaps(
  placed: { vcpu: number; img: VcpuGuest['image']; ranges: Range[] }[],
  what: (p: (typeof placed)[number]) => string,
  span: (r: Range) => string,
): ScenarioDiagnostic[] {
  const all = placed.flatMap((p, owner) =>
    p.ranges.filter((r) => r.end > r.start).map((r) => ({ ...r, owner })),
  );
  all.sort((x, y) => x.start - y.start || x.owner - y.owner);
  const furthest = new Map<number, Range>();
  const reported = new Set<number>();
  const out: ScenarioDiagnostic[] = [];
  for (const r of all) {
    for (const [owner, f] of furthest) {
      if (owner === r.owner || f.end <= r.start) continue;
      // Reported at the later vcpu, naming the earlier one.
      const [p, q, a, b] =
        owner < r.owner ? [placed[r.owner], placed[owner], r, f] : [placed[owner], placed[r.owner], f, r];
      const key = placed.indexOf(p);
      if (reported.has(key)) continue;
      reported.add(key);
      const slot =
        p.img.kind === 'asm' && q.img.kind === 'asm'
          ? ` (inline code of vcpuN is placed at ${hexAddr(DEFAULT_ENTRY)} + N MiB)`
          : '';
      out.push({
        ...whereOf(p.img),
        message: `guest.vcpu${p.vcpu}: ${what(p)} at ${span(a)} overlaps ${what(q)} at ${span(b)}${slot}`,
      });
    }
    const f = furthest.get(r.owner);
    if (f === undefined || r.end > f.end) furthest.set(r.owner, r);
  }
  return out;
}

/** Load every distinct image into RAM. */
export function loadImages(ram: GuestRam, images: readonly (VcpuImage | undefined)[]): void {
  for (const img of new Set(images)) {
    if (img === undefined) continue;
    ram.load(img.base, img.bytes);
    for (const b of img.blobs ?? []) ram.load(b.pa, b.bytes);
  }
}

/** A LoadTarget that collects segments so a binary can be loaded into any machine later. */
class Staging {
  readonly base = MEMMAP.RAM.base;
  constructor(readonly size: number) {}
  private readonly parts: { pa: number; bytes: Uint8Array }[] = [];
  load(pa: number, bytes: Uint8Array): void {
    this.parts.push({ pa, bytes: bytes.slice() });
  }
  contains(pa: number, len: number): boolean {
    return pa >= this.base && len >= 0 && pa + len <= this.base + this.size;
  }
  ranges(): Range[] {
    return this.parts.map((p) => ({ start: p.pa, end: p.pa + p.bytes.length }));
  }
  get lowest(): number {
    return this.parts.length === 0 ? this.base : Math.min(...this.parts.map((p) => p.pa));
  }
  bytes(): Uint8Array {
    if (this.parts.length === 0) return new Uint8Array(0);
    const base = this.lowest;
    const end = Math.max(...this.parts.map((p) => p.pa + p.bytes.length));
    const out = new Uint8Array(end - base);
    for (const p of this.parts) out.set(p.bytes, p.pa - base);
    return out;
  }
}
