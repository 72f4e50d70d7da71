// Hostile scenario files (issue 20, "Bad input"): alias bombs, deep nesting,
// numbers that overflow the machine's fields, files that are not regular
// files, images that overlap or do not fit in RAM. Each ends in a located
// ScenarioError, quickly.

import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { loadScenarioFile, parseScenario, ScenarioError } from '../../src/scenario/index.ts';
import { checkExpectations } from '../../src/scenario/expect.ts';
import { buildImages } from '../../src/scenario/images.ts';
import { MAX_ALIAS_NODES, MAX_DEPTH } from '../../src/scenario/yaml-tree.ts';
import { buildElf } from '../hw/cpu/loader/fake-ram.ts';
import { errorsOf } from './helpers.ts';

const GUEST = 'guest: { vcpu0: nop }\n';

function tmp(): string {
  return mkdtempSync(join(tmpdir(), 'vgicsim-bad-'));
}

/** The messages of the ScenarioError `f` throws, as `file:line:col: message` lines. */
function thrown(f: () => unknown): string[] {
  try {
    f();
  } catch (e) {
    assert.ok(e instanceof ScenarioError, `expected a ScenarioError, got ${String(e)}`);
    return e.message.split('\n');
  }
  assert.fail('expected a ScenarioError');
}

// Work bounds are asserted structurally (the error names the bound); the timeout only turns a
// regression into a failure instead of a hang. Speed itself is a benchmark's business.
test('an alias bomb stops at the alias that crosses the expansion bound', { timeout: 120_000 }, () => {
  const lines = ['version: 1', 'a0: &a0 [x, x, x, x, x, x, x, x, x, x]'];
  for (let i = 1; i <= 9; i++)
    lines.push(
      `a${i}: &a${i} [${Array(10)
        .fill(`*a${i - 1}`)
        .join(', ')}]`,
    );
  const errors = errorsOf(`${lines.join('\n')}\n${GUEST}`);
  assert.equal(errors.length, 1);
  assert.match(errors[0], new RegExp(`^\\d+:\\d+: aliases expand to more than ${MAX_ALIAS_NODES} values`));
  // A few small aliases are fine.
  assert.doesNotThrow(() =>
    parseScenario(
      'version: 1\nmachine: &m { vcpus: 2 }\nguest: { vcpu0: nop, vcpu1: { same: vcpu0 } }\n',
      '/t.yaml',
      { checkFiles: false },
    ),
  );
});

test('an alias inside its own anchor is a located error, not silently cut data', () => {
  assert.deepEqual(errorsOf('version: 1\nx: &a [1, *a]\nguest: { vcpu0: nop }\n'), [
    `2:11: nesting deeper than ${MAX_DEPTH} levels through this alias (an alias inside its own anchor?)`,
  ]);
});

test('deep nesting: a located error for the data walk and for the parser alike', () => {
  const nested = (n: number) => `version: 1\nx: ${'['.repeat(n)}${']'.repeat(n)}\n${GUEST}`;
  assert.deepEqual(errorsOf(nested(MAX_DEPTH + 5)), [
    `2:${3 + MAX_DEPTH + 1}: nesting deeper than ${MAX_DEPTH} levels: a scenario nests a few`,
  ]);
  const deep = errorsOf(nested(100_000));
  assert.equal(deep.length, 1);
  assert.match(deep[0], /^2:\d+: YAML: nesting too deep to parse/);
  const maps = errorsOf(`version: 1\nx: ${'{a: '.repeat(20_000)}1${'}'.repeat(20_000)}\n${GUEST}`);
  assert.match(maps[0], /^2:\d+: YAML: nesting too deep to parse|nesting deeper than/);
});

