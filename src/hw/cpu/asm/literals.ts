// Literals of the source: numbers, strings and character constants, read as
// GNU as reads them (its app.c and read.c), or refused with a message where
// GNU as would read something else than the writer likely meant.

import { fail } from './diagnostics.ts';

export type TokKind = 'ident' | 'num' | 'local' | 'str' | 'punct' | 'float';

export interface Token {
  kind: TokKind;
  /** Identifier text, punctuation, or the raw text of a number. */
  text: string;
  /** 0-based column in the source line. */
  col: number;
  /** Numeric value ('num'), or the label number ('local'). */
  value?: bigint;
  /** 'b' or 'f' for a local label reference. */
  dir?: 'b' | 'f';
  /** Decoded bytes of a string literal. */
  bytes?: number[];
}

export function isIdentStart(c: string): boolean {
  return /[A-Za-z_.$]/.test(c);
}
export function isIdentChar(c: string): boolean {
  return /[A-Za-z0-9_.$]/.test(c);
}

const STRING_ESCAPES: Record<string, number> = {
  n: 10,
  t: 9,
  r: 13,
  b: 8,
  f: 12,
  v: 11,
  a: 7,
  '\\': 92,
  '"': 34,
  "'": 39,
};

export function readString(line: string, start: number): { bytes: number[]; end: number } {
  const bytes: number[] = [];
  let i = start + 1;
  while (i < line.length && line[i] !== '"') {
    let c = line[i];
    if (c === '\\') {
      i++;
      c = line[i] ?? '';
      if (c in STRING_ESCAPES) {
        bytes.push(STRING_ESCAPES[c]);
        i++;
      } else if (c === 'x' || c === 'X') {
        const m = /^[0-9A-Fa-f]{1,2}/.exec(line.slice(i + 1));
        if (!m) fail(`expected hex digits after '\\x' in a string`, i);
        bytes.push(Number.parseInt(m[0], 16));
        i += 1 + m[0].length;
      } else if (/[0-7]/.test(c)) {
        const m = /^[0-7]{1,3}/.exec(line.slice(i))!;
        bytes.push(Number.parseInt(m[0], 8) & 0xff);
        i += m[0].length;
      } else {
        fail(`unknown escape '\\${c}' in a string`, i - 1);
      }
    } else {
      const code = c.codePointAt(0)!;
      if (code > 0x7f) {
        for (const b of new TextEncoder().encode(String.fromCodePoint(code))) bytes.push(b);
        i += code > 0xffff ? 2 : 1;
      } else {
        bytes.push(code);
        i++;
      }
    }
  }
  if (i >= line.length) fail("unterminated string: expected a closing '\"'", start);
  return { bytes, end: i + 1 };
}

// Escapes GNU as reads in a character constant: these, and any other escaped
// character stands for itself there ('\0' is '0', 0x30, not NUL; '\x41' is
// 'x' followed by "41"), which surprises, so those are refused.
const CHAR_ESCAPES: Record<string, number> = { b: 8, f: 12, n: 10, r: 13, t: 9, '\\': 92, "'": 39, '"': 34 };

/** Source length of the character constant at `start`: quote, one character or escape, closing quote if any. */
export function charConstantLength(src: string, start: number): number {
  let i = start + 1;
  if (i < src.length && src[i] !== '\n')
    i += src[i] === '\\' && i + 1 < src.length && src[i + 1] !== '\n' ? 2 : 1;
  if (src[i] === "'") i++;
  return i - start;
}

/** `'c'`, `'\n'`, and an unclosed `'c` (GNU as accepts it too), as a number token. */
export function readChar(line: string, start: number): Token {
  let i = start + 1;
  const c = line[i];
  if (c === undefined) fail("expected a character after the quote (a character constant such as 'A')", start);
  let value: number;
  if (c === '\\') {
    const e = line[i + 1];
    if (e === undefined) fail("expected a character after '\\' in a character constant", i);
    if (!(e in CHAR_ESCAPES)) {
      const what = /[0-7xX]/.test(e) ? 'octal and hex escapes are' : `'\\${e}' is`;
      fail(
        `${what} not supported in a character constant (GNU as reads '\\${e}' as '${e}'); write the value as a number`,
        i,
      );
    }
    value = CHAR_ESCAPES[e];
    i += 2;
  } else if (c === "'" && line[i + 1] !== "'") {
    fail("empty character constant ''; for a quote write '\\''", start);
  } else {
    const code = c.codePointAt(0)!;
    if (code > 0x7f)
      fail(`character constant '${String.fromCodePoint(code)}' is not ASCII (GNU as takes one byte)`, i);
    value = code;
    i++;
  }
  if (line[i] === "'") i++;
  else if (i < line.length && (isIdentChar(line[i]) || line[i] === '"'))
    fail(
      `expected a closing quote after ${line.slice(start, i)}, found '${line[i]}' (one character per constant)`,
      i,
    );
  return { kind: 'num', text: line.slice(start, i), col: start, value: BigInt(value) };
}

/** Longest number text read with BigInt: 0b and 64 binary digits. */
const MAX_NUMBER_TEXT = 66;
const TWO_64 = 1n << 64n;

/** A number, a local label reference (`1b`, `1f`), or a floating-point literal (refused by the parser). */
export function readNumber(line: string, start: number): Token {
  const rest = line.slice(start);
  const float = /^[0-9]+(\.[0-9]*([eE][+-]?[0-9]+)?|[eE][+-]?[0-9]+)/.exec(rest);
  if (float !== null && !/^0[xXbB]/.test(rest)) return { kind: 'float', text: float[0], col: start };
  const m = /^(0[xX][0-9A-Fa-f]+|0[bB][01]+(?![0-9A-Za-z_])|[0-9]+)/.exec(rest)!;
  const text = m[0];
  const next = line[start + text.length] ?? '';
  // `1b` / `1f`: a local label reference, when the letter ends the word.
  if (
    /^[0-9]+$/.test(text) &&
    (next === 'b' || next === 'f') &&
    !isIdentChar(line[start + text.length + 1] ?? '')
  ) {
    if (text.length > MAX_NUMBER_TEXT) fail(`local label number ${text.slice(0, 20)}... is too large`, start);
    return { kind: 'local', text: text + next, col: start, value: BigInt(text), dir: next };
  }
  if (isIdentChar(next)) fail(`bad number '${text}${next}...': expected digits`, start);
  const digits = text.replace(/^0[xXbB]?0*/, '');
  if (digits.length > MAX_NUMBER_TEXT)
    fail(`number ${text.slice(0, 20)}... (${text.length} digits) does not fit in 64 bits`, start);
  let value: bigint;
  if (/^0[bB]/.test(text)) value = BigInt(text);
  else if (/^0[xX]/.test(text)) value = BigInt(text);
  else if (text.length > 1 && text[0] === '0') {
    // GNU as reads a leading 0 as octal.
    if (/[89]/.test(text)) fail(`bad octal number '${text}'`, start);
    value = BigInt(`0o${text.slice(1)}`);
  } else value = BigInt(text);
  if (value >= TWO_64) fail(`number ${text} does not fit in 64 bits (at most 0xffffffffffffffff)`, start);
  return { kind: 'num', text, col: start, value };
}
