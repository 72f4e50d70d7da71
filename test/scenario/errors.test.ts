import assert from 'node:assert/strict';
import { test } from 'node:test';
import { errorsOf, parse } from './helpers.ts';

test('YAML syntax errors are located and reported alone', () => {
  assert.deepEqual(errorsOf('version: 1\nguest:\n  vcpu0: [nop\nhost: 3\n'), [
    '4:1: YAML: Flow sequence in block collection must be sufficiently indented and end with a ]',
  ]);
  assert.deepEqual(errorsOf('version: 1\nversion: 1\nguest: { vcpu0: nop }\n'), [
    "2:1: YAML: Map keys must be unique: 'version' is already at 1:1",
  ]);
});

test('empty file', () => {
  assert.deepEqual(errorsOf(''), [
    '1:1: the file is empty: expected a mapping with at least version: 1 and guest',
  ]);
});

test('machine: wrong values at the value, unknown keys at the key (gic: v3 with an unknown policy: only the policy)', () => {
  const text = `version: 1
machine:
  vcpus: 124
  polcy: level
  gic: v3
  spis: 40
  nLR: 0x41
  policy: edge
  counterHz: 1.5
guest: { vcpu0: nop }
`;
  assert.deepEqual(errorsOf(text), [
    '3:10: machine.vcpus: expected an integer 1..123, found 124',
    "4:3: unknown key 'polcy' in machine (expected one of: gic, vcpus, pcpus, spis, counterHz, cpuHz, policy, nLR, hostTickHz, exitCycles, entryCycles, mappedSpis, choices, preemptCycles, limits, start, memory, rtc)",
    "6:9: machine.spis: expected a multiple of 32 in 0..960 (the vgic's limit, as KVM's), found 40",
    '7:8: machine.nLR: expected an integer 2..64 (with fewer list registers KVM livelocks on underflow maintenance), found 0x41',
    "8:11: machine.policy: expected one of: 'linux-4.2', 'linux-4.3', 'linux-7.0', 'trap-timer', 'level', 'legacy-edge', found 'edge'",
    '9:14: machine.counterHz: expected an integer 1..4294967295 (Hz), found 1.5',
  ]);
});

test('machine.gic: v3 is accepted under every generation (each has vgic-v3; linux-4.2/4.3 through the old vgic.c)', () => {
  for (const policy of ['linux-4.2', 'linux-4.3', 'legacy-edge', 'level', 'trap-timer'])
    assert.equal(
      parse(`version: 1\nmachine: { gic: v3, policy: ${policy} }\nguest: { vcpu0: nop }\n`).machine.gic,
      'v3',
      policy,
    );
});

test('top level: version, missing guest, unknown key', () => {
  assert.deepEqual(errorsOf('version: 2\nnmae: x\n'), [
    "1:1: the top level: missing required key 'guest'",
    '1:10: version: expected 1, found 2',
    "2:1: unknown key 'nmae' in the top level (expected one of: version, name, description, machine, guest, host, expect, conformance)",
  ]);
});

test('guest: vcpu beyond machine.vcpus, bad same, linux exclusive, union alternatives', () => {
  const text = `version: 1
machine: { vcpus: 2 }
guest:
  vcpu0: nop
  vcpu1: { same: vcpu2 }
  vcpu2: { same: vcpu1 }
  vcpu3: 7
  vcpu4: { bnary: x.elf }
`;
  assert.deepEqual(errorsOf(text), [
    "5:18: guest.vcpu1.same: '' is itself { same: ... }; name the vcpu that has the code".replace(
      "''",
      "'vcpu2'",
    ),
    '6:3: guest.vcpu2: the machine has 2 vcpu(s) (machine.vcpus), so vcpu2 does not exist',
    "6:18: guest.vcpu2.same: 'vcpu1' is itself { same: ... }; name the vcpu that has the code",
    '7:3: guest.vcpu3: the machine has 2 vcpu(s) (machine.vcpus), so vcpu3 does not exist',
    '7:10: guest.vcpu3: expected assembly text, { binary: path, entry? } or { same: vcpuM }, found 7',
    '8:3: guest.vcpu4: the machine has 2 vcpu(s) (machine.vcpus), so vcpu4 does not exist',
    "8:10: guest.vcpu4: missing required key 'binary'",
    "8:12: unknown key 'bnary' in guest.vcpu4 (expected one of: binary, entry)",
  ]);
  assert.deepEqual(errorsOf('version: 1\nguest:\n  vcpu0: nop\n  linux: { kernel: Image }\n'), [
    '3:3: guest.vcpu0: vcpuN keys cannot be combined with guest.linux',
  ]);
  assert.deepEqual(errorsOf('version: 1\nguest:\n  vcpu1: nop\n'), [
    '2:1: guest: expected code for vcpu0 (the boot vcpu): add guest.vcpu0 or guest.linux',
    '3:3: guest.vcpu1: the machine has 1 vcpu(s) (machine.vcpus), so vcpu1 does not exist',
  ]);
  assert.deepEqual(errorsOf('version: 1\nguest:\n  vcpu0: { same: vcpu0 }\n'), [
    "3:18: guest.vcpu0.same: a vcpu cannot share its own image, found 'vcpu0'",
  ]);
  assert.deepEqual(
    errorsOf('version: 1\nguest:\n  vcpu8: nop\n')[1],
    [
      "3:3: unknown key 'vcpu8' in guest (expected one of: vcpu0, vcpu1, vcpu2, vcpu3, vcpu4, vcpu5, vcpu6, vcpu7, linux)",
    ][0],
  );
});

