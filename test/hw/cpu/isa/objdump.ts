// aarch64-linux-gnu-objdump's disassembly of a list of words (a raw binary
// at a base address), one text per word, normalized for comparison with
// src/hw/cpu/isa/disasm.ts: the tab after the mnemonic is a space, objdump's
// trailing `// ...` comments and `<symbol>` annotations are dropped.

import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { missingTool, recorded } from '../../../cross/recorded.ts';

const TOOL = 'aarch64-linux-gnu-objdump';

export function normalizeObjdump(text: string): string {
  return text
    .replace(/\s*\/\/.*$/, '')
    .replace(/\s*<[^>]*>$/, '')
    .replace(/\t/, ' ')
    .replace(/\s+$/, '');
}

export function objdumpLive(words: readonly number[], base: number): string[] {
  const dir = mkdtempSync(join(tmpdir(), 'vgicsim-objdump-'));
  try {
    const buf = Buffer.alloc(words.length * 4);
    for (let i = 0; i < words.length; i++) buf.writeInt32LE(words[i] | 0, i * 4);
    writeFileSync(join(dir, 'w.bin'), buf);
    let out: string;
    try {
      out = execFileSync(
        TOOL,
        ['-D', '-b', 'binary', '-m', 'aarch64', `--adjust-vma=0x${base.toString(16)}`, '-z', 'w.bin'],
        { cwd: dir, encoding: 'utf8', maxBuffer: 1 << 28 },
      );
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') throw missingTool(TOOL);
      throw e;
    }
    const byAddr = new Map<number, string>();
    for (const line of out.split('\n')) {
      const m = /^\s*([0-9a-f]+):\t[0-9a-f]{8} \t(.*)$/.exec(line);
      if (m) byAddr.set(Number.parseInt(m[1], 16), normalizeObjdump(m[2]));
    }
    return words.map((_, i) => byAddr.get(base + i * 4) ?? '?');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** objdump's text of each word, recorded in test/fixtures/cross/objdump.json for npm test. */
export function objdump(words: readonly number[], base: number, what: string): string[] {
  return recorded(
    {
      store: 'objdump',
      what: `${what} (objdump -D -b binary -m aarch64)`,
      tools: [TOOL],
      inputs: { recipe: 'objdump -D -b binary -m aarch64 -z, normalized v1', words: [...words], base },
    },
    () => objdumpLive(words, base),
  );
}
