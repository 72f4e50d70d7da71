// The declarative decode table (src/hw/cpu/isa) against the hand-written
// decoder it replaces: the same (op, fields) for the assembler corpus, the
// guests, every row's pattern with random don't-care bits, and seeded random
// words (UNDEFINED reasons included).

import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { assemble } from '../../../../src/hw/cpu/asm/index.ts';
import { decode } from '../../../../src/hw/cpu/decode.ts';
import { decodeWord, ENCODINGS, lookup } from '../../../../src/hw/cpu/isa/table.ts';
import { F_A, OP_NOP, OP_UNDEF, STRIDE } from '../../../../src/hw/cpu/ops.ts';

const RANDOM_WORDS = Number(process.env.VGICSIM_DECODE_WORDS ?? 1 << 20);

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

const o1 = new Uint16Array(1);
const o2 = new Uint16Array(1);
const f1 = new Int32Array(STRIDE);
const f2 = new Int32Array(STRIDE);

/** Null when both decoders agree on `w`, else a description. */
function compare(w: number): string | null {
  decode(w, o1, f1, 0);
  decodeWord(w, o2, f2, 0);
  let same = o1[0] === o2[0];
  // An UNDEFINED op carries only its reason; a NOP nothing (the old decoder left partial fields in both).
  if (same && o1[0] === OP_UNDEF) same = f1[F_A] === f2[F_A];
  else if (same && o1[0] !== OP_NOP) for (let j = 0; j < STRIDE; j++) if (f1[j] !== f2[j]) same = false;
  if (same) return null;
  const hex = (w >>> 0).toString(16).padStart(8, '0');
  return `${hex} (${lookup(w).name}): old op ${o1[0]} [${f1.join(',')}], table op ${o2[0]} [${f2.join(',')}]`;
}

/** FNV-1a over the decoded (op, fields) of `words`, normalized as `compare` does. */
function digest(words: Iterable<number>, dec: typeof decode): number {
  let h = 0x811c9dc5;
  const mix = (x: number): void => {
    h = Math.imul(h ^ (x & 0xffff), 0x01000193);
    h = Math.imul(h ^ (x >>> 16), 0x01000193);
  };
  for (const w of words) {
    dec(w, o1, f1, 0);
    mix(o1[0]);
    if (o1[0] === OP_UNDEF) mix(f1[F_A]);
    else if (o1[0] !== OP_NOP) for (let j = 0; j < STRIDE; j++) mix(f1[j]);
  }
  return h >>> 0;
}

function* seededWords(n: number): Generator<number> {
  const next = rng(0x12345678);
  for (let j = 0; j < n; j++) yield next();
}

/**
 * The digest of the first 2^20 seeded words as the hand-written decoder
 * (before the table) decoded them: any change of the table's (op, fields)
 * for such a word changes it.
 */
const DIGEST_2_20 = 0x56902af2;

function mismatches(words: Iterable<number>): string[] {
  const out: string[] = [];
  for (const w of words) {
    const d = compare(w);
    if (d !== null && out.length < 20) out.push(d);
  }
  return out;
}

function textWords(src: string, file: string): number[] {
  const r = assemble(src, { file });
  const end = r.symbols.get('data_start') ?? r.bytes.length + r.base;
  const dv = new DataView(r.bytes.buffer, r.bytes.byteOffset, r.bytes.byteLength);
  const out: number[] = [];
  for (let o = 0; o + 4 <= Math.min(r.bytes.length, end - r.base); o += 4) out.push(dv.getInt32(o, true));
  return out;
}

describe('decode table', () => {
  it('every row compiles to a 32-bit pattern and is the match of some word it describes', () => {
    const next = rng(7);
    const unreached: string[] = [];
    for (const e of ENCODINGS) {
      let hit = false;
      for (let n = 0; n < 256 && !hit; n++) hit = lookup((next() & ~e.mask) | e.value) === e;
      if (!hit) unreached.push(e.name);
    }
    assert.deepEqual(unreached, [], 'rows shadowed by earlier rows');
  });

  it('decodes the assembler corpus and the guests as the hand-written decoder does', () => {
    const corpus = new URL('../asm/corpus.s', import.meta.url);
    const words = textWords(readFileSync(corpus, 'utf8'), 'corpus.s');
    const dir = new URL('../../../../guests/asm/', import.meta.url);
    for (const name of readdirSync(dir).filter((n) => n.endsWith('.s')))
      words.push(...textWords(readFileSync(new URL(name, dir), 'utf8'), name));
    assert.ok(words.length > 500, `${words.length} words`);
    assert.deepEqual(mismatches(words), []);
  });

  it('decodes every row with random free bits as the hand-written decoder does', () => {
    const next = rng(11);
    const words: number[] = [];
    for (const e of ENCODINGS) for (let n = 0; n < 2000; n++) words.push((next() & ~e.mask) | e.value);
    assert.deepEqual(mismatches(words), []);
  });

  it(`decodes ${RANDOM_WORDS} seeded random words as the hand-written decoder does`, () => {
    assert.deepEqual(mismatches(seededWords(RANDOM_WORDS)), []);
  });

  it('decodes 2^20 seeded random words to the recorded digest', () => {
    assert.equal(digest(seededWords(1 << 20), decode).toString(16), DIGEST_2_20.toString(16), 'hand-written');
    assert.equal(digest(seededWords(1 << 20), decodeWord).toString(16), DIGEST_2_20.toString(16), 'table');
  });
});
