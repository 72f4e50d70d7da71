// Runs the vgicsim command line in this process (no tsx start-up per case):
// stdout and stderr are captured for the duration of the synchronous call.
import { main } from '../../src/cli/program.ts';

export interface CliResult {
  readonly code: number;
  readonly out: string;
  readonly err: string;
}

export function runCli(argv: readonly string[]): CliResult {
  let out = '';
  let err = '';
  const stdout = process.stdout.write;
  const stderr = process.stderr.write;
  const capture =
    (append: (s: string) => void) =>
    (chunk: string | Uint8Array, ...rest: unknown[]): boolean => {
      append(typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('utf8'));
      const cb = rest.find((r) => typeof r === 'function') as (() => void) | undefined;
      cb?.();
      return true;
    };
  process.stdout.write = capture((s) => {
    out += s;
  }) as typeof process.stdout.write;
  process.stderr.write = capture((s) => {
    err += s;
  }) as typeof process.stderr.write;
  try {
    const code = main([...argv]);
    return { code, out, err };
  } finally {
    process.stdout.write = stdout;
    process.stderr.write = stderr;
  }
}
