// The command line with bad options and outputs that cannot be written
// (issue 20): a one-line message, exit 2, never a stack trace or an internal
// error; an input scenario is never overwritten.

import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import {
  closeSync,
  mkdirSync,
  mkdtempSync,
  openSync,
  readFileSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { runCli } from './in-process.ts';

const BIN = join(import.meta.dirname, '../../bin/vgicsim.mjs');
const OK =
  'version: 1\nmachine: { limits: { ticks: 100000, instructions: 20000 } }\nguest:\n  vcpu0: |\n    ldr x0, =0x84000008\n    hvc #0\n';

function workdir(): { dir: string; scenario: string } {
  const dir = mkdtempSync(join(tmpdir(), 'vgicsim-cli-bad-'));
  const scenario = join(dir, 'ok.yaml');
  writeFileSync(scenario, OK);
  return { dir, scenario };
}

function usage(argv: string[], message: RegExp): void {
  const r = runCli(argv);
  assert.equal(r.code, 2, `${argv.join(' ')}: ${r.out}${r.err}`);
  assert.match(r.err, message);
  assert.doesNotMatch(r.err, /internal error|\n\s+at /);
}

test('a scenario that passes runs in-process with exit 0 (the harness itself works)', () => {
  const { scenario } = workdir();
  const r = runCli(['run', scenario]);
  assert.equal(r.code, 0, r.err);
  assert.match(r.out, /^PASS {2}ok /);
});

test('--trace-from/--trace-to: bad syntax, or no trace output to select from, are usage errors', () => {
  const { dir, scenario } = workdir();
  usage(
    ['run', scenario, '--trace-from', 'garbage', '--trace', join(dir, 't.txt')],
    /^vgicsim: --trace-from: expected a virtual time/,
  );
  usage(['run', scenario, '--trace-from', 'garbage'], /^vgicsim: --trace-from: expected a virtual time/);
  usage(['compare', scenario, '--trace-to', '1.5.5'], /^vgicsim: --trace-to: expected a virtual time/);
  usage(
    ['run', scenario, '--trace-from', '10'],
    /^vgicsim: --trace-from and --trace-to select what --vcd, --perfetto, --trace or --html write/,
  );
});

test('compare --policies: empty, with an empty name, unknown or repeated are usage errors', () => {
  const { scenario } = workdir();
  usage(
    ['compare', scenario, '--policies', ','],
    /^vgicsim: --policies: expected a comma-separated list of generations \(linux-4.2, linux-4.3, linux-7.0, trap-timer, level, legacy-edge\), found ','/,
  );
  usage(['compare', scenario, '--policies', ''], /^vgicsim: --policies: expected a comma-separated list/);
  usage(['compare', scenario, '--policies', 'level,,legacy-edge'], /an empty name in 'level,,legacy-edge'/);
  usage(['compare', scenario, '--policies', 'level,edge'], /unknown generation 'edge'/);
  usage(['compare', scenario, '--policies', 'level,level'], /'level' is named twice/);
});

test('a directory without scenarios, or a missing one, is an error, not an empty success', () => {
  const { dir } = workdir();
  const empty = join(dir, 'empty');
  mkdirSync(empty);
  writeFileSync(join(empty, 'notes.txt'), 'x');
  usage(
    ['run', empty],
    new RegExp(`^${empty}:1:1: no scenario files \\(\\*\\.yaml\\) in this directory\\n$`),
  );
  usage(['run', join(dir, 'missing')], /missing:1:1: no such file or directory/);
  usage(['conformance', '--dir', empty], /empty:1:1: no conformance checks/);
  usage(['conformance', '--dir', join(dir, 'ok.yaml')], /ok\.yaml:1:1: --dir: not a directory/);
  usage(
    ['run', '/dev/zero'],
    /^\/dev\/zero:1:1: cannot read the scenario file: a character device, not a regular file/,
  );
});

test('outputs that cannot be written: refused before the run, a one-line message, exit 2', () => {
  const { dir, scenario } = workdir();
  writeFileSync(join(dir, 'afile'), 'x');
  usage(['run', scenario, '--vcd', ''], /^vgicsim: --vcd '': expected a file name, found an empty one\n$/);
  usage(['run', scenario, '--vcd', dir], /^vgicsim: --vcd '.*': is a directory\n$/);
  usage(
    ['run', scenario, '--perfetto', join(dir, 'afile', 'x.json')],
    /^vgicsim: --perfetto '.*afile\/x\.json': '.*afile' is not a directory\n$/,
  );
  usage(
    ['run', scenario, '--trace', scenario],
    /^vgicsim: --trace '.*ok\.yaml': is an input scenario: refusing to overwrite it\n$/,
  );
  usage(['compare', scenario, '--trace', join(dir, '.', 'ok.yaml')], /is an input scenario/);
  usage(
    ['run', scenario, '--vcd', join(dir, 'a.vcd'), '--trace', join(dir, 'a.vcd')],
    /--trace '.*a\.vcd': the same file as --vcd/,
  );
  assert.equal(readFileSync(scenario, 'utf8'), OK, 'the scenario is untouched');
  // A full disk shows up only when writing.
  usage(
    ['run', scenario, '--trace', '/dev/full'],
    /^vgicsim: cannot write --trace '\/dev\/full': no space left on device \(ENOSPC\)\n$/,
  );
});

test('missing parent directories of an output are created', () => {
  const { dir, scenario } = workdir();
  const out = join(dir, 'new', 'deeper', 't.txt');
  const r = runCli(['run', scenario, '--trace', out]);
  assert.equal(r.code, 0, r.err);
  assert.match(readFileSync(out, 'utf8'), /state=guest/);
});

test('control characters from a file are printed escaped', () => {
  const { dir } = workdir();
  const f = join(dir, 'ctl.yaml');
  writeFileSync(f, 'version: 1\nmachine:\n  "p\\x1b[31m\\rx": 1\nguest: { vcpu0: nop }\n');
  const r = runCli(['run', f]);
  assert.equal(r.code, 2);
  assert.match(r.err, /unknown key 'p\\x1b\[31m\\rx' in machine/);
  // biome-ignore lint/suspicious/noControlCharactersInRegex: the point of the check
  assert.doesNotMatch(r.err, /[\x00-\x09\x0b-\x1f\x7f]/);
});

test('standard output on a full disk: a message on stderr and exit 2, no stack trace', () => {
  const { scenario } = workdir();
  const full = openSync('/dev/full', 'w');
  try {
    for (const argv of [['run', scenario], ['schema']]) {
      const r = spawnSync(process.execPath, [BIN, ...argv], {
        stdio: ['ignore', full, 'pipe'],
        encoding: 'utf8',
      });
      assert.equal(r.status, 2, r.stderr);
      assert.equal(r.stderr, 'vgicsim: cannot write to standard output: no space left on device (ENOSPC)\n');
    }
  } finally {
    closeSync(full);
  }
});

test('a scenario name with control characters is printed escaped in the verdict lines', () => {
  const { dir } = workdir();
  const f = join(dir, 'named.yaml');
  writeFileSync(f, OK.replace('version: 1\n', 'version: 1\nname: "a\\x1b[2Jb"\n'));
  const r = runCli(['run', f]);
  assert.equal(r.code, 0, r.err);
  assert.match(r.out, /^PASS {2}a\\x1b\[2Jb /);
  assert.ok(!r.out.includes('\x1b'));
});

test('conformance --dir with a symbolic link loop and a dangling link: located, no hang', () => {
  const { dir } = workdir();
  const checks = join(dir, 'checks');
  mkdirSync(checks);
  symlinkSync('.', join(checks, 'loop'));
  symlinkSync(join(dir, 'nowhere.yaml'), join(checks, 'dangling.yaml'));
  usage(
    ['conformance', '--dir', checks],
    /dangling\.yaml:1:1: cannot read the scenario file: no such file\n$/,
  );
});
