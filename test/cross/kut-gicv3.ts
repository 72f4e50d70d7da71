// The kvm-unit-tests-style GICv3 guest (test/fixtures/guests/kut-gicv3:
// start.S, gicv3.c, flat.ld) as aarch64-linux-gnu-gcc + objcopy build it
// into a raw .flat, through recorded.ts: `npm test` uses the bytes recorded
// in test/fixtures/cross/kut-gicv3.json, keyed by the sources and flags;
// `npm run test:cross` compiles.

import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { C_GUEST_CFLAGS } from '../../scripts/build-guest.ts';
import { fromBase64, missingTool, REPO, recorded, toBase64 } from './recorded.ts';

const KUT_GICV3_DIR = join(REPO, 'test/fixtures/guests/kut-gicv3');
const SOURCES = ['start.S', 'gicv3.c', 'flat.ld'] as const;
/** The C guest's flags (MMU-off, no FP/SIMD), and no warning for the one RWX segment of a flat image. */
const CFLAGS = [...C_GUEST_CFLAGS, '-Wl,--no-warn-rwx-segments'];

function run(tool: string, args: string[]): void {
  try {
    execFileSync(tool, args, { stdio: 'pipe', encoding: 'utf8', timeout: 60_000 });
  } catch (e) {
    const err = e as { code?: string; stderr?: string };
    if (err.code === 'ENOENT') throw missingTool(tool);
    throw new Error(`${tool} failed: ${err.stderr ?? String(e)}`);
  }
}

/** gicv3.flat: linked at 0x40080000 (where QEMU puts a raw -kernel), .bss and the stacks past the end of the file. */
export function buildKutGicv3(): Uint8Array {
  const files = Object.fromEntries(SOURCES.map((f) => [f, readFileSync(join(KUT_GICV3_DIR, f), 'utf8')]));
  const b64 = recorded(
    {
      store: 'kut-gicv3',
      what: 'test/fixtures/guests/kut-gicv3 built by aarch64-linux-gnu-gcc, objcopy -O binary',
      tools: ['aarch64-linux-gnu-gcc', 'aarch64-linux-gnu-objcopy'],
      inputs: { cflags: CFLAGS, files },
    },
    () => {
      const dir = mkdtempSync(join(tmpdir(), 'vgicsim-kut-gicv3-'));
      try {
        const elf = join(dir, 'gicv3.elf');
        const flat = join(dir, 'gicv3.flat');
        run('aarch64-linux-gnu-gcc', [
          ...CFLAGS,
          '-T',
          join(KUT_GICV3_DIR, 'flat.ld'),
          '-o',
          elf,
          join(KUT_GICV3_DIR, 'start.S'),
          join(KUT_GICV3_DIR, 'gicv3.c'),
        ]);
        run('aarch64-linux-gnu-objcopy', ['-O', 'binary', elf, flat]);
        return toBase64(readFileSync(flat));
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    },
  );
  return fromBase64(b64);
}
