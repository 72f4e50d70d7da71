// Random guests for the "bad input never hangs or crashes" contract (issue
// 20): random 32-bit instruction words, mixed with valid encodings that
// reach the interesting machinery (loads and stores to RAM and the device
// frames, exception returns, system registers, WFI, PSCI), behind a
// prelude that sets a random VBAR_EL1, random SCTLR_EL1 bits (the MMU,
// alignment checks, EL0 traps) and translation registers, and random
// general registers. Each guest runs with small limits on the reference
// machine and under the hypervisor; `checkGuestRun` states the contract.
// Used by guest-fuzz.test.ts (bounded) and scripts/fuzz-guest.ts (longer).

import fc from 'fast-check';
import { DEFAULT_BOARD } from '../../src/hw/board/board.ts';
import { MEMMAP } from '../../src/hw/board/memory-map.ts';
import type { RunEnd } from '../../src/hw/board/run-result.ts';
import { assemble } from '../../src/hw/cpu/asm/index.ts';
import { SCTLR_RESET } from '../../src/hw/cpu/sysregs.ts';
import { LivelockError } from '../../src/hyp/vcpu/run-loop.ts';
import { GuestError, Vm } from '../../src/hyp/vm.ts';
import { ReferenceMachine } from '../../src/reference/machine.ts';
import { GUEST_BASE } from './helpers.ts';

/** Small RAM: a fresh machine per run stays cheap. */
const RAM_SIZE = 1024 * 1024;
const RAM_BASE = BigInt(MEMMAP.RAM.base);

/** Valid encodings worth hitting often (assembled once). */
const VALID_SRC = [
  'nop',
  'add x0, x1, #1',
  'mov x0, x1', // x1..x5 may hold a PSCI function ID for the HVC/SMC below
  'mov x0, x3',
  'subs x2, x2, #1',
  'ldr x0, [x1]',
  'ldr w3, [x2, #4]',
  'str x2, [x1, #8]',
  'strb w0, [x3]',
  'ldp x0, x1, [x2]',
  'stp x3, x4, [x1, #16]',
  'ldxr x0, [x1]',
  'stxr w5, x0, [x1]',
  'ret',
  'br x1',
  'blr x2',
  'b .',
  'cbz x0, .',
  'svc #0',
  'hvc #0',
  'smc #0',
  'brk #1',
  'eret',
  'wfi',
  'wfe',
  'sev',
  'isb',
  'dsb sy',
  'msr daifclr, #3',
  'msr daifset, #3',
  'msr spsel, #0',
  'mrs x0, cntvct_el0',
  'msr cntv_ctl_el0, x1',
  'msr cntv_tval_el0, x2',
  'msr cntp_ctl_el0, x1',
  'msr cntp_cval_el0, x3',
  'mrs x0, esr_el1',
  'mrs x1, elr_el1',
  'msr elr_el1, x2',
  'msr spsr_el1, x3',
  'msr vbar_el1, x4',
  'msr sctlr_el1, x5',
  'msr ttbr0_el1, x1',
  'msr tcr_el1, x2',
  'mrs x0, s3_4_c1_c1_0',
  '.word 0xd508871f', // tlbi vmalle1 (the assembler's subset lacks it)
  '.word 0xd50b7421', // dc zva, x1
  '.word 0xd5087802', // at s1e1r, x2
  '.word 0x9e670020', // fmov d0, x1
  'udf #0',
];

let validWords: number[] | null = null;
function valid(): number[] {
  if (validWords === null) {
    const img = assemble(VALID_SRC.join('\n'), { base: GUEST_BASE });
    const dv = new DataView(img.bytes.buffer, img.bytes.byteOffset, img.bytes.byteLength);
    validWords = Array.from({ length: img.bytes.byteLength / 4 }, (_, i) => dv.getUint32(4 * i, true));
  }
  return validWords;
}

/** A 64-bit value as most likely to matter: RAM, a device frame, a PSCI function, zero, or anything. */
const addressLike = (): fc.Arbitrary<bigint> =>
  fc.oneof(
    fc.bigInt({ min: 0n, max: BigInt(RAM_SIZE / 8 - 1) }).map((o) => RAM_BASE + 8n * o),
    fc.constantFrom(
      0n,
      BigInt(MEMMAP.GICD.base),
      BigInt(MEMMAP.GICC.base),
      BigInt(MEMMAP.UART.base),
      0x8400_0008n, // PSCI SYSTEM_OFF
      0x8400_0009n, // PSCI SYSTEM_RESET
      0xc400_0003n, // PSCI CPU_ON
    ),
    fc.bigInt({ min: 0n, max: 2n ** 64n - 1n }),
  );

