// Assemble with GNU binutils (aarch64-linux-gnu-as + objcopy): an
// independent check on the project's assembler. Fails loudly if missing.

import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export function gnuAssemble(source: string): Uint8Array {
  const dir = mkdtempSync(join(tmpdir(), 'vgicsim-as-'));
  try {
    writeFileSync(join(dir, 'a.s'), `${source}\n`);
    try {
      execFileSync('aarch64-linux-gnu-as', ['-o', join(dir, 'a.o'), join(dir, 'a.s')], { stdio: 'pipe' });
      execFileSync(
        'aarch64-linux-gnu-objcopy',
        ['-O', 'binary', '-j', '.text', join(dir, 'a.o'), join(dir, 'a.bin')],
        {
          stdio: 'pipe',
        },
      );
    } catch (e) {
      const err = e as { code?: string; stderr?: Buffer };
      if (err.code === 'ENOENT')
        throw new Error(
          'aarch64-linux-gnu-as/objcopy not found: install binutils-aarch64-linux-gnu (.ci/run does)',
        );
      throw new Error(`GNU as failed: ${err.stderr?.toString() ?? String(e)}`);
    }
    return new Uint8Array(readFileSync(join(dir, 'a.bin')));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
