// guests/asm/exceptions.s end to end: HVC PSCI, UDF and SVC syndromes read
// by the guest's own sync handler, ERET restoring NZCV/DAIF, and the virtual
// timer's PPI 27 through the GIC: pending but not taken while PSTATE.I = 1
// (ISR_EL1.I, GICC_HPPIR), taken on `msr daifclr, #2` with the right
// ELR/SPSR, WFI waking while masked, spurious IAR when idle. Checked on the
// bare-metal reference machine; the VM under both policies must match it
// exactly (the guest disables the timer output before EOI, so there is no
// residual-window interleaving here).
// test:cross: aarch64-linux-gnu-as, -ld, -objcopy (npm test: the bytes recorded in test/fixtures/cross/)

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { AsmResult } from '../../src/hw/cpu/asm/index.ts';
import {
  assembleGuest,
  gnuGuestBytes,
  hex,
  MACHINE_KINDS,
  type Machine,
  runAsmGuest,
  sym,
} from './helpers.ts';

// Offsets in `results` (guests/asm/exceptions.s R_*).
const R = {
  PSCI_VERSION: 0,
  UDF_ESR: 8,
  UDF_ELR: 16,
  UDF_SPSR: 24,
  SYNC_DAIF: 32,
  AFTER_UDF_DAIF: 40,
  AFTER_UDF_NZCV: 48,
  SVC_ESR: 56,
  SVC_ELR: 64,
  MASKED_ISR: 72,
  MASKED_HPPIR: 80,
  MASKED_IRQS: 88,
  IRQ1_IAR: 96,
  IRQ1_ELR: 104,
  IRQ1_SPSR: 112,
  IRQ1_DAIF: 120,
  AFTER_IRQ_X0: 128,
  AFTER_IRQ_NZCV: 136,
  AFTER_IRQ_COUNT: 144,
  WFI_IRQS_BEFORE_UNMASK: 152,
  IRQ2_IAR: 160,
  FINAL_IRQS: 168,
  SPURIOUS_IAR: 176,
  UNEXPECTED: 184,
} as const;

// PSTATE / SPSR bits (Arm ARM C5.2.18)
const N = 1n << 31n;
const Z = 1n << 30n;
const C = 1n << 29n;
const D = 1n << 9n;
const A = 1n << 8n;
const I = 1n << 7n;
const F = 1n << 6n;
const EL1H = 0b0101n;
const EC_UNKNOWN = 0x00n;
const EC_SVC64 = 0x15n;
const IL = 1n << 25n;
const esr = (ec: bigint, iss: bigint): bigint => (ec << 26n) | IL | iss;
const VTIMER = 27n;

function expected(img: AsmResult): Record<keyof typeof R, bigint> {
  return {
    PSCI_VERSION: 0x1_0000n, // PSCI 1.0
    UDF_ESR: esr(EC_UNKNOWN, 0n), // EC 0: ISS is RES0, IL = 1
    UDF_ELR: BigInt(sym(img, 'undef_insn')),
    UDF_SPSR: N | D | I | F | EL1H, // the interrupted PSTATE: flags from `cmp 0, 1`, A cleared
    SYNC_DAIF: D | A | I | F, // exception entry masks everything
    AFTER_UDF_DAIF: D | I | F, // ERET restored it
    AFTER_UDF_NZCV: N,
    SVC_ESR: esr(EC_SVC64, 0x42n),
    SVC_ELR: BigInt(sym(img, 'svc_insn') + 4), // preferred return: the next instruction
    MASKED_ISR: I, // pending at the cpu, masked by PSTATE
    MASKED_HPPIR: VTIMER,
    MASKED_IRQS: 0n,
    IRQ1_IAR: VTIMER,
    IRQ1_ELR: BigInt(sym(img, 'after_unmask')), // taken right after the MSR that unmasked it
    IRQ1_SPSR: Z | C | D | F | EL1H,
    IRQ1_DAIF: D | A | I | F,
    AFTER_IRQ_X0: 0x1111_2222_3333_4444n,
    AFTER_IRQ_NZCV: Z | C,
    AFTER_IRQ_COUNT: 1n,
    WFI_IRQS_BEFORE_UNMASK: 1n, // WFI woke, the IRQ was not taken while masked
    IRQ2_IAR: VTIMER,
    FINAL_IRQS: 2n,
    SPURIOUS_IAR: 1023n,
    UNEXPECTED: 0n,
  };
}

function observed(m: Machine, img: AsmResult): Record<keyof typeof R, bigint> {
  const base = sym(img, 'results');
  const out = {} as Record<keyof typeof R, bigint>;
  for (const [k, off] of Object.entries(R)) out[k as keyof typeof R] = m.read64(base + off);
  return out;
}

describe('exceptions.s (sync exceptions, ERET, timer IRQ through the GIC)', () => {
  const img = assembleGuest('exceptions.s');

  it('assembles to the same bytes as GNU as + ld', () => {
    assert.deepEqual(img.bytes, gnuGuestBytes(img, 'exceptions.s'));
    assert.equal(sym(img, 'vectors') % 2048, 0, 'VBAR_EL1 alignment');
  });

  const runs = new Map<string, { obs: Record<keyof typeof R, bigint>; instructions: number }>();
  for (const kind of MACHINE_KINDS) {
    it(`${kind}: every syndrome, return address and masking observation is architectural`, (t) => {
      const { m, end } = runAsmGuest(kind, img);
      assert.equal(end, 'poweroff');
      const obs = observed(m, img);
      const exp = expected(img);
      for (const k of Object.keys(R) as (keyof typeof R)[])
        assert.equal(obs[k], exp[k], `${k}: got ${hex(obs[k])}, expected ${hex(exp[k])}`);
      assert.deepEqual(
        m.acks().map((a) => [a.cpu, a.intid, a.source]),
        [
          [0, 27, 0],
          [0, 27, 0],
        ],
      );
      assert.equal(
        m.cpu(0).undefCounts.reduce((s, n) => s + n, 0),
        1,
        'exactly one UNDEFINED (the UDF)',
      );
      runs.set(kind, { obs, instructions: m.instructions() });
      t.diagnostic(`${kind}: ${m.instructions()} guest instructions, ${m.board.kernel.now} ticks`);
    });
  }

  it('the VM matches the reference machine instruction for instruction', () => {
    const ref = runs.get('reference');
    assert.ok(ref && runs.size === MACHINE_KINDS.length, 'all runs above completed');
    for (const [kind, r] of runs) {
      assert.deepEqual(r.obs, ref.obs, kind);
      assert.equal(r.instructions, ref.instructions, kind);
    }
  });
});
