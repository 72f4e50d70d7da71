// Writing trace files for a run: text, VCD, Perfetto. With several runs in
// one invocation, each file name gets the run's name inserted before the
// extension so nothing is overwritten. Missing parent directories are
// created; an output that cannot be written (full disk, a directory, a path
// through a file, an empty name, an input scenario) is an OutputError: a
// one-line message and exit 2, checked before anything runs where possible.

import { mkdirSync, realpathSync, statSync, writeFileSync } from 'node:fs';
import { dirname, extname, resolve } from 'node:path';
import { describeWriteError, OutputError, UsageError } from './errors.ts';
import { writePerfetto } from '../export/perfetto.ts';
import { writeText } from '../export/text.ts';
import { writeVcd } from '../export/vcd.ts';
import type { TraceRecord } from '../sim/trace/records.ts';

export interface TraceFiles {
  readonly vcd?: string;
  readonly perfetto?: string;
  readonly trace?: string;
  /** the self-contained HTML report (src/export/html) */
  readonly html?: string;
  /** trace window start and end (virtual time: ticks, or a number with s/ms/us/ns) */
  readonly traceFrom?: string;
  readonly traceTo?: string;
}

const UNIT_SECONDS: Readonly<Record<string, number>> = { s: 1, ms: 1e-3, us: 1e-6, ns: 1e-9 };

/** `10ms`, `2.5us`, `1s`, or plain counter ticks -> ticks (rounded down). Throws on anything else. */
export function parseVirtualTime(text: string, counterHz: number): number {
  const m = /^(\d+(?:\.\d+)?)(s|ms|us|ns)?$/.exec(text.trim());
  if (m === null)
    throw new RangeError(
      `expected a virtual time (ticks, or a number with s, ms, us or ns), found '${text}'`,
    );
  const n = Number(m[1]);
  if (m[2] === undefined) {
    if (!Number.isSafeInteger(n)) throw new RangeError(`expected a whole number of ticks, found '${text}'`);
    return n;
  }
  return Math.floor(n * UNIT_SECONDS[m[2]] * counterHz);
}

export function wantsTrace(f: TraceFiles): boolean {
  return f.vcd !== undefined || f.perfetto !== undefined || f.trace !== undefined || f.html !== undefined;
}

/** `out/seed.vcd` + `level` -> `out/seed.level.vcd` (when `tag` is given). */
export function tagged(path: string, tag: string | undefined): string {
  if (tag === undefined) return path;
  const ext = path.endsWith('.perfetto.json') ? '.perfetto.json' : extname(path);
  return `${path.slice(0, path.length - ext.length)}.${tag}${ext}`;
}

const OUTPUT_OPTIONS = ['vcd', 'perfetto', 'trace', 'html'] as const;

/** The file a path names, through symbolic links when it exists. */
function canonical(path: string): string {
  try {
    return realpathSync(path);
  } catch {
    return resolve(path);
  }
}

/** Why `path` cannot be written, or undefined: a directory, a parent that is a file, an input. */
function outputProblem(path: string, inputs: ReadonlySet<string>): string | undefined {
  if (path === '') return 'expected a file name, found an empty one';
  if (inputs.has(canonical(path))) return 'is an input scenario: refusing to overwrite it';
  try {
    if (statSync(path).isDirectory()) return 'is a directory';
    return undefined;
  } catch {
    // Not there yet: the nearest existing ancestor must be a directory.
  }
  for (let dir = dirname(resolve(path)); ; dir = dirname(dir)) {
    try {
      return statSync(dir).isDirectory() ? undefined : `'${dir}' is not a directory`;
    } catch {
      if (dirname(dir) === dir) return undefined;
    }
  }
}

/**
 * Before anything runs: output names that can be written, none of them an
 * input or named twice, and --trace-from/--trace-to only with a trace output.
 */
export function checkTraceOptions(f: TraceFiles, inputs: readonly string[]): void {
  const given = OUTPUT_OPTIONS.filter((k) => f[k] !== undefined);
  if ((f.traceFrom !== undefined || f.traceTo !== undefined) && given.length === 0)
    throw new UsageError(
      '--trace-from and --trace-to select what --vcd, --perfetto, --trace or --html write: give one of them',
    );
  const protect = new Set(inputs.map(canonical));
  const seen = new Map<string, string>();
  for (const k of given) {
    const path = f[k] as string;
    const problem = outputProblem(path, protect);
    if (problem !== undefined) throw new OutputError(`--${k} '${path}': ${problem}`);
    const other = seen.get(canonical(path));
    if (other !== undefined) throw new OutputError(`--${k} '${path}': the same file as --${other}`);
    seen.set(canonical(path), k);
  }
}

function write(option: string, path: string, text: string, inputs: ReadonlySet<string>): void {
  const problem = outputProblem(path, inputs);
  if (problem !== undefined) throw new OutputError(`--${option} '${path}': ${problem}`);
  try {
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, text);
  } catch (e) {
    throw new OutputError(`cannot write --${option} '${path}': ${describeWriteError(e)}`);
  }
}

/** The HTML report (one file per invocation of compare; per scenario of run). */
export function writeHtmlFile(path: string, text: string, inputs: readonly string[]): string {
  write('html', path, text, new Set(inputs.map(canonical)));
  return path;
}

export function writeTraceFiles(
  f: TraceFiles,
  tag: string | undefined,
  records: readonly TraceRecord[],
  o: { counterHz: number; endTicks: number; title: string; inputs: readonly string[] },
): string[] {
  const written: string[] = [];
  const inputs = new Set(o.inputs.map(canonical));
  if (f.vcd !== undefined) {
    const p = tagged(f.vcd, tag);
    write(
      'vcd',
      p,
      writeVcd(records, { counterHz: o.counterHz, endTicks: o.endTicks, title: o.title }),
      inputs,
    );
    written.push(p);
  }
  if (f.perfetto !== undefined) {
    const p = tagged(f.perfetto, tag);
    write(
      'perfetto',
      p,
      writePerfetto(records, { counterHz: o.counterHz, endTicks: o.endTicks, title: o.title }),
      inputs,
    );
    written.push(p);
  }
  if (f.trace !== undefined) {
    const p = tagged(f.trace, tag);
    write('trace', p, writeText(records), inputs);
    written.push(p);
  }
  return written;
}
