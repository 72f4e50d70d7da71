// Booting a kernel the way QEMU's virt board does with -kernel/-initrd/-append
// and no firmware, following the arm64 boot protocol (Linux
// Documentation/arch/arm64/booting.rst): the kernel, the initrd and the
// device tree are placed in RAM, and the boot cpu enters the kernel at EL1
// with the MMU off, all of DAIF masked, x0 = the DTB's address and
// x1..x3 = 0 (Cpu.reset gives the rest). The other cpus stay off until the
// kernel starts them with PSCI CPU_ON.
//
// Placement (RAM = [base, base + size)) is QEMU's direct kernel boot
// (hw/arm/boot.c, arm_setup_direct_kernel_boot and load_aarch64_image, read
// for QEMU 7.2/8.x; checked against qemu-system-aarch64 7.2 -M virt, see
// test/scenario/qemu-placement.test.ts):
// - an AArch64 ELF is "not Linux": its segments go to their physical
//   addresses, the cpu starts at e_entry with x0 = 0, the initrd is not
//   loaded, and the DTB goes to the start of RAM only if QEMU's tree (1 MiB,
//   or a -dtb file's size plus QEMU's padding) fits below the lowest segment;
//   otherwise there is no DTB in RAM.
// - an arm64 Image (header magic, image_size != 0) at base + text_offset, or
//   base + 2 MiB + text_offset when text_offset < 4 KiB (QEMU's boot stub
//   owns the first page); a raw binary, or a legacy Image with image_size 0,
//   at base + 0x80000. Its size is image_size (raw: the file's size: bss past
//   the file is not counted, as QEMU does not know of it). A gzip-compressed
//   kernel (Debian's vmlinuz) is decompressed first, as QEMU does.
// - the initrd at base + min(size / 2, 128 MiB), or after the kernel if it
//   reaches further, 4 KiB aligned; any content.
// - the DTB after the initrd (or where the initrd would be), 2 MiB aligned;
//   x0 = its address, x1..x3 = 0. QEMU's boot stub (ldr x0; x1..x3 = 0;
//   ldr x4; br x4) is written at the start of RAM as QEMU writes it, but the
//   cpu is entered at the kernel with the stub's registers already set.
// Every problem is a LoadError naming the file it is about.

import { gunzipSync } from 'node:zlib';
import { hex } from '../sim/bits.ts';
import { initrdCells, machineDtb } from '../hw/board/dtb.ts';
import { decodeFdt, encodeFdt, FdtError, type FdtNode, strings } from '../hw/board/fdt.ts';
import { isArm64Image, loadArm64Image, parseArm64ImageHeader } from '../hw/cpu/loader/arm64-image.ts';
import { isElf, loadElf } from '../hw/cpu/loader/elf.ts';
import { loadFlat } from '../hw/cpu/loader/flat.ts';
import { checkKernelFormat } from '../hw/cpu/loader/kernel-format.ts';
import { LoadError, type LoadResult, type LoadTarget } from '../hw/cpu/loader/target.ts';
import { isCpio, readCpio } from './cpio.ts';

/** The most a DTB may be (booting.rst). */
export const DTB_MAX_SIZE = 0x20_0000;
const PAGE = 0x1000;
const MiB = 0x10_0000;
/** QEMU puts the initrd at most this far into RAM (or at half of RAM). */
const INITRD_MAX_OFFSET = 128 * MiB;
/** QEMU aligns an AArch64 kernel's DTB to 2 MiB ("some kernels map [ALIGN_DOWN(fdt, 2MB), +2MB)"). */
const DTB_ALIGN = 2 * MiB;
/** QEMU's KERNEL64_LOAD_ADDR: raw binaries and legacy Images go this far into RAM. */
export const KERNEL64_LOAD_OFFSET = 0x8_0000;
/** QEMU's BOOTLOADER_MAX_SIZE: an Image asking for a text_offset below it goes 2 MiB higher. */
const BOOTLOADER_MAX_SIZE = 0x1000;
/** QEMU virt builds its tree in a 1 MiB buffer and loads all of it (`-M virt,dumpdtb=` writes 1 MiB). */
export const QEMU_VIRT_DTB_SIZE = MiB;
/** How big QEMU makes a -dtb file's tree in memory (device_tree.c: (size + 10000) * 2). */
const qemuDtbFileSize = (fileSize: number) => (fileSize + 10000) * 2;

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
  /** the machine gives the guest a PMU: the generated tree has a /pmu node */
  readonly pmu?: boolean;
  /** the machine's GIC (machine.gic): the generated tree's intc node; default v2 */
  readonly gic?: 'v2' | 'v3';
}

export interface Blob {
  readonly what: 'stub' | 'kernel' | 'initrd' | 'dtb';
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
  /** absent when QEMU would not put one in RAM (an ELF with no room below it) */
  readonly dtb?: { readonly start: number; readonly end: number };
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
  else if (isArm64Image(bytes)) {
    const h = parseArm64ImageHeader(f.name, bytes);
    // load_aarch64_image: the offset is from the start of RAM, not a 2 MiB boundary of QEMU's choosing.
    const offset = h.textOffset < BOOTLOADER_MAX_SIZE ? h.textOffset + 2 * MiB : h.textOffset;
    r = loadArm64Image(f.name, bytes, ram, { base: ram.base, at: ram.base + offset });
  } else r = loadFlat(f.name, bytes, ram, { base: ram.base + KERNEL64_LOAD_OFFSET });
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
    set('linux,initrd-start', initrdCells(initrd.start));
    set('linux,initrd-end', initrdCells(initrd.end));
  }
  return encodeFdt(tree.root, { bootCpu: tree.bootCpu, reservations: tree.reservations });
}

