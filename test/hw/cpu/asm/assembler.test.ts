// Expressions, symbols, local labels, literal pools, alignment, .org, the
// .text/.data layout and the source map of the assembler.

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { assemble, DEFAULT_BASE } from '../../../../src/hw/cpu/asm/index.ts';

const NOP = 0xd503201f;

function words(bytes: Uint8Array): number[] {
  const v = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  return Array.from({ length: bytes.length >> 2 }, (_, i) => v.getUint32(i * 4, true));
}

/** The value a `.quad expr` assembles to. */
function quad(expr: string, prelude = ''): bigint {
  const r = assemble(`${prelude}\n.quad ${expr}`);
  return new DataView(r.bytes.buffer).getBigInt64(r.bytes.length - 8, true);
}

describe('expressions', () => {
  const cases: [string, bigint][] = [
    ['1 + 2 * 3', 7n],
    ['(1 + 2) * 3', 9n],
    ['1 << 4 + 1', 17n], // << binds tighter than + in GNU as
    ['1 | 2 + 4', 7n], // | binds tighter than +: (1|2)+4
    ['0x10 - 1 & 0xf', 15n], // & tighter than -: 16 - (1 & 15)
    ['~0', -1n],
    ['-8 / 3', -2n],
    ['-8 % 3', -2n],
    ['7 ^ 2', 5n],
    ['-1 >> 60', 15n], // logical shift, as GNU as
    ['0b1011', 11n],
    ['010', 8n], // leading 0: octal, as GNU as
    ['0xffffffffffffffff', -1n],
  ];
  for (const [e, v] of cases) it(`${e} = ${v}`, () => assert.equal(quad(e), v));

  it('symbols from .equ, .set and = , including forward references', () => {
    assert.equal(quad('A + B', '.equ A, 3\nB = A * 2'), 9n);
    assert.equal(quad('LATER', '.set LATER, EARLY + 1\n.equ EARLY, 41'), 42n);
  });

  it('.set may redefine a symbol; each use sees the value at that point', () => {
    const r = assemble('.set V, 1\n.byte V\n.set V, 2\n.byte V');
    assert.deepEqual([...r.bytes], [1, 2]);
  });

  it('labels and . are addresses; differences are constants', () => {
    const r = assemble('_start: nop\nhere: .quad ., here - _start, end\nend:', { base: 0x1000 });
    const v = new DataView(r.bytes.buffer);
    assert.equal(v.getBigUint64(4, true), 0x1004n);
    assert.equal(v.getBigUint64(12, true), 4n);
    assert.equal(v.getBigUint64(20, true), 0x101cn);
    assert.equal(r.entry, 0x1000);
    assert.equal(r.symbols.get('end'), 0x101c);
  });
});

describe('local labels', () => {
  it('Nb is the nearest earlier definition, Nf the nearest later one', () => {
    const r = assemble('1: nop\n1: b 1b\n b 1f\n b 1b\n1: nop', { base: 0 });
    // b at 4 -> 4 (itself), b at 8 -> 16, b at 12 -> 4
    assert.deepEqual(words(r.bytes).slice(1, 4), [0x14000000, 0x14000002, 0x17fffffe]);
  });
  it('local labels are not exported as symbols', () => {
    const r = assemble('1: nop\nname: nop');
    assert.deepEqual([...r.symbols.keys()], ['name']);
  });
});

describe('literal pools', () => {
  it('deduplicates values and places 4-byte entries before 8-byte ones at .ltorg', () => {
    const r = assemble('ldr x0, =5\nldr w1, =7\nldr x2, =5\nldr w3, =7\n.ltorg\nnop', { base: 0 });
    const w = words(r.bytes);
    // insns at 0..12, 4-byte pool at 16 (7), 8-byte pool at 24 (aligned, 5), nop at 32
    assert.deepEqual(w.slice(4), [7, 0, 5, 0, NOP]);
    assert.equal(w[0], 0x58000000 | (((24 - 0) / 4) << 5)); // ldr x0, pc+24
    assert.equal(w[3], 0x18000000 | (((16 - 12) / 4) << 5) | 3); // ldr w3, pc+4
  });
  it('dumps pending pools at the end of each section', () => {
    const r = assemble('ldr x0, =label\nlabel: nop', { base: 0x2000 });
    const v = new DataView(r.bytes.buffer);
    assert.equal(r.bytes.length, 16);
    assert.equal(v.getBigUint64(8, true), 0x2004n);
  });
  it('a label value in the pool is its absolute address, across sections', () => {
    const r = assemble('ldr x0, =d\n.data\nd: .word 1', { base: 0x4000_0000 });
    const v = new DataView(r.bytes.buffer);
    assert.equal(r.symbols.get('d'), 0x4000_0010);
    assert.equal(v.getBigUint64(8, true), 0x4000_0010n);
  });
});

