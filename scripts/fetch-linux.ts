#!/usr/bin/env -S npx tsx
// Fetches the Linux guest of scenarios/linux/linux-busybox*.yaml from Debian's
// packages and builds its initramfs. Nothing of it is committed.
//
//   npm run fetch-linux [-- --force] [-- --dir <cache>]
//
// Into the cache folder (default .cache/linux, git-ignored):
//   Image       Debian's current arm64 kernel: package linux-image-arm64 ->
//               its dependency linux-image-<version>-arm64, file
//               /boot/vmlinuz-<version>. In bookworm that file is already
//               an uncompressed Image (with the EFI stub's PE header); a
//               gzip-compressed one (other releases) is decompressed here
//   busybox     /bin/busybox of busybox-static (arm64)
//   initrd.gz   newc cpio + gzip, built by src/scenario/initramfs.ts
//   manifest.json  package versions and sizes (what a re-run checks)
//
// Steps: `dpkg --add-architecture arm64` and `apt-get update` when arm64 is
// not a foreign architecture yet (needs root), then `apt-get download` and
// `dpkg-deb -x` of the two packages. Idempotent: when the manifest names the
// current candidate versions and the files are there, nothing is done.

import { spawnSync } from 'node:child_process';
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gunzipSync } from 'node:zlib';
import { buildInitramfs } from '../src/scenario/initramfs.ts';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
export const DEFAULT_CACHE = join(ROOT, '.cache', 'linux');
const KERNEL_META = 'linux-image-arm64';
const BUSYBOX = 'busybox-static';
const ARCH = 'arm64';

class FetchError extends Error {}

function say(msg: string): void {
  process.stdout.write(`fetch-linux: ${msg}\n`);
}

function run(cmd: string, args: string[], opts: { cwd?: string } = {}): string {
  const r = spawnSync(cmd, args, { encoding: 'utf8', cwd: opts.cwd, maxBuffer: 64 * 1024 * 1024 });
  if (r.error) throw new FetchError(`${cmd}: ${r.error.message} (is this a Debian system with ${cmd}?)`);
  if (r.status !== 0)
    throw new FetchError(
      `${cmd} ${args.join(' ')} failed (exit ${r.status}):\n${(r.stderr || r.stdout).trim()}`,
    );
  return r.stdout;
}

function ensureArm64(): void {
  const foreign = run('dpkg', ['--print-foreign-architectures']).split(/\s+/);
  if (foreign.includes(ARCH) && aptKnows(`${KERNEL_META}:${ARCH}`)) return;
  if (process.getuid?.() !== 0)
    throw new FetchError(
      `the ${ARCH} package lists are not set up; as root run: dpkg --add-architecture ${ARCH} && apt-get update`,
    );
  if (!foreign.includes(ARCH)) {
    say(`dpkg --add-architecture ${ARCH}`);
    run('dpkg', ['--add-architecture', ARCH]);
  }
  say('apt-get update');
  run('apt-get', ['update', '-qq']);
}

function aptKnows(pkg: string): boolean {
  const r = spawnSync('apt-cache', ['policy', pkg], { encoding: 'utf8' });
  return r.status === 0 && /Candidate: (?!\(none\))/.test(r.stdout);
}

function candidate(pkg: string): string {
  const m = /Candidate: (\S+)/.exec(run('apt-cache', ['policy', pkg]));
  if (!m || m[1] === '(none)') throw new FetchError(`apt has no candidate for ${pkg}`);
  return m[1];
}

/** linux-image-arm64 depends on linux-image-<abi>-arm64: the package with the kernel. */
function kernelPackage(): string {
  const out = run('apt-cache', ['depends', `${KERNEL_META}:${ARCH}`]);
  const m = /Depends: (linux-image-[0-9][^\s:]*-arm64)/.exec(out);
  if (!m)
    throw new FetchError(
      `cannot find the kernel package in: apt-cache depends ${KERNEL_META}:${ARCH}\n${out}`,
    );
  return m[1];
}

