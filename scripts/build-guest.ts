#!/usr/bin/env -S npx tsx
// Builds the C guest (guests/c) with Debian's AArch64 cross compiler into a
// directory of the caller's choice (default: a fresh temporary directory).
// The tests' copy of the ELF is recorded in test/fixtures/cross/c-guest.json
// (test/cross/c-guest.ts; `npm run fixtures:cross`). Used by tests and by hand:
//
//   npx tsx scripts/build-guest.ts [out-dir]     -> prints the ELF's path
//
// The expected UART output of the guest is exported here so that the
// end-to-end test (interpreter + PL011 + PSCI) can check it.

import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const C_GUEST_DIR = resolve(dirname(fileURLToPath(import.meta.url)), '..', 'guests', 'c');
/** Link address and entry (guests/c/guest.ld; SCENARIOS.md places guests at 0x4008_0000). */
export const C_GUEST_ENTRY = 0x4008_0000;
/** zlib-style CRC-32 of C_GUEST_MESSAGE followed by the 256-byte LCG pattern (see main.c). */
export const C_GUEST_EXPECTED_CRC = 0x1d0216bd;
/** Everything the guest prints on the PL011 before PSCI SYSTEM_OFF (guests/c/README.md). */
export const C_GUEST_EXPECTED_UART = 'crc32=0x1d0216bd\nPASS\n';
/** A string in the guest's .rodata, to recognise the image in memory. */
export const C_GUEST_MESSAGE = 'vgicsim C guest: the quick brown fox jumps over the lazy dog';

export const DEFAULT_CROSS_CC = 'aarch64-linux-gnu-gcc';
const DEBIAN_PACKAGE = 'gcc-aarch64-linux-gnu';

/** Flags: the brief's set, plus what keeps the image simple and honest for an MMU-off guest. */
export const C_GUEST_CFLAGS = [
  '-O2',
  '-ffreestanding',
  '-nostdlib',
  '-nostartfiles',
  '-mgeneral-regs-only', // no FP/SIMD: the interpreter models the integer ISA
  '-static',
  '-fno-pie',
  '-no-pie',
  '-mstrict-align', // MMU off => Device memory, where unaligned accesses fault
  '-fno-stack-protector',
  '-fno-asynchronous-unwind-tables',
  '-fno-unwind-tables',
  '-Wall',
  '-Wextra',
  '-Werror',
  '-Wl,--build-id=none',
  '-Wl,-z,max-page-size=0x1000',
];

export interface BuildOptions {
  /** where to write guest.elf (created if missing); default a new temporary directory */
  readonly outDir?: string;
  /** compiler to run; default aarch64-linux-gnu-gcc */
  readonly cc?: string;
}

export interface BuiltGuest {
  readonly elf: string;
  readonly dir: string;
}

export class GuestBuildError extends Error {
  override name = 'GuestBuildError';
}

export function buildCGuest(opts: BuildOptions = {}): BuiltGuest {
  const cc = opts.cc ?? DEFAULT_CROSS_CC;
  const dir = opts.outDir ?? mkdtempSync(join(tmpdir(), 'vgicsim-cguest-'));
  mkdirSync(dir, { recursive: true });
  try {
    return compile(cc, dir);
  } catch (e) {
    if (opts.outDir === undefined) rmSync(dir, { recursive: true, force: true }); // ours: leave nothing behind
    throw e;
  }
}

function compile(cc: string, dir: string): BuiltGuest {
  const elf = join(dir, 'guest.elf');
  const args = [
    ...C_GUEST_CFLAGS,
    '-T',
    join(C_GUEST_DIR, 'guest.ld'),
    '-o',
    elf,
    join(C_GUEST_DIR, 'start.S'),
    join(C_GUEST_DIR, 'main.c'),
  ];
  const r = spawnSync(cc, args, { encoding: 'utf8' });
  if (r.error) {
    const code = (r.error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT')
      throw new GuestBuildError(
        `${cc} not found: install the Debian package ${DEBIAN_PACKAGE} (apt-get install ${DEBIAN_PACKAGE})`,
      );
    throw new GuestBuildError(`${cc} could not run: ${r.error.message}`);
  }
  if (r.status !== 0)
    throw new GuestBuildError(
      `${cc} failed (exit ${r.status}):\n${r.stderr}${r.stdout}\ncommand: ${cc} ${args.join(' ')}`,
    );
  return { elf, dir };
}

if (process.argv[1] !== undefined && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  try {
    console.log(buildCGuest({ outDir: process.argv[2] }).elf);
  } catch (e) {
    console.error(e instanceof GuestBuildError ? e.message : e);
    process.exit(1);
  }
}
