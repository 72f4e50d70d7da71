// The instruction words of the assembler corpus (test/hw/cpu/asm/corpus.s)
// and of guests/asm/*.s, as vgicsim's assembler makes them, with the
// statement each came from and its address.

import { readdirSync, readFileSync } from 'node:fs';
import { assemble } from '../../../../src/hw/cpu/asm/index.ts';

export interface SourceWord {
  readonly w: number;
  readonly pc: number;
  /** The statement, label stripped. */
  readonly line: string;
  readonly file: string;
}

/** The words of a source's instruction statements (not directives, not literal pools), with their lines. */
export function instructionWords(src: string, file: string): SourceWord[] {
  const r = assemble(src, { file });
  const lines = src.split('\n');
  const end = r.symbols.get('data_start') ?? r.bytes.length + r.base;
  const dv = new DataView(r.bytes.buffer, r.bytes.byteOffset, r.bytes.byteLength);
  const out: SourceWord[] = [];
  const seen = new Set<number>();
  for (let o = 0; o + 4 <= Math.min(r.bytes.length, end - r.base); o += 4) {
    const at = r.lineOf(r.base + o);
    // One word per instruction statement: the words after it on "its" line are a literal pool or data.
    if (at === undefined || seen.has(at.line)) continue;
    seen.add(at.line);
    const stmt = lines[at.line - 1].slice(at.column - 1).replace(/^\s*((?:[\w.$]+):\s*)*/, '');
    if (/^[a-z]/i.test(stmt) && !/^\s*ldr\s+\w+\s*,\s*=/i.test(stmt))
      out.push({ w: dv.getInt32(o, true), pc: r.base + o, line: stmt.trim(), file });
  }
  return out;
}

export function corpusAndGuestWords(): SourceWord[] {
  const corpus = new URL('../asm/corpus.s', import.meta.url);
  const words = instructionWords(readFileSync(corpus, 'utf8'), 'corpus.s');
  const dir = new URL('../../../../guests/asm/', import.meta.url);
  for (const name of readdirSync(dir).filter((n) => n.endsWith('.s')))
    words.push(...instructionWords(readFileSync(new URL(name, dir), 'utf8'), name));
  return words;
}

/** xorshift32 (Marsaglia): the tests' random words are the same on every run. */
export function xorshift(seed: number): () => number {
  let s = seed | 0;
  return () => {
    s ^= s << 13;
    s ^= s >>> 17;
    s ^= s << 5;
    return s;
  };
}
