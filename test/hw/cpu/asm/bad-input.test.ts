// Bad input found by fuzzing: every case ends in a located AsmError that says
// what was wrong, never a host stack overflow, a raw control character in a
// message, or silently different bytes. Plus a property: random nested
// expressions assemble to the value GNU as computes, or fail located.

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { type AsmDiagnostic, AsmError, assemble } from '../../../../src/hw/cpu/asm/index.ts';

function diagnostics(src: string): AsmDiagnostic[] {
  try {
    assemble(src);
  } catch (e) {
    assert.ok(e instanceof AsmError, `expected AsmError, got ${String(e)}`);
    return e.diagnostics;
  }
  assert.fail(`expected an AsmError for ${JSON.stringify(src.slice(0, 80))}`);
}

function quad(src: string): bigint {
  const r = assemble(src);
  return new DataView(r.bytes.buffer).getBigInt64(r.bytes.length - 8, true);
}

describe('bad input: located messages', () => {
  const cases: [string, number, number, RegExp][] = [
    // [source, line, column, message]
    ['nop /* never closed\nnop', 1, 5, /unterminated comment: '\/\*' has no closing '\*\/'/],
    [
      'fmov d0, #1.0',
      1,
      1,
      /^FMOV \(scalar, immediate\) is a SIMD\/FP instruction, which this assembler does not support/,
    ],
    ['fadd v0.4s, v1.4s, v2.4s', 1, 1, /^FADD \(vector, register\) is a SIMD\/FP instruction/],
    ['ldaddal x0, x1, [x2]', 1, 1, /^LDADDAL is an LSE atomic/],
    ['add v0.4s, v1.4s, v2.4s', 1, 5, /SIMD\/FP register 'v0\.4s' is not supported/],
    ['mov x0, #1.5', 1, 10, /floating-point number '1\.5' is not supported/],
    ['mov x0, #99999999999999999999999', 1, 10, /number 99999999999999999999999 does not fit in 64 bits/],
    [`.quad 0x${'f'.repeat(5000)}`, 1, 7, /\(5002 digits\) does not fit in 64 bits/],
    ['.quad 0x10000000000000000', 1, 7, /does not fit in 64 bits/],
    ['.space 0x10000000000000000', 1, 8, /does not fit in 64 bits/],
    ['.quad 1 << 64', 1, 9, /shift count 64 out of range \(0\.\.63\)/],
    ['.quad 0x8000000000000000 / -1', 1, 26, /division overflow/],
    ['.org -1', 1, 6, /\.org target -1 is a negative offset/],
    ['.org 0x7fffffffffffffff', 1, 6, /beyond the 67108864-byte section limit/],
    ['"mov x0, #1\\nhvc #0"', 1, 1, /found the string "mov x0, #1\\nhvc #0": was the source quoted twice/],
    ['mov x0, #1\\nhvc #0', 1, 11, /unexpected '\\n' outside a string/],
  ];
  for (const [src, line, column, message] of cases) {
    it(`${src.slice(0, 40)} -> ${message.source.slice(0, 50)}`, () => {
      const d = diagnostics(src);
      assert.equal(d.length, 1, JSON.stringify(d));
      assert.match(d[0].message, message);
      assert.deepEqual([d[0].line, d[0].column], [line, column]);
    });
  }

  it('.space and data values that do not fit are errors, never truncated silently', () => {
    assert.match(diagnostics('.space 0x100000000')[0].message, /size 4294967296 is too large/);
    assert.match(diagnostics('.space 0x4000001')[0].message, /section would exceed/);
    assert.match(diagnostics('.word 0x100000000')[0].message, /does not fit in 4 bytes/);
    assert.match(diagnostics('.hword 0x10000')[0].message, /does not fit in 2 bytes/);
    assert.match(diagnostics('.byte -129')[0].message, /does not fit in 1 byte/);
  });

  it('control characters in names and messages are escaped, never printed raw', () => {
    for (const src of ['frob\u0001 x0', 'l\u0007: nop', 'b \u001b[31m', 'mov x0, #\u202e1']) {
      try {
        assemble(src, { file: 'a\u001b[2Jb.s' });
        assert.fail('expected an error');
      } catch (e) {
        assert.ok(e instanceof AsmError);
        // biome-ignore lint/suspicious/noControlCharactersInRegex: the test is that none get through
        const raw = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u202a-\u202e]/;
        assert.doesNotMatch(e.message, raw);
        for (const d of e.diagnostics) assert.doesNotMatch(d.message + d.file, raw);
        assert.match(e.message, /^a\\x1b\[2Jb\.s:1:\d+: unexpected character '(\\x..|\\u\{202e\})'/);
      }
    }
  });
});

