import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { guest } from './helpers/guest.ts';

const M64 = (1n << 64n) - 1n;
const u64 = (v: bigint) => v & M64;
const s64 = (v: bigint) => BigInt.asIntN(64, v);

describe('cpu: data processing', () => {
  it('adds, subtracts and sets NZCV for 64-bit operands', () => {
    guest('adds x0, x1, x2').setX(1, M64).setX(2, 1).run(1).assertX(0, 0).assertFlags('nZCv');
    guest('adds x0, x1, x2').setX(1, 0x7fff_ffff_ffff_ffffn).setX(2, 1).run(1).assertFlags('NzcV');
    guest('subs x0, x1, x2').setX(1, 5).setX(2, 5).run(1).assertX(0, 0).assertFlags('nZCv');
    guest('subs x0, x1, x2').setX(1, 4).setX(2, 5).run(1).assertX(0, M64).assertFlags('Nzcv');
    guest('cmp x1, #0')
      .setX(1, 1n << 63n)
      .run(1)
      .assertFlags('NzCv');
  });

  it('32-bit adds/subs take carry and overflow from bit 31 and zero the upper half', () => {
    guest('adds w0, w1, w2')
      .setX(1, 0xffff_ffff_0000_0001n)
      .setX(2, 0xffff_ffff)
      .run(1)
      .assertX(0, 0)
      .assertFlags('nZCv');
    guest('adds w0, w1, w2')
      .setX(1, 0x7fff_ffff)
      .setX(2, 1)
      .run(1)
      .assertX(0, 0x8000_0000)
      .assertFlags('NzcV');
    guest('subs w0, w1, #1').setX(1, 0x8000_0000).run(1).assertX(0, 0x7fff_ffff).assertFlags('nzCV');
    guest('add w0, w1, #1').setX(1, 0x1234_5678_ffff_ffffn).run(1).assertX(0, 0);
  });

  it('adc/sbc use the carry flag', () => {
    guest('adc x0, x1, x2').setX(1, 1).setX(2, 2).run(1).assertX(0, 3);
    guest('cmp x3, x3\nadc x0, x1, x2').setX(1, 1).setX(2, 2).run(2).assertX(0, 4);
    guest('cmp x3, x3\nsbcs x0, x1, x2').setX(1, 1).setX(2, 2).run(2).assertX(0, M64).assertFlags('Nzcv');
  });

  it('register-form shifts are modulo the register width', () => {
    guest('lsl x0, x1, x2').setX(1, 1).setX(2, 65).run(1).assertX(0, 2);
    guest('lsr w0, w1, w2').setX(1, 0x8000_0000).setX(2, 33).run(1).assertX(0, 0x4000_0000);
    guest('asr x0, x1, x2')
      .setX(1, 1n << 63n)
      .setX(2, 127)
      .run(1)
      .assertX(0, M64);
    guest('ror w0, w1, w2')
      .setX(1, 1)
      .setX(2, 32 + 1)
      .run(1)
      .assertX(0, 0x8000_0000);
  });

  it('shifted and extended register operands', () => {
    guest('add x0, x1, x2, lsl #60').setX(1, 1).setX(2, 0x1f).run(1).assertX(0, 0xf000_0000_0000_0001n);
    guest('sub x0, x1, w2, sxtw').setX(1, 0).setX(2, 0xffff_ffff).run(1).assertX(0, 1);
    guest('add x0, sp, w2, uxtb #2')
      .setSp(0x1000)
      .setX(2, 0x1ff)
      .run(1)
      .assertX(0, 0x1000 + 0x3fc);
    guest('and x0, x1, x2, ror #4').setX(1, M64).setX(2, 0x1f).run(1).assertX(0, 0xf000_0000_0000_0001n);
    guest('bics x0, x1, x2').setX(1, 0xf0).setX(2, 0xf0).run(1).assertX(0, 0).assertFlags('nZcv');
  });

  it('bitfield moves and their aliases', () => {
    guest('ubfx x0, x1, #8, #8').setX(1, 0xabcd).run(1).assertX(0, 0xab);
    guest('sbfx x0, x1, #4, #4').setX(1, 0x80).run(1).assertX(0, u64(-8n));
    guest('bfi x0, x1, #8, #4').setX(0, 0xffff).setX(1, 0x5).run(1).assertX(0, 0xf5ff);
    guest('bfxil w0, w1, #4, #8').setX(0, 0xffff_ffff_0000_0000n).setX(1, 0xabc).run(1).assertX(0, 0xab);
    guest('sxtb x0, w1').setX(1, 0x80).run(1).assertX(0, 0xffff_ffff_ffff_ff80n);
    guest('uxth w0, w1').setX(1, 0x12345).run(1).assertX(0, 0x2345);
    guest('sxtw x0, w1').setX(1, 0x8000_0000).run(1).assertX(0, 0xffff_ffff_8000_0000n);
    guest('lsl x0, x1, #63')
      .setX(1, 3)
      .run(1)
      .assertX(0, 1n << 63n);
    guest('asr w0, w1, #31').setX(1, 0x8000_0000).run(1).assertX(0, 0xffff_ffff);
    guest('sbfiz x0, x1, #60, #2').setX(1, 2).run(1).assertX(0, 0xe000_0000_0000_0000n);
    guest('extr x0, x1, x2, #60').setX(1, 0x1).setX(2, 0xf000_0000_0000_0000n).run(1).assertX(0, 0x1f);
    guest('ror x0, x1, #36').setX(1, 0xf_0000_0000n).run(1).assertX(0, 0xf000_0000_0000_0000n);
  });

  it('multiply and divide', () => {
    guest('mul x0, x1, x2').setX(1, M64).setX(2, M64).run(1).assertX(0, 1);
    guest('umulh x0, x1, x2')
      .setX(1, M64)
      .setX(2, M64)
      .run(1)
      .assertX(0, M64 - 1n);
    guest('smulh x0, x1, x2').setX(1, M64).setX(2, 2).run(1).assertX(0, M64);
    guest('smull x0, w1, w2').setX(1, 0xffff_ffff).setX(2, 5).run(1).assertX(0, u64(-5n));
    guest('umull x0, w1, w2')
      .setX(1, 0xffff_ffff)
      .setX(2, 0xffff_ffff)
      .run(1)
      .assertX(0, 0xffff_fffe_0000_0001n);
    guest('msub x0, x1, x2, x3').setX(1, 3).setX(2, 4).setX(3, 10).run(1).assertX(0, u64(-2n));
    guest('udiv x0, x1, x2').setX(1, 7).setX(2, 0).run(1).assertX(0, 0);
    guest('sdiv x0, x1, x2')
      .setX(1, 1n << 63n)
      .setX(2, M64)
      .run(1)
      .assertX(0, 1n << 63n);
    guest('sdiv w0, w1, w2').setX(1, 0x8000_0000).setX(2, 0xffff_ffff).run(1).assertX(0, 0x8000_0000);
    guest('sdiv x0, x1, x2').setX(1, u64(-7n)).setX(2, 2).run(1).assertX(0, u64(-3n));
    guest('udiv x0, x1, x2')
      .setX(1, M64)
      .setX(2, 3)
      .run(1)
      .assertX(0, M64 / 3n);
  });

  it('conditional select and compare', () => {
    guest('cmp x1, #1\ncsinc x0, x2, x3, eq').setX(1, 2).setX(3, M64).run(2).assertX(0, 0);
    guest('cmp x1, #1\ncsneg x0, x2, x3, eq').setX(1, 2).setX(3, 5).run(2).assertX(0, u64(-5n));
    guest('cmp x1, #1\ncset w0, ne').setX(1, 2).run(2).assertX(0, 1);
    guest('cmp x1, #1\nccmp x2, #3, #0b0100, eq').setX(1, 2).run(2).assertFlags('nZcv');
    guest('cmp x1, #1\nccmp x2, #3, #0, eq').setX(1, 1).setX(2, 3).run(2).assertFlags('nZCv');
  });

  it('count, reverse', () => {
    guest('clz x0, x1').setX(1, 1).run(1).assertX(0, 63);
    guest('clz w0, w1').setX(1, 0).run(1).assertX(0, 32);
    guest('cls x0, x1').setX(1, M64).run(1).assertX(0, 63);
    guest('rbit x0, x1')
      .setX(1, 1)
      .run(1)
      .assertX(0, 1n << 63n);
    guest('rev x0, x1').setX(1, 0x0102_0304_0506_0708n).run(1).assertX(0, 0x0807_0605_0403_0201n);
    guest('rev w0, w1').setX(1, 0x0102_0304).run(1).assertX(0, 0x0403_0201);
    guest('rev16 x0, x1').setX(1, 0x0102_0304_0506_0708n).run(1).assertX(0, 0x0201_0403_0605_0807n);
    guest('rev32 x0, x1').setX(1, 0x0102_0304_0506_0708n).run(1).assertX(0, 0x0403_0201_0807_0605n);
  });

  it('move wide and logical immediates', () => {
    guest('movz x0, #0x1234, lsl #48\nmovk x0, #0xbeef, lsl #16').run(2).assertX(0, 0x1234_0000_beef_0000n);
    guest('movn w0, #0').run(1).assertX(0, 0xffff_ffff);
    guest('mov x0, #0x5555555555555555').run(1).assertX(0, 0x5555_5555_5555_5555n);
    guest('orr sp, x1, #0xff0').setX(1, 0xf).run(1).assertSp(0xfff);
    guest('ands w0, w1, #0x80000000').setX(1, 0x8000_0000).run(1).assertFlags('Nzcv');
  });

  it('xzr reads zero and absorbs writes', () => {
    guest('adds xzr, x1, #1\norr x0, xzr, x1\nmul xzr, x1, x1')
      .setX(1, 7)
      .run(3)
      .assertX(0, 7)
      .assertX(31, 0);
  });
});

