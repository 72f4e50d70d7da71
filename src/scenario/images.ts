// Guest images of a scenario: inline assembly assembled with positions that
// point into the YAML file, or binaries loaded by the ELF/flat loader. Each
// vcpu with its own inline code gets its own 1 MiB slot above 0x4008_0000
// (vcpu0 at 0x4008_0000, vcpu N at 0x4008_0000 + N MiB), so that two
// different programs never overlap; `same` shares the image of another.
// `guest.linux` is one image for vcpu0 with the initrd and the device tree
// beside it and x0..x3 set by the boot protocol (linux-boot.ts).

import { readFileSync } from 'node:fs';
import { DEFAULT_ENTRY, MEMMAP } from '../hw/board/memory-map.ts';
import { AsmError, assemble } from '../hw/cpu/asm/index.ts';
import { loadGuest } from '../hw/cpu/loader/loader.ts';
import { LoadError } from '../hw/cpu/loader/target.ts';
import type { GuestRam } from '../hw/mem/guest-ram.ts';
import { type ScenarioDiagnostic, ScenarioError } from './diagnostics.ts';
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
function buildLinuxImages(s: Scenario, g: LinuxGuest): (VcpuImage | undefined)[] {
  const files: FilePath[] = [g.kernel, ...(g.initrd ? [g.initrd] : []), ...(g.dtb === 'auto' ? [] : [g.dtb])];
  const located = (e: unknown): never => {
    if (!(e instanceof LoadError)) throw e;
    const at = files.find((f) => f.written === e.file) ?? g.kernel;
    throw new ScenarioError([{ ...at.where, message: e.message }]);
  };
  const read = (f: FilePath): BootFile => {
    try {
      return { name: f.written, bytes: new Uint8Array(readFileSync(f.resolved)) };
    } catch (e) {
      const err = e as NodeJS.ErrnoException;
      return located(new LoadError(f.written, `cannot read: ${err.code ?? err.message}`));
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
      ramSize: MEMMAP.RAM.size,
    });
    const image: VcpuImage = {
      base: boot.dtb.start,
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

/** Assemble (or read) every vcpu's image; all problems of all blocks are reported at once. */
export function buildImages(s: Scenario): (VcpuImage | undefined)[] {
  if (s.guest.kind === 'linux') return buildLinuxImages(s, s.guest.linux);
  const diags: ScenarioDiagnostic[] = [];
  const built = new Map<VcpuGuest['image'], VcpuImage>();
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
      let image: VcpuImage;
      if (img.kind === 'asm') {
        const r = assemble(img.source.text, {
          base: DEFAULT_ENTRY + i * SLOT,
          file: img.source.file,
          line: img.source.line,
          column: img.source.column - 1,
        });
        image = { base: r.base, bytes: r.bytes, entry: r.entry, symbols: r.symbols };
      } else {
        const bytes = readFileSync(img.path.resolved);
        const entry = img.entry === undefined ? DEFAULT_ENTRY : Number(img.entry);
        const staged = new Staging();
        const r = loadGuest(img.path.written, new Uint8Array(bytes), staged, {
          flatBase: entry,
          flatEntry: entry,
        });
        image = { base: staged.base, bytes: staged.bytes(), entry: Number(r.entry), symbols: new Map() };
      }
      built.set(g.image, image);
      out.push(image);
    } catch (e) {
      if (e instanceof AsmError) diags.push(...e.diagnostics);
      else if (e instanceof LoadError && img.kind === 'binary')
        diags.push({ ...img.path.where, message: e.message });
      else if (img.kind === 'binary' && e instanceof Error)
        diags.push({ ...img.path.where, message: `cannot read ${img.path.written}: ${e.message}` });
      else throw e;
      out.push(undefined);
    }
  });
  if (diags.length > 0) throw new ScenarioError(diags);
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
  private readonly parts: { pa: number; bytes: Uint8Array }[] = [];
  load(pa: number, bytes: Uint8Array): void {
    this.parts.push({ pa, bytes: bytes.slice() });
  }
  contains(pa: number, len: number): boolean {
    return pa >= 0x4000_0000 && pa + len <= 0x4000_0000 + 128 * 1024 * 1024;
  }
  get base(): number {
    return Math.min(...this.parts.map((p) => p.pa));
  }
  bytes(): Uint8Array {
    const base = this.base;
    const end = Math.max(...this.parts.map((p) => p.pa + p.bytes.length));
    const out = new Uint8Array(end - base);
    for (const p of this.parts) out.set(p.bytes, p.pa - base);
    return out;
  }
}
