// One entry point for "load this guest file": recognises the format from its
// first bytes (ELF magic, then the arm64 Image magic at 0x38) and otherwise
// treats the file as a flat binary. Reading from disk is here too so that a
// missing file is a LoadError like any other bad input.

import { readFileSync } from 'node:fs';
import { loadArm64Image, isArm64Image } from './arm64-image.ts';
import { isElf, loadElf } from './elf.ts';
import { DEFAULT_FLAT_BASE, loadFlat } from './flat.ts';
import { LoadError, type LoadResult, type LoadTarget } from './target.ts';

export interface GuestLoadOptions {
  /** flat binaries: load address (default 0x4008_0000) */
  readonly flatBase?: number;
  /** flat binaries: entry point (default: flatBase) */
  readonly flatEntry?: number;
  /** arm64 Images: 2 MiB aligned base (default: first 2 MiB boundary of RAM) */
  readonly imageBase?: number;
}

export function loadGuest(
  file: string,
  bytes: Uint8Array,
  target: LoadTarget,
  opts: GuestLoadOptions = {},
): LoadResult {
  if (bytes.length === 0) throw new LoadError(file, 'empty file');
  if (isElf(bytes)) return loadElf(file, bytes, target);
  if (isArm64Image(bytes)) return loadArm64Image(file, bytes, target, { base: opts.imageBase });
  const base = opts.flatBase ?? DEFAULT_FLAT_BASE;
  return loadFlat(file, bytes, target, { base, entry: opts.flatEntry });
}

/** Read a guest file; I/O failures become a LoadError ("cannot read: ENOENT ..."). */
export function readGuestFile(path: string): Uint8Array {
  try {
    return new Uint8Array(readFileSync(path));
  } catch (e) {
    const err = e as NodeJS.ErrnoException;
    throw new LoadError(path, `cannot read: ${err.code ?? ''} ${err.message}`.trim());
  }
}

export function loadGuestFile(path: string, target: LoadTarget, opts: GuestLoadOptions = {}): LoadResult {
  return loadGuest(path, readGuestFile(path), target, opts);
}
