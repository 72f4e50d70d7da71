import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import fc from 'fast-check';
import { DEFAULT_MACHINE, loadScenarioFile, parseScenario } from '../../src/scenario/index.ts';
import { errorsOf, MINIMAL, parse } from './helpers.ts';

const FIXTURES = new URL('./fixtures/', import.meta.url).pathname;

test('minimal scenario: defaults of SCENARIOS.md applied', () => {
  const s = parse(MINIMAL);
  assert.equal(s.version, 1);
  assert.equal(s.name, 't');
  assert.deepEqual(s.machine, {
    gic: 'v2',
    vcpus: 1,
    spis: 64,
    counterHz: 62_500_000,
    cpuHz: 1_000_000_000,
    policy: 'level',
    nLR: 4,
    hostTickHz: 0,
    exitCycles: 0,
    entryCycles: 0,
    preemptCycles: 0,
    choices: 'seeded',
    mappedSpis: [],
    limits: { ticks: 10_000_000, instructions: 10_000_000 },
    start: 'boot',
    memory: 128 * 1024 * 1024,
    rtc: 1_704_067_200,
  });
  assert.deepEqual(s.machine, {
    ...DEFAULT_MACHINE,
    limits: { ...DEFAULT_MACHINE.limits },
    memory: 128 * 1024 * 1024,
  });
  assert.deepEqual(s.host, []);
  assert.deepEqual(s.expect, { acknowledged: [], never: [], registers: [], memory: [] });
  assert.equal(s.guest.kind, 'vcpus');
});

test('the SCENARIOS.md example loads, fully typed', () => {
  const file = join(FIXTURES, 'full-example.yaml');
  const s = loadScenarioFile(file);
  assert.equal(s.name, 'seed-masked-enable-disable');
  assert.equal(s.description, 'free text');
  assert.equal(s.machine.vcpus, 2);
  assert.equal(s.guest.kind, 'vcpus');
  if (s.guest.kind !== 'vcpus') return;
  const [v0, v1] = s.guest.vcpus;
  assert.equal(v0?.image.kind, 'asm');
  assert.equal(v1?.sameAs, 0);
  assert.equal(v1?.image, v0?.image, '`same` shares the very image object');
  assert.deepEqual(
    s.host.map((e) => [e.trigger, e.action]),
    [
      [
        { kind: 'at', ticks: 5000 },
        { kind: 'irqLine', intid: 40, level: 1 },
      ],
      [{ kind: 'after', vcpu: 0, label: 'step3' }, { kind: 'exit' }],
      [{ kind: 'at', ticks: 9000 }, { kind: 'saveRestore' }],
      [
        { kind: 'at', ticks: 9500 },
        { kind: 'counterOffset', value: 1000n },
      ],
    ],
  );
  assert.deepEqual(s.host[1].where, { file, line: 32, column: 5 });
  assert.deepEqual(s.expect.acknowledged, [{ vcpu: 0, kind: 'sequence', intids: [27, 27] }]);
  assert.deepEqual(s.expect.never, [27]);
  assert.deepEqual(
    s.expect.registers.map((r) => [r.vcpu, r.register, r.value]),
    [[0, 'x20', 0n]],
  );
  assert.deepEqual(
    s.expect.memory.map((m) => [m.address, m.value, m.where.line, m.where.column]),
    [[0x40100000n, 1, 43, 25]],
  );
  assert.deepEqual(s.expect.uart, { kind: 'exact', text: 'PASS\n' });
  assert.equal(s.expect.exit, 'poweroff');
  assert.equal(s.expect.divergence, 'none');
});

