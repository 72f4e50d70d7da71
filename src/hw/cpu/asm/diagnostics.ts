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
    super(diagnostics.map((d) => `${d.file}:${d.line}:${d.column}: ${d.message}`).join('\n'));
    this.name = 'AsmError';
    this.diagnostics = diagnostics;
  }
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
