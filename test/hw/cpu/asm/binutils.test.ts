// Cross-check against GNU binutils: the corpus (every instruction form and
// directive the assembler accepts) must assemble to the same bytes with
// vgicsim's assembler and with aarch64-linux-gnu-as + ld + objcopy.
// test:cross: aarch64-linux-gnu-as, -ld, -objcopy (npm test: the bytes recorded in test/fixtures/cross/)

import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { assemble, DIRECTIVES, MNEMONICS } from '../../../../src/hw/cpu/asm/index.ts';
import { diffImages, gnuAssemble, toolVersions } from './gnu-as.ts';

const CORPUS_PATH = new URL('./corpus.s', import.meta.url);
const corpus = readFileSync(CORPUS_PATH, 'utf8');

/** Mnemonics and directives used by a source, by a light re-reading of its statements. */
function usedWords(src: string): Set<string> {
  const used = new Set<string>();
  const stripped = src.replace(/\/\*[\s\S]*?\*\//g, ' ').replace(/\/\/.*$/gm, '');
  for (const stmt of stripped.split(/[\n;]/)) {
    const m = /^\s*(?:(?:[A-Za-z_.$][\w.$]*|\d+):\s*)*([A-Za-z_.][\w.]*)/.exec(stmt);
    if (m) used.add(m[1].toLowerCase());
  }
  return used;
}

describe('GNU binutils cross-check', () => {
  it('binutils is installed (Debian package binutils-aarch64-linux-gnu), or was when the fixture was made', () => {
    const [as, ld, objcopy] = toolVersions();
    assert.match(as, /^GNU assembler /);
    assert.match(ld, /^GNU ld /);
    assert.match(objcopy, /^GNU objcopy /);
  });

  it('assembles the whole corpus to the same bytes as GNU as + ld', () => {
    const r = assemble(corpus, { file: 'corpus.s' });
    const dataStart = r.symbols.get('data_start');
    assert.ok(dataStart !== undefined, 'the corpus defines data_start at the start of .data');
    const theirs = gnuAssemble(corpus, r.base, dataStart, 'corpus.s');
    const diffs = diffImages(corpus, r.bytes, theirs, r.lineOf, r.base);
    assert.deepEqual(diffs.slice(0, 40), [], `${diffs.length} words differ`);
    assert.equal(r.bytes.length, theirs.length);
  });

  it('the corpus uses every mnemonic of the mnemonic table', () => {
    const used = usedWords(corpus);
    const missing = [...MNEMONICS.keys()].filter((m) => !used.has(m));
    assert.deepEqual(missing, [], 'add these forms to test/hw/cpu/asm/corpus.s');
  });

  it('the corpus uses every directive', () => {
    const used = usedWords(corpus);
    const missing = [...DIRECTIVES.keys()].filter((d) => !used.has(d));
    assert.deepEqual(missing, [], 'add these directives to test/hw/cpu/asm/corpus.s');
  });

  it('assembles at another base with the same bytes as GNU ld (ADRP across pages)', () => {
    const src = [
      '_start:',
      '  adrp x0, target',
      '  add x0, x0, :lo12:target',
      '  b target',
      '  .skip 0x2ff0',
      'target:',
      '  ret',
    ].join('\n');
    const base = 0x4000_0ff8;
    const r = assemble(src, { base });
    const theirs = gnuAssemble(src, base, base + 0x10_0000, 'the ADRP program');
    assert.deepEqual(diffImages(src, r.bytes, theirs, r.lineOf, base), []);
  });
});
