// The freestanding C guest (guests/c), compiled by aarch64-linux-gnu-gcc,
// loaded from its ELF and run to PSCI SYSTEM_OFF on the bare-metal
// reference machine and under the hypervisor with each timer policy.
// test:cross: aarch64-linux-gnu-gcc (npm test: the ELF recorded in test/fixtures/cross/c-guest.json;
// npm run test:cross compiles it, failing, never skipping, if the compiler is missing)

import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import { C_GUEST_ENTRY, C_GUEST_EXPECTED_UART } from '../../scripts/build-guest.ts';
import { loadGuest } from '../../src/hw/cpu/loader/loader.ts';
import { C_GUEST_ELF_NAME, cGuestElf } from '../cross/c-guest.ts';
import { LIMITS, MACHINE_KINDS, type Machine, type MachineKind, makeMachine } from './helpers.ts';

describe('C guest end to end (ELF -> interpreter -> PL011 -> PSCI)', () => {
  let elf: Uint8Array;
  const counts = new Map<MachineKind, number>();

  before(() => {
    elf = cGuestElf();
  });

  const boot = (kind: MachineKind): Machine => {
    const m = makeMachine(kind);
    const r = loadGuest(C_GUEST_ELF_NAME, elf, m.board.ram);
    assert.equal(r.format, 'elf');
    assert.equal(r.entry, C_GUEST_ENTRY);
    m.cpu(0).warmReset(r.entry);
    return m;
  };

  for (const kind of MACHINE_KINDS) {
    it(`${kind}: prints the CRC and PASS, then powers off`, (t) => {
      const m = boot(kind);
      const end = m.run(LIMITS);
      assert.equal(end, 'poweroff', `UART so far: ${JSON.stringify(m.uart())}`);
      assert.equal(m.uart(), C_GUEST_EXPECTED_UART);
      assert.deepEqual(m.acks(), [], 'the C guest takes no interrupts');
      const n = m.instructions();
      assert.ok(n > 10_000 && n < LIMITS.instructions, `instructions ${n}`);
      counts.set(kind, n);
      t.diagnostic(`${kind}: ${n} guest instructions, ${m.board.kernel.now} counter ticks`);
      if (m.vm) {
        const ex = m.vm.counters.exits;
        // Every UART access is a userspace MMIO exit; SYSTEM_OFF is the one HVC.
        assert.equal(ex.hvc, 1);
        assert.equal(
          ex['mmio-user'],
          2 * C_GUEST_EXPECTED_UART.length,
          'one UARTFR poll + one UARTDR write per byte',
        );
        assert.equal(ex['mmio-gicd'], 0);
        t.diagnostic(`${kind}: ${m.vm.counters.entries} guest entries`);
      }
    });
  }

  it('retires the same number of guest instructions on every machine', () => {
    assert.equal(counts.size, MACHINE_KINDS.length, 'the per-machine runs above must all have completed');
    const [first, ...rest] = [...counts.values()];
    for (const n of rest) assert.equal(n, first);
  });
});
