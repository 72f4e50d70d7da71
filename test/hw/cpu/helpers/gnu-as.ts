// Assemble with GNU binutils (aarch64-linux-gnu-as + objcopy): an
// independent check on the project's assembler. Through
// test/cross/recorded.ts: `npm test` uses the bytes recorded in
// test/fixtures/cross/gnu-as-snippets.json, `npm run test:cross` the tools
// (missing: a failure naming the Debian package). A test file using it
// carries the line `// test:cross: ...`.

import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fromBase64, missingTool, recorded, toBase64 } from '../../../cross/recorded.ts';

export function gnuAssemble(source: string): Uint8Array {
  const first = source.split('\n')[0];
  const b64 = recorded(
    {
      store: 'gnu-as-snippets',
      what: `'${first}'... (as; objcopy -O binary -j .text)`,
      tools: ['aarch64-linux-gnu-as', 'aarch64-linux-gnu-objcopy'],
      inputs: { recipe: 'as; objcopy -O binary -j .text', source },
    },
    () => toBase64(gnuAssembleLive(source)),
  );
  return fromBase64(b64);
}

function gnuAssembleLive(source: string): Uint8Array {
  const dir = mkdtempSync(join(tmpdir(), 'vgicsim-as-'));
  const run = (tool: string, args: string[]): void => {
    try {
      execFileSync(tool, args, { stdio: 'pipe' });
    } catch (e) {
      const err = e as { code?: string; stderr?: Buffer };
      if (err.code === 'ENOENT') throw missingTool(tool);
      throw new Error(`GNU as failed: ${err.stderr?.toString() ?? String(e)}`);
    }
  };
  try {
    writeFileSync(join(dir, 'a.s'), `${source}\n`);
    run('aarch64-linux-gnu-as', ['-o', join(dir, 'a.o'), join(dir, 'a.s')]);
    run('aarch64-linux-gnu-objcopy', ['-O', 'binary', '-j', '.text', join(dir, 'a.o'), join(dir, 'a.bin')]);
    return new Uint8Array(readFileSync(join(dir, 'a.bin')));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
