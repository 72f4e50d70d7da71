// Lexer: source text -> statements of tokens. GNU as (aarch64) conventions:
// `//` and `/* */` comments, `;` separates statements on one line, numbers in
// decimal, 0x hex, 0b binary and leading-0 octal, `1b`/`1f` local label refs.

import { fail } from './diagnostics.ts';

export type TokKind = 'ident' | 'num' | 'local' | 'str' | 'punct';

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

export interface RawStatement {
  /** 1-based line within the source. */
  line: number;
  tokens: Token[];
}

const TWO_CHAR_PUNCT = new Set(['<<', '>>']);
const ONE_CHAR_PUNCT = new Set([...',[]!#=:+-*/%|&^~()<>{}@']);

function isIdentStart(c: string): boolean {
  return /[A-Za-z_.$]/.test(c);
}
function isIdentChar(c: string): boolean {
  return /[A-Za-z0-9_.$]/.test(c);
}
function isDigit(c: string): boolean {
  return c >= '0' && c <= '9';
}

/** Blank out comments, keeping line breaks and columns intact. */
function stripComments(src: string): string {
  let out = '';
  let i = 0;
  let inStr = false;
  while (i < src.length) {
    const c = src[i];
    if (inStr) {
      out += c;
      if (c === '\\' && i + 1 < src.length) {
        out += src[i + 1];
        i += 2;
        continue;
      }
      if (c === '"' || c === '\n') inStr = false;
      i++;
    } else if (c === '"') {
      inStr = true;
      out += c;
      i++;
    } else if (c === '/' && src[i + 1] === '/') {
      while (i < src.length && src[i] !== '\n') {
        out += ' ';
        i++;
      }
    } else if (c === '/' && src[i + 1] === '*') {
      const end = src.indexOf('*/', i + 2);
      const stop = end < 0 ? src.length : end + 2;
      for (; i < stop; i++) out += src[i] === '\n' ? '\n' : ' ';
    } else {
      out += c;
      i++;
    }
  }
  return out;
}

const ESCAPES: Record<string, number> = {
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

function readString(line: string, start: number): { bytes: number[]; end: number } {
  const bytes: number[] = [];
  let i = start + 1;
  while (i < line.length && line[i] !== '"') {
    let c = line[i];
    if (c === '\\') {
      i++;
      c = line[i] ?? '';
      if (c in ESCAPES) {
        bytes.push(ESCAPES[c]);
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

function readNumber(line: string, start: number): Token {
  const m = /^(0[xX][0-9A-Fa-f]+|0[bB][01]+(?![0-9A-Za-z_])|[0-9]+)/.exec(line.slice(start))!;
  const text = m[0];
  const next = line[start + text.length] ?? '';
  // `1b` / `1f`: a local label reference, when the letter ends the word.
  if (
    /^[0-9]+$/.test(text) &&
    (next === 'b' || next === 'f') &&
    !isIdentChar(line[start + text.length + 1] ?? '')
  ) {
    return { kind: 'local', text: text + next, col: start, value: BigInt(text), dir: next };
  }
  if (isIdentChar(next)) fail(`bad number '${text}${next}...': expected digits`, start);
  let value: bigint;
  if (/^0[bB]/.test(text)) value = BigInt(text);
  else if (/^0[xX]/.test(text)) value = BigInt(text);
  else if (text.length > 1 && text[0] === '0') {
    // GNU as reads a leading 0 as octal.
    if (/[89]/.test(text)) fail(`bad octal number '${text}'`, start);
    value = BigInt(`0o${text.slice(1)}`);
  } else value = BigInt(text);
  return { kind: 'num', text, col: start, value };
}

export interface LexError {
  line: number;
  col: number;
  message: string;
}

/** Split the source into statements; lexical errors are returned, not thrown. */
export function lex(src: string): { statements: RawStatement[]; errors: LexError[] } {
  const lines = stripComments(src).split('\n');
  const statements: RawStatement[] = [];
  const errors: LexError[] = [];
  lines.forEach((text, idx) => {
    const line = idx + 1;
    let tokens: Token[] = [];
    let i = 0;
    try {
      while (i < text.length) {
        const c = text[i];
        if (c === ' ' || c === '\t' || c === '\r') {
          i++;
        } else if (c === ';') {
          if (tokens.length > 0) statements.push({ line, tokens });
          tokens = [];
          i++;
        } else if (c === '"') {
          const s = readString(text, i);
          tokens.push({ kind: 'str', text: text.slice(i, s.end), col: i, bytes: s.bytes });
          i = s.end;
        } else if (isDigit(c)) {
          const t = readNumber(text, i);
          tokens.push(t);
          i += t.text.length;
        } else if (isIdentStart(c)) {
          let j = i + 1;
          while (j < text.length && isIdentChar(text[j])) j++;
          tokens.push({ kind: 'ident', text: text.slice(i, j), col: i });
          i = j;
        } else if (TWO_CHAR_PUNCT.has(text.slice(i, i + 2))) {
          tokens.push({ kind: 'punct', text: text.slice(i, i + 2), col: i });
          i += 2;
        } else if (ONE_CHAR_PUNCT.has(c)) {
          tokens.push({ kind: 'punct', text: c, col: i });
          i++;
        } else {
          fail(`unexpected character '${c}'`, i);
        }
      }
      if (tokens.length > 0) statements.push({ line, tokens });
    } catch (e) {
      const err = e as { message: string; col?: number };
      errors.push({ line, col: err.col ?? i, message: err.message });
    }
  });
  return { statements, errors };
}