test('64-bit values stay exact: hex max, -1 wraps, 2^53+1', () => {
  const s = parse(`version: 1
guest: { vcpu0: "nop" }
host:
  - at: 9007199254740991
    counterOffset: 0xffffffffffffffff
  - at: 9007199254740991
    counterOffset: -1
  - at: 9007199254740991
    counterOffset: 9007199254740993
  - at: 9007199254740991
    counterOffset: "0xffff_ffff_0000_0001"
expect:
  registers: { vcpu0: { x0: -9223372036854775808, sp: 0x8000000000000000, pc: 18446744073709551615 } }
  memory: { 0xffffffffffff0000: -1, 18446744073709551612: 0xffffffff }
`);
  const U64_MAX = (1n << 64n) - 1n;
  assert.deepEqual(
    s.host.map((e) => (e.action.kind === 'counterOffset' ? e.action.value : undefined)),
    [U64_MAX, U64_MAX, (1n << 53n) + 1n, 0xffff_ffff_0000_0001n],
  );
  assert.equal(s.host[0].trigger.kind === 'at' && s.host[0].trigger.ticks, Number.MAX_SAFE_INTEGER);
  assert.deepEqual(
    s.expect.registers.map((r) => r.value),
    [1n << 63n, 1n << 63n, U64_MAX],
  );
  assert.deepEqual(
    s.expect.memory.map((m) => [m.address, m.value]),
    [
      [0xffffffffffff0000n, 0xffffffff],
      [U64_MAX - 3n, 0xffffffff],
    ],
  );
});

test('times of 2^53 ticks or more, and values beyond 64 bits, are errors', () => {
  assert.deepEqual(
    errorsOf(`version: 1
guest: { vcpu0: "nop" }
host:
  - at: 9007199254740992
    exit: host
  - at: 9007199254740993
    counterOffset: 0x10000000000000000
`),
    [
      '4:9: host[0].at: expected a time in ticks 0..2^53-1, found 9007199254740992',
      '6:9: host[1].at: expected a time in ticks 0..2^53-1, found 9007199254740993',
      '7:20: host[1].counterOffset: expected a 64-bit integer (decimal, 0x-hex, or negative decimal taken modulo 2^64), found 0x10000000000000000',
    ],
  );
});

test('inline assembly position: `|` and `|-` blocks start on the next line at the block indentation', () => {
  const s = parse(`version: 1
machine: { vcpus: 4 }
guest:
  vcpu0: |   # a comment on the header line
      nop
        b .
  vcpu1: |-

        mov x0, #1
  vcpu2:    |2
       indented
  vcpu3: 'mov x1, #2'
`);
  assert.equal(s.guest.kind, 'vcpus');
  if (s.guest.kind !== 'vcpus') return;
  const src = s.guest.vcpus.map((v) => (v?.image.kind === 'asm' ? v.image.source : undefined));
  // Indentation from the first content line (6 spaces): text column 1 is file column 7.
  assert.deepEqual(src[0], { text: 'nop\n  b .\n', file: '/scenarios/t.yaml', line: 5, column: 7 });
  // A leading empty line is line 1 of the text: it still starts right after the header.
  assert.deepEqual([src[1]?.text, src[1]?.line, src[1]?.column], ['\nmov x0, #1', 8, 9]);
  // Explicit indentation indicator: the parent's indentation (2) + 2, so column 5.
  assert.deepEqual([src[2]?.text, src[2]?.line, src[2]?.column], ['   indented\n', 11, 5]);
  // A quoted one-line string: its content, just after the quote.
  assert.deepEqual([src[3]?.text, src[3]?.line, src[3]?.column], ['mov x1, #2', 12, 11]);
});

test('a plain one-line string is located at the value', () => {
  // (A plain `hvc #0` would lose `#0`: YAML reads ` #` as a comment.)
  const s = parse('version: 1\nguest:\n  vcpu0: b .\n');
  assert.equal(s.guest.kind, 'vcpus');
  if (s.guest.kind !== 'vcpus') return;
  const img = s.guest.vcpus[0]?.image;
  assert.deepEqual(img?.kind === 'asm' && [img.source.text, img.source.line, img.source.column], [
    'b .',
    3,
    10,
  ]);
});

test('same: vcpu2 and vcpu3 share the image of vcpu1; vcpus without code stay undefined', () => {
  const s = parse(`version: 1
machine: { vcpus: 4, start: all }
guest:
  vcpu0: nop
  vcpu1: { binary: guest.elf, entry: 0x40080000 }
  vcpu2: { same: vcpu1 }
`);
  assert.equal(s.guest.kind, 'vcpus');
  if (s.guest.kind !== 'vcpus') return;
  const [, v1, v2, v3] = s.guest.vcpus;
  assert.equal(s.guest.vcpus.length, 4);
  assert.equal(v2?.image, v1?.image);
  assert.equal(v2?.sameAs, 1);
  assert.equal(v1?.sameAs, undefined);
  assert.equal(v3, undefined);
  assert.equal(v1?.image.kind === 'binary' && v1.image.entry, 0x40080000n);
  assert.equal(s.machine.start, 'all');
});