test('host events: trigger/action counts, irqLine rules, time order', () => {
  const text = `version: 1
machine: { vcpus: 2, spis: 32 }
guest: { vcpu0: nop }
host:
  - at: 9500
    irqLine: { intid: 5, level: 1 }
  - at: 9000
    irqLine: { intid: 23, level: 2 }
  - at: 9600
    exit: host
    saveRestore: true
  - after: { vcpu: 2, label: step3 }
    irqLine: { intid: 40, level: 1, vcpu: 0 }
  - irqLine: { intid: 64, level: 1 }
  - at: 9700
  - at: 9800
    after: { vcpu: 0, label: x }
    exit: host
  - at: 1
    exit: crash
`;
  assert.deepEqual(errorsOf(text), [
    '6:23: host[0].irqLine.intid: SGIs (0..15) cannot be raised by KVM_IRQ_LINE (a guest sends them by writing GICD_SGIR); expected an INTID 16..1019, found 5',
    '7:9: host[1]: events with `at` must be in time order (9000 after 9500)',
    '8:14: host[1].irqLine: INTID 23 is a PPI (16..31), private to one vcpu: expected vcpu: <n>',
    '8:34: host[1].irqLine.level: expected 0 or 1, found 2',
    '11:5: host[2]: expected one action per event, found exit and saveRestore',
    '12:20: host[3].after.vcpu: the machine has 2 vcpu(s) (machine.vcpus), so vcpu2 does not exist',
    '13:37: host[3].irqLine.vcpu: not allowed for an SPI (32..): the guest routes SPIs',
    '14:5: host[4]: expected a time: at: <ticks> or after: { vcpu, label }',
    '14:23: host[4].irqLine.intid: the machine has SPIs 32..63 (machine.spis: 32), found 64',
    '15:5: host[5]: expected one action: irqLine, exit, saveRestore, counterOffset, preempt, vmmMigrate, choose',
    '17:5: host[6]: give either at or after, not both',
    '19:9: host[7]: events with `at` must be in time order (1 after 9800)',
    "20:11: host[7].exit: expected 'host', found 'crash'",
  ]);
});

test('expect: unknown registers, memory keys and values, counts, uart, exit', () => {
  const text = `version: 1
guest: { vcpu0: nop }
expect:
  acknowledged: { vcpu0: { count: { 27: x, 0x1c: 1, 2000: 1 } }, vcpu1: [27] }
  never: [1023]
  registers: { vcpu0: { x31: 1, x0: -1 } }
  memory: { 0x40100000: 0x1ffffffff, zz: 1 }
  uart: { contain: PASS }
  exit: halt
  divergence: maybe
`;
  assert.deepEqual(errorsOf(text), [
    "4:41: expect.acknowledged.vcpu0.count.27: expected a count >= 0, found 'x'",
    "4:53: expect.acknowledged.vcpu0.count: expected an INTID 0..1019 as key, found '2000'",
    '4:66: expect.acknowledged.vcpu1: the machine has 1 vcpu(s) (machine.vcpus), so vcpu1 does not exist',
    '5:11: expect.never[0]: expected an INTID 0..1019, found 1023',
    "6:25: unknown key 'x31' in expect.registers.vcpu0 (expected one of: x0, x1, x2, x3, x4, x5, x6, x7, x8, x9, x10, x11, x12, x13, x14, x15, x16, x17, x18, x19, x20, x21, x22, x23, x24, x25, x26, x27, x28, x29, x30, sp, pc)",
    '7:25: expect.memory.0x40100000: expected a 32-bit integer (0..0xffffffff, or negative decimal taken modulo 2^32), found 0x1ffffffff',
    "7:38: expect.memory: expected a 64-bit address as key, found 'zz'",
    "8:9: expect.uart: missing required key 'contains'",
    "8:11: unknown key 'contain' in expect.uart (expected one of: contains)",
    "9:9: expect.exit: expected one of: 'poweroff', 'reset', 'limit', 'idle', found 'halt'",
    "10:15: expect.divergence: expected one of: 'none', 'allowed', found 'maybe'",
  ]);
});

test('all problems of a file at once, in file order, across sections', () => {
  const errors = errorsOf(`version: 1
machine: { vcpus: 0 }
guest: { vcpu0: 12 }
host:
  - at: 20
    exit: host
  - at: 10
    exit: host
expect: { exit: maybe }
`);
  assert.deepEqual(errors, [
    '2:19: machine.vcpus: expected an integer 1..123, found 0',
    '3:17: guest.vcpu0: expected assembly text, { binary: path, entry? } or { same: vcpuM }, found 12',
    '7:9: host[1]: events with `at` must be in time order (10 after 20)',
    "9:17: expect.exit: expected one of: 'poweroff', 'reset', 'limit', 'idle', found 'maybe'",
  ]);
});

test('keys equal as numbers are duplicates even when written differently', () => {
  assert.deepEqual(errorsOf('version: 1\nguest: { vcpu0: nop }\nexpect: { memory: { 0x10: 1, 16: 2 } }\n'), [
    "3:30: YAML: Map keys must be unique: '16' is already at 3:21",
  ]);
});

test('an immediate lost to a YAML comment in plain inline assembly is an error', () => {
  assert.deepEqual(
    errorsOf('version: 1\nmachine: { vcpus: 2 }\nguest:\n  vcpu0: hvc #0\n  vcpu1: nop # a comment\n'),
    [
      "4:10: guest.vcpu0: '#0' after the assembly is a YAML comment, not code: quote the string or use a | block",
    ],
  );
});