/** SCTLR_EL1 bits the model acts on besides M: A, SA, SA0, UMA, DZE, UCT, nTWI, nTWE, WXN, UCI. */
const SCTLR_BITS = (1n << 1n) | (1n << 3n) | (1n << 4n) | (1n << 9n);
const SCTLR_BITS_HI = (1n << 14n) | (1n << 15n) | (1n << 16n) | (1n << 18n) | (1n << 19n) | (1n << 26n);

/**
 * The vector table: none (VBAR_EL1 = `vbar`, anywhere), one in the image
 * whose every entry returns past the exception's instruction (so a guest
 * of garbage runs on through it), or one of random words.
 */
export type Vectors = 'none' | 'skip' | readonly number[];

export interface GuestInput {
  readonly cpus: 1 | 2;
  readonly vectors: Vectors;
  readonly vbar: bigint;
  readonly sctlr: bigint;
  readonly ttbr0: bigint;
  readonly tcr: bigint;
  readonly regs: readonly bigint[];
  readonly words: readonly number[];
}

/** Any 32-bit word, or one of the valid encodings above. */
const word = (): fc.Arbitrary<number> =>
  fc.oneof(
    { weight: 2, arbitrary: fc.integer({ min: 0, max: 0xffff_ffff }) },
    { weight: 3, arbitrary: fc.constantFrom(...valid()) },
  );

export const guestInput = (): fc.Arbitrary<GuestInput> =>
  fc.record({
    cpus: fc.constantFrom(1 as const, 1 as const, 1 as const, 2 as const),
    vbar: fc.oneof(
      fc.constant(0n),
      fc.bigInt({ min: 0n, max: BigInt(RAM_SIZE / 2048 - 1) }).map((o) => RAM_BASE + 2048n * o),
      fc.bigInt({ min: 0n, max: 2n ** 64n - 1n }),
    ),
    vectors: fc.oneof(
      fc.constant<Vectors>('none'),
      fc.constant<Vectors>('skip'),
      fc.array(word(), { minLength: 1, maxLength: 8 }),
    ),
    // The MMU on (SCTLR_EL1.M) one time in four: with random tables it mostly faults.
    sctlr: fc
      .tuple(fc.bigInt({ min: 0n, max: 2n ** 32n - 1n }), fc.integer({ min: 0, max: 3 }))
      .map(([r, m]) => SCTLR_RESET | (r & (SCTLR_BITS | SCTLR_BITS_HI)) | (m === 0 ? 1n : 0n)),
    ttbr0: fc.oneof(fc.constant(0n), addressLike()),
    tcr: fc.oneof(fc.constant(0n), fc.bigInt({ min: 0n, max: 2n ** 40n - 1n })),
    regs: fc.array(addressLike(), { minLength: 5, maxLength: 5 }),
    words: fc.array(word(), { minLength: 1, maxLength: 24 }),
  });

function mov64(reg: string, v: bigint): string[] {
  const parts = [0n, 1n, 2n, 3n].map((i) => (v >> (16n * i)) & 0xffffn);
  return [
    `movz ${reg}, #${parts[0]}`,
    ...parts.slice(1).map((p, i) => `movk ${reg}, #${p}, lsl #${16 * (i + 1)}`),
  ];
}

/** The 16 vector entries (0x80 bytes each) of a `skip` or random table. */
function vectorTable(v: Vectors): string[] {
  if (v === 'none') return [];
  const entry =
    v === 'skip'
      ? ['mrs x9, elr_el1', 'add x9, x9, #4', 'msr elr_el1, x9', 'eret']
      : v.map((w) => `.word 0x${w.toString(16)}`);
  return ['.balign 2048', 'vectors:', ...Array.from({ length: 16 }, () => ['.balign 128', ...entry]).flat()];
}

/**
 * The guest image: the prelude (VBAR, translation, registers, SCTLR last),
 * the words, then the vector table if there is one. Past the words lie
 * zeros (UDF #0) up to the table.
 */
export function guestSource(g: GuestInput): string {
  const lines = [
    ...(g.vectors === 'none' ? mov64('x0', g.vbar) : ['adr x0, vectors']),
    'msr vbar_el1, x0',
    ...mov64('x0', g.ttbr0),
    'msr ttbr0_el1, x0',
    ...mov64('x0', g.tcr),
    'msr tcr_el1, x0',
    ...g.regs.flatMap((v, i) => mov64(`x${i + 1}`, v)),
    ...mov64('x0', g.sctlr),
    'msr sctlr_el1, x0',
    'isb',
    ...g.words.map((w) => `.word 0x${w.toString(16)}`),
    ...vectorTable(g.vectors),
  ];
  return lines.join('\n');
}