describe('layout, alignment and .org', () => {
  it('.text starts at the default base, .data follows aligned to 16', () => {
    const r = assemble('nop\n.data\nd: .byte 1\n.text\nnop');
    assert.equal(r.base, DEFAULT_BASE);
    assert.equal(r.symbols.get('d'), DEFAULT_BASE + 16);
    assert.deepEqual(words(r.bytes.subarray(0, 8)), [NOP, NOP]);
    assert.equal(r.bytes.length, 17);
  });
  it('.data honours a larger alignment requested inside it', () => {
    const r = assemble('nop\n.data\n.align 6\nd: .byte 1', { base: 0 });
    assert.equal(r.symbols.get('d'), 64);
  });
  it('.align in .text pads with zeros to a word, then NOPs; in .data with zeros', () => {
    const r = assemble('.byte 1\n.align 4\n.data\n.byte 2\n.balign 8\n.byte 3', { base: 0 });
    assert.deepEqual([...r.bytes.subarray(0, 4)], [1, 0, 0, 0]);
    assert.deepEqual(words(r.bytes.subarray(4, 16)), [NOP, NOP, NOP]);
    assert.deepEqual([...r.bytes.subarray(16)], [2, 0, 0, 0, 0, 0, 0, 0, 3]);
  });
  it('.balign/.p2align with a fill byte, .skip and .space with a fill', () => {
    const r = assemble('.byte 1\n.balign 4, 0xee\n.p2align 3, 0xdd\n.skip 2\n.space 1, 7', { base: 0 });
    assert.deepEqual([...r.bytes], [1, 0xee, 0xee, 0xee, 0xdd, 0xdd, 0xdd, 0xdd, 0, 0, 7]);
  });
  it('.org moves to a section offset, filling with zeros or the given byte', () => {
    const r = assemble('nop\n.org 8\n.byte 1\n.org . + 2, 0xaa\n.byte 2', { base: 0 });
    assert.deepEqual([...r.bytes.subarray(4)], [0, 0, 0, 0, 1, 0xaa, 0xaa, 2]);
  });
  it('rejects a base not aligned as .text requires', () => {
    assert.throws(() => assemble('.align 12\nnop', { base: 0x4000_0004 }), /not aligned to 4096 bytes/);
  });
});

describe('strings and data', () => {
  it('.ascii, .asciz, .string with escapes', () => {
    const r = assemble('.ascii "a\\n\\x41\\101\\"\\\\"\n.asciz "b"\n.string "c", "d"');
    assert.deepEqual([...r.bytes], [0x61, 10, 0x41, 0x41, 0x22, 0x5c, 0x62, 0, 0x63, 0, 0x64, 0]);
  });
  it('data directives are little-endian and accept negative values', () => {
    const r = assemble('.hword -2\n.short 0x1234\n.word 0xdeadbeef\n.long -1\n.byte 0x80, -1');
    assert.deepEqual(
      [...r.bytes],
      [0xfe, 0xff, 0x34, 0x12, 0xef, 0xbe, 0xad, 0xde, 0xff, 0xff, 0xff, 0xff, 0x80, 0xff],
    );
  });
});

describe('statements and the source map', () => {
  it('comments and ; separators', () => {
    const r = assemble('nop // one\n/* two\n lines */ nop ; nop\nnop /* x */ ; /* y */ nop');
    assert.deepEqual(words(r.bytes), [NOP, NOP, NOP, NOP, NOP]);
  });
  it('lineOf maps every byte of an instruction or datum to its line and column, with offsets', () => {
    const r = assemble('_start:\n  nop\n  .quad 1\n    wfi', { base: 0x100, line: 20, column: 6 });
    assert.deepEqual(r.lineOf(0x100), { line: 21, column: 9 });
    assert.deepEqual(r.lineOf(0x10b), { line: 22, column: 9 });
    assert.deepEqual(r.lineOf(0x10c), { line: 23, column: 11 });
    assert.equal(r.lineOf(0x110), undefined);
    assert.equal(r.lineOf(0xfc), undefined);
  });
  // A guard against accidental quadratic behaviour by timeout, not a timed assertion
  // (speed is measured by npm run bench).
  it('assembles a few thousand lines', { timeout: 120_000 }, () => {
    const src = Array.from(
      { length: 4000 },
      (_, i) => `l${i}: add x0, x1, #${i % 4096}\n  b l${i}\n  ldr x2, =${i}`,
    ).join('\n');
    const r = assemble(src);
    assert.equal(r.symbols.size, 4000);
  });
});
