// The `vgicsim` command line: run scenarios, compare policies, print the
// schema. Exit codes (SCENARIOS.md): 0 every expectation met, 1 an
// expectation failed (or the guest did something the hypervisor cannot run),
// 2 bad input or usage (also an output that cannot be written), 3 a bug of
// vgicsim. Bad input never shows a stack trace. `main` has no side effect
// beyond writing to stdout/stderr and files, so tests call it in-process;
// main.ts is the process around it.

import { readFileSync } from 'node:fs';
import { Command, CommanderError, InvalidArgumentError, Option } from 'commander';
import {
  ALIASES,
  DESIGNS,
  GENERATION_KEYS,
  GENERATION_OR_ALIAS,
  GENERATIONS,
  mutantIdOf,
} from '../hyp/generation/index.ts';

/** Every name --policy accepts: the generations and their aliases. */
const POLICY_NAMES: readonly string[] = GENERATION_OR_ALIAS;

/** `--help`: every generation with its summary, and the aliases. */
function generationsHelp(): string {
  const lines = ['', 'Generations (machine.policy, --policy; each a KVM release as its code behaves):'];
  for (const g of Object.values(GENERATIONS)) lines.push(`  ${g.name.padEnd(10)} ${g.summary}`);
  lines.push('Designs (hypothetical, built on a generation):');
  for (const g of Object.values(DESIGNS)) lines.push(`  ${g.name.padEnd(10)} ${g.summary}`);
  lines.push(
    `Aliases: ${Object.entries(ALIASES)
      .map(([a, g]) => `${a} = ${g}`)
      .join(', ')}`,
  );
  return `${lines.join('\n')}\n`;
}
import { printable, ScenarioError, scenarioJsonSchema } from '../scenario/index.ts';
import { EXIT_BUG, EXIT_OK, EXIT_USAGE, UsageError } from './errors.ts';
import { checkTraceOptions, parseVirtualTime } from './outputs.ts';
import { qemuMain } from './qemu.ts';
import { collectScenarioFiles, compareCommand, conformanceCommand, runCommand } from './commands.ts';
import { exploreCommand, exploreMergeCommand } from './explore.ts';

const version = (
  JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string }
).version;

