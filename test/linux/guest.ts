// The Linux guest of test/linux/: the fetch-linux cache, the two scenarios,
// a vgicsim boot, and the same boot under QEMU. Shared by the tests and by
// `npm run bench` (bench/linux.ts).

import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
export const CACHE = join(ROOT, '.cache', 'linux');
export const KERNEL = join(CACHE, 'Image');
export const INITRD = join(CACHE, 'initrd.gz');
export const BOOTARGS = 'console=ttyAMA0 panic=-1';

/** scenarios/linux/: out of the scenario library (a boot takes ~30 s of host time). */
export const SCENARIOS = {
  up: join(ROOT, 'scenarios', 'linux', 'linux-busybox.yaml'),
  smp2: join(ROOT, 'scenarios', 'linux', 'linux-busybox-smp2.yaml'),
  gicv3: join(ROOT, 'scenarios', 'linux', 'linux-busybox-gicv3.yaml'),
  gicv3smp2: join(ROOT, 'scenarios', 'linux', 'linux-busybox-gicv3-smp2.yaml'),
  gicv3smp18: join(ROOT, 'scenarios', 'linux', 'linux-busybox-gicv3-smp18.yaml'),
} as const;

/** Why the cache cannot be used, or undefined when Image and initrd.gz are there. */
export function cacheProblem(): string | undefined {
  const missing = [KERNEL, INITRD].filter((f) => !existsSync(f));
  if (missing.length === 0) return undefined;
  return `the Linux guest is not in the cache (missing ${missing.join(', ')}): run npm run fetch-linux`;
}

/** RAM of vgicsim's machine (src/hw/board), so QEMU's memory lines compare equal. */
export const RAM_MIB = 128;

export interface QemuOptions {
  readonly cpus?: number;
  /** virt's gic-version (2 unless told): 3 for the scenarios with machine.gic: v3 */
  readonly gic?: 2 | 3;
}

/**
 * QEMU's virt board booting the same files. The command with -m 128
 * (vgicsim's RAM; the issue says 512) and:
 * - `-icount shift=0,sleep=off`: the guest clock follows the instruction
 *   count (1 ns per instruction) and idle time is skipped, so the boot is
 *   deterministic and as fast as the host allows;
 * - `-no-reboot`: with panic=-1 a panic ends QEMU instead of rebooting forever.
 */
export function qemuArgs(opts: QemuOptions = {}): string[] {
  return [
    '-M',
    `virt,gic-version=${opts.gic ?? 2}`,
    '-cpu',
    'cortex-a57',
    '-smp',
    String(opts.cpus ?? 1),
    '-m',
    String(RAM_MIB),
    '-nographic',
    '-no-reboot',
    '-icount',
    'shift=0,sleep=off',
    '-kernel',
    KERNEL,
    '-initrd',
    INITRD,
    '-append',
    BOOTARGS,
  ];
}

export const QEMU = 'qemu-system-aarch64';

export function hasQemu(): boolean {
  const r = spawnSync(QEMU, ['--version'], { encoding: 'utf8' });
  return r.status === 0;
}

export interface QemuBoot {
  readonly console: string;
  readonly seconds: number;
  /** exit status; null when the wall-clock timeout killed it */
  readonly status: number | null;
  readonly timedOut: boolean;
  readonly stderr: string;
}

/**
 * Boots under QEMU with a wall-clock timeout (QEMU's time is the host's;
 * vgicsim's runs are bounded by their instruction limit instead).
 */
export function bootQemu(opts: QemuOptions & { timeoutMs?: number } = {}): QemuBoot {
  const t0 = performance.now();
  const r = spawnSync(QEMU, qemuArgs(opts), {
    encoding: 'utf8',
    timeout: opts.timeoutMs ?? 120_000,
    killSignal: 'SIGKILL',
    maxBuffer: 64 * 1024 * 1024,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const seconds = (performance.now() - t0) / 1000;
  if (r.error && (r.error as NodeJS.ErrnoException).code !== 'ETIMEDOUT') throw r.error;
  return {
    console: r.stdout ?? '',
    seconds,
    status: r.status,
    timedOut: r.signal === 'SIGKILL',
    stderr: r.stderr ?? '',
  };
}
