// The reference side: assemble and link the test program with GNU binutils
// (aarch64-linux-gnu-as, -ld) at the addresses our assembler chose, run it
// under Debian's qemu-aarch64 (user mode, -cpu cortex-a57), collect stdout.
// Through test/cross/recorded.ts: `npm test` uses the image and output
// recorded in test/fixtures/cross/qemu-diff.json (keyed by the program's
// source, so by the generator and its seed); `npm run test:cross` and
// `npm run diff-test` run the tools. Missing tools fail with the Debian
// package to install.

import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync, gzipSync } from 'node:zlib';
import { fromBase64, missingTool, recordedAsync, toBase64 } from '../../../cross/recorded.ts';

function run(cmd: string, args: string[], maxBuffer = 256 * 1024 * 1024): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    execFile(cmd, args, { encoding: 'buffer', maxBuffer }, (err, stdout, stderr) => {
      if (err) {
        const e = err as NodeJS.ErrnoException & { signal?: string };
        if (e.code === 'ENOENT') reject(missingTool(cmd));
        else
          reject(
            Object.assign(
              new Error(`${cmd} failed (${e.signal ?? e.code}): ${stderr.toString().slice(0, 2000)}`),
              {
                stdout,
              },
            ),
          );
        return;
      }
      resolve(stdout);
    });
  });
}

export interface QemuResult {
  /** Bytes of the linked image from `base` (the loadable segments, gaps zero). */
  image: Uint8Array;
  /** The program's stdout (possibly cut short if it crashed). */
  out: Uint8Array;
  /** Set when qemu-aarch64 did not exit 0 (SIGILL, SIGSEGV, ...). */
  error?: string;
}

/** Loadable bytes of an ELF64 little-endian executable from `base`. */
export function elfImage(elf: Uint8Array, base: number): Uint8Array {
  const dv = new DataView(elf.buffer, elf.byteOffset, elf.byteLength);
  const phoff = Number(dv.getBigUint64(0x20, true));
  const phentsize = dv.getUint16(0x36, true);
  const phnum = dv.getUint16(0x38, true);
  const segs: { vaddr: number; off: number; size: number }[] = [];
  let end = base;
  for (let i = 0; i < phnum; i++) {
    const p = phoff + i * phentsize;
    if (dv.getUint32(p, true) !== 1) continue; // PT_LOAD
    const off = Number(dv.getBigUint64(p + 8, true));
    const vaddr = Number(dv.getBigUint64(p + 16, true));
    const size = Number(dv.getBigUint64(p + 32, true));
    segs.push({ vaddr, off, size });
    end = Math.max(end, vaddr + size);
  }
  const img = new Uint8Array(end - base);
  for (const s of segs) {
    const from = Math.max(s.vaddr, base);
    img.set(elf.subarray(s.off + (from - s.vaddr), s.off + s.size), from - base);
  }
  return img;
}

const TOOLS = ['aarch64-linux-gnu-as', 'aarch64-linux-gnu-ld', 'qemu-aarch64'];

/** Assemble, link with .text at `textAddr` and .data at `dataAddr`, run under qemu-aarch64. */
export async function runInQemu(
  source: string,
  textAddr: number,
  dataAddr: number,
  what = 'a differential test program',
): Promise<QemuResult> {
  // The image is gzipped: .text and .data are megabytes apart (zeros between).
  const r = await recordedAsync(
    {
      store: 'qemu-diff',
      what,
      tools: TOOLS,
      inputs: { recipe: 'as; ld -static -T; qemu-aarch64 -cpu cortex-a57', source, textAddr, dataAddr },
    },
    async () => {
      const q = await runInQemuLive(source, textAddr, dataAddr);
      return { image: toBase64(gzipSync(q.image, { level: 9 })), out: toBase64(q.out), error: q.error };
    },
  );
  return { image: new Uint8Array(gunzipSync(fromBase64(r.image))), out: fromBase64(r.out), error: r.error };
}

async function runInQemuLive(source: string, textAddr: number, dataAddr: number): Promise<QemuResult> {
  const dir = await mkdtemp(join(tmpdir(), 'vgicsim-diff-'));
  try {
    const s = join(dir, 'p.s');
    const o = join(dir, 'p.o');
    const exe = join(dir, 'p');
    const ld = join(dir, 'p.ld');
    await writeFile(s, source);
    await writeFile(
      ld,
      `SECTIONS {\n  .text 0x${textAddr.toString(16)} : { *(.text) }\n  .data 0x${dataAddr.toString(16)} : { *(.data) }\n}\n`,
    );
    await run('aarch64-linux-gnu-as', ['-o', o, s]);
    await run('aarch64-linux-gnu-ld', [
      '-static',
      '-e',
      '_start',
      '-z',
      'max-page-size=4096',
      '--no-warn-rwx-segments',
      '-T',
      ld,
      '-o',
      exe,
      o,
    ]);
    const image = elfImage(new Uint8Array(await readFile(exe)), textAddr);
    try {
      const out = await run('qemu-aarch64', ['-cpu', 'cortex-a57', exe]);
      return { image, out: new Uint8Array(out) };
    } catch (e) {
      const err = e as Error & { stdout?: Buffer };
      if (err.message.includes('not found')) throw e;
      return { image, out: new Uint8Array(err.stdout ?? []), error: err.message };
    }
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
