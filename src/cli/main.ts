// The `vgicsim` process: runs the command line (program.ts) and turns a
// failing standard output into a message and exit 2 instead of a stack trace.

import { printable } from '../scenario/index.ts';
import { describeWriteError, EXIT_USAGE } from './errors.ts';
import { main } from './program.ts';

process.stdout.on('error', (e: NodeJS.ErrnoException) => {
  // `vgicsim ... | head` closes the pipe early: that is not an error.
  if (e.code === 'EPIPE') process.exit(process.exitCode ?? 0);
  process.stderr.write(`vgicsim: cannot write to standard output: ${printable(describeWriteError(e))}\n`);
  process.exit(EXIT_USAGE);
});

process.exitCode = main(process.argv.slice(2));
