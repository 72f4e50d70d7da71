// End-to-end harness: the same guest image on the bare-metal reference
// machine and on the VM under each timer policy, with the guest's own
// assembly files (guests/asm) assembled by the project's assembler and, as
// an independent check, by GNU binutils.

import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { AckEntry } from '../../src/hw/board/acks.ts';
import { type Board, type BoardConfig, DEFAULT_BOARD } from '../../src/hw/board/board.ts';
import type { RunEnd } from '../../src/hw/board/run-result.ts';
import { type AsmResult, assemble } from '../../src/hw/cpu/asm/index.ts';
import type { Cpu } from '../../src/hw/cpu/cpu.ts';
import { Vm } from '../../src/hyp/vm.ts';
import { ReferenceMachine } from '../../src/reference/machine.ts';
import { fromBase64, missingTool, recorded, toBase64 } from '../cross/recorded.ts';

export const ASM_GUEST_DIR = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..', 'guests', 'asm');
export const GUEST_BASE = 0x4008_0000;

export type MachineKind = 'reference' | 'level' | 'legacy-edge';
export const MACHINE_KINDS: readonly MachineKind[] = ['reference', 'level', 'legacy-edge'];

/** Generous bounds: every guest here powers off long before them. */
export const LIMITS = { ticks: 10_000_000, instructions: 5_000_000 } as const;

/** One machine of either kind, seen through what these tests need. */
export interface Machine {
  readonly kind: MachineKind;
  readonly board: Board;
  readonly ref?: ReferenceMachine;
  readonly vm?: Vm;
  load(base: number, bytes: Uint8Array, entry: number): void;
  run(limits?: { ticks: number; instructions: number }): RunEnd;
  acks(): readonly AckEntry[];
  /** guest instructions retired by all cpus */
  instructions(): number;
  uart(): string;
  cpu(i?: number): Cpu;
  read32(pa: number): number;
  read64(pa: number): bigint;
}

export function makeMachine(kind: MachineKind, board: Partial<BoardConfig> = {}): Machine {
  const cfg: BoardConfig = { ...DEFAULT_BOARD, ...board };
  if (kind === 'reference') {
    const ref = new ReferenceMachine({ board: cfg });
    return wrap(kind, ref.board, ref, undefined, {
      load: (b, bytes, e) => ref.load(b, bytes, e),
      run: (l) => ref.run(l).end,
      acks: () => ref.acks.entries,
      instructions: () => ref.scheduler.retired,
    });
  }
  const vm = new Vm({ board: cfg, policy: kind });
  return wrap(kind, vm.board, undefined, vm, {
    load: (b, bytes, e) => vm.load(b, bytes, e),
    run: (l) => vm.run(l),
    acks: () => vm.acks.entries,
    instructions: () => vm.scheduler.retired,
  });
}

function wrap(
  kind: MachineKind,
  board: Board,
  ref: ReferenceMachine | undefined,
  vm: Vm | undefined,
  f: {
    load: Machine['load'];
    run: (l: { ticks: number; instructions: number }) => RunEnd;
    acks: Machine['acks'];
    instructions: Machine['instructions'];
  },
): Machine {
  return {
    kind,
    board,
    ref,
    vm,
    load: f.load,
    run: (l = LIMITS) => f.run(l),
    acks: f.acks,
    instructions: f.instructions,
    uart: () => board.uart.outputText(),
    cpu: (i = 0) => board.cpus[i],
    read32: (pa) => board.ram.read32(pa),
    read64: (pa) => board.ram.read64(pa),
  };
}

/** Assemble guests/asm/<name> with the project's assembler at GUEST_BASE. */
export function assembleGuest(name: string): AsmResult {
  const file = join(ASM_GUEST_DIR, name);
  return assemble(readFileSync(file, 'utf8'), { base: GUEST_BASE, file });
}

/** A symbol of an assembled guest (throws if it is missing, so a typo cannot pass). */
export function sym(img: AsmResult, name: string): number {
  const v = img.symbols.get(name);
  if (v === undefined) throw new Error(`guest has no symbol '${name}'`);
  return v;
}

/** Build a machine of `kind`, load the assembled guest and run it to its end. */
export function runAsmGuest(
  kind: MachineKind,
  img: AsmResult,
  board: Partial<BoardConfig> = {},
): { m: Machine; end: RunEnd } {
  const m = makeMachine(kind, board);
  m.load(img.base, img.bytes, img.entry);
  const end = m.run();
  return { m, end };
}

/**
 * Assemble and link with GNU binutils (as, ld -Ttext/-Tdata, objcopy -O
 * binary): the bytes our assembler must reproduce (docs/assembler.md).
 * `dataAddress` is where our assembler placed .data (undefined: no .data).
 * Through test/cross/recorded.ts: `npm test` uses the bytes recorded in
 * test/fixtures/cross/gnu-as-guests.json, `npm run test:cross` the tools
 * (missing: a failure naming binutils-aarch64-linux-gnu, never a skip).
 */
export function gnuAssembleAndLink(
  source: string,
  base: number,
  dataAddress?: number,
  name = 'a guest',
): Uint8Array {
  const b64 = recorded(
    {
      store: 'gnu-as-guests',
      what: `${name} (as; ld -Ttext=0x${base.toString(16)}${dataAddress === undefined ? '' : ` -Tdata=0x${dataAddress.toString(16)}`}; objcopy -O binary)`,
      tools: ['aarch64-linux-gnu-as', 'aarch64-linux-gnu-ld', 'aarch64-linux-gnu-objcopy'],
      inputs: { recipe: 'as; ld -e _start -Ttext [-Tdata]; objcopy -O binary', source, base, dataAddress },
    },
    () => toBase64(gnuAssembleAndLinkLive(source, base, dataAddress)),
  );
  return fromBase64(b64);
}

/** gnuAssembleAndLink of guests/asm/`file`, linked where `img` (our assembly of it) put .text and .data. */
export function gnuGuestBytes(img: AsmResult, file: string): Uint8Array {
  const source = readFileSync(join(ASM_GUEST_DIR, file), 'utf8');
  return gnuAssembleAndLink(source, GUEST_BASE, sym(img, 'data_start'), `guests/asm/${file}`);
}

function gnuAssembleAndLinkLive(source: string, base: number, dataAddress?: number): Uint8Array {
  const dir = mkdtempSync(join(tmpdir(), 'vgicsim-e2e-as-'));
  const run = (tool: string, args: string[]): void => {
    try {
      execFileSync(tool, args, { stdio: 'pipe' });
    } catch (e) {
      const err = e as { code?: string; stderr?: Buffer };
      if (err.code === 'ENOENT') throw missingTool(tool);
      throw new Error(`${tool} failed: ${err.stderr?.toString() ?? String(e)}`);
    }
  };
  try {
    const s = join(dir, 'g.s');
    writeFileSync(s, source);
    run('aarch64-linux-gnu-as', ['-o', join(dir, 'g.o'), s]);
    const ldArgs = ['-o', join(dir, 'g.elf'), `-Ttext=0x${base.toString(16)}`, '-e', '_start'];
    if (dataAddress !== undefined) ldArgs.push(`-Tdata=0x${dataAddress.toString(16)}`);
    run('aarch64-linux-gnu-ld', [...ldArgs, join(dir, 'g.o')]);
    run('aarch64-linux-gnu-objcopy', ['-O', 'binary', join(dir, 'g.elf'), join(dir, 'g.bin')]);
    return new Uint8Array(readFileSync(join(dir, 'g.bin')));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

export function hex(v: number | bigint): string {
  return `0x${v.toString(16)}`;
}
