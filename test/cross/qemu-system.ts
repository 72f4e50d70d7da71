// The bare-metal guest test/fixtures/guests/kut-like.S built with GNU as + ld
// (+ objcopy for raw binaries and Images), and runs of the real
// qemu-system-aarch64 -M virt,gic-version=2 -cpu max -kernel on it, through
// recorded.ts: `npm test` replays test/fixtures/cross/qemu-guests.json and
// qemu-system.json, `npm run test:cross` runs the tools.

import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fromBase64, missingTool, REPO, recorded, toBase64 } from './recorded.ts';

export const KUT_LIKE_SOURCE = readFileSync(join(REPO, 'test/fixtures/guests/kut-like.S'), 'utf8');

/** raw: a flat binary; image: an arm64 Image with text_offset; elf: linked at `at` with 4 KiB pages. */
export type GuestKind =
  | { readonly kind: 'raw' }
  | { readonly kind: 'image'; readonly textOffset: number }
  | { readonly kind: 'elf'; readonly at: number };

function run(tool: string, args: string[]): string {
  try {
    return execFileSync(tool, args, { stdio: 'pipe', encoding: 'utf8', timeout: 60_000 });
  } catch (e) {
    const err = e as { code?: string; stderr?: string; stdout?: string };
    if (err.code === 'ENOENT') throw missingTool(tool);
    throw new Error(`${tool} failed: ${err.stderr ?? String(e)}`);
  }
}

export function buildKutLike(g: GuestKind): Uint8Array {
  const defs = g.kind === 'image' ? { IMAGE: 1, TEXT_OFFSET: g.textOffset } : { IMAGE: 0, TEXT_OFFSET: 0 };
  const b64 = recorded(
    {
      store: 'qemu-guests',
      what: `kut-like.S as ${JSON.stringify(g)}`,
      tools: ['aarch64-linux-gnu-as', 'aarch64-linux-gnu-ld', 'aarch64-linux-gnu-objcopy'],
      inputs: {
        recipe: 'as --defsym; ld -Ttext; objcopy -O binary (raw, image)',
        source: KUT_LIKE_SOURCE,
        g,
      },
    },
    () => {
      const dir = mkdtempSync(join(tmpdir(), 'vgicsim-kut-'));
      try {
        const s = join(dir, 'g.S');
        writeFileSync(s, KUT_LIKE_SOURCE);
        const o = join(dir, 'g.o');
        const elf = join(dir, 'g.elf');
        run('aarch64-linux-gnu-as', [
          '--defsym',
          `IMAGE=${defs.IMAGE}`,
          '--defsym',
          `TEXT_OFFSET=${defs.TEXT_OFFSET}`,
          '-o',
          o,
          s,
        ]);
        if (g.kind === 'elf') {
          run('aarch64-linux-gnu-ld', [
            `-Ttext=0x${g.at.toString(16)}`,
            '-z',
            'max-page-size=4096',
            '-o',
            elf,
            o,
          ]);
          return toBase64(readFileSync(elf));
        }
        run('aarch64-linux-gnu-ld', ['-Ttext=0', '-o', elf, o]);
        const bin = join(dir, 'g.bin');
        run('aarch64-linux-gnu-objcopy', ['-O', 'binary', elf, bin]);
        return toBase64(readFileSync(bin));
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    },
  );
  return fromBase64(b64);
}

export interface QemuRun {
  readonly kernel: Uint8Array;
  readonly kernelName: string;
  readonly initrd?: Uint8Array;
  readonly memory?: string;
  readonly append?: string;
  /** -smp (default 1) */
  readonly smp?: number;
  /** gic-version (default 2) */
  readonly gic?: 3;
}

/** The console of qemu-system-aarch64 -M virt,gic-version=2|3 -cpu max -nographic -kernel ... (CRs dropped). */
export function qemuConsole(r: QemuRun): string {
  const gic = r.gic ?? 2;
  return recorded(
    {
      store: 'qemu-system',
      what: `qemu-system-aarch64 -M virt,gic-version=${gic}${r.smp ? ` -smp ${r.smp}` : ''} -kernel ${r.kernelName}${r.memory ? ` -m ${r.memory}` : ''}${r.initrd ? ` -initrd (${r.initrd.length} bytes)` : ''}${r.append ? ` -append '${r.append}'` : ''}`,
      tools: ['qemu-system-aarch64'],
      inputs: { recipe: 'virt,gic-version=2 -cpu max -nographic', ...r },
    },
    () => {
      const dir = mkdtempSync(join(tmpdir(), 'vgicsim-qemu-'));
      try {
        const args = ['-M', `virt,gic-version=${gic}`, '-cpu', 'max', '-nographic', '-no-reboot'];
        if (r.smp) args.push('-smp', String(r.smp));
        writeFileSync(join(dir, 'k'), r.kernel);
        args.push('-kernel', join(dir, 'k'));
        if (r.initrd) {
          writeFileSync(join(dir, 'i'), r.initrd);
          args.push('-initrd', join(dir, 'i'));
        }
        if (r.memory) args.push('-m', r.memory);
        if (r.append) args.push('-append', r.append);
        return run('qemu-system-aarch64', args).replaceAll('\r', '');
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    },
  );
}