test('numbers that overflow machine fields name the field and the range', () => {
  const machine = (m: string) => errorsOf(`version: 1\nmachine: { ${m} }\n${GUEST}`);
  assert.deepEqual(machine('counterHz: 4294967296'), [
    '2:23: machine.counterHz: expected an integer 1..4294967295 (Hz), found 4294967296',
  ]);
  assert.deepEqual(machine('cpuHz: 9007199254740993'), [
    '2:19: machine.cpuHz: expected an integer 1..100000000000 (Hz), found 9007199254740993',
  ]);
  assert.deepEqual(machine('spis: 988'), [
    "2:18: machine.spis: expected a multiple of 32 in 0..960 (the vgic's limit, as KVM's), found 988",
  ]);
  assert.deepEqual(machine('spis: 1024'), [
    "2:18: machine.spis: expected a multiple of 32 in 0..960 (the vgic's limit, as KVM's), found 1024",
  ]);
  assert.deepEqual(machine('nLR: 65'), [
    '2:17: machine.nLR: expected an integer 2..64 (with fewer list registers KVM livelocks on underflow maintenance), found 65',
  ]);
  assert.deepEqual(machine('vcpus: 9'), [
    '2:19: machine.vcpus: expected an integer 1..8 (a GICv2 serves 8 cpus; gic: v3 takes up to 123), found 9',
  ]);
  assert.deepEqual(machine('pcpus: 9'), [
    '2:19: machine.pcpus: expected an integer 1..8 (a GICv2 serves 8 cpus; gic: v3 takes up to 123), found 9',
  ]);
  assert.deepEqual(machine('exitCycles: 4294967296'), [
    '2:24: machine.exitCycles: expected a number of cycles 0..4294967295, found 4294967296',
  ]);
  assert.deepEqual(machine('counterHz: 1000, hostTickHz: 1001'), [
    '2:41: machine.hostTickHz: the host tick is an interrupt of the counter-driven EL1 physical timer, so at most machine.counterHz (1000) per second, found 1001',
  ]);
  assert.deepEqual(machine('limits: { ticks: 9007199254740992 }'), [
    '2:29: machine.limits.ticks: expected a time in ticks 1..2^53-1, found 9007199254740992',
  ]);
  assert.deepEqual(errorsOf(`version: 1\n${GUEST}host:\n  - { at: 18446744073709551616, exit: host }\n`), [
    '4:11: host[0].at: expected a time in ticks 0..2^53-1, found 18446744073709551616',
  ]);
  // The largest values allowed load and are kept exactly.
  const s = parseScenario(
    `version: 1\nmachine: { counterHz: 4294967295, spis: 960, nLR: 64, vcpus: 8 }\n${GUEST}`,
    '/t.yaml',
    { checkFiles: false },
  );
  assert.equal(s.machine.counterHz, 0xffff_ffff);
  assert.equal(s.machine.spis, 960);
});

test('expect.memory with 40k words loads (the quadratic key check took minutes)', {
  timeout: 120_000,
}, () => {
  const lines = ['version: 1', GUEST.trimEnd(), 'expect:', '  memory:'];
  for (let i = 0; i < 40_000; i++) lines.push(`    0x${(0x4010_0000 + 4 * i).toString(16)}: ${i}`);
  const s = parseScenario(lines.join('\n'), '/t.yaml', { checkFiles: false });
  assert.equal(s.expect.memory.length, 40_000);
  assert.equal(s.expect.memory[39_999].where.line, 40_004);
});

/** Node has no mkfifo(3); coreutils' mkfifo is one of the shell basics every machine has. */
function mkfifo(path: string): void {
  const r = spawnSync('mkfifo', [path]);
  assert.equal(r.status, 0, `mkfifo ${path} failed: ${r.error?.message ?? r.stderr?.toString()}`);
}

test('a FIFO, a device, a directory or an unreadable file as the scenario: located, no hang', () => {
  const dir = tmp();
  const fifo = join(dir, 'pipe.yaml');
  const cases: [string, RegExp][] = [
    ['/dev/zero', /^\/dev\/zero:1:1: cannot read the scenario file: a character device, not a regular file$/],
    ['/dev/null', /a character device, not a regular file$/],
    [dir, /:1:1: cannot read the scenario file: a directory, not a regular file$/],
    // Reading /proc/self/mem at offset 0 fails (EIO) although it is a "regular file".
    ['/proc/self/mem', /^\/proc\/self\/mem:1:1: cannot read the scenario file: cannot read: EIO/],
    [join(dir, 'nope', 'x.yaml'), /cannot read the scenario file: no such file$/],
  ];
  mkfifo(fifo);
  cases.push([
    fifo,
    /pipe\.yaml:1:1: cannot read the scenario file: a FIFO \(named pipe\), not a regular file$/,
  ]);
  for (const [path, re] of cases) {
    const lines = thrown(() => loadScenarioFile(path));
    assert.equal(lines.length, 1);
    assert.match(lines[0], re);
  }
});

test('a FIFO, a device or a directory as a guest image: located at the path, no hang', () => {
  const dir = tmp();
  mkdirSync(join(dir, 'sub'));
  mkfifo(join(dir, 'pipe.bin'));
  const file = join(dir, 's.yaml');
  const text = `version: 1
machine: { vcpus: 3 }
guest:
  vcpu0: { binary: /dev/zero }
  vcpu1: { binary: sub }
  vcpu2: { binary: pipe.bin }
`;
  assert.deepEqual(errorsOf(text, file, true), [
    "4:20: guest.vcpu0.binary: cannot use '/dev/zero' (/dev/zero): a character device, not a regular file",
    `5:20: guest.vcpu1.binary: cannot use 'sub' (${join(dir, 'sub')}): a directory, not a regular file`,
    `6:20: guest.vcpu2.binary: cannot use 'pipe.bin' (${join(dir, 'pipe.bin')}): a FIFO (named pipe), not a regular file`,
  ]);
});

function scenarioWith(dir: string, text: string) {
  const file = join(dir, 's.yaml');
  writeFileSync(file, text);
  return loadScenarioFile(file);
}

test("inline code crossing into the next vcpu's slot overlaps that vcpu's code: an error at the later block", () => {
  const s = parseScenario(
    'version: 1\nmachine: { vcpus: 2 }\nguest:\n  vcpu0: |\n    nop\n    .space 0x100000\n  vcpu1: |\n    nop\n',
    '/t.yaml',
    { checkFiles: false },
  );
  assert.deepEqual(
    thrown(() => buildImages(s)),
    [
      "/t.yaml:8:5: guest.vcpu1: vcpu1's inline code at 0x40180000..0x40180003 overlaps vcpu0's inline code at 0x40080000..0x40180003 (inline code of vcpuN is placed at 0x40080000 + N MiB)",
    ],
  );
});