export type MachineKind = 'reference' | 'level' | 'legacy-edge';

export interface GuestOutcome {
  readonly kind: MachineKind;
  /** how the run ended, or the error the hypervisor reported (KVM_RUN failing) */
  readonly end: RunEnd | `error: ${string}`;
  readonly ticks: number;
  readonly retired: number;
  readonly exceptions: number;
  /** what the instruction limit counts */
  readonly guestCycles: number;
  readonly cpus: readonly { pc: number; instret: number; exceptions: number; cycles: number; x: string }[];
  readonly uart: string;
}

export const FUZZ_LIMITS = { ticks: 200_000, instructions: 4_000 } as const;

/** Run one guest; a host exception other than the hypervisor's documented refusals propagates. */
export function runGuest(
  g: GuestInput,
  kind: MachineKind,
  limits: { ticks: number; instructions: number } = FUZZ_LIMITS,
): GuestOutcome {
  const img = assemble(guestSource(g), { base: GUEST_BASE });
  const board = { ...DEFAULT_BOARD, cpus: g.cpus, ramSize: RAM_SIZE };
  const m =
    kind === 'reference'
      ? new ReferenceMachine({ board, startAll: true })
      : new Vm({ board, policy: kind, startAll: true });
  m.load(img.base, img.bytes, img.entry);
  let end: GuestOutcome['end'];
  try {
    const r = m.run(limits);
    end = typeof r === 'string' ? r : r.end;
  } catch (e) {
    if (!(e instanceof GuestError || e instanceof LivelockError)) throw e;
    end = `error: ${e.message}`;
  }
  return {
    kind,
    end,
    ticks: m.board.kernel.now,
    retired: m.scheduler.retired,
    exceptions: m.scheduler.exceptions,
    guestCycles: m.scheduler.guestCycles,
    cpus: m.board.cpus.map((c) => ({
      pc: c.pc,
      instret: c.instret,
      exceptions: c.exceptions,
      cycles: c.cycles,
      x: Array.from({ length: 31 }, (_, n) => c.getX(n).toString(16)).join(','),
    })),
    uart: m.board.uart.outputText(),
  };
}

/** 62.5 MHz counter, 1 GHz cpu. */
const CYCLES_PER_TICK = 16;

/** The contract; returns what is wrong, or null. */
export function checkGuestRun(
  o: GuestOutcome,
  limits: { ticks: number; instructions: number } = FUZZ_LIMITS,
): string | null {
  const ends = ['limit', 'poweroff', 'reset', 'idle'];
  if (!ends.includes(o.end) && !(o.kind !== 'reference' && o.end.startsWith('error: ')))
    return `ended ${o.end}`;
  // KVM_RUN failed mid-step: the scheduler never saw that step's counts.
  if (o.end.startsWith('error: ')) return null;
  const sumI = o.cpus.reduce((s, c) => s + c.instret, 0);
  const sumE = o.cpus.reduce((s, c) => s + c.exceptions, 0);
  const work = o.cpus.reduce((s, c) => s + c.cycles, 0);
  if (sumI !== o.retired || sumE !== o.exceptions || work !== o.guestCycles)
    return `counters disagree: cpus ${sumI}/${sumE}/${work}, scheduler ${o.retired}/${o.exceptions}/${o.guestCycles}`;
  // Every cycle is an instruction or an exception entry; an SVC's entry is part of the SVC.
  if (work < sumI || work > sumI + sumE) return `${work} cycles for ${sumI} instructions, ${sumE} exceptions`;
  if (work > limits.instructions) return `ran ${work} cycles > limit ${limits.instructions}`;
  if (o.ticks > limits.ticks) return `time ${o.ticks} > limit ${limits.ticks}`;
  if (o.end === 'limit' && work < limits.instructions && o.ticks < limits.ticks)
    return `ended at a limit before either (${work} cycles, t=${o.ticks})`;
  // The clock is never behind the cpus: every cpu's cycles fit in the time reported.
  const minCycles = Math.min(...o.cpus.map((c) => c.cycles));
  if (o.ticks < Math.floor(minCycles / CYCLES_PER_TICK))
    return `time ${o.ticks} behind the cpus (${minCycles} cycles)`;
  if (o.cpus.length === 1 && work >= CYCLES_PER_TICK && o.ticks === 0) return `t=0 after ${work} cycles`;
  return null;
}
