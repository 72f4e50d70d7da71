// The declarative decode table (src/hw/cpu/isa). It replaced a hand-written
// decoder after giving the same (op, fields) -- UNDEFINED reasons included --
// for the assembler corpus, the guests, 2000 random fillings of every row's
// free bits and 4,000,000 seeded random words; the digest below is the
// hand-written decoder's decode of 2^20 of those words, so a change of what
// any such word decodes to fails here. Changes since, each a fix with its reason:
// - LDNP with opc 01 (Arm ARM C4.1.87: unallocated) is UNDEFINED, not an LDPSW.
// - Words of the hint (CRn 0010) and barrier (CRn 0011) spaces with op1 != 011, or hints with Rt != 11111
//   (C4.1 System instructions: unallocated) are UNDEFINED, not NOPs (9 of the 2^20 words).
// - Floating-point data-processing and conversion words with S (bit 29) = 1 (C4.1: unallocated) are
//   UNDEFINED, not executed as if S were 0 (890 of the 2^20 words).

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { decode } from '../../../../src/hw/cpu/decode.ts';
import { compilePattern } from '../../../../src/hw/cpu/isa/pattern.ts';
import { ENCODINGS, lookup } from '../../../../src/hw/cpu/isa/table.ts';
import { F_A, OP_NOP, OP_UNDEF, STRIDE, UNDEF_NAMES } from '../../../../src/hw/cpu/ops.ts';
import { corpusAndGuestWords, xorshift as rng } from './words.ts';

const ops = new Uint16Array(1);
const f = new Int32Array(STRIDE);

/** FNV-1a over the decoded (op, fields); an UNDEFINED op counts only its reason, a NOP nothing. */
function digest(words: Iterable<number>): number {
  let h = 0x811c9dc5;
  const mix = (x: number): void => {
    h = Math.imul(h ^ (x & 0xffff), 0x01000193);
    h = Math.imul(h ^ (x >>> 16), 0x01000193);
  };
  for (const w of words) {
    decode(w, ops, f, 0);
    mix(ops[0]);
    if (ops[0] === OP_UNDEF) mix(f[F_A]);
    else if (ops[0] !== OP_NOP) for (let j = 0; j < STRIDE; j++) mix(f[j]);
  }
  return h >>> 0;
}

function* seededWords(n: number): Generator<number> {
  const next = rng(0x12345678);
  for (let j = 0; j < n; j++) yield next();
}

describe('decode table', () => {
  it('every row is the match of some word it describes (no row is shadowed)', () => {
    const next = rng(7);
    const unreached: string[] = [];
    for (const e of ENCODINGS) {
      let hit = false;
      for (let n = 0; n < 256 && !hit; n++) hit = lookup((next() & ~e.mask) | e.value) === e;
      if (!hit) unreached.push(e.name);
    }
    assert.deepEqual(unreached, []);
  });

  it('the pattern compiler rejects a pattern that is not 32 bits or has a bad token', () => {
    assert.throws(() => compilePattern('sf:1 0101'), /5 bits, not 32/);
    assert.throws(() => compilePattern('sf:1 01?1 x:26'), /bad token/);
    assert.throws(() => compilePattern('a:16 a:16'), /a field name twice/);
    const c = compilePattern('sf:1 op=0 S:1 100010 sh:1 imm12:12 Rn:5 Rd:5');
    assert.equal(c.mask >>> 0, 0x5f800000);
    assert.equal(c.value >>> 0, 0x11000000);
  });

  it('decodes 2^20 seeded random words as recorded', () => {
    assert.equal(digest(seededWords(1 << 20)).toString(16), '21dea8ae');
  });

  it('decodes every instruction of the assembler corpus and the guests to an implemented op', () => {
    const words = corpusAndGuestWords();
    assert.ok(words.length > 500, `${words.length} words`);
    const undef: string[] = [];
    for (const { w, line } of words) {
      decode(w, ops, f, 0);
      // UDF is UNDEFINED by definition; HLT is here on purpose (halting debug is off).
      if (ops[0] === OP_UNDEF && !/^(hlt|udf)\b/.test(line))
        undef.push(`${line}: ${UNDEF_NAMES[f[F_A]]} (${lookup(w).name})`);
    }
    assert.deepEqual(undef, []);
  });
});