describe('expression depth is bounded', () => {
  const deep: [string, string][] = [
    ['parentheses', `mov x0, #${'('.repeat(20000)}1${')'.repeat(20000)}`],
    ['unary minus', `.quad ${'-'.repeat(20000)}1`],
    ['unary ~ with spaces', `.quad ${'~ '.repeat(20000)}1`],
    ['a long sum (a deep tree)', `.quad ${Array(20000).fill('1').join('+')}`],
    ['right-nested shifts', `.quad ${Array(20000).fill('1').join(' << (')}${')'.repeat(19999)}`],
    ['an unclosed prefix', `.word ${'('.repeat(20000)}`],
  ];
  for (const [what, src] of deep) {
    it(`${what}: a located error, not a stack overflow`, () => {
      const d = diagnostics(src);
      assert.equal(d.length, 1);
      assert.match(d[0].message, /expression nested deeper than 500 levels/);
      assert.equal(d[0].line, 1);
      assert.ok(d[0].column > 1);
    });
  }

  it('a 400-deep expression still assembles', () => {
    assert.equal(quad(`.quad ${'('.repeat(400)}7${')'.repeat(400)}`), 7n);
    assert.equal(quad(`.quad ${Array(400).fill('1').join('+')}`), 400n);
  });
});

describe('.equ chains', () => {
  it('forward chains of any length resolve (each symbol is resolved once)', () => {
    const n = 20000;
    const lines = Array.from({ length: n }, (_, i) => `.equ s${i}, s${i + 1} + 1`);
    const r = assemble(`${lines.join('\n')}\n.equ s${n}, 7\n.quad s0`);
    assert.equal(r.symbols.get('s0'), n + 7);
    assert.equal(new DataView(r.bytes.buffer).getBigInt64(0, true), BigInt(n + 7));
  });

  it('a chain used before its end is defined, in a directive size', () => {
    assert.equal(assemble('.equ a, b * 2\n.equ b, 3\n.space a\n.byte 1').bytes.length, 7);
  });

  it('cycles of any length are reported with the cycle, located at each definition', () => {
    const n = 1000;
    const lines = Array.from({ length: n }, (_, i) => `.equ c${i}, c${(i + 1) % n} + 1`);
    const d = diagnostics(`${lines.join('\n')}\n.quad c0`);
    assert.ok(d.length >= 1);
    for (const x of d)
      assert.match(
        x.message,
        /symbol 'c\d+' has no value: 'c\d+' is defined in terms of itself \(c\d+ -> .* more -> /,
      );
    assert.equal(d.at(-1)!.line, n + 1);
  });

  it('a use of a symbol without value is located at the use; the cause at its definition', () => {
    const d = diagnostics('.equ a, b + 1\n.equ b, nothere\n.quad a');
    assert.deepEqual(
      d.map((x) => [x.line, x.column, x.message]),
      [
        [1, 9, "symbol 'b' has no value: undefined label 'nothere'"],
        [2, 9, "undefined label 'nothere'"],
        [3, 7, "symbol 'a' has no value: undefined label 'nothere'"],
      ],
    );
  });

  // Walking the chain at each use took minutes: the timeout turns that regression into a failure.
  it('a long chain without value, used many times, is walked once', { timeout: 120_000 }, () => {
    const n = 3000;
    const chain = Array.from({ length: n }, (_, i) => `.equ s${i}, s${i + 1} + 1`).join('\n');
    const d = diagnostics(`${chain}\n.equ s${n}, nothere\n${Array(n).fill('.quad s0').join('\n')}`);
    assert.equal(d.length, 2 * n + 1);
  });

  it('`.` in a forward definition is the address where it was written (as GNU as)', () => {
    const r = assemble('nop\n.equ here, . + later\nnop\n.equ later, 0\n.quad here');
    assert.equal(r.symbols.get('here'), 0x4008_0004);
  });
});

// ---- Property: random nested expressions --------------------------------------

type Node =
  | { k: 'n'; v: bigint; text: string }
  | { k: 'u'; op: string; a: Node }
  | { k: 'b'; op: string; a: Node; b: Node };

const INT64_MIN = -(1n << 63n);
const wrap = (v: bigint): bigint => BigInt.asIntN(64, v);

class ExprFail extends Error {}

/**
 * GNU as's arithmetic, written independently of src/: signed 64-bit
 * wrapping, C division and remainder, logical >>. Checked against GNU as
 * 2.40 by hand on the edge cases (`0xffffffffffffffff / 2` = 0, `-1 >> 1` =
 * 0x7fff..., `5 % -3` = 2, `-7 % 0x8000000000000000` = -7). Shift counts
 * outside 0..63 and INT64_MIN / -1 (GNU as warns or crashes) are refused.
 */
function reference(n: Node): bigint {
  if (n.k === 'n') return wrap(n.v);
  if (n.k === 'u') {
    const a = reference(n.a);
    return n.op === '-' ? wrap(-a) : n.op === '~' ? wrap(~a) : a;
  }
  const x = reference(n.a);
  const y = reference(n.b);
  switch (n.op) {
    case '+':
      return wrap(x + y);
    case '-':
      return wrap(x - y);
    case '*':
      return wrap(x * y);
    case '/':
    case '%':
      if (y === 0n || (x === INT64_MIN && y === -1n)) throw new ExprFail();
      return wrap(n.op === '/' ? x / y : x % y);
    case '<<':
    case '>>':
      if (y < 0n || y > 63n) throw new ExprFail();
      return wrap(n.op === '<<' ? x << y : BigInt.asUintN(64, x) >> y);
    case '&':
      return x & y;
    case '|':
      return x | y;
    default:
      return x ^ y;
  }
}

/** Fully parenthesised, so precedence does not matter. */
function print(n: Node): string {
  if (n.k === 'n') return n.text;
  if (n.k === 'u') return `${n.op}(${print(n.a)})`;
  return `(${print(n.a)} ${n.op} ${print(n.b)})`;
}

const leaf: fc.Arbitrary<Node> = fc.oneof(
  fc
    .bigInt({ min: 0n, max: (1n << 64n) - 1n })
    .map((v) => ({ k: 'n' as const, v, text: `0x${v.toString(16)}` })),
  fc.integer({ min: 0, max: 70 }).map((v) => ({ k: 'n' as const, v: BigInt(v), text: String(v) })),
  fc
    .integer({ min: 0x20, max: 0x7e })
    .filter((c) => c !== 0x27 && c !== 0x5c)
    .map((c) => ({ k: 'n' as const, v: BigInt(c), text: `'${String.fromCharCode(c)}'` })),
);
const BINARY = ['+', '-', '*', '/', '%', '<<', '>>', '&', '|', '^'];
const UNARY = ['-', '~', '+'];
const { tree } = fc.letrec<{ tree: Node }>((t) => ({
  tree: fc.oneof(
    { maxDepth: 4, depthIdentifier: 'expr' },
    leaf,
    fc.record({ k: fc.constant('u' as const), op: fc.constantFrom(...UNARY), a: t('tree') }),
    fc.record({ k: fc.constant('b' as const), op: fc.constantFrom(...BINARY), a: t('tree'), b: t('tree') }),
  ),
}));
/** A spine of `steps` operators around a small tree: depth about `steps`. */
const step = fc.oneof(
  fc.constantFrom(...BINARY).map((op) => ({ unary: false, op })),
  fc.constantFrom(...UNARY).map((op) => ({ unary: true, op })),
);
const spine = (steps: fc.Arbitrary<number>): fc.Arbitrary<Node> =>
  fc
    .tuple(tree, steps)
    .chain(([root, n]) =>
      fc
        .array(fc.tuple(step, leaf), { minLength: n, maxLength: n })
        .map((ops) =>
          ops.reduce<Node>(
            (acc, [s, l]) => (s.unary ? { k: 'u', op: s.op, a: acc } : { k: 'b', op: s.op, a: acc, b: l }),
            root,
          ),
        ),
    );

describe('property: random nested expressions', () => {
  it('assemble to the value GNU as computes, or fail with a located AsmError', () => {
    // Below 200 levels every expression must assemble (or fail arithmetically);
    // from 510 levels on, the depth bound must answer.
    const shallow = spine(fc.integer({ min: 0, max: 200 })).map((n) => ({ n, deep: false }));
    const deepOnes = spine(fc.integer({ min: 510, max: 700 })).map((n) => ({ n, deep: true }));
    fc.assert(
      fc.property(fc.oneof(shallow, deepOnes), fc.constantFrom('.quad', 'ldr x0, ='), ({ n, deep }, how) => {
        const text = print(n);
        let want: bigint | 'fail';
        try {
          want = reference(n);
        } catch (e) {
          if (!(e instanceof ExprFail)) throw e;
          want = 'fail';
        }
        try {
          const r = assemble(`${how}${how === '.quad' ? ' ' : ''}${text}`);
          assert.ok(!deep, 'a 510+ level expression must be refused');
          assert.notEqual(want, 'fail', `${text} should have failed`);
          const got = new DataView(r.bytes.buffer).getBigInt64(r.bytes.length - 8, true);
          assert.equal(got, want);
        } catch (e) {
          if (!(e instanceof AsmError)) throw e;
          const d = e.diagnostics[0];
          assert.equal(d.line, 1);
          assert.ok(d.column >= 1 && d.column <= text.length + 12, `column ${d.column}`);
          if (deep) assert.match(d.message, /nested deeper than 500 levels/);
          else {
            assert.equal(want, 'fail', `${text.slice(0, 200)}: ${d.message}`);
            assert.match(d.message, /division by zero|division overflow|shift count -?\d+ out of range/);
          }
        }
      }),
      { seed: 20261203, numRuns: 300 },
    );
  });
});
