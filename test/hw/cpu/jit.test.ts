// Translated blocks (src/hw/cpu/jit) against the interpreter: the same
// program runs on two bare machines, one interpreting, one translating every
// slot at its first entry, run(n) by run(n) with the same budgets; after each
// the whole cpu state (save()), the stop reason, the port calls (with the
// instret each saw) and RAM must be identical. Budgets that end inside a
// block, faults inside a block, self-modifying code with and without
// IC IVAU, breakpoints and interrupts between runs.

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { MAX_BLOCK } from '../../../src/hw/cpu/jit/compile.ts';
import { type Guest, VECTORS } from './helpers/guest.ts';
import { twin as jitTwin, lockstep } from './helpers/jit-twin.ts';

const IC_IVAU_X6 = 0xd50b7526;
const IC_IALLU = 0xd508751f;
const DC_CVAU_X6 = 0xd50b7b26;
const MMIO = 0x0900_0000;

/** The lockstep pair with this file's vectors and MMIO register. */
function twin(src: string, setup: (g: Guest) => void = () => {}): [Guest, Guest] {
  return jitTwin(src, (g) => {
    g.vectors();
    g.port.regs.set(MMIO, 0x1234);
    setup(g);
  });
}

function translated(g: Guest): number {
  return g.cpu.cache.pagesTranslated();
}

const LOOP = `
  mov x1, #1000
loop:
  add x0, x0, #1
  subs x1, x1, #1
  b.ne loop
  b .
`;

