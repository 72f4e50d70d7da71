// Lexer: source text -> statements of tokens. GNU as (aarch64) conventions:
// `//` and `/* */` comments, `;` separates statements on one line, numbers in
// decimal, 0x hex, 0b binary and leading-0 octal, `1b`/`1f` local label refs,
// character constants ('A', '\n'). Literals are read in literals.ts.

import { fail } from './diagnostics.ts';
import {
  charConstantLength,
  isIdentChar,
  isIdentStart,
  readChar,
  readNumber,
  readString,
  type Token,
} from './literals.ts';

export type { TokKind, Token } from './literals.ts';

export interface RawStatement {
  /** 1-based line within the source. */
  line: number;
  tokens: Token[];
}

export interface LexError {
  line: number;
  col: number;
  message: string;
}

const TWO_CHAR_PUNCT = new Set(['<<', '>>']);
const ONE_CHAR_PUNCT = new Set([...',[]!#=:+-*/%|&^~()<>{}@']);

function isDigit(c: string): boolean {
  return c >= '0' && c <= '9';
}

/** Blank out comments, keeping line breaks and columns intact; an unterminated `/*` is an error. */
function stripComments(src: string, errors: LexError[]): string {
  let out = '';
  let i = 0;
  let inStr = false;
  let line = 1;
  let lineStart = 0;
  while (i < src.length) {
    const c = src[i];
    if (inStr) {
      out += c;
      if (c === '\\' && i + 1 < src.length && src[i + 1] !== '\n') {
        out += src[i + 1];
        i += 2;
        continue;
      }
      if (c === '"') inStr = false;
      if (c === '\n') {
        inStr = false;
        line++;
        lineStart = i + 1;
      }
      i++;
    } else if (c === '"') {
      inStr = true;
      out += c;
      i++;
    } else if (c === "'") {
      // A character constant: its character is never a comment or a string quote.
      const len = charConstantLength(src, i);
      out += src.slice(i, i + len);
      i += len;
    } else if (c === '/' && src[i + 1] === '/') {
      while (i < src.length && src[i] !== '\n') {
        out += ' ';
        i++;
      }
    } else if (c === '/' && src[i + 1] === '*') {
      const end = src.indexOf('*/', i + 2);
      if (end < 0) {
        errors.push({ line, col: i - lineStart, message: "unterminated comment: '/*' has no closing '*/'" });
      }
      const stop = end < 0 ? src.length : end + 2;
      for (; i < stop; i++) {
        if (src[i] === '\n') {
          out += '\n';
          line++;
          lineStart = i + 1;
        } else out += ' ';
      }
    } else {
      if (c === '\n') {
        line++;
        lineStart = i + 1;
      }
      out += c;
      i++;
    }
  }
  return out;
}

function unexpected(text: string, i: number): string {
  const c = String.fromCodePoint(text.codePointAt(i)!);
  if (c === '\\' && text[i + 1] === 'n') {
    return (
      "unexpected '\\n' outside a string: was the source a quoted string whose '\\n' never became line breaks? " +
      "Write one statement per line (in YAML, a block scalar '|')"
    );
  }
  const code = c.codePointAt(0)!;
  const u = code > 0x7e || code < 0x20 ? ` (U+${code.toString(16).toUpperCase().padStart(4, '0')})` : '';
  return `unexpected character '${c}'${u}`;
}

/** Split the source into statements; lexical errors are returned, not thrown. */
export function lex(src: string): { statements: RawStatement[]; errors: LexError[] } {
  const errors: LexError[] = [];
  const lines = stripComments(src, errors).split('\n');
  const statements: RawStatement[] = [];
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
        } else if (c === "'") {
          const t = readChar(text, i);
          tokens.push(t);
          i += t.text.length;
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
          fail(unexpected(text, i), i);
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
