// Located problems of a scenario file. A user of vgicsim is a hypervisor or
// kernel developer: every problem must say where it is (file:line:column),
// what was found and what was expected, and all of them are reported at once
// so that one run of the tool shows everything to fix.

export interface ScenarioDiagnostic {
  file: string;
  /** 1-based line in the scenario file. */
  line: number;
  /** 1-based column in that line. */
  column: number;
  /** Starts with the path of the offending key (e.g. `machine.vcpus: ...`). */
  message: string;
}

export class ScenarioError extends Error {
  readonly diagnostics: ScenarioDiagnostic[];
  constructor(diagnostics: ScenarioDiagnostic[]) {
    super(formatDiagnostics(diagnostics));
    this.name = 'ScenarioError';
    this.diagnostics = diagnostics;
  }
}

/**
 * Text safe to print on a terminal: control characters (C0, DEL, C1; and
 * line breaks unless `keepNewlines`) are shown escaped (`\x1b`, `\n`), so a
 * name or a message from a hostile file cannot move the cursor, clear the
 * screen or forge lines. Idempotent: its output has no control character.
 */
export function printable(s: string, keepNewlines = false): string {
  // biome-ignore lint/suspicious/noControlCharactersInRegex: matching them is the point
  return s.replace(/[\u0000-\u001f\u007f-\u009f]/g, (c) => {
    if (keepNewlines && c === '\n') return c;
    if (c === '\n') return '\\n';
    if (c === '\t') return '\\t';
    if (c === '\r') return '\\r';
    return `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}`;
  });
}

export function formatDiagnostic(d: ScenarioDiagnostic): string {
  return printable(`${d.file}:${d.line}:${d.column}: ${d.message}`);
}

/** One line per diagnostic, in file order. */
export function formatDiagnostics(ds: readonly ScenarioDiagnostic[]): string {
  return ds.map(formatDiagnostic).join('\n');
}

/** File order (line, then column); stable for diagnostics at the same place. */
export function sortDiagnostics(ds: ScenarioDiagnostic[]): ScenarioDiagnostic[] {
  return ds
    .map((d, i) => ({ d, i }))
    .sort((a, b) => a.d.line - b.d.line || a.d.column - b.d.column || a.i - b.i)
    .map((x) => x.d);
}
