// The busybox initramfs the Linux scenarios boot (scenarios/linux/linux-busybox*):
// a gzip-compressed newc archive holding a statically linked busybox, the
// applet links /init uses, /dev/console (so the kernel can give init a
// console before any devtmpfs exists) and /init itself, which shows that
// the timer interrupt counts up across a sleep and powers off (busybox
// `poweroff -f` -> reboot(2) -> PSCI SYSTEM_OFF, which ends the run).

import { gzipSync } from 'node:zlib';
import { type CpioEntry, writeCpio } from './cpio.ts';

/** Printed by /init once userspace runs; the scenarios expect it on the console. */
export const INIT_MARKER = 'vgicsim-initramfs: userspace is up';

/** Applets /init calls (each a symlink to /bin/busybox). */
export const APPLETS = ['sh', 'mount', 'cat', 'echo', 'sleep', 'grep', 'poweroff', 'uname'] as const;

export const INIT_SCRIPT = `#!/bin/sh
# vgicsim busybox initramfs: prove that userspace runs and the timer ticks.
export PATH=/bin
mount -t proc proc /proc
echo "${INIT_MARKER}"
uname -a
cat /proc/interrupts
sleep 1
echo "arch_timer after sleep 1:"
cat /proc/interrupts | grep arch_timer
poweroff -f
`;

/** The archive's entries, busybox given as bytes (an arm64 static executable). */
export function initramfsEntries(busybox: Uint8Array): CpioEntry[] {
  const enc = new TextEncoder();
  return [
    { kind: 'dir', path: 'bin' },
    { kind: 'dir', path: 'dev' },
    { kind: 'chardev', path: 'dev/console', major: 5, minor: 1 },
    { kind: 'dir', path: 'proc' },
    { kind: 'dir', path: 'sys' },
    { kind: 'dir', path: 'tmp', mode: 0o1777 },
    { kind: 'file', path: 'bin/busybox', data: busybox, mode: 0o755 },
    ...APPLETS.map((a): CpioEntry => ({ kind: 'symlink', path: `bin/${a}`, target: 'busybox' })),
    { kind: 'file', path: 'init', data: enc.encode(INIT_SCRIPT), mode: 0o755 },
  ];
}

/** initrd.gz bytes (deterministic: mtimes 0, gzip header without a name or time). */
export function buildInitramfs(busybox: Uint8Array): Uint8Array {
  return new Uint8Array(gzipSync(writeCpio(initramfsEntries(busybox)), { level: 9 }));
}
