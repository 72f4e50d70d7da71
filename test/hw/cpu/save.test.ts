// CPU save/restore: state hashes, canonical JSON, runs resumed from a snapshot.
// test:cross: aarch64-linux-gnu-as, -objcopy (npm test: the bytes recorded in test/fixtures/cross/)

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { Cpu } from '../../../src/hw/cpu/cpu.ts';
import { canonicalJson, parseCanonicalJson, stateHash } from '../../../src/sim/snapshot.ts';
import { GuestRam } from '../../../src/hw/mem/guest-ram.ts';
import { gnuAssemble } from './helpers/gnu-as.ts';
import { CODE_BASE, Guest, RAM_BASE, RAM_SIZE } from './helpers/guest.ts';

// A guest that keeps changing registers, memory, flags and the stack.
const LOOP = `
_start: mov x0, #0
        adr x5, buf
loop:   add x0, x0, #3
        eor x1, x1, x0, lsl #7
        ror x1, x1, #5
        and x4, x0, #0x3f8
        str x1, [x5, x4]
        stp x0, x1, [sp, #-16]!
        ldp x2, x3, [sp], #16
        cmp x0, x1
        csinc x6, x6, x0, lo
        ldxr x7, [x5]
        b loop
        .balign 4096
buf:    .skip 4096
`;

describe('cpu + RAM: save/restore', () => {
  it('round trip at any point gives the same state and the same future', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 400 }), fc.integer({ min: 1, max: 300 }), (pre, post) => {
        const a = new Guest(LOOP).setSp(RAM_BASE + 0x8000);
        a.cpu.setIrq(true);
        a.run(pre);
        const snap = parseCanonicalJson<{ ram: ReturnType<GuestRam['save']>; cpu: ReturnType<Cpu['save']> }>(
          canonicalJson({ ram: a.ram.save(), cpu: a.cpu.save() }),
        );
        const ram = new GuestRam(RAM_BASE, RAM_SIZE);
        const b = new Cpu(0, ram, a.port);
        ram.restore(snap.ram);
        b.restore(snap.cpu);
        assert.equal(
          stateHash({ r: ram.save(), c: b.save() }),
          stateHash({ r: a.ram.save(), c: a.cpu.save() }),
        );
        a.run(post);
        b.run(post);
        assert.equal(
          stateHash({ r: ram.save(), c: b.save() }),
          stateHash({ r: a.ram.save(), c: a.cpu.save() }),
        );
      }),
      { numRuns: 40 },
    );
  });

  it('restores an outstanding MMIO exit', () => {
    const a = new Guest('ldr w0, [x9]').setX(9, 0x0801_0000);
    a.port.exitAt.add(0x0801_0000);
    a.run(1).assertStop('mmio-exit');
    const ram = new GuestRam(RAM_BASE, RAM_SIZE);
    const b = new Cpu(0, ram, a.port);
    ram.restore(a.ram.save());
    b.restore(a.cpu.save());
    b.completeMmioRead(7);
    assert.equal(b.getX(0), 7n);
    assert.equal(b.pc, CODE_BASE + 4);
  });
});

describe('cpu: GNU as cross-check', () => {
  it('runs a binutils-assembled loop (sum 1..100)', () => {
    const code = gnuAssemble('mov x0, #0\nmov x1, #100\n1: add x0, x0, x1\nsubs x1, x1, #1\nb.ne 1b\nhvc #0');
    new Guest(code).runToStop().assertStop('hvc').assertX(0, 5050);
  });
});
