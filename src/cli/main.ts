// The `vgicsim` command: run scenarios, compare policies, print the schema.
// Exit codes (SCENARIOS.md): 0 every expectation met, 1 an expectation
// failed (or the guest did something the hypervisor cannot run), 2 bad input
// or usage. Bad input never shows a stack trace.

import { readFileSync } from 'node:fs';
import { Command, CommanderError, Option } from 'commander';
import { POLICY_NAMES } from '../hyp/policy/index.ts';
import { ScenarioError, scenarioJsonSchema } from '../scenario/index.ts';
import { UsageError } from './errors.ts';
import { collectScenarioFiles, compareCommand, conformanceCommand, runCommand } from './commands.ts';

export const EXIT_OK = 0;
export const EXIT_FAILED = 1;
export const EXIT_USAGE = 2;

const version = (
  JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string }
).version;

function program(): Command {
  const p = new Command('vgicsim')
    .description(
      'An executable, deterministic model of KVM/Arm interrupt and timer virtualization:\n' +
        'GICv2 with virtualization extensions, the generic timer, a KVM-style vgic and the\n' +
        "seed's level-triggered timer emulation, running real AArch64 guests.",
    )
    .version(version, '-V, --version')
    .exitOverride()
    .configureOutput({ outputError: (s, w) => w(s) })
    .showHelpAfterError('(run with --help for usage)');

  const traceOpts = (c: Command) =>
    c
      .option('--vcd <file>', 'write a waveform (Value Change Dump) for GTKWave or Surfer')
      .option('--perfetto <file>', 'write a Chrome/Perfetto trace (open in ui.perfetto.dev)')
      .option('--trace <file>', 'write the text trace: one line per event, virtual time first')
      .option('--trace-from <time>', 'trace only from this virtual time (ticks, or e.g. 250ms, 10us)')
      .option('--trace-to <time>', 'trace only up to this virtual time (ticks, or e.g. 260ms)')
      .option('--seed <n>', 'seed for every nondeterministic choice', (v) => parseSeed(v), 0)
      .option('--json', 'print results as JSON')
      .option('-q, --quiet', 'print nothing but failures and the summary');

  traceOpts(
    p
      .command('run')
      .description('run scenarios and check their expectations')
      .argument('<scenario...>', 'scenario files (.yaml) or directories of them')
      .addOption(
        new Option('--policy <name>', "override the scenario's machine.policy").choices(POLICY_NAMES),
      )
      .option(
        '--check-verdicts',
        'exit 0 when every verdict matches expect.verdicts (failures that are expected pass)',
      )
      .option('--console', "stream the guest's PL011 (UART) output to the terminal as it is produced"),
  )
    .addHelpText(
      'after',
      '\nExamples:\n' +
        '  vgicsim run scenarios/seed-masked-enable-disable.yaml\n' +
        '  vgicsim run scenarios/ --policy legacy-edge --check-verdicts\n' +
        '  vgicsim run scenarios/periodic-tick.yaml --vcd out/tick.vcd --perfetto out/tick.perfetto.json\n' +
        '  vgicsim run scenarios/linux/linux-busybox.yaml --console',
    )
    .action((files: string[], o) => {
      process.exitCode = runCommand(collectScenarioFiles(files), o);
    });

  traceOpts(
    p
      .command('compare')
      .description('run one scenario under several policies and print one table')
      .argument('<scenario>', 'a scenario file')
      .option('--policies <list>', 'comma-separated policies', POLICY_NAMES.join(','))
      .option('--check-verdicts', 'exit 1 when a verdict differs from expect.verdicts'),
  )
    .addHelpText(
      'after',
      '\nExamples:\n' +
        '  vgicsim compare scenarios/seed-masked-enable-disable.yaml\n' +
        '  vgicsim compare scenarios/seed-masked-enable-disable.yaml --policies level,legacy-edge --vcd out/seed.vcd',
    )
    .action((file: string, o) => {
      const policies = String(o.policies)
        .split(',')
        .map((s) => s.trim())
        .filter(Boolean);
      for (const pol of policies)
        if (!POLICY_NAMES.includes(pol))
          throw new UsageError(`unknown policy '${pol}' (expected one of: ${POLICY_NAMES.join(', ')})`);
      process.exitCode = compareCommand(file, policies, o);
    });

  p.command('conformance')
    .description('run the conformance suite (kvm-unit-tests and KVM selftests checks) and print a table')
    .addOption(
      new Option('--policy <name>', 'only this policy (default: every policy)').choices(POLICY_NAMES),
    )
    .option('--dir <dir>', 'where the checks are', 'conformance')
    .option('--json', 'print results as JSON')
    .option('-q, --quiet', 'print only checks whose result is not the expected one, and the summary')
    .addHelpText(
      'after',
      '\nExit code 0 when every check gets the verdict it expects for the policy (under `level`\n' +
        'all pass except residual-window checks; under `legacy-edge` the seed-fix checks fail).\n' +
        'Examples:\n  vgicsim conformance\n  vgicsim conformance --policy level --json',
    )
    .action((o) => {
      process.exitCode = conformanceCommand(o.policy ? [o.policy] : POLICY_NAMES, o);
    });

  p.command('schema')
    .description('print the JSON Schema of scenario files (for editors: # yaml-language-server: $schema=...)')
    .action(() => {
      process.stdout.write(`${JSON.stringify(scenarioJsonSchema(), null, 2)}\n`);
    });

  return p;
}

function parseSeed(v: string): number {
  if (!/^\d+$/.test(v) || Number(v) > 0xffff_ffff)
    throw new UsageError(`--seed expects an integer 0..4294967295, found '${v}'`);
  return Number(v);
}

export function main(argv: string[]): number {
  try {
    program().parse(argv, { from: 'user' });
    return typeof process.exitCode === 'number' ? process.exitCode : EXIT_OK;
  } catch (e) {
    if (e instanceof CommanderError) {
      // --help and --version end with code 0; anything else is a usage error.
      return e.exitCode === 0 ? EXIT_OK : EXIT_USAGE;
    }
    if (e instanceof ScenarioError) {
      process.stderr.write(`${e.message}\n`);
      return EXIT_USAGE;
    }
    if (e instanceof UsageError) {
      process.stderr.write(`vgicsim: ${e.message}\n`);
      return EXIT_USAGE;
    }
    const msg = e instanceof Error ? e.message : String(e);
    process.stderr.write(
      `vgicsim: internal error: ${msg}\n(this is a bug in vgicsim; set VGICSIM_DEBUG=1 for a stack trace)\n`,
    );
    if (process.env.VGICSIM_DEBUG && e instanceof Error) process.stderr.write(`${e.stack}\n`);
    return 3;
  }
}

// `vgicsim ... | head` closes the pipe early: that is not an error.
process.stdout.on('error', (e: NodeJS.ErrnoException) => {
  if (e.code === 'EPIPE') process.exit(process.exitCode ?? 0);
  throw e;
});

process.exitCode = main(process.argv.slice(2));
