// FP/SIMD: register file, FPEN traps, FPCR/FPSR, a few instructions of each
// class (assembled by GNU as: the project's assembler has no FP/SIMD forms
// yet). The differential test (test/hw/cpu/diff) checks semantics at scale.
// test:cross: aarch64-linux-gnu-as, -objcopy (npm test: the bytes recorded in test/fixtures/cross/)

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { gnuAssemble } from './helpers/gnu-as.ts';
import { Guest, VECTORS } from './helpers/guest.ts';

function fpGuest(src: string, fpen = 3): Guest {
  const g = new Guest(gnuAssemble(`${src}\nhvc #0`)).vectors();
  g.cpu.setSysreg('CPACR_EL1', BigInt(fpen) << 20n);
  return g;
}
const vhex = (g: Guest, r: number): string => g.cpu.fp.hex(r);

describe('FP/SIMD', () => {
  it('ID_AA64PFR0_EL1 advertises FP and AdvSIMD', () => {
    const g = fpGuest('mrs x0, id_aa64pfr0_el1').runToStop();
    assert.equal((g.cpu.getX(0) >> 16n) & 0xffn, 0n);
  });

  it('CPACR_EL1.FPEN = 0 traps FP at EL1 with EC 0x07', () => {
    const g = fpGuest('fmov d0, x1', 0).runToStop(10);
    assert.equal(g.cpu.pc, VECTORS + 0x200);
    assert.equal(Number(g.cpu.getSysreg('ESR_EL1')) >>> 26, 0x07);
  });

  it('FMOV general <-> vector, DUP, UMOV, ADDV, CNT', () => {
    const g = fpGuest(`
      fmov d0, x1
      fmov v0.d[1], x2
      dup v1.16b, w3
      umov w4, v0.b[9]
      cnt v2.16b, v0.16b
      addv b3, v2.16b
      umov w5, v3.b[0]
      mov x6, v0.d[1]
    `)
      .setX(1, 0x0123_4567_89ab_cdefn)
      .setX(2, 0xfedc_ba98_7654_3210n)
      .setX(3, 0x1_0000_00a5n)
      .runToStop();
    assert.equal(vhex(g, 0), 'fedcba987654321001234567' + '89abcdef');
    assert.equal(vhex(g, 1), 'a5'.repeat(16));
    g.assertX(4, 0x32).assertX(5, 64).assertX(6, 0xfedc_ba98_7654_3210n);
  });

  it('loads and stores: STP/LDP Q, LD1 multiple with post-index, 64-bit forms clear the top', () => {
    const g = fpGuest(`
      mov x0, sp
      movi v0.16b, #0x11
      movi v1.16b, #0x22
      stp q0, q1, [x0, #-32]!
      ldr d2, [x0, #16]
      ld1 {v3.16b, v4.16b}, [x0], #32
    `);
    g.setSp(0x4010_0000).runToStop();
    assert.equal(vhex(g, 2), `${'00'.repeat(8)}${'22'.repeat(8)}`);
    assert.equal(vhex(g, 3), '11'.repeat(16));
    assert.equal(vhex(g, 4), '22'.repeat(16));
    g.assertX(0, 0x4010_0000);
  });

  it('scalar FP: FADD/FDIV double and single, FCMP, FCVTZS, FPSR flags', () => {
    const g = fpGuest(`
      fmov d0, #1.0
      fmov d1, #3.0
      fdiv d2, d0, d1
      fmov s3, #1.0
      fmov s4, #3.0
      fdiv s5, s3, s4
      fcmp d2, d0
      mrs x0, fpsr
      fcvtzs x1, d1
      movi d6, #0
      fdiv d7, d0, d6
      mrs x2, fpsr
      fmov x3, d2
      fmov w4, s5
    `).runToStop();
    g.assertX(0, 0x10)
      .assertX(1, 3)
      .assertX(2, 0x12)
      .assertX(3, 0x3fd5_5555_5555_5555n)
      .assertX(4, 0x3eaa_aaab);
    g.assertFlags('Nzcv');
  });

  it('regressions found by the differential test: FNMUL negates NaNs; an exact -0 product raises no flag', () => {
    const g = fpGuest(`
      movi d0, #0
      fmov s1, #-1.0
      fmul s2, s0, s1
      mrs x0, fpsr
      fmov s3, #1.0
      fdiv s4, s0, s0
      fnmul s5, s3, s4
      fmov w1, s5
    `).runToStop();
    g.assertX(0, 0).assertX(1, 0xffc0_0000);
  });

  it('save/restore keeps V registers, FPCR and FPSR', () => {
    const g = fpGuest('movi v5.16b, #0x5a\nfmov d31, x1\nmsr fpcr, x2\nmsr fpsr, x3')
      .setX(1, 0x0123_4567_89ab_cdefn)
      .setX(2, 1 << 25)
      .setX(3, 0x1f)
      .runToStop();
    const s = g.cpu.save();
    const h = new Guest(new Uint8Array(4));
    h.cpu.restore(s);
    assert.equal(h.cpu.fp.hex(5), '5a'.repeat(16));
    assert.equal(h.cpu.fp.hex(31), '00000000000000000123456789abcdef');
    assert.equal(h.cpu.fp.fpcr, 1 << 25);
    assert.equal(h.cpu.fp.fpsr, 0x1f);
    assert.deepEqual(h.cpu.save(), s);
  });

  it('an unimplemented FP/SIMD encoding is UNDEFINED and counted as fp-simd', () => {
    const g = fpGuest('fmadd d0, d1, d2, d3').runToStop(10);
    assert.equal(g.cpu.pc, VECTORS + 0x200);
    assert.equal(Number(g.cpu.getSysreg('ESR_EL1')) >>> 26, 0);
    assert.equal(g.cpu.undefCounts[1], 1);
  });
});

describe('AdvSIMD scalar FP <-> integer conversions (busybox sleep needs FCVTZS Dd, Dn)', () => {
  it('FCVTZS/FCVTZU/FCVTNS in vector registers: rounding, saturation with IOC, inexact with IXC; SCVTF from a vector register', () => {
    const g = fpGuest(`
      fmov d0, x10
      fcvtzs d1, d0
      fmov x1, d1
      fmov d0, x11
      fcvtzs d2, d0
      fmov x2, d2
      fcvtns d7, d0
      fmov x7, d7
      mrs x3, fpsr
      fmov d3, x12
      scvtf d4, d3
      fmov x5, d4
      fmov s5, w13
      fcvtzu s6, s5
      fmov w6, s6
      fmov d8, x14
      fcvtms d9, d8
      fmov x9, d9
    `)
      .setX(10, 0xc005_cccc_cccc_cccdn) // -2.7
      .setX(11, 0x4629_3e59_39a0_8cean) // 1e30
      .setX(12, BigInt.asUintN(64, -5n))
      .setX(13, 0x4039_999an) // 2.9f
      .setX(14, 0xc004_0000_0000_0000n) // -2.5
      .runToStop();
    g.assertX(1, BigInt.asUintN(64, -2n)); // toward zero
    g.assertX(2, 0x7fff_ffff_ffff_ffffn); // saturated
    g.assertX(7, 0x7fff_ffff_ffff_ffffn);
    assert.equal(g.cpu.getX(3) & 0x11n, 0x11n, 'IOC and IXC set');
    g.assertX(5, 0xc014_0000_0000_0000n); // -5.0
    g.assertX(6, 2); // 2.9f -> 2 unsigned
    g.assertX(9, BigInt.asUintN(64, -3n)); // toward -inf
  });
});
