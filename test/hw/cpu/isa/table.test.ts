// The declarative decode table (src/hw/cpu/isa). It replaced a hand-written
// decoder after giving the same (op, fields) -- UNDEFINED reasons included --
// for the assembler corpus, the guests, 2000 random fillings of every row's
// free bits and 4,000,000 seeded random words; the digests below are the
// hand-written decoder's, so a change of what any such word decodes to fails
// here.

import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { assemble } from '../../../../src/hw/cpu/asm/index.ts';
import { decode } from '../../../../src/hw/cpu/decode.ts';
import { compilePattern } from '../../../../src/hw/cpu/isa/pattern.ts';
import { ENCODINGS, lookup } from '../../../../src/hw/cpu/isa/table.ts';
import { F_A, OP_NOP, OP_UNDEF, STRIDE, UNDEF_NAMES } from '../../../../src/hw/cpu/ops.ts';

/** xorshift32: the test's words are the same on every run. */
function rng(seed: number): () => number {
  let s = seed | 0;
  return () => {
    s ^= s << 13;
    s ^= s >>> 17;
    s ^= s << 5;
    return s;
  };
}

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

function* rowWords(): Generator<number> {
  const next = rng(11);
  for (const e of ENCODINGS) for (let n = 0; n < 2000; n++) yield (next() & ~e.mask) | e.value;
}

/** The words of a source's instruction statements (not directives, not literal pools), with their lines. */
export function instructionWords(src: string, file: string): { w: number; line: string }[] {
  const r = assemble(src, { file });
  const lines = src.split('\n');
  const end = r.symbols.get('data_start') ?? r.bytes.length + r.base;
  const dv = new DataView(r.bytes.buffer, r.bytes.byteOffset, r.bytes.byteLength);
  const out: { w: number; line: string }[] = [];
  const seen = new Set<number>();
  for (let o = 0; o + 4 <= Math.min(r.bytes.length, end - r.base); o += 4) {
    const at = r.lineOf(r.base + o);
    // One word per instruction statement: the words after it on "its" line are a literal pool or data.
    if (at === undefined || seen.has(at.line)) continue;
    seen.add(at.line);
    const stmt = lines[at.line - 1].slice(at.column - 1).replace(/^\s*((?:[\w.$]+):\s*)*/, '');
    if (/^[a-z]/i.test(stmt) && !/^\s*ldr\s+\w+\s*,\s*=/i.test(stmt))
      out.push({ w: dv.getInt32(o, true), line: stmt.trim() });
  }
  return out;
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

  it('decodes 2^20 seeded random words as the hand-written decoder did', () => {
    assert.equal(digest(seededWords(1 << 20)).toString(16), '56902af2');
  });

  it("decodes every row's pattern with random free bits as the hand-written decoder did", () => {
    assert.equal(digest(rowWords()).toString(16), ROW_DIGEST);
  });

  it('decodes every instruction of the assembler corpus and the guests to an implemented op', () => {
    const corpus = new URL('../asm/corpus.s', import.meta.url);
    const words = instructionWords(readFileSync(corpus, 'utf8'), 'corpus.s');
    const dir = new URL('../../../../guests/asm/', import.meta.url);
    for (const name of readdirSync(dir).filter((n) => n.endsWith('.s')))
      words.push(...instructionWords(readFileSync(new URL(name, dir), 'utf8'), name));
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

const ROW_DIGEST = '77c2567';
