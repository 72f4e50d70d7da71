// Booting a kernel the way QEMU's virt board does with -kernel/-initrd/-append
// and no firmware, following the arm64 boot protocol (Linux
// Documentation/arch/arm64/booting.rst): the kernel, the initrd and the
// device tree are placed in RAM, and the boot cpu enters the kernel at EL1
// with the MMU off, all of DAIF masked, x0 = the DTB's address and
// x1..x3 = 0 (Cpu.reset gives the rest). The other cpus stay off until the
// kernel starts them with PSCI CPU_ON.
//
// Placement (RAM = [base, base + size)):
// - an arm64 Image at base + 2 MiB + text_offset (2 MiB aligned base, as the
//   protocol requires; QEMU also skips the first 2 MiB, where it keeps its
//   boot stub); a raw binary at 0x4008_0000 (SCENARIOS.md); an AArch64 ELF
//   at its segments' physical addresses. A gzip-compressed kernel (Debian's
//   vmlinuz) is decompressed first, as QEMU does.
// - the initrd at base + min(size / 2, 128 MiB) (QEMU's choice), or, if the
//   kernel's image_size reaches past that, at the next 4 KiB boundary after it.
// - the DTB at the start of RAM, below the kernel (8-byte aligned, at most
//   2 MiB, per booting.rst); when the kernel starts too low for it to fit,
//   at the next 4 KiB boundary after the kernel and the initrd.
// Every problem is a LoadError naming the file it is about.

import { gunzipSync } from 'node:zlib';
import { hex } from '../sim/bits.ts';
import { machineDtb } from '../hw/board/dtb.ts';
import { cells64, decodeFdt, encodeFdt, FdtError, type FdtNode, strings } from '../hw/board/fdt.ts';
import { IMAGE_BASE_ALIGN, loadArm64Image, isArm64Image } from '../hw/cpu/loader/arm64-image.ts';
import { isElf, loadElf } from '../hw/cpu/loader/elf.ts';
import { DEFAULT_FLAT_BASE, loadFlat } from '../hw/cpu/loader/flat.ts';
import { checkKernelFormat } from '../hw/cpu/loader/kernel-format.ts';
import { LoadError, type LoadResult, type LoadTarget } from '../hw/cpu/loader/target.ts';
import { isCpio, readCpio } from './cpio.ts';

/** The most a DTB may be (booting.rst). */
export const DTB_MAX_SIZE = 0x20_0000;
const DTB_ALIGN = 8;
const PAGE = 0x1000;
/** QEMU puts the initrd at most this far into RAM (or at half of RAM). */
const INITRD_MAX_OFFSET = 128 * 1024 * 1024;

export interface BootFile {
  /** name for messages (as written in the scenario) */
  readonly name: string;
  readonly bytes: Uint8Array;
}

export interface LinuxBootInput {
  readonly kernel: BootFile;
  readonly initrd?: BootFile;
  /** 'auto': generated for the machine; or a .dtb whose /chosen is updated */
  readonly dtb: 'auto' | BootFile;
  readonly bootargs?: string;
  readonly cpus: number;
  readonly ramBase: number;
  readonly ramSize: number;
}

export interface Blob {
  readonly what: 'kernel' | 'initrd' | 'dtb';
  readonly pa: number;
  readonly bytes: Uint8Array;
}

export interface LinuxBoot {
  readonly format: LoadResult['format'];
  readonly entry: number;
  /** x0..x3 at entry */
  readonly regs: readonly [bigint, bigint, bigint, bigint];
  readonly kernel: { readonly start: number; readonly end: number };
  readonly initrd?: { readonly start: number; readonly end: number };
  readonly dtb: { readonly start: number; readonly end: number };
  /** Everything to write into RAM, in order. */
  readonly blobs: readonly Blob[];
}

const alignUp = (n: number, a: number): number => Math.ceil(n / a) * a;
const GZIP = (b: Uint8Array) => b.length >= 2 && b[0] === 0x1f && b[1] === 0x8b;

function gunzip(f: BootFile): Uint8Array {
  try {
    return new Uint8Array(gunzipSync(f.bytes));
  } catch (e) {
    const msg = (e as Error).message;
    const cut = /unexpected end/i.test(msg) ? ' (the file is truncated)' : '';
    throw new LoadError(f.name, `gzip-compressed, but the gzip data is bad: ${msg}${cut}`);
  }
}

/** A LoadTarget over the board's RAM range that keeps what is written (the machines load it later). */
class Collect implements LoadTarget {
  readonly parts: { pa: number; bytes: Uint8Array }[] = [];
  constructor(
    readonly base: number,
    readonly size: number,
  ) {}
  load(pa: number, bytes: Uint8Array): void {
    this.parts.push({ pa, bytes });
  }
  contains(pa: number, len: number): boolean {
    return pa >= this.base && len >= 0 && pa + len <= this.base + this.size;
  }
}