/** The command line; `setCode` receives each command's exit code. */
function program(setCode: (code: number) => void): Command {
  const p = new Command('vgicsim')
    .description(
      // One paragraph: commander wraps it to the terminal's width.
      'An executable, deterministic model of KVM/Arm interrupt and timer virtualization: ' +
        'GICv2 with virtualization extensions, the generic timer, KVM vgic and arch-timer ' +
        'emulation as each KVM generation shipped it, running real AArch64 guests.',
    )
    .version(version, '-V, --version')
    .exitOverride()
    .configureOutput({ outputError: (s, w) => w(printable(s, true)) })
    .showHelpAfterError('(run with --help for usage)')
    .addHelpText('after', generationsHelp());

  const traceOpts = (c: Command) =>
    c
      .option(
        '--vcd <file>',
        'write a waveform (Value Change Dump) for GTKWave or Surfer (missing parent directories are created)',
      )
      .option('--perfetto <file>', 'write a Chrome/Perfetto trace (open in ui.perfetto.dev)')
      .option('--trace <file>', 'write the text trace: one line per event, virtual time first')
      .option('--html <file>', 'write a self-contained HTML report: verdicts, waveform, costs, UART')
      .option('--trace-from <time>', 'trace only from this virtual time (ticks, or e.g. 250ms, 10us)', (v) =>
        checkedTime('--trace-from', v),
      )
      .option('--trace-to <time>', 'trace only up to this virtual time (ticks, or e.g. 260ms)', (v) =>
        checkedTime('--trace-to', v),
      )
      .option('--seed <n>', 'seed for every nondeterministic choice', (v) => parseSeed(v), 0)
      .option('--json', 'print results as JSON')
      .option('-q, --quiet', 'print nothing but failures and the summary');

  traceOpts(
    p
      .command('run')
      .description('run scenarios and check their expectations')
      .argument('<scenario...>', 'scenario files (.yaml) or directories of them')
      .addOption(
        new Option('--policy <name>', "override the scenario's machine.policy (a generation)")
          .choices(POLICY_NAMES)
          .argParser(policyOrMutant),
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
      const scenarios = collectScenarioFiles(files);
      checkTraceOptions(o, scenarios);
      setCode(runCommand(scenarios, o));
    });

  traceOpts(
    p
      .command('compare')
      .description('run one scenario under several generations and print one table')
      .argument('<scenario>', 'a scenario file')
      .option('--policies <list>', 'comma-separated generations (or aliases)', GENERATION_KEYS.join(','))
      .option('--check-verdicts', 'exit 1 when a verdict differs from expect.verdicts'),
  )
    .addHelpText(
      'after',
      '\nExamples:\n' +
        '  vgicsim compare scenarios/seed-masked-enable-disable.yaml\n' +
        '  vgicsim compare scenarios/seed-masked-enable-disable.yaml --policies linux-4.2,linux-4.3 --vcd out/seed.vcd',
    )
    .action((file: string, o) => {
      const policies = parsePolicies(String(o.policies));
      checkTraceOptions(o, [file]);
      setCode(compareCommand(file, policies, o));
    });

  p.command('conformance')
    .description('run the conformance suite (kvm-unit-tests and KVM selftests checks) and print a table')
    .addOption(
      new Option('--policy <name>', 'only this generation (default: every generation)').choices(POLICY_NAMES),
    )
    .option('--dir <dir>', 'where the checks are', 'conformance')
    .option('--json', 'print results as JSON')
    .option('-q, --quiet', 'print only checks whose result is not the expected one, and the summary')
    .option('--html <file>', 'write a self-contained HTML report: the table, failing checks with waveforms')
    .addHelpText(
      'after',
      '\nExit code 0 when every check gets the verdict it expects for the generation\n' +
        '(docs/conformance.md lists them, with a reason for each difference).\n' +
        'Examples:\n  vgicsim conformance\n  vgicsim conformance --policy linux-4.3 --json',
    )
    .action((o) => {
      checkTraceOptions({ html: o.html }, []);
      setCode(conformanceCommand(o.policy ? [o.policy] : [...GENERATION_KEYS], o));
    });

  p.command('explore')
    .description(
      'explore every run of a scenario up to k forced choices (docs/explore.md); `explore merge` joins shard reports',
    )
    .argument('<scenario>', 'a scenario file')
    .option('--policies <list>', 'comma-separated generations or designs', GENERATION_KEYS.join(','))
    .option('--bound <k>', 'most forced choices per run (context bound)', '2')
    .option('--jobs <n>', 'worker threads (the tree split in n shards, merged)', '1')
    .option('--shard <i/N>', 'explore only shard i of N (0-based); merge the reports with `explore merge`')
    .option('--max-states <n>', 'stop after n distinct states (a partial report)')
    .option('--max-seconds <s>', 'stop after s seconds of wall-clock time (a partial report)')
    .option(
      '--out <dir>',
      'write report.json and each minimal counterexample as a scenario, with VCD and Perfetto traces',
    )
    .option(
      '--html <file>',
      'write a self-contained HTML report: the frontier table, counterexamples with waveforms',
    )
    .option('--json', 'print the report as JSON (what `explore merge` reads)')
    .option('-q, --quiet', 'no progress line')
    .option(
      '--progress',
      'the progress line (states, states/s, runs, violating runs) on stderr also when it is not a terminal (never with --json)',
    )
    .addHelpText(
      'after',
      '\nExit code 1 when a run violates a property, 0 when none does.\nExamples:\n' +
        '  vgicsim explore scenarios/seed-masked-enable-disable.yaml --policies linux-4.2,linux-7.0 --bound 2\n' +
        '  vgicsim explore scenarios/seed-masked-enable-disable.yaml --shard 0/4 --json > s0.json  # ... s3\n' +
        '  vgicsim explore merge s0.json s1.json s2.json s3.json',
    )
    .action((file: string, o) => {
      checkTraceOptions({ html: o.html }, [file]);
      setCode(exploreCommand(file, o));
    });

  p.command('explore-merge', { hidden: true })
    .argument('<reports...>', 'shard reports (vgicsim explore --shard i/N --json)')
    .option('--json', 'print the merged report as JSON')
    .action((files: string[], o) => {
      setCode(exploreMergeCommand(files, o));
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

/** `--trace-from`/`--trace-to`: the syntax is checked at once (the unit needs the scenario's counterHz). */
function checkedTime(option: string, v: string): string {
  try {
    parseVirtualTime(v, 1);
  } catch (e) {
    throw new UsageError(`${option}: ${(e as Error).message}`);
  }
  return v;
}

/** `--policies linux-4.2,linux-4.3`: known names (generations or aliases), at least one, each once. */
/** --policy of run: a listed choice, or a mutant (`mutant:<id>`, accepted but not advertised). */
function policyOrMutant(name: string): string {
  if (POLICY_NAMES.includes(name) || mutantIdOf(name) !== undefined) return name;
  throw new InvalidArgumentError(`Allowed choices are ${POLICY_NAMES.join(', ')}.`);
}

function parsePolicies(text: string): string[] {
  const policies = text.split(',').map((s) => s.trim());
  const expected = `expected a comma-separated list of generations (${POLICY_NAMES.join(', ')})`;
  if (policies.every((p) => p === '')) throw new UsageError(`--policies: ${expected}, found '${text}'`);
  const seen = new Set<string>();
  for (const pol of policies) {
    if (pol === '') throw new UsageError(`--policies: an empty name in '${text}'; ${expected}`);
    // mutants (`mutant:<id>`, docs/generations.md) are accepted but not advertised
    if (!POLICY_NAMES.includes(pol) && mutantIdOf(pol) === undefined)
      throw new UsageError(`unknown generation '${pol}' (expected one of: ${POLICY_NAMES.join(', ')})`);
    if (seen.has(pol)) throw new UsageError(`--policies: '${pol}' is named twice`);
    seen.add(pol);
  }
  return policies;
}

/** Runs the command line `argv` (without `node vgicsim`); returns the exit code. */
export function main(argv: string[]): number {
  let code = EXIT_OK;
  try {
    // QEMU's single-dash options are not this command line's: qemu.ts parses them.
    if (argv[0] === 'qemu') return qemuMain(argv.slice(1));
    // `explore merge <reports...>`: a subcommand beside `explore <scenario>`
    if (argv[0] === 'explore' && argv[1] === 'merge') argv = ['explore-merge', ...argv.slice(2)];
    program((c) => {
      code = c;
    }).parse(argv, { from: 'user' });
    return code;
  } catch (e) {
    if (e instanceof CommanderError) {
      // --help and --version end with code 0; anything else is a usage error.
      return e.exitCode === 0 ? EXIT_OK : EXIT_USAGE;
    }
    if (e instanceof ScenarioError) {
      process.stderr.write(`${printable(e.message, true)}\n`);
      return EXIT_USAGE;
    }
    if (e instanceof UsageError) {
      process.stderr.write(`vgicsim: ${printable(e.message)}\n`);
      return EXIT_USAGE;
    }
    const msg = e instanceof Error ? e.message : String(e);
    process.stderr.write(
      `vgicsim: internal error: ${printable(msg)}\n(this is a bug in vgicsim; set VGICSIM_DEBUG=1 for a stack trace)\n`,
    );
    if (process.env.VGICSIM_DEBUG && e instanceof Error) process.stderr.write(`${e.stack}\n`);
    return EXIT_BUG;
  }
}
