// Recognising what a "kernel" file is before it is loaded, so that the
// common mistakes get one clear sentence instead of a guest that runs
// garbage from a raw-binary load: a kernel for another architecture (x86
// bzImage, 32-bit Arm zImage, RISC-V Image, a PE/COFF executable for another
// machine), an EFI zboot image (a compressed kernel inside a PE file), and
// a truncated arm64 Image with an EFI stub (its PE section table says how
// long the file must be).
//
// Formats and the fields read:
// - arm64 Image: magic "ARM\x64" at 0x38 (Linux booting.rst); with the EFI
//   stub it also starts "MZ" and is a PE/COFF image (code0 is "MZ" + a branch).
// - PE/COFF (Microsoft PE format spec): "MZ" at 0, e_lfanew (u32) at 0x3c ->
//   "PE\0\0", then the COFF header: Machine u16 at +4, NumberOfSections u16
//   at +6, SizeOfOptionalHeader u16 at +20; the section table follows the
//   optional header, 40 bytes per section, SizeOfRawData at +16 and
//   PointerToRawData at +20.
// - EFI zboot (Linux drivers/firmware/efi/libstub, documented in the header
//   layout): "MZ", then "zimg" at offset 4.
// - x86 bzImage (Linux x86 boot protocol): "HdrS" at 0x202.
// - 32-bit Arm zImage: 0x016f2818 (LE) at 0x24.
// - RISC-V Image (Linux riscv boot-image-header): "RSC\x05" at 0x38.

import { hex } from '../../../sim/bits.ts';
import { ARM64_IMAGE_MAGIC } from './arm64-image.ts';
import { LoadError } from './target.ts';

const MZ = 0x5a4d;
const PE_SIGNATURE = 0x0000_4550; // "PE\0\0"
const E_LFANEW = 0x3c;
const COFF_HEADER = 24;
const SECTION_HEADER = 40;
const ZBOOT_MAGIC = 0x676d_697a; // "zimg"
const BZIMAGE_HDRS = 0x5372_6448; // "HdrS"
const ZIMAGE_MAGIC = 0x016f_2818;
const RISCV_MAGIC2 = 0x0543_5352; // "RSC\x05"

/** PE Machine values (PE format spec, "Machine Types"). */
const PE_MACHINES: Readonly<Record<number, string>> = {
  332: 'i386',
  34404: 'x86-64',
  450: 'Arm (Thumb)',
  452: 'Arm (Thumb-2)',
  43620: 'arm64',
  20580: 'RISC-V 64',
  25188: 'LoongArch 64',
};
const PE_MACHINE_ARM64 = 0xaa64;

function u16(b: Uint8Array, at: number): number {
  return at + 2 <= b.length ? b[at] | (b[at + 1] << 8) : -1;
}
function u32(b: Uint8Array, at: number): number {
  return at + 4 <= b.length ? (b[at] | (b[at + 1] << 8) | (b[at + 2] << 16) | (b[at + 3] << 24)) >>> 0 : -1;
}

/** The end of the last section's raw data according to a PE header, or a reason it cannot be read. */
function peExtent(b: Uint8Array): { machine: number; end: number } | string {
  const pe = u32(b, E_LFANEW);
  if (pe < 0) return 'the DOS header is cut short';
  if (u32(b, pe) === -1) return `the PE header at ${hex(pe)} is beyond the end of the file`;
  if (u32(b, pe) !== PE_SIGNATURE) return 'no PE signature';
  const machine = u16(b, pe + 4);
  const sections = u16(b, pe + 6);
  const optional = u16(b, pe + 20);
  if (machine < 0 || sections < 0 || optional < 0) return 'the COFF header is cut short';
  const table = pe + COFF_HEADER + optional;
  let end = table + sections * SECTION_HEADER;
  if (end > b.length) return `the section table (${sections} sections) runs past the end of the file`;
  for (let i = 0; i < sections; i++) {
    const s = table + i * SECTION_HEADER;
    const size = u32(b, s + 16);
    const ptr = u32(b, s + 20);
    if (size > 0) end = Math.max(end, ptr + size);
  }
  return { machine, end };
}

/**
 * Throw a LoadError if `bytes` is recognisably not a bootable arm64 kernel
 * (or a truncated one). Unrecognised files pass: they are raw binaries.
 */
export function checkKernelFormat(file: string, bytes: Uint8Array): void {
  if (bytes.length === 0) throw new LoadError(file, 'empty file');
  const isArm64 = u32(bytes, 0x38) === ARM64_IMAGE_MAGIC;
  if (u16(bytes, 0) === MZ) {
    if (u32(bytes, 4) === ZBOOT_MAGIC)
      throw new LoadError(
        file,
        'an EFI zboot image (compressed kernel inside a PE file); extract the arm64 Image from it first',
      );
    if (u32(bytes, 0x202) === BZIMAGE_HDRS)
      throw new LoadError(file, 'an x86 Linux bzImage, expected an arm64 Image');
    const pe = peExtent(bytes);
    if (typeof pe === 'string') {
      if (isArm64 || bytes.length < 0x40)
        throw new LoadError(file, `truncated (${bytes.length} bytes): ${pe}`);
      throw new LoadError(file, `a DOS/PE executable that is not an arm64 Image (${pe})`);
    }
    if (pe.machine !== PE_MACHINE_ARM64)
      throw new LoadError(
        file,
        `a PE/COFF executable for ${PE_MACHINES[pe.machine] ?? `machine ${hex(pe.machine)}`}, expected an arm64 Image`,
      );
    if (!isArm64) throw new LoadError(file, 'an arm64 PE/COFF executable without the arm64 Image header');
    if (pe.end > bytes.length)
      throw new LoadError(
        file,
        `truncated: ${bytes.length} bytes, but its PE section table says the file is at least ${pe.end} bytes`,
      );
    return;
  }
  if (isArm64) return;
  if (u32(bytes, 0x38) === RISCV_MAGIC2)
    throw new LoadError(file, 'a RISC-V Linux Image, expected an arm64 Image');
  if (u32(bytes, 0x24) === ZIMAGE_MAGIC)
    throw new LoadError(file, 'a 32-bit Arm Linux zImage, expected an arm64 Image');
}