describe('translated blocks against the interpreter', () => {
  it('the add/subs/b.ne loop: same state at every budget boundary, wherever it falls in a block', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 1, max: 40 }), { minLength: 1, maxLength: 60 }), (budgets) => {
        const [a, b] = twin(LOOP);
        lockstep(a, b, budgets);
        return translated(b) > 0;
      }),
      { numRuns: 60 },
    );
    const [a, b] = twin(LOOP);
    lockstep(a, b, [5000]);
    b.assertX(0, 1000)
      .assertX(1, 0)
      .assertFlags('nZCv')
      .assertInstret(1 + 3000 + 5000 - 3001);
  });

  it('a deadline inside a block: the block is not entered, the interpreter stops at the exact cycle', () => {
    const body = Array.from({ length: 20 }, (_, i) => `add x${i % 8}, x${i % 8}, #${i + 1}`).join('\n');
    const [a, b] = twin(`top:\n${body}\nb top`);
    const stops = lockstep(a, b, [3, 7, 1, 20, 21, 22, 19, 100, 2, 41]);
    assert.ok(stops.every((s) => s === 'budget'));
    assert.equal(b.cpu.instret, 3 + 7 + 1 + 20 + 21 + 22 + 19 + 100 + 2 + 41);
    assert.ok(MAX_BLOCK >= 21);
  });

  it('an alignment fault in the middle of a block: precise ELR, ESR, FAR, and the cycles up to it', () => {
    const [a, b] = twin(`
      mov x3, #0x40100000
      add x3, x3, #3
      mov x1, #1
      add x1, x1, #1
    fault:
      ldr x2, [x3]
      add x1, x1, #100
      b .
    `);
    lockstep(a, b, [2, 50]);
    b.assertSysreg('ELR_EL1', b.sym('fault'))
      .assertSysreg('FAR_EL1', 0x4010_0003)
      .assertSysreg('ESR_EL1', 0x9600_0021)
      .assertX(1, 2)
      .assertPc(VECTORS + 0x200);
  });

  it('a store that faults beyond the PA range, a pair access, an MMIO access and an exit inside blocks', () => {
    const [a, b] = twin(`
      mov x3, #0x40100000
      mov x4, #0x09000000
      mov x7, #1
    again:
      stp x7, x3, [x3, #16]!
      ldp x8, x9, [x3, #-16]
      ldr w10, [x4]
      add x7, x7, #1
      str w7, [x4, #4]
      add x7, x7, #1
      cmp x7, #9
      b.ne again
      mov x5, #0x100
      lsl x5, x5, #36
      str x7, [x5]
      b .
    `);
    a.port.exitAt.add(MMIO + 4);
    b.port.exitAt.add(MMIO + 4);
    const stops = lockstep(a, b, [1, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 40, 40, 40, 40, 40, 40, 40]);
    assert.ok(stops.includes('mmio-exit') && stops.includes('port'));
    b.assertSysreg('FAR_EL1', 0x100n << 36n).assertPc(VECTORS + 0x200);
  });

  it('self-modifying code: a store to a later instruction of the running block takes effect at once', () => {
    const [a, b] = twin(`
      ldr w5, new
      adr x6, patch
      mov x2, #3
    loop:
      str w5, [x6]
    patch:
      mov x0, #1
      add x1, x1, x0
      subs x2, x2, #1
      b.ne loop
      b .
    new:
      mov x0, #2
    `);
    lockstep(a, b, [200]);
    b.assertX(1, 6);
  });

  it('self-modifying code with IC IVAU and IC IALLU: a translated loop sees its patched instruction', () => {
    const [a, b] = twin(`
      ldr w5, new
      adr x6, patch
      mov x9, #0
    again:
      mov x2, #50
    loop:
    patch:
      add x1, x1, #1
      subs x2, x2, #1
      b.ne loop
      cbnz x9, done
      mov x9, #1
      str w5, [x6]
      .inst ${DC_CVAU_X6}
      dsb ish
      .inst ${IC_IVAU_X6}
      dsb ish
      isb
      b again
    done:
      .inst ${IC_IALLU}
      b .
    new:
      add x1, x1, #1000
    `);
    lockstep(a, b, [7, 100, 3, 1000]);
    b.assertX(1, 50 + 50 * 1000);
  });

  it('a breakpoint inside a translated block fires after its instruction, at the same cycle', () => {
    const [a, b] = twin(LOOP);
    lockstep(a, b, [400]);
    const hits: number[][] = [[], []];
    [a, b].forEach((g, i) => {
      g.cpu.addBreakpoint(g.sym('loop') + 4, () => {
        hits[i].push(g.cpu.instret);
        g.cpu.requestStop();
      });
    });
    lockstep(a, b, [10, 10, 2, 50]);
    assert.deepEqual(hits[1], hits[0]);
    assert.ok(hits[0].length >= 3);
  });

  it('a rotated loop (entered past its first instruction) runs as one block, at any budget, with a breakpoint before its entry', () => {
    const src = `
  mov x1, #300
  mov x5, #0
  b mid
top:
  add x5, x5, #3
  eor x6, x6, x5, lsl #2
mid:
  add x0, x0, x5
  subs x1, x1, #1
  b.ne top
  b .
`;
    const loopsOnly = (g: Guest) => {
      g.cpu.cache.jitLoopsOnly = true;
    };
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 1, max: 40 }), { minLength: 1, maxLength: 40 }), (budgets) => {
        const [a, b] = twin(src, loopsOnly);
        lockstep(a, b, [...budgets, 2000]);
        const mid = b.sym('mid') - b.ram.base;
        const block = b.cpu.cache.page(mid >>> 12).blocks?.[(mid & 4095) >>> 2];
        assert.equal(block?.pre, 2, 'the block at mid holds the two instructions before it');
        b.assertX(1, 0).assertX(0, (3 * 299 * 300) / 2);
      }),
      { numRuns: 40 },
    );
    const [a, b] = twin(src, loopsOnly);
    const hits: number[][] = [[], []];
    [a, b].forEach((g, i) => {
      g.cpu.addBreakpoint(g.sym('top') + 4, () => {
        hits[i].push(g.cpu.instret);
      });
    });
    lockstep(a, b, [7, 100, 33, 2000]);
    assert.deepEqual(hits[1], hits[0]);
    assert.ok(hits[0].length >= 3);
  });

  it('a multi-precision loop (MUL, MADD, MSUB, UMULH, extends, bitfields, ADC/SBCS, EXTR) from random registers', () => {
    // The shape of Linux's mpihelp_addmul_1 and friends, all inline in a block that loops on itself.
    const src = `
  mov x9, #37
mp:
  sxtw x5, w2
  and x6, x3, #0xffffffff
  lsr x3, x3, #32
  mul x4, x6, x10
  madd x8, x12, x6, x9
  msub x7, x4, x11, x8
  mul w13, w4, w7
  madd w14, w13, w6, w8
  umulh x15, x4, x8
  add x6, x0, w4, uxtw
  adds x16, x16, w5, sxtw #2
  sub x17, x17, w6, uxtb #1
  cmp x4, x8
  csel x3, x7, x3, cc
  adcs x0, x4, x3
  sbcs w1, w1, w6
  adc x11, x11, x13
  sbfiz x18, x2, #3, #32
  ubfx x19, x15, #7, #40
  bfi x20, x6, #13, #17
  bfxil w21, w7, #3, #9
  extr x22, x7, x8, #19
  extr w23, w6, w7, #5
  ror x24, x24, #1
  adds w2, w2, #1
  subs x9, x9, #1
  b.ne mp
  b .
`;
    fc.assert(
      fc.property(
        fc.array(fc.bigInt({ min: 0n, max: (1n << 64n) - 1n }), { minLength: 25, maxLength: 25 }),
        fc.array(fc.integer({ min: 1, max: 90 }), { minLength: 1, maxLength: 12 }),
        (regs, budgets) => {
          const [a, b] = twin(src, (g) => {
            regs.forEach((v, i) => {
              if (i !== 9) g.setX(i, v);
            });
          });
          lockstep(a, b, [...budgets, 2000]);
          return translated(b) > 0;
        },
      ),
      { numRuns: 40 },
    );
  });

  it('an interrupt raised between runs is taken at the same boundary', () => {
    const [a, b] = twin(LOOP, (g) => {
      g.cpu.daif = 0;
    });
    lockstep(a, b, [100, 33]);
    a.irq(true);
    b.irq(true);
    lockstep(a, b, [10]);
    b.assertPc(VECTORS + 0x280);
    const elr = Number(b.cpu.getSysreg('ELR_EL1'));
    assert.ok(elr >= b.sym('loop') && elr <= b.sym('loop') + 8, `ELR 0x${elr.toString(16)} in the loop`);
  });
});
