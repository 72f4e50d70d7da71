// guests/c as the real cross compiler builds it, loaded with the ELF loader.
// test:cross: aarch64-linux-gnu-gcc (npm test: the ELF recorded in test/fixtures/cross/c-guest.json;
// npm run test:cross compiles it, failing, never skipping, if the compiler is missing)

import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import { loadElf } from '../../../../src/hw/cpu/loader/elf.ts';
import type { LoadResult, LoadTarget } from '../../../../src/hw/cpu/loader/target.ts';
import { GuestRam } from '../../../../src/hw/mem/guest-ram.ts';
import {
  buildCGuest,
  C_GUEST_ENTRY,
  C_GUEST_EXPECTED_CRC,
  C_GUEST_EXPECTED_UART,
  C_GUEST_MESSAGE,
  GuestBuildError,
} from '../../../../scripts/build-guest.ts';
import { C_GUEST_ELF_NAME, cGuestElf } from '../../../cross/c-guest.ts';
import { FakeRam } from './fake-ram.ts';

const PF_X = 1;
const PF_W = 2;
const PF_R = 4;
const HVC_0 = 0xd400_0002; // hvc #0

/** CRC-32 as zlib computes it, written out to check the guest's constant independently. */
function crc32(bytes: Uint8Array): number {
  let crc = 0xffff_ffff;
  for (const b of bytes) {
    crc ^= b;
    for (let k = 0; k < 8; k++) crc = crc & 1 ? (0xedb8_8320 ^ (crc >>> 1)) >>> 0 : crc >>> 1;
  }
  return ~crc >>> 0;
}

/** The pattern main.c's fill_pattern() makes from seed 0x12345678. */
function pattern(): Uint8Array {
  const out = new Uint8Array(256);
  let s = 0x1234_5678;
  for (let i = 0; i < out.length; i++) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    out[i] = s >>> 24;
  }
  return out;
}

describe('C guest (guests/c) built with aarch64-linux-gnu-gcc', () => {
  let elf: Uint8Array;
  let ram: FakeRam;
  let result: LoadResult;

  before(() => {
    elf = cGuestElf();
    ram = new FakeRam();
    result = loadElf(C_GUEST_ELF_NAME, elf, ram);
  });

  it('enters at 0x40080000', () => {
    assert.equal(result.entry, C_GUEST_ENTRY);
  });

  it('has a code segment (R+X) and a data segment (R+W) whose .bss is zero-filled', () => {
    assert.equal(result.segments.length, 2);
    const [text, data] = result.segments;
    assert.equal(text.pa, C_GUEST_ENTRY);
    assert.equal(text.flags, PF_R | PF_X);
    assert.equal(data.flags, PF_R | PF_W);
    assert.ok(data.pa >= text.pa + text.memSize);
    assert.ok(data.memSize > data.fileSize + 0x4000, '.bss holds the 16 KiB stack and the CRC table');
    assert.equal(ram.at(data.pa + data.memSize - 1), 0);
  });

  it('puts the message in memory and starts with code that reaches hvc #0', () => {
    const at = ram.find(C_GUEST_MESSAGE);
    const [text] = result.segments;
    assert.ok(at >= text.pa && at < text.pa + text.memSize, `message at 0x${at.toString(16)}`);
    const code = ram.read(text.pa, text.fileSize);
    const words = new DataView(code.buffer, code.byteOffset, code.byteLength & ~3);
    let hvcs = 0;
    for (let i = 0; i < words.byteLength; i += 4) if (words.getUint32(i, true) === HVC_0) hvcs++;
    assert.ok(hvcs >= 1, 'PSCI SYSTEM_OFF via hvc #0');
  });

  it("loads the same way into the interpreter's GuestRam (which is a LoadTarget)", () => {
    const guestRam = new GuestRam();
    const target: LoadTarget = guestRam;
    const r = loadElf(C_GUEST_ELF_NAME, elf, target);
    assert.deepEqual(r, result);
    const text = guestRam.readBytes(r.segments[0].pa, r.segments[0].fileSize);
    assert.ok(Buffer.from(text).includes(Buffer.from(C_GUEST_MESSAGE, 'latin1')));
  });

  it('expects the CRC that the host computes for the same input', () => {
    const input = Buffer.concat([Buffer.from(C_GUEST_MESSAGE, 'latin1'), pattern()]);
    assert.equal(crc32(input), C_GUEST_EXPECTED_CRC);
    assert.equal(
      C_GUEST_EXPECTED_UART,
      `crc32=0x${C_GUEST_EXPECTED_CRC.toString(16).padStart(8, '0')}\nPASS\n`,
    );
  });
});

describe('buildCGuest without a compiler', () => {
  it('names the Debian package to install', () => {
    assert.throws(
      () => buildCGuest({ cc: 'aarch64-nonexistent-gcc' }),
      (e: unknown) =>
        e instanceof GuestBuildError &&
        /aarch64-nonexistent-gcc not found: install the Debian package gcc-aarch64-linux-gnu/.test(e.message),
    );
  });
});
