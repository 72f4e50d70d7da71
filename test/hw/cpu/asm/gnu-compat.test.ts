// What GNU as accepts and the bytes it gives, for forms whose rules are
// quirky: character constants, labels in expressions and immediates, MSR
// (immediate) ranges. Expected bytes were produced by GNU as 2.40
// (binutils-aarch64-linux-gnu, Debian) with `as` + `ld -Ttext=0x40080000` +
// `objcopy -O binary`, and are written here so that `npm test` needs no tool.

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { type AsmDiagnostic, AsmError, assemble } from '../../../../src/hw/cpu/asm/index.ts';

const hex = (b: Uint8Array): string => Buffer.from(b).toString('hex');

function diagnostics(src: string): AsmDiagnostic[] {
  try {
    assemble(src);
  } catch (e) {
    assert.ok(e instanceof AsmError, `expected AsmError, got ${String(e)}`);
    return e.diagnostics;
  }
  assert.fail(`expected an AsmError for ${JSON.stringify(src)}`);
}

describe('character constants (as GNU as reads them)', () => {
  it('in immediates and data directives, with escapes and the unclosed form', () => {
    const src = String.raw`mov w2, #'O'
mov x3, 'A'+1
cmp w0, #'\n'
movz w1, #'\\', lsl #16
and w4, w5, #'~'
add x0, x1, #'/'
mov w6, #'''
nop; l: .word . - l, .
.byte 'A', '\n', '\\', '\'', 'A, '"', ';', '/' // c
.byte 'z'-'a', ' ', '\t', '\b', '\f', '\r', '\"', '	'
.hword 'A'<<8|'B'
.word 'A, 'B
.quad -'A'`;
    // GNU as 2.40, linked at 0x40080000.
    const gas =
      'e2098052430880d21f280071810ba052a4141f1220bc0091e60480521f2003d50000000024000840' +
      '410a5c2741223b2f192009080c0d220942414100000042000000bfffffffffffffff';
    assert.equal(hex(assemble(src).bytes), gas);
  });

  const refused: [string, number, RegExp][] = [
    // GNU as reads '\0' as '0' (0x30) and '\x41' as 'x' then "41": never what was meant.
    [String.raw`.byte '\0'`, 8, /octal and hex escapes are not supported.*'\\0' as '0'/],
    [String.raw`.byte '\x41'`, 8, /octal and hex escapes are not supported/],
    [String.raw`.byte '\a'`, 8, /'\\a' is not supported in a character constant/],
    // GNU as: "backward ref to unknown label" (it reads 'ab' as 97b).
    [".byte 'ab'", 9, /expected a closing quote after 'a, found 'b'/],
    [".byte ''", 7, /empty character constant/],
    [".byte '", 7, /expected a character after the quote/],
    // GNU as: "junk at end of line" (a multi-byte character).
    [".byte 'é'", 8, /not ASCII/],
  ];
  for (const [src, column, message] of refused) {
    it(`refuses ${src}`, () => {
      const d = diagnostics(src);
      assert.equal(d.length, 1, JSON.stringify(d));
      assert.match(d[0].message, message);
      assert.equal(d[0].column, column);
    });
  }

  it('a quote inside a character constant does not open a string or a comment', () => {
    const r = assemble(`.byte '"', 1 // '"'\n.byte '/', '*', 2 /* ' */`);
    assert.equal(hex(r.bytes), '22012f2a02'); // GNU as 2.40
  });
});

describe('labels where GNU as wants constants', () => {
  // GNU as accepts `mov x0, #label` but encodes the label's offset within its
  // section (here 4, not 0x4008_0004): refused rather than silently different.
  const cases: [string, number, RegExp][] = [
    [
      'nop\n_start: mov x0, #(_start)',
      17,
      /'\(_start\)' is an address, not a constant: GNU as would encode its offset/,
    ],
    ['nop\nl: add x0, x1, #l', 16, /'l' is an address/],
    ['l: ldr x0, [x1, #l]', 12, /is an address/],
    ['l: mov x0, #l + 0x10000', 12, /is an address/],
    // GNU as: "invalid operands (.text and *ABS* sections) for `*'", also in a data directive.
    ['_start: .word _start * 2', 22, /operator '\*' needs constants, found a label/],
    ['l: .quad l | 0', 12, /operator '\|' needs constants/],
    ['l: .quad ~l', 10, /operator '~' needs a constant/],
    ['l: .quad l + l', 12, /cannot add two labels/],
  ];
  for (const [src, column, message] of cases) {
    it(`refuses ${src.replace('\n', '; ')}`, () => {
      const d = diagnostics(src);
      assert.match(d[0].message, message);
      assert.equal(d[0].column, column);
    });
  }

  it('label differences, label +- constant and :lo12: stay allowed (GNU as bytes)', () => {
    const r = assemble('mov x0, #(l2 - l1)\nl1: nop\nl2: nop\n_start: .word _start, _start - 4');
    assert.equal(hex(r.bytes), '800080d21f2003d51f2003d50c00084008000840');
    const lo = assemble('adr x0, l\nl: ldr x1, =l\n add x0, x0, #:lo12:l');
    assert.equal(hex(lo.bytes), '200000106100005800100091000000000400084000000000');
  });
});

describe('MSR (immediate) ranges', () => {
  it('SPSel takes 0..1 and DAIFSet/DAIFClr 0..15, as GNU as', () => {
    // GNU as: "immediate value out of range 0 to 1 at operand 2 -- `msr spsel,#2'"
    assert.match(diagnostics('msr spsel, #2')[0].message, /immediate 2 out of range \(0\.\.1\)/);
    assert.match(diagnostics('msr daifset, #16')[0].message, /out of range \(0\.\.15\)/);
    assert.equal(hex(assemble('msr spsel, #1\nmsr daifset, #15').bytes), 'bf4100d5df4f03d5');
  });
});