describe('cpu: 64-bit arithmetic equals a BigInt reference', () => {
  const arb = fc.bigInt(0n, M64);
  it('adds / subs / flags', () => {
    const add = guest('adds x0, x1, x2');
    const sub = guest('subs x0, x1, x2');
    fc.assert(
      fc.property(arb, arb, (a, b) => {
        for (const [g, isSub] of [
          [add, false],
          [sub, true],
        ] as const) {
          g.cpu.pc = 0x4008_0000;
          g.setX(1, a).setX(2, b).run(1);
          const r = isSub ? a - b : a + b;
          const ur = u64(r);
          assert.equal(g.cpu.getX(0), ur);
          assert.equal(g.cpu.nf, Number(ur >> 63n));
          assert.equal(g.cpu.zf, ur === 0n ? 1 : 0);
          assert.equal(g.cpu.cf, isSub ? (a >= b ? 1 : 0) : r > M64 ? 1 : 0);
          const sr = isSub ? s64(a) - s64(b) : s64(a) + s64(b);
          assert.equal(g.cpu.vf, sr === s64(ur) ? 0 : 1);
        }
      }),
    );
  });

  it('mul / umulh / smulh / udiv / sdiv / shifts', () => {
    const g = guest(
      'mul x0, x1, x2\numulh x3, x1, x2\nsmulh x4, x1, x2\nudiv x5, x1, x2\nsdiv x6, x1, x2\nlslv x7, x1, x2\nasrv x8, x1, x2\nrorv x9, x1, x2',
    );
    fc.assert(
      fc.property(arb, fc.oneof(arb, fc.bigInt(0n, 0xffff_ffffn)), (a, b) => {
        g.cpu.pc = 0x4008_0000;
        g.setX(1, a).setX(2, b).run(8);
        const sa = s64(a);
        const sb = s64(b);
        assert.equal(g.cpu.getX(0), u64(a * b));
        assert.equal(g.cpu.getX(3), (a * b) >> 64n);
        assert.equal(g.cpu.getX(4), u64((sa * sb) >> 64n));
        assert.equal(g.cpu.getX(5), b === 0n ? 0n : a / b);
        assert.equal(g.cpu.getX(6), b === 0n ? 0n : u64(sa / sb));
        const s = b & 63n;
        assert.equal(g.cpu.getX(7), u64(a << s));
        assert.equal(g.cpu.getX(8), u64(sa >> s));
        assert.equal(g.cpu.getX(9), u64((a >> s) | (a << (64n - s))));
      }),
    );
  });
});