test('linux guest: paths resolved against the scenario file, dtb defaults to auto', () => {
  const dir = mkdtempSync(join(tmpdir(), 'vgicsim-scenario-'));
  writeFileSync(join(dir, 'Image'), 'kernel');
  writeFileSync(join(dir, 'initrd.gz'), 'initrd');
  const file = join(dir, 'boot.yaml');
  writeFileSync(
    file,
    'version: 1\nmachine: { vcpus: 2 }\nguest:\n  linux:\n    kernel: Image\n    initrd: ./initrd.gz\n    bootargs: "console=ttyAMA0"\n',
  );
  const s = loadScenarioFile(file);
  assert.equal(s.guest.kind, 'linux');
  if (s.guest.kind !== 'linux') return;
  assert.deepEqual(s.guest.linux.kernel, {
    written: 'Image',
    resolved: join(dir, 'Image'),
    where: { file, line: 5, column: 13 },
  });
  assert.equal(s.guest.linux.initrd?.resolved, join(dir, 'initrd.gz'));
  assert.equal(s.guest.linux.initrd?.written, './initrd.gz');
  assert.equal(s.guest.linux.bootargs, 'console=ttyAMA0');
  assert.equal(s.guest.linux.dtb, 'auto');
});

test('missing files are reported at the path value, relative to the scenario file', () => {
  const dir = mkdtempSync(join(tmpdir(), 'vgicsim-scenario-'));
  writeFileSync(join(dir, 'present.elf'), 'x');
  const file = join(dir, 's.yaml');
  const text = `version: 1
machine: { vcpus: 2 }
guest:
  vcpu0: { binary: present.elf }
  vcpu1: { binary: sub/missing.elf }
`;
  assert.deepEqual(errorsOf(text, file, true), [
    `5:20: guest.vcpu1.binary: file not found: 'sub/missing.elf' (looked for ${join(dir, 'sub/missing.elf')})`,
  ]);
  const linux = 'version: 1\nguest:\n  linux: { kernel: Image, dtb: board.dtb }\n';
  assert.deepEqual(errorsOf(linux, file, true), [
    `3:20: guest.linux.kernel: file not found: 'Image' (looked for ${join(dir, 'Image')})`,
    `3:32: guest.linux.dtb: file not found: 'board.dtb' (looked for ${join(dir, 'board.dtb')})`,
  ]);
  mkdirSync(join(dir, 'sub'));
  writeFileSync(join(dir, 'sub/missing.elf'), 'now present');
  const s = parseScenario(text, file);
  assert.equal(
    s.guest.kind === 'vcpus' &&
      s.guest.vcpus[0]?.image.kind === 'binary' &&
      s.guest.vcpus[0].image.path.resolved,
    join(dir, 'present.elf'),
  );
});

test('loadScenarioFile: an unreadable file is a located ScenarioError, not a stack trace', () => {
  assert.throws(
    () => loadScenarioFile('/nonexistent/x.yaml'),
    (e: unknown) =>
      e instanceof Error &&
      e.name === 'ScenarioError' &&
      e.message === '/nonexistent/x.yaml:1:1: cannot read the scenario file: no such file',
  );
});

test('property: any 64-bit value written in decimal, hex or negative decimal loads exactly', () => {
  fc.assert(
    fc.property(fc.bigInt({ min: -(1n << 63n), max: (1n << 64n) - 1n }), fc.boolean(), (v, asHex) => {
      const written = asHex && v >= 0n ? `0x${v.toString(16)}` : v.toString();
      const s = parse(
        `version: 1\nguest: { vcpu0: nop }\nexpect: { registers: { vcpu0: { x1: ${written} } } }\n`,
      );
      assert.equal(s.expect.registers[0].value, BigInt.asUintN(64, v));
    }),
  );
});
