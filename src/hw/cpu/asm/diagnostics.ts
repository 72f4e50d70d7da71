// Errors of the assembler. Encoders and parsers throw AsmFail (a located,
// single-statement failure); the driver collects them all and throws one
// AsmError listing every diagnostic of the source.

export interface AsmDiagnostic {
  file: string;
  line: number;
  column: number;
  /** What was found and what was expected. */
  message: string;
}

export class AsmError extends Error {
  readonly diagnostics: AsmDiagnostic[];
  constructor(diagnostics: AsmDiagnostic[]) {
    const clean = diagnostics.map((d) => ({ ...d, file: printable(d.file), message: printable(d.message) }));
    super(clean.map((d) => `${d.file}:${d.line}:${d.column}: ${d.message}`).join('\n'));
    this.name = 'AsmError';
    this.diagnostics = clean;
  }
}

const NAMED_CONTROLS: Record<string, string> = { '\n': '\\n', '\t': '\\t', '\r': '\\r' };

/**
 * `s` with control characters (C0, DEL, C1) and bidirectional overrides written
 * as escapes, so that a message quoting bad source never moves a terminal's
 * cursor or reorders what is printed after it.
 */
function printable(s: string): string {
  // biome-ignore lint/suspicious/noControlCharactersInRegex: matching them is the point
  return s.replace(/[\u0000-\u001f\u007f-\u009f\u200e\u200f\u202a-\u202e\u2066-\u2069]/g, (c) => {
    const named = NAMED_CONTROLS[c];
    if (named !== undefined) return named;
    const code = c.charCodeAt(0);
    return code <= 0xff ? `\\x${code.toString(16).padStart(2, '0')}` : `\\u{${code.toString(16)}}`;
  });
}

/** One statement failed; `col` is the 0-based column in its line, when known. */
export class AsmFail extends Error {
  readonly col: number | undefined;
  constructor(message: string, col?: number) {
    super(message);
    this.col = col;
  }
}

export function fail(message: string, col?: number): never {
  throw new AsmFail(message, col);
}