/** apt-get download + dpkg-deb -x into a fresh directory; returns it. */
function extract(pkg: string, work: string): string {
  const dl = join(work, `${pkg}-deb`);
  mkdirSync(dl, { recursive: true });
  say(`apt-get download ${pkg}:${ARCH}`);
  run('apt-get', ['download', '-qq', `${pkg}:${ARCH}`], { cwd: dl });
  const deb = readdirSync(dl).find((n) => n.endsWith('.deb'));
  if (deb === undefined) throw new FetchError(`apt-get download ${pkg}:${ARCH} left no .deb`);
  const dir = join(work, pkg);
  say(`dpkg-deb -x ${deb}`);
  run('dpkg-deb', ['-x', join(dl, deb), dir]);
  return dir;
}

interface Manifest {
  kernelPackage: string;
  kernelVersion: string;
  busyboxVersion: string;
  files: Record<string, number>;
}

export function fetchLinux(cache = DEFAULT_CACHE, force = false): Manifest {
  ensureArm64();
  const kpkg = kernelPackage();
  const want = {
    kernelPackage: kpkg,
    kernelVersion: candidate(`${kpkg}:${ARCH}`),
    busyboxVersion: candidate(`${BUSYBOX}:${ARCH}`),
  };
  const manifestPath = join(cache, 'manifest.json');
  const names = ['Image', 'busybox', 'initrd.gz'];
  if (!force && existsSync(manifestPath) && names.every((n) => existsSync(join(cache, n)))) {
    const have = JSON.parse(readFileSync(manifestPath, 'utf8')) as Manifest;
    if (
      have.kernelPackage === want.kernelPackage &&
      have.kernelVersion === want.kernelVersion &&
      have.busyboxVersion === want.busyboxVersion
    ) {
      say(
        `up to date in ${relative(process.cwd(), cache) || '.'}: ${kpkg} ${want.kernelVersion}, busybox ${want.busyboxVersion}`,
      );
      return have;
    }
  }

  mkdirSync(cache, { recursive: true });
  const work = mkdtempSync(join(tmpdir(), 'vgicsim-fetch-linux-'));
  try {
    const kdir = extract(kpkg, work);
    const boot = join(kdir, 'boot');
    const vmlinuz = readdirSync(boot).find((n) => n.startsWith('vmlinuz-'));
    if (vmlinuz === undefined) throw new FetchError(`${kpkg} has no /boot/vmlinuz-*`);
    let image = new Uint8Array(readFileSync(join(boot, vmlinuz)));
    if (image[0] === 0x1f && image[1] === 0x8b) {
      say(`decompressing /boot/${vmlinuz} (gzip) -> Image`);
      image = new Uint8Array(gunzipSync(image));
    }
    writeFileSync(join(cache, 'Image'), image);

    const bdir = extract(BUSYBOX, work);
    const busybox = new Uint8Array(readFileSync(join(bdir, 'bin', 'busybox')));
    writeFileSync(join(cache, 'busybox'), busybox, { mode: 0o755 });

    say('building initrd.gz (newc cpio + gzip): /init, /bin/busybox and its applet links');
    const initrd = buildInitramfs(busybox);
    writeFileSync(join(cache, 'initrd.gz'), initrd);

    const manifest: Manifest = {
      ...want,
      files: { Image: image.length, busybox: busybox.length, 'initrd.gz': initrd.length },
    };
    writeFileSync(manifestPath, `${JSON.stringify(manifest, null, 2)}\n`);
    for (const [n, size] of Object.entries(manifest.files))
      say(`wrote ${relative(process.cwd(), join(cache, n))} (${size} bytes)`);
    return manifest;
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const args = process.argv.slice(2);
  const di = args.indexOf('--dir');
  const cache = di >= 0 && args[di + 1] ? resolve(args[di + 1]) : DEFAULT_CACHE;
  try {
    fetchLinux(cache, args.includes('--force'));
  } catch (e) {
    if (!(e instanceof FetchError)) throw e;
    process.stderr.write(`fetch-linux: ${e.message}\n`);
    process.exit(2);
  }
}
