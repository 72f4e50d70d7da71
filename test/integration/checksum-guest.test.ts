// guests/asm/checksum.s end to end: calls, returns, recursion and stack
// frames (stp/ldp), byte loads/stores, udiv/msub, PL011 output by polling
// and PSCI SYSTEM_OFF, on the reference machine and under the VM. The same
// source assembled by GNU as + ld must give the same bytes.
// test:cross: aarch64-linux-gnu-as, -ld, -objcopy (npm test: the bytes recorded in test/fixtures/cross/)

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { assembleGuest, gnuGuestBytes, hex, MACHINE_KINDS, runAsmGuest, sym } from './helpers.ts';

/** The guest's buffer: LCG from 0x12345678, byte = state >> 24 (as guests/c). */
function pattern(): Uint8Array {
  const out = new Uint8Array(256);
  let s = 0x1234_5678;
  for (let i = 0; i < out.length; i++) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    out[i] = s >>> 24;
  }
  return out;
}

/** Adler-32 as zlib defines it (RFC 1950 8.2). */
function adler32(bytes: Uint8Array): number {
  let a = 1;
  let b = 0;
  for (const x of bytes) {
    a = (a + x) % 65521;
    b = (b + a) % 65521;
  }
  return ((b << 16) | a) >>> 0;
}

const fib = (n: number): number => (n < 2 ? n : fib(n - 1) + fib(n - 2));
const hex8 = (v: number): string => v.toString(16).padStart(8, '0');

const EXPECTED_ADLER = adler32(pattern());
const EXPECTED_FIB = fib(15);
const EXPECTED_UART = `adler32=0x${hex8(EXPECTED_ADLER)}\nfib15=0x${hex8(EXPECTED_FIB)}\n`;

describe('checksum.s (assembly guest: calls, stack, PL011, PSCI)', () => {
  const img = assembleGuest('checksum.s');

  it('assembles to the same bytes as GNU as + ld', () => {
    const gnu = gnuGuestBytes(img, 'checksum.s');
    assert.equal(gnu.length, img.bytes.length, 'image length');
    assert.deepEqual(img.bytes, gnu);
  });

  const instructions: number[] = [];
  for (const kind of MACHINE_KINDS) {
    it(`${kind}: prints Adler-32 and fib(15), leaves them in x19/x20 and RAM, powers off`, (t) => {
      const { m, end } = runAsmGuest(kind, img);
      assert.equal(end, 'poweroff', `UART so far: ${JSON.stringify(m.uart())}`);
      assert.equal(m.uart(), EXPECTED_UART);
      const cpu = m.cpu(0);
      assert.equal(cpu.getX(19), BigInt(EXPECTED_ADLER), `x19 = ${hex(cpu.getX(19))}`);
      assert.equal(cpu.getX(20), BigInt(EXPECTED_FIB));
      const result = sym(img, 'result');
      assert.equal(m.read32(result), EXPECTED_ADLER);
      assert.equal(m.read32(result + 4), EXPECTED_FIB);
      assert.equal(m.read64(result + 8), BigInt(sym(img, 'stack_top')), 'stack balanced after every call');
      assert.equal(cpu.getSp(), BigInt(sym(img, 'stack_top')));
      assert.equal(cpu.pc, sym(img, 'parked'), 'stopped right after the SYSTEM_OFF hvc');
      instructions.push(m.instructions());
      t.diagnostic(`${kind}: ${m.instructions()} guest instructions`);
    });
  }

  it('retires the same instructions everywhere (the guest takes no interrupts)', () => {
    assert.equal(instructions.length, MACHINE_KINDS.length);
    assert.ok(instructions.every((n) => n === instructions[0]));
  });
});
