// Error reporting: every error located (file:line:column), all reported at
// once, and bad input never escapes as anything but AsmError.

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { type AsmDiagnostic, AsmError, assemble } from '../../../../src/hw/cpu/asm/index.ts';

function diagnostics(src: string, opts = {}): AsmDiagnostic[] {
  try {
    assemble(src, opts);
  } catch (e) {
    assert.ok(e instanceof AsmError, `expected AsmError, got ${String(e)}`);
    return e.diagnostics;
  }
  assert.fail('expected an AsmError');
}

function one(src: string): AsmDiagnostic {
  const d = diagnostics(src);
  assert.equal(d.length, 1, JSON.stringify(d));
  return d[0];
}

describe('assembler errors', () => {
  const cases: [string, number, string][] = [
    ['add x0, x1, #4097', 13, 'immediate 4097 out of range for ADD (0..4095, optionally lsl #12)'],
    ['and x0, x1, #0x5', 13, 'bitmask immediate 0x5 cannot be encoded'],
    ['b foo', 3, "undefined label 'foo'"],
    ['add x0, #3, x1', 9, "expected a register, found '#3'"],
    ['mov w0, x1', 9, "expected a 32-bit register (w0-w30), found 'x1'"],
    ['frob x0', 1, "unknown instruction 'frob'"],
    ['.frob 1', 1, "unknown directive '.frob'"],
    ['b.eq 0x10000000', 6, 'branch target out of range'],
    ['ldr x0, [x1, #40000]', 9, 'offset 40000 out of range for LDR'],
    ['msr foo_el1, x0', 5, "expected a system register name (e.g. VBAR_EL1, s3_0_c15_c2_0), found 'foo_el1'"],
    ['mov x0, #0x1234567', 9, 'cannot be moved in one instruction'],
    ['ldp x0, x1, [x2, #4]', 13, 'offset 4 is not a multiple of 8'],
    ['movz x0, #1, lsl #8', 14, "expected lsl #0, #16, #32 or #48, found 'lsl #8'"],
    ['b 1b', 3, "local label '1b' has no earlier definition"],
    ['.byte 256', 7, 'value 256 does not fit in 1 byte'],
    ['mov x0,', 8, "expected an operand after ',', found end of line"],
    ['.ascii "abc', 8, 'unterminated string'],
    ['x: nop\nx: nop', 1, "symbol 'x' is already defined (line 1)"],
    ['.byte 1\nnop', 1, 'not 4-byte aligned'],
    ['cset x0, nv', 10, "condition 'nv' cannot be inverted"],
    ['ldr x0, [x1, w2]', 14, "a 32-bit index register needs uxtw or sxtw, found 'w2'"],
    ['add x0, x1, x2, ror #1', 17, "expected lsl, lsr or asr, found 'ror #1'"],
    ['add xzr, x1, #1', 14, 'ADD with xzr as destination is the shifted-register form: expected a register'],
    [
      'sub wzr, w1, w2, uxtw',
      18,
      'SUB with wzr as destination is the shifted-register form: expected lsl, lsr or asr',
    ],
    ['.org 4\n.org 0', 6, '.org 0x0 moves backwards'],
  ];
  for (const [src, column, message] of cases) {
    it(`${src.replace('\n', '; ')} -> ${message}`, () => {
      const d = one(src);
      assert.ok(d.message.includes(message), `message: ${d.message}`);
      assert.equal(d.column, column, `column of: ${d.message}`);
      assert.equal(d.file, '<asm>');
    });
  }

  it('reports every error of the source at once, in line order, with YAML offsets', () => {
    const src = ['nop', '  add x0, x1, #4097', '  b nowhere', '  bogus', '  and w0, w1, #0'].join('\n');
    const d = diagnostics(src, { file: 'scn.yaml', line: 12, column: 4 });
    assert.deepEqual(
      d.map((x) => [x.file, x.line, x.column]),
      [
        ['scn.yaml', 13, 19],
        ['scn.yaml', 14, 9],
        ['scn.yaml', 15, 7],
        ['scn.yaml', 16, 19],
      ],
    );
    try {
      assemble(src, { file: 'scn.yaml', line: 12, column: 4 });
    } catch (e) {
      assert.match((e as Error).message, /^scn\.yaml:13:19: immediate 4097 out of range/m);
      assert.match((e as Error).message, /^scn\.yaml:16:19: bitmask immediate 0x0 cannot be encoded$/m);
    }
  });

  it('keeps addresses right after a bad instruction (it still occupies 4 bytes)', () => {
    const d = diagnostics('bogus x0\n.org 2');
    assert.deepEqual(
      d.map((x) => x.message),
      ["unknown instruction 'bogus'", '.org 0x2 moves backwards (section is already at offset 0x4)'],
    );
  });

  it('detects circular symbol definitions without hanging', () => {
    const d = diagnostics('.equ a, b\n.equ b, a\nmov x0, #a');
    assert.ok(d.length >= 1);
    assert.ok(d.every((x) => x.message.includes('defined in terms of itself')));
  });

  it('never throws anything but AsmError on arbitrary input', () => {
    const atoms = [
      'x0',
      'w1',
      'sp',
      '#',
      '[',
      ']',
      '!',
      ',',
      '=',
      ':lo12:',
      '1b',
      '1f',
      '1:',
      'l:',
      'l',
      '.',
      '-',
      '<<',
      '(',
      ')',
      '"s"',
      'lsl',
      'uxtw',
      '#4096',
      '0x',
      '\n',
      ';',
      '//',
      '/*',
    ];
    const mnemonics = [
      'add',
      'ldr',
      'mov',
      'b',
      'msr',
      '.word',
      '.org',
      '.align',
      '.ascii',
      'ldp',
      'tbz',
      'csel',
      '.equ',
      'stxr',
      'nop',
    ];
    const line = fc
      .tuple(fc.constantFrom(...mnemonics), fc.array(fc.constantFrom(...atoms), { maxLength: 8 }))
      .map(([m, a]) => `${m} ${a.join(' ')}`);
    fc.assert(
      fc.property(fc.array(fc.oneof(line, fc.string({ maxLength: 20 })), { maxLength: 10 }), (lines) => {
        try {
          assemble(lines.join('\n'));
        } catch (e) {
          if (!(e instanceof AsmError)) throw e;
          for (const d of e.diagnostics) {
            assert.ok(d.line >= 1 && d.column >= 1 && d.message.length > 0);
            assert.doesNotMatch(d.message, /internal error/);
          }
        }
      }),
      { numRuns: 500 },
    );
  });
});