function loadKernel(f: BootFile, ram: Collect): { r: LoadResult; start: number; end: number } {
  const bytes = GZIP(f.bytes) ? gunzip(f) : f.bytes;
  checkKernelFormat(f.name, bytes);
  let r: LoadResult;
  if (isElf(bytes)) r = loadElf(f.name, bytes, ram);
  else if (isArm64Image(bytes))
    r = loadArm64Image(f.name, bytes, ram, { base: alignUp(ram.base, IMAGE_BASE_ALIGN) + IMAGE_BASE_ALIGN });
  else r = loadFlat(f.name, bytes, ram, { base: DEFAULT_FLAT_BASE });
  const start = Math.min(...r.segments.map((s) => s.pa));
  const end = Math.max(...r.segments.map((s) => s.pa + s.memSize));
  return { r, start, end };
}

/** Check an initrd for the mistakes that are recognisable; formats we cannot look into pass. */
function checkInitrd(f: BootFile): void {
  if (f.bytes.length === 0) throw new LoadError(f.name, 'empty file');
  if (isElf(f.bytes) || isArm64Image(f.bytes))
    throw new LoadError(
      f.name,
      'an executable or kernel image, not an initramfs (expected a cpio archive, optionally gzip-compressed)',
    );
  const inner = GZIP(f.bytes) ? gunzip(f) : f.bytes;
  if (!isCpio(inner)) return;
  try {
    readCpio(inner);
  } catch (e) {
    throw new LoadError(f.name, `bad cpio archive: ${(e as Error).message}`);
  }
}

/** Set bootargs and the initrd range in a user-supplied DTB's /chosen (creating it if needed). */
function patchDtb(f: BootFile, bootargs: string | undefined, initrd: LinuxBoot['initrd']): Uint8Array {
  let tree: ReturnType<typeof decodeFdt>;
  try {
    tree = decodeFdt(f.bytes);
  } catch (e) {
    if (e instanceof FdtError) throw new LoadError(f.name, `not a valid device tree blob: ${e.message}`);
    throw e;
  }
  let chosen: FdtNode | undefined = tree.root.children.find((c) => c.name === 'chosen');
  if (chosen === undefined) {
    chosen = { name: 'chosen', props: [], children: [] };
    tree.root.children.push(chosen);
  }
  const set = (name: string, value: Uint8Array) => {
    const i = chosen.props.findIndex((p) => p.name === name);
    if (i >= 0) chosen.props.splice(i, 1);
    chosen.props.push({ name, value });
  };
  if (bootargs !== undefined) set('bootargs', strings(bootargs));
  if (initrd !== undefined) {
    set('linux,initrd-start', cells64(initrd.start));
    set('linux,initrd-end', cells64(initrd.end));
  }
  return encodeFdt(tree.root, { bootCpu: tree.bootCpu, reservations: tree.reservations });
}

export function planLinuxBoot(input: LinuxBootInput): LinuxBoot {
  const ram = new Collect(input.ramBase, input.ramSize);
  const ramEnd = input.ramBase + input.ramSize;
  const kernel = loadKernel(input.kernel, ram);
  const blobs: Blob[] = ram.parts.map((p) => ({ what: 'kernel', ...p }));

  let initrd: LinuxBoot['initrd'];
  if (input.initrd !== undefined) {
    const f = input.initrd;
    checkInitrd(f);
    let start = input.ramBase + Math.min(Math.floor(input.ramSize / 2), INITRD_MAX_OFFSET);
    if (start < kernel.end && start + f.bytes.length > kernel.start) start = alignUp(kernel.end, PAGE);
    const end = start + f.bytes.length;
    if (end > ramEnd)
      throw new LoadError(
        f.name,
        `initrd (${f.bytes.length} bytes) does not fit in RAM ${hex(input.ramBase)}-${hex(ramEnd)} after the kernel (ends ${hex(kernel.end)})`,
      );
    initrd = { start, end };
    blobs.push({ what: 'initrd', pa: start, bytes: f.bytes });
  }

  const dtbName = input.dtb === 'auto' ? 'device tree' : input.dtb.name;
  const dtbBytes =
    input.dtb === 'auto'
      ? machineDtb({
          cpus: input.cpus,
          ramBase: input.ramBase,
          ramSize: input.ramSize,
          bootargs: input.bootargs,
          initrd,
        })
      : patchDtb(input.dtb, input.bootargs, initrd);
  if (dtbBytes.length > DTB_MAX_SIZE)
    throw new LoadError(dtbName, `${dtbBytes.length} bytes; the arm64 boot protocol allows at most 2 MiB`);
  let dtbStart = alignUp(input.ramBase, DTB_ALIGN);
  if (dtbStart + dtbBytes.length > kernel.start)
    dtbStart = alignUp(Math.max(kernel.end, initrd?.end ?? 0), PAGE);
  const dtb = { start: dtbStart, end: dtbStart + dtbBytes.length };
  if (dtb.end > ramEnd)
    throw new LoadError(
      dtbName,
      `no room in RAM for the device tree (${dtbBytes.length} bytes) after the kernel and initrd`,
    );
  blobs.push({ what: 'dtb', pa: dtb.start, bytes: dtbBytes });

  return {
    format: kernel.r.format,
    entry: kernel.r.entry,
    regs: [BigInt(dtb.start), 0n, 0n, 0n],
    kernel: { start: kernel.start, end: kernel.end },
    initrd,
    dtb,
    blobs,
  };
}
