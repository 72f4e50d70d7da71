// ELF64 little-endian AArch64 executables (System V gABI "ELF-64 Object
// File Format" + the AArch64 ELF ABI, which fixes EM_AARCH64 = 183).
//
// Placement: each PT_LOAD segment goes to its *physical* address p_paddr
// (the linker's LMA). Guests start at EL1 with the MMU off, so the addresses
// the CPU fetches and loads from are physical ones; p_paddr is where the
// file says the bytes must sit in that case (for ordinary bare-metal links
// LMA == VMA anyway). The entry point e_entry is a virtual address; it is
// translated through the segment that contains it (pa = p_paddr + (e_entry
// - p_vaddr)), so a link with AT() placement still enters at the right byte.
//
// ET_EXEC is accepted; ET_DYN only when it has no PT_DYNAMIC segment (no
// relocations to apply, so loading it "as linked" is exact). Anything else is
// a LoadError with one specific sentence.

import { hex } from '../../../sim/bits.ts';
import {
  checkInRam,
  type LoadedSegment,
  LoadError,
  type LoadResult,
  type LoadTarget,
  placeSegment,
} from './target.ts';

// e_ident (gABI "ELF Identification")
const ELF_MAGIC = [0x7f, 0x45, 0x4c, 0x46]; // "\x7fELF"
const EI_NIDENT = 16;
const EI_CLASS = 4;
const EI_DATA = 5;
const EI_VERSION = 6;
const ELFCLASS32 = 1;
const ELFCLASS64 = 2;
const ELFDATA2LSB = 1;
const ELFDATA2MSB = 2;
const EV_CURRENT = 1;

// ELF64 header fields (offsets into Elf64_Ehdr)
const EHDR_SIZE = 64;
const E_TYPE = 16;
const E_MACHINE = 18;
const E_ENTRY = 24;
const E_PHOFF = 32;
const E_PHENTSIZE = 54;
const E_PHNUM = 56;

const ET_REL = 1;
const ET_EXEC = 2;
const ET_DYN = 3;
const ET_CORE = 4;
export const EM_AARCH64 = 183;
/** e_phnum value meaning "the real count is in section header 0" (gABI). */
const PN_XNUM = 0xffff;

// Elf64_Phdr
const PHDR_SIZE = 56;
const P_TYPE = 0;
const P_FLAGS = 4;
const P_OFFSET = 8;
const P_VADDR = 16;
const P_PADDR = 24;
const P_FILESZ = 32;
const P_MEMSZ = 40;
const PT_LOAD = 1;
const PT_DYNAMIC = 2;
const PT_INTERP = 3;

/** Names of the machines people are most likely to hand us by mistake (gABI e_machine). */
const MACHINE_NAMES: Readonly<Record<number, string>> = {
  3: '386',
  8: 'MIPS',
  20: 'PPC',
  21: 'PPC64',
  22: 'S390',
  40: 'ARM',
  50: 'IA_64',
  62: 'X86_64',
  183: 'AArch64',
  243: 'RISCV',
  258: 'LoongArch',
};

const TYPE_NAMES: Readonly<Record<number, string>> = {
  [ET_REL]: 'a relocatable object (ET_REL)',
  [ET_CORE]: 'a core dump (ET_CORE)',
};

export function isElf(bytes: Uint8Array): boolean {
  return bytes.length >= ELF_MAGIC.length && ELF_MAGIC.every((b, i) => bytes[i] === b);
}

function machineName(m: number): string {
  const name = MACHINE_NAMES[m];
  return name === undefined ? `${m}` : `${name} (${m})`;
}

interface ProgramHeader {
  readonly index: number;
  readonly type: number;
  readonly flags: number;
  readonly offset: bigint;
  readonly vaddr: bigint;
  readonly paddr: bigint;
  readonly filesz: bigint;
  readonly memsz: bigint;
}

