// Runs GNU binutils (the oracle of the cross-check): as, ld, objcopy, through
// test/cross/recorded.ts (npm test: the bytes recorded in
// test/fixtures/cross/gnu-as.json; npm run test:cross: the tools).
// Missing tools are a failure naming the Debian package, never a skip.

import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fromBase64, missingTool, recorded, toBase64 } from '../../../cross/recorded.ts';

const TOOLS = ['aarch64-linux-gnu-as', 'aarch64-linux-gnu-ld', 'aarch64-linux-gnu-objcopy'];

function run(tool: string, args: string[], cwd: string): string {
  const r = spawnSync(tool, args, { cwd, encoding: 'utf8' });
  if (r.error !== undefined && (r.error as NodeJS.ErrnoException).code === 'ENOENT') throw missingTool(tool);
  if (r.status !== 0) throw new Error(`${tool} ${args.join(' ')} failed:\n${r.stderr}`);
  return r.stdout;
}

/** The first line of each tool's --version (recorded: the versions the fixture was made with). */
export function toolVersions(): string[] {
  return recorded(
    { store: 'gnu-as', what: 'binutils --version', tools: TOOLS, inputs: { args: ['--version'] } },
    () => TOOLS.map((t) => run(t, ['--version'], tmpdir()).split('\n')[0]),
  );
}

/** Assemble with GNU as, link .text at `textBase` and .data at `dataBase`, return the flat image. */
export function gnuAssemble(
  source: string,
  textBase: number,
  dataBase: number,
  name = 'a test program',
): Uint8Array {
  const b64 = recorded(
    {
      store: 'gnu-as',
      what: `${name} (as; ld -Ttext=0x${textBase.toString(16)} -Tdata=0x${dataBase.toString(16)}; objcopy -O binary)`,
      tools: TOOLS,
      inputs: { recipe: 'as; ld -e 0 -Ttext -Tdata; objcopy -O binary', source, textBase, dataBase },
    },
    () => toBase64(gnuAssembleLive(source, textBase, dataBase)),
  );
  return fromBase64(b64);
}

/** The 1-based lines of `source` GNU as rejects (one run: as reports every bad line). */
export function gnuRejectedLines(source: string, name = 'a test program'): number[] {
  // Recorded as one string: biome reflows a JSON array of numbers, and the fixture is written unformatted.
  const text = recorded<string>(
    {
      store: 'gnu-as',
      what: `${name} (as: the lines it rejects)`,
      tools: [TOOLS[0]],
      inputs: { recipe: 'as; lines of Error: messages', source },
    },
    () => {
      const dir = mkdtempSync(join(tmpdir(), 'vgicsim-asm-'));
      try {
        writeFileSync(join(dir, 'in.s'), source);
        const r = spawnSync(TOOLS[0], ['-o', 'in.o', 'in.s'], { cwd: dir, encoding: 'utf8' });
        if (r.error !== undefined && (r.error as NodeJS.ErrnoException).code === 'ENOENT')
          throw missingTool(TOOLS[0]);
        const lines = new Set<number>();
        for (const m of r.stderr.matchAll(/^in\.s:(\d+): Error: /gm)) lines.add(Number(m[1]));
        return [...lines].sort((a, b) => a - b).join(' ');
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    },
  );
  return text === '' ? [] : text.split(' ').map(Number);
}

function gnuAssembleLive(source: string, textBase: number, dataBase: number): Uint8Array {
  const dir = mkdtempSync(join(tmpdir(), 'vgicsim-asm-'));
  try {
    writeFileSync(join(dir, 'in.s'), source);
    run(TOOLS[0], ['-o', 'in.o', 'in.s'], dir);
    run(
      TOOLS[1],
      [
        '-e',
        '0',
        '--no-warn-rwx-segments',
        `-Ttext=0x${textBase.toString(16)}`,
        `-Tdata=0x${dataBase.toString(16)}`,
        '-o',
        'out.elf',
        'in.o',
      ],
      dir,
    );
    run(TOOLS[2], ['-O', 'binary', 'out.elf', 'out.bin'], dir);
    return new Uint8Array(readFileSync(join(dir, 'out.bin')));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const WORD = 4;

/** Words that differ, each with the source line that produced it. */
export function diffImages(
  src: string,
  ours: Uint8Array,
  theirs: Uint8Array,
  lineOf: (a: number) => { line: number } | undefined,
  base: number,
): string[] {
  const lines = src.split('\n');
  const out: string[] = [];
  const hex = (b: Uint8Array, i: number) => Buffer.from(b.subarray(i, i + WORD)).toString('hex');
  for (let i = 0; i < Math.max(ours.length, theirs.length); i += WORD) {
    if (hex(ours, i) === hex(theirs, i)) continue;
    const at = lineOf(base + i);
    const where = at === undefined ? '(no source)' : `line ${at.line}: ${lines[at.line - 1].trim()}`;
    out.push(`+0x${i.toString(16)}: ours ${hex(ours, i)} gas ${hex(theirs, i)}  ${where}`);
  }
  return out;
}
