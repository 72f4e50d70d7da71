// The pattern language of the decode table (one row per encoding, isa/README.md)
// and its compiler. A pattern is the 32-bit word, most significant bit first,
// as space-separated tokens: literal bits (`0`, `1`, `x` for "any"), a named
// field `name:width`, or a named field with a fixed value `name=bits` (the
// Arm ARM's name for bits the row requires). Compiling gives the row's
// mask/value and the field extractors; the field names are also checked by
// the type system (`FieldsOf`), so a fill function cannot read a field its
// pattern does not have.

import { OP_UNDEF, type UndefName, undefId } from '../ops.ts';
import { F_UNDEF_REASON } from '../slots.ts';

type Token<T extends string> = T extends `${infer N}:${string}`
  ? N
  : T extends `${infer N}=${string}`
    ? N
    : never;
/** The field names of a pattern string. */
export type FieldsOf<P extends string> = P extends `${infer A} ${infer B}`
  ? Token<A> | FieldsOf<B>
  : Token<P>;
/** A word's field values by name (one object per row, refilled at each match: decoding allocates nothing). */
export type Fields<P extends string> = Record<FieldsOf<P>, number>;

/** What a row needs of the cpu (all rows vgicsim implements are base Armv8.0; FP/AdvSIMD are 'fp'). */
export type Feature = 'base' | 'fp' | 'undef';

/** A compiled row. */
export interface Encoding {
  /** The Arm ARM's name for the encoding (C6/C7 headings). */
  readonly name: string;
  readonly pattern: string;
  readonly feature: Feature;
  readonly mask: number;
  readonly value: number;
  /** The field values of the word last matched (or extracted by `fields`). */
  readonly v: Record<string, number>;
  /** Extract the fields of `w` into `v`. */
  fields(w: number): Record<string, number>;
  /** Fill slot k.. of `f` (zeroed) and return the op (OP_UNDEF with the reason in F_UNDEF_REASON). */
  fill(v: Record<string, number>, f: Int32Array, k: number, w: number): number;
  /** GNU objdump's text for the word at `pc`, or null where this row has no syntax. */
  dis(v: Record<string, number>, pc: number, w: number): string | null;
}

export interface Row<P extends string> {
  readonly name: string;
  readonly pattern: P;
  readonly feature?: Feature;
  fill(v: Fields<P>, f: Int32Array, k: number, w: number): number;
  dis?(v: Fields<P>, pc: number, w: number): string | null;
}

interface Compiled {
  mask: number;
  value: number;
  names: string[];
  los: number[];
  masks: number[];
}

/** Compile a pattern string; throws on a malformed one (a table bug: caught at load by the tests). */
export function compilePattern(pattern: string): Compiled {
  let bit = 32;
  let mask = 0;
  let value = 0;
  const names: string[] = [];
  const los: number[] = [];
  const masks: number[] = [];
  for (const tok of pattern.split(' ')) {
    const named = /^([A-Za-z][A-Za-z0-9_]*)(?::(\d+)|=([01x]+))$/.exec(tok);
    let bits: string;
    if (named) {
      const width = named[2] !== undefined ? Number(named[2]) : named[3].length;
      bits = named[3] ?? 'x'.repeat(width);
      if (width < 1) throw new Error(`pattern ${pattern}: empty field ${tok}`);
      names.push(named[1]);
      los.push(bit - width);
      masks.push(width === 32 ? -1 : (1 << width) - 1);
    } else if (/^[01x]+$/.test(tok)) bits = tok;
    else throw new Error(`pattern ${pattern}: bad token ${tok}`);
    for (const c of bits) {
      bit--;
      if (bit < 0) continue;
      if (c !== 'x') {
        mask |= 1 << bit;
        if (c === '1') value |= 1 << bit;
      }
    }
  }
  if (bit !== 0) throw new Error(`pattern ${pattern}: ${32 - bit} bits, not 32`);
  if (new Set(names).size !== names.length) throw new Error(`pattern ${pattern}: a field name twice`);
  return { mask, value, names, los, masks };
}

/** A table row: compile its pattern once, at load. */
export function row<const P extends string>(r: Row<P>): Encoding {
  const c = compilePattern(r.pattern);
  const v: Record<string, number> = {};
  for (const n of c.names) v[n] = 0;
  const { names, los, masks } = c;
  const dis = r.dis as Encoding['dis'] | undefined;
  return {
    name: r.name,
    pattern: r.pattern,
    feature: r.feature ?? 'base',
    mask: c.mask,
    value: c.value,
    v,
    fields(w: number): Record<string, number> {
      for (let j = 0; j < names.length; j++) v[names[j]] = (w >>> los[j]) & masks[j];
      return v;
    },
    fill: r.fill as Encoding['fill'],
    dis: dis ?? (() => null),
  };
}

/** Set the UNDEFINED reason of slot k and return OP_UNDEF (a fill's "this encoding is not allocated here"). */
export function reject(f: Int32Array, k: number, why: UndefName): number {
  f[k + F_UNDEF_REASON] = undefId(why);
  return OP_UNDEF;
}

/** A row whose every word is UNDEFINED here, for `why`. */
export function undefRow<const P extends string>(name: string, pattern: P, why: UndefName): Encoding {
  return row({ name, pattern, feature: 'undef', fill: (_v, f, k) => reject(f, k, why) });
}