test('a flat binary placed over another vcpu inline code is an error; beside it is fine', () => {
  const dir = tmp();
  writeFileSync(join(dir, 'flat.bin'), new Uint8Array(64));
  const text = (entry: string) =>
    `version: 1\nmachine: { vcpus: 2 }\nguest:\n  vcpu0: nop\n  vcpu1: { binary: flat.bin, entry: ${entry} }\n`;
  assert.deepEqual(
    thrown(() => buildImages(scenarioWith(dir, text('0x40080000')))),
    [
      `${join(dir, 's.yaml')}:5:20: guest.vcpu1: vcpu1's binary 'flat.bin' at 0x40080000..0x4008003f overlaps vcpu0's inline code at 0x40080000..0x40080003`,
    ],
  );
  assert.equal(buildImages(scenarioWith(dir, text('0x40200000')))[1]?.entry, 0x4020_0000);
});

test('a binary that does not fit in RAM, or an entry outside RAM, is a located error', () => {
  const dir = tmp();
  writeFileSync(join(dir, 'flat.bin'), new Uint8Array(64));
  const text = (entry: string) => `version: 1\nguest:\n  vcpu0: { binary: flat.bin, entry: ${entry} }\n`;
  const [end] = thrown(() => buildImages(scenarioWith(dir, text('0x47fffff0'))));
  assert.match(end, /s\.yaml:3:20: .*(outside|RAM)/);
  const [outside] = thrown(() => buildImages(scenarioWith(dir, text('0xffffffffffffffff'))));
  assert.match(
    outside,
    /s\.yaml:3:20: .*entry 0xffffffffffffffff is outside RAM \(0x40000000\.\.0x47ffffff\)/,
  );
});

test('a binary with an explicit entry starts there, not at the ELF entry', () => {
  const dir = tmp();
  const code = new Uint8Array(16);
  writeFileSync(
    join(dir, 'g.elf'),
    buildElf({ entry: 0x4010_0000n, segments: [{ vaddr: 0x4010_0000n, data: code }] }),
  );
  const own = buildImages(scenarioWith(dir, 'version: 1\nguest:\n  vcpu0: { binary: g.elf }\n'));
  assert.equal(own[0]?.entry, 0x4010_0000);
  const given = buildImages(
    scenarioWith(dir, 'version: 1\nguest:\n  vcpu0: { binary: g.elf, entry: 0x40100008 }\n'),
  );
  assert.equal(given[0]?.entry, 0x4010_0008);
});

test('expect.exit can name every way a run ends, idle included', () => {
  for (const end of ['poweroff', 'reset', 'limit', 'idle'] as const) {
    const s = parseScenario(`version: 1\n${GUEST}expect: { exit: ${end} }\n`, '/t.yaml', {
      checkFiles: false,
    });
    assert.equal(s.expect.exit, end);
    const facts = { end, ticks: 5, acks: [], uart: '', cpus: [], ram: undefined as never };
    assert.deepEqual(
      checkExpectations(s.expect, facts).map((v) => [v.name, v.ok]),
      [['exit', true]],
    );
    const other = { ...facts, end: end === 'idle' ? ('limit' as const) : ('idle' as const) };
    assert.equal(checkExpectations(s.expect, other)[0].ok, false);
  }
});

test('images are placed against machine.memory, not the default RAM size', () => {
  const dir = tmp();
  writeFileSync(join(dir, 'flat.bin'), new Uint8Array(64));
  const text = (memory: string) =>
    `version: 1\nmachine: { memory: ${memory} }\nguest:\n  vcpu0: { binary: flat.bin, entry: 0x48000000 }\n`;
  assert.equal(buildImages(scenarioWith(dir, text('256M')))[0]?.entry, 0x4800_0000);
  const [outside] = thrown(() => buildImages(scenarioWith(dir, text('128M'))));
  assert.match(outside, /entry 0x48000000 is outside RAM \(0x40000000\.\.0x47ffffff\)/);
});

test('deep nesting is refused before parsing (the answer never depends on the stack left); brackets in quotes and comments do not count', () => {
  const open = '['.repeat(300);
  assert.deepEqual(errorsOf(`version: 1\n${GUEST}x: ${open}${']'.repeat(300)}\n`), [
    '3:260: YAML: nesting too deep to parse (more than 256 open brackets; a scenario nests a few levels)',
  ]);
  const s = parseScenario(
    `version: 1 # ${open}\nname: "${open}"\ndescription: '${open}'\n${GUEST}`,
    '/t.yaml',
    {
      checkFiles: false,
    },
  );
  assert.equal(s.name, open);
  assert.match(
    errorsOf(`version: 1\n${GUEST}x:\n${' '.repeat(1100)}y: 1\n`)[0],
    /^4:1025: YAML: indented more than 1024 columns/,
  );
});