/** Validate the identification and header; return the view and the parsed program headers. */
function parseHeaders(file: string, bytes: Uint8Array): { entry: bigint; phdrs: ProgramHeader[] } {
  if (bytes.length === 0) throw new LoadError(file, 'empty file');
  if (!isElf(bytes)) throw new LoadError(file, 'not an ELF file');
  if (bytes.length < EI_NIDENT)
    throw new LoadError(file, `truncated ELF header (${bytes.length} bytes, need ${EHDR_SIZE})`);
  const cls = bytes[EI_CLASS];
  if (cls === ELFCLASS32) throw new LoadError(file, '32-bit ELF, expected ELF64');
  if (cls !== ELFCLASS64) throw new LoadError(file, `unknown ELF class ${cls}, expected ELF64`);
  const data = bytes[EI_DATA];
  if (data === ELFDATA2MSB) throw new LoadError(file, 'big-endian ELF, expected little-endian');
  if (data !== ELFDATA2LSB) throw new LoadError(file, `unknown ELF data encoding ${data}`);
  if (bytes[EI_VERSION] !== EV_CURRENT)
    throw new LoadError(file, `unsupported ELF version ${bytes[EI_VERSION]}`);
  if (bytes.length < EHDR_SIZE)
    throw new LoadError(file, `truncated ELF header (${bytes.length} bytes, need ${EHDR_SIZE})`);

  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const machine = view.getUint16(E_MACHINE, true);
  if (machine !== EM_AARCH64)
    throw new LoadError(file, `ELF for machine ${machineName(machine)}, expected AArch64 (${EM_AARCH64})`);
  const type = view.getUint16(E_TYPE, true);
  if (type !== ET_EXEC && type !== ET_DYN)
    throw new LoadError(file, `${TYPE_NAMES[type] ?? `ELF type ${type}`}, expected an executable (ET_EXEC)`);

  const phoff = view.getBigUint64(E_PHOFF, true);
  const phentsize = view.getUint16(E_PHENTSIZE, true);
  const phnum = view.getUint16(E_PHNUM, true);
  if (phnum === PN_XNUM) throw new LoadError(file, 'more than 65534 program headers (PN_XNUM) not supported');
  if (phnum === 0) throw new LoadError(file, 'no program headers (nothing to load)');
  if (phentsize !== PHDR_SIZE)
    throw new LoadError(file, `program header entry size ${phentsize}, expected ${PHDR_SIZE}`);
  if (phoff + BigInt(phnum * PHDR_SIZE) > BigInt(bytes.length))
    throw new LoadError(file, 'truncated program header table');

  const phdrs: ProgramHeader[] = [];
  for (let i = 0; i < phnum; i++) {
    const at = Number(phoff) + i * PHDR_SIZE;
    phdrs.push({
      index: i,
      type: view.getUint32(at + P_TYPE, true),
      flags: view.getUint32(at + P_FLAGS, true),
      offset: view.getBigUint64(at + P_OFFSET, true),
      vaddr: view.getBigUint64(at + P_VADDR, true),
      paddr: view.getBigUint64(at + P_PADDR, true),
      filesz: view.getBigUint64(at + P_FILESZ, true),
      memsz: view.getBigUint64(at + P_MEMSZ, true),
    });
  }
  if (phdrs.some((p) => p.type === PT_INTERP))
    throw new LoadError(file, 'dynamically linked (PT_INTERP); link with -static');
  if (type === ET_DYN && phdrs.some((p) => p.type === PT_DYNAMIC))
    throw new LoadError(
      file,
      'position-independent executable with relocations (ET_DYN + PT_DYNAMIC); link with -no-pie',
    );
  return { entry: view.getBigUint64(E_ENTRY, true), phdrs };
}

function range(p: ProgramHeader): string {
  return `${hex(p.paddr)}-${hex(p.paddr + p.memsz)}`;
}

/** Check every PT_LOAD segment against the file, RAM and each other, before writing anything. */
function checkSegments(file: string, bytes: Uint8Array, target: LoadTarget, loads: ProgramHeader[]): void {
  if (loads.length === 0) throw new LoadError(file, 'no loadable (PT_LOAD) segments');
  for (const p of loads) {
    if (p.filesz > p.memsz)
      throw new LoadError(
        file,
        `segment ${p.index}: file size ${hex(p.filesz)} exceeds memory size ${hex(p.memsz)}`,
      );
    if (p.offset + p.filesz > BigInt(bytes.length))
      throw new LoadError(
        file,
        `segment ${p.index}: file bytes ${hex(p.offset)}-${hex(p.offset + p.filesz)} beyond end of file (${hex(bytes.length)})`,
      );
    checkInRam(file, target, p.paddr, p.memsz);
  }
  const sorted = [...loads].sort((a, b) => (a.paddr < b.paddr ? -1 : a.paddr > b.paddr ? 1 : 0));
  for (let i = 1; i < sorted.length; i++) {
    const prev = sorted[i - 1];
    if (prev.paddr + prev.memsz > sorted[i].paddr)
      throw new LoadError(file, `segments ${range(prev)} and ${range(sorted[i])} overlap`);
  }
}

/** Load an ELF64 AArch64 executable into `target`. Throws LoadError naming `file` on any problem. */
export function loadElf(file: string, bytes: Uint8Array, target: LoadTarget): LoadResult {
  const { entry, phdrs } = parseHeaders(file, bytes);
  // Segments with p_memsz 0 occupy nothing (gABI allows them); skip them.
  const loads = phdrs.filter((p) => p.type === PT_LOAD && p.memsz > 0n);
  checkSegments(file, bytes, target, loads);

  const home = loads.find((p) => entry >= p.vaddr && entry < p.vaddr + p.memsz);
  if (home === undefined)
    throw new LoadError(file, `entry point ${hex(entry)} is not inside any loaded segment`);

  const segments: LoadedSegment[] = [];
  for (const p of loads) {
    const start = Number(p.offset);
    const fileSize = Number(p.filesz);
    const memSize = Number(p.memsz);
    const pa = Number(p.paddr);
    placeSegment(target, pa, bytes.subarray(start, start + fileSize), memSize);
    segments.push({ pa, fileSize, memSize, flags: p.flags });
  }
  return { format: 'elf', entry: Number(home.paddr + (entry - home.vaddr)), segments };
}
