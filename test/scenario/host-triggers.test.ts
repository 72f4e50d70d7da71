// `at: { from, to }` windows and `after: { vcpu, address | label, hit }`.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { runScenario } from '../../src/scenario/run.ts';
import { errorsOf, parse } from './helpers.ts';

const GUEST = `version: 1
machine: { limits: { ticks: 100000, instructions: 10000 } }
guest:
  vcpu0: |
    _start:
        mov x5, #3
    loop:
        subs x5, x5, #1
        b.ne loop
        ldr x0, =0x84000008
        hvc #0
`;

test('at: { from, to } normalizes to ticks = from with the window end', () => {
  const s = parse(
    `${GUEST}host:\n  - at: { from: 10, to: 20 }\n    exit: host\n  - at: 30\n    exit: host\n`,
  );
  assert.deepEqual(s.host[0].trigger, { kind: 'at', ticks: 10, to: 20 });
  assert.deepEqual(s.host[1].trigger, { kind: 'at', ticks: 30 });
});

test('a window that ends before it starts, or both label and address: located errors', () => {
  assert.deepEqual(errorsOf(`${GUEST}host:\n  - at: { from: 20, to: 10 }\n    exit: host\n`), [
    '13:25: host[0].at: the window ends before it starts (to 10 < from 20)',
  ]);
  const both = errorsOf(
    `${GUEST}host:\n  - after: { vcpu: 0, label: loop, address: 0x40080004 }\n    exit: host\n`,
  );
  assert.equal(both.length, 1);
  assert.match(both[0], /^13:\d+: host\[0\]\.after: give exactly one of label or address$/);
  const odd = errorsOf(`${GUEST}host:\n  - after: { vcpu: 0, address: 0x40080006 }\n    exit: host\n`);
  assert.match(odd[0], /multiple of 4/);
});

test('after with hit: fires on the n-th execution only; address is the label', () => {
  const every = parse(`${GUEST}host:\n  - after: { vcpu: 0, label: loop }\n    exit: host\n`);
  const third = parse(`${GUEST}host:\n  - after: { vcpu: 0, address: 0x40080004, hit: 3 }\n    exit: host\n`);
  const second = parse(`${GUEST}host:\n  - after: { vcpu: 0, label: loop, hit: 2 }\n    exit: host\n`);
  assert.equal(runScenario(every).costs.hyp.exits.host, 3);
  assert.equal(runScenario(third).costs.hyp.exits.host, 1);
  assert.equal(runScenario(second).costs.hyp.exits.host, 1);
  const never = parse(`${GUEST}host:\n  - after: { vcpu: 0, label: loop, hit: 4 }\n    exit: host\n`);
  assert.equal(runScenario(never).costs.hyp.exits.host, 0);
});