/** The first bytes of RAM under QEMU's direct kernel boot: its AArch64 boot stub (encodings per the Arm ARM). */
export function bootStub(dtb: number, entry: number): Uint8Array {
  const out = new Uint8Array(0x28);
  const v = new DataView(out.buffer);
  const code = [
    0x5800_00c0, // ldr x0, .+0x18 (the DTB address)
    0xaa1f_03e1, // mov x1, xzr
    0xaa1f_03e2, // mov x2, xzr
    0xaa1f_03e3, // mov x3, xzr
    0x5800_0084, // ldr x4, .+0x10 (the entry)
    0xd61f_0080, // br x4
  ];
  code.forEach((w, i) => {
    v.setUint32(i * 4, w, true);
  });
  v.setBigUint64(0x18, BigInt(dtb), true);
  v.setBigUint64(0x20, BigInt(entry), true);
  return out;
}

function buildDtb(input: LinuxBootInput, initrd: LinuxBoot['initrd']): { name: string; bytes: Uint8Array } {
  const name = input.dtb === 'auto' ? 'device tree' : input.dtb.name;
  const bytes =
    input.dtb === 'auto'
      ? machineDtb({
          cpus: input.cpus,
          ramBase: input.ramBase,
          ramSize: input.ramSize,
          bootargs: input.bootargs,
          initrd,
          pmu: input.pmu,
          gic: input.gic,
        })
      : patchDtb(input.dtb, input.bootargs, initrd);
  if (bytes.length > DTB_MAX_SIZE)
    throw new LoadError(name, `${bytes.length} bytes; the arm64 boot protocol allows at most 2 MiB`);
  return { name, bytes };
}

export function planLinuxBoot(input: LinuxBootInput): LinuxBoot {
  const ram = new Collect(input.ramBase, input.ramSize);
  const ramEnd = input.ramBase + input.ramSize;
  const kernel = loadKernel(input.kernel, ram);
  const blobs: Blob[] = ram.parts.map((p) => ({ what: 'kernel', ...p }));
  const base = {
    format: kernel.r.format,
    entry: kernel.r.entry,
    kernel: { start: kernel.start, end: kernel.end },
  };

  if (kernel.r.format === 'elf') {
    // Not Linux to QEMU: no initrd, x0 = 0; the DTB at the start of RAM if it fits below the image.
    const dtb = buildDtb(input, undefined);
    const room = input.dtb === 'auto' ? QEMU_VIRT_DTB_SIZE : qemuDtbFileSize(input.dtb.bytes.length);
    const below = kernel.start > input.ramBase || kernel.end <= input.ramBase;
    const limit = kernel.start > input.ramBase ? kernel.start : Number.POSITIVE_INFINITY;
    if (!below || input.ramBase + room > limit) return { ...base, regs: [0n, 0n, 0n, 0n], blobs };
    blobs.push({ what: 'dtb', pa: input.ramBase, bytes: dtb.bytes });
    return {
      ...base,
      regs: [0n, 0n, 0n, 0n],
      dtb: { start: input.ramBase, end: input.ramBase + dtb.bytes.length },
      blobs,
    };
  }

  if (kernel.end - kernel.start > input.ramSize)
    throw new LoadError(
      input.kernel.name,
      `too large to fit in RAM (kernel size ${kernel.end - kernel.start}, RAM size ${input.ramSize})`,
    );
  const initrdStart = alignUp(
    Math.max(input.ramBase + Math.min(Math.floor(input.ramSize / 2), INITRD_MAX_OFFSET), kernel.end),
    PAGE,
  );
  let initrd: LinuxBoot['initrd'];
  if (input.initrd !== undefined) {
    const f = input.initrd;
    checkInitrd(f);
    const end = initrdStart + f.bytes.length;
    if (initrdStart >= ramEnd || end > ramEnd)
      throw new LoadError(
        f.name,
        `initrd (${f.bytes.length} bytes) does not fit in RAM ${hex(input.ramBase)}-${hex(ramEnd)} after the kernel (ends ${hex(kernel.end)})`,
      );
    initrd = { start: initrdStart, end };
    blobs.push({ what: 'initrd', pa: initrdStart, bytes: f.bytes });
  }

  const dtb = buildDtb(input, initrd);
  const dtbStart = alignUp(initrd?.end ?? initrdStart, DTB_ALIGN);
  if (dtbStart + dtb.bytes.length > ramEnd)
    throw new LoadError(
      dtb.name,
      `no room in RAM for the device tree (${dtb.bytes.length} bytes) after the kernel and initrd (QEMU puts it at ${hex(dtbStart)}, 2 MiB aligned)`,
    );
  blobs.push({ what: 'dtb', pa: dtbStart, bytes: dtb.bytes });
  if (kernel.start >= input.ramBase + BOOTLOADER_MAX_SIZE)
    blobs.unshift({ what: 'stub', pa: input.ramBase, bytes: bootStub(dtbStart, kernel.r.entry) });

  return {
    ...base,
    regs: [BigInt(dtbStart), 0n, 0n, 0n],
    initrd,
    dtb: { start: dtbStart, end: dtbStart + dtb.bytes.length },
    blobs,
  };
}
