// The MMIO register-table framework (src/hw/mmio): dispatch and the
// check_region rules every table-driven frame relies on.

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { perIrq, register } from '../../../src/hw/mmio/builders.ts';
import {
  ACCESS_8,
  ACCESS_32,
  findRegion,
  type MmioRegion,
  MmioTable,
  uread,
} from '../../../src/hw/mmio/region.ts';

/** A frame with a word register at 0, a 1-bit-per-IRQ range at 0x80 and a byte-per-IRQ range at 0x400. */
function frame(opts: { nrIrqs?: number; cpus?: number } = {}) {
  const bits = new Uint8Array(1024);
  const bytes = new Uint8Array(1024);
  const log: string[] = [];
  let ctlr = 0;
  const table: MmioRegion[] = [
    register({
      name: 'CTLR',
      offset: 0,
      read: () => ctlr,
      write: (_c, _o, _s, v) => {
        ctlr = v;
      },
    }),
    register({ name: 'WO', offset: 4, write: (c, _o, _s, v) => log.push(`wo ${c} ${v}`) }),
    perIrq({
      name: 'BITS',
      offset: 0x80,
      len: 0x80,
      bitsPerIrq: 1,
      read: (_c, id) => bits[id],
      write: (_c, id, b) => {
        bits[id] = b;
      },
      uwrite: (_c, id, b) => {
        bits[id] = b;
      },
    }),
    perIrq({
      name: 'BYTES',
      offset: 0x400,
      len: 0x400,
      bitsPerIrq: 8,
      widths: ACCESS_8 | ACCESS_32,
      read: (c, id) => (bytes[id] + c) & 0xff,
      write: (_c, id, b) => {
        bytes[id] = b;
      },
    }),
  ];
  const nrIrqs = opts.nrIrqs;
  const dev = new MmioTable(table, {
    nrIrqs: nrIrqs === undefined ? undefined : () => nrIrqs,
    cpus: opts.cpus,
  });
  return { dev, bits, bytes, log, ctlr: () => ctlr };
}

describe('MmioTable', () => {
  it('finds regions by binary search and reports gaps', () => {
    const { dev } = frame();
    assert.equal(findRegion(dev.table, 0x0)?.name, 'CTLR');
    assert.equal(findRegion(dev.table, 0xff)?.name, 'BITS');
    assert.equal(findRegion(dev.table, 0x7ff)?.name, 'BYTES');
    assert.equal(findRegion(dev.table, 0x8), null);
    assert.equal(findRegion(dev.table, 0x800), null);
    assert.equal(dev.region('BYTES')?.offset, 0x400);
  });

  it('rejects overlapping regions', () => {
    const a = register({ name: 'A', offset: 0, len: 8 });
    const b = register({ name: 'B', offset: 4 });
    assert.throws(() => new MmioTable([a, b]), /B overlaps A/);
  });

  it('word registers: byte, halfword and unaligned accesses are RAZ/WI', () => {
    const f = frame();
    f.dev.write(0, 4, 0x1234, 0);
    assert.equal(f.dev.read(0, 4, 0), 0x1234);
    f.dev.write(0, 1, 0xff, 0);
    f.dev.write(0, 2, 0xff, 0);
    assert.equal(f.ctlr(), 0x1234);
    assert.equal(f.dev.read(0, 1, 0), 0);
    assert.equal(f.dev.read(0, 2, 0), 0);
    assert.equal(f.dev.read(0x82, 4, 0), 0, 'misaligned word');
  });

  it('a write-only register reads as zero; a gap is RAZ/WI', () => {
    const f = frame();
    assert.equal(f.dev.read(4, 4, 0), 0);
    f.dev.write(4, 4, 7, 3);
    assert.deepEqual(f.log, ['wo 3 7']);
    f.dev.write(0x8, 4, 1, 0);
    assert.equal(f.dev.read(0x8, 4, 0), 0);
  });

  it('per-IRQ bits: the INTID comes from the offset, bit k of the word is INTID base+k', () => {
    const f = frame();
    f.dev.write(0x84, 4, 0x8000_0001, 0);
    assert.equal(f.bits[32], 1);
    assert.equal(f.bits[63], 1);
    assert.equal(f.bits[33], 0);
    assert.equal(f.dev.read(0x84, 4, 0), 0x8000_0001);
  });

  it('per-IRQ bytes: byte access where allowed, each byte one INTID, banked by cpu', () => {
    const f = frame();
    f.dev.write(0x400 + 41, 1, 0xa0, 0);
    assert.equal(f.bytes[41], 0xa0);
    f.dev.write(0x400 + 40, 4, 0x44332211, 0);
    assert.deepEqual([...f.bytes.subarray(40, 44)], [0x11, 0x22, 0x33, 0x44]);
    assert.equal(f.dev.read(0x400 + 42, 1, 0), 0x33);
    assert.equal(f.dev.read(0x400 + 42, 1, 2), 0x35, 'the handler sees the accessing cpu');
    assert.equal(f.dev.read(0x400 + 40, 2, 0), 0, 'halfword not allowed');
  });

  it('with an interrupt limit, words covering unimplemented INTIDs are RAZ/WI as a whole', () => {
    const f = frame({ nrIrqs: 64 });
    f.dev.write(0x84, 4, 1, 0);
    assert.equal(f.bits[32], 1);
    f.dev.write(0x88, 4, 1, 0);
    assert.equal(f.bits[64], 0);
    f.dev.write(0x400 + 63, 1, 9, 0);
    f.dev.write(0x400 + 64, 1, 9, 0);
    assert.equal(f.bytes[63], 9);
    assert.equal(f.bytes[64], 0);
  });

  it('accesses from an absent cpu are RAZ/WI', () => {
    const f = frame({ cpus: 2 });
    f.dev.write(0, 4, 5, 2);
    assert.equal(f.ctlr(), 0);
    f.dev.write(0, 4, 5, 1);
    assert.equal(f.dev.read(0, 4, 2), 0);
    assert.equal(f.dev.read(0, 4, 1), 5);
  });

  it('values are masked to the access size', () => {
    const f = frame();
    f.dev.write(0x400, 1, 0x1ff, 0);
    assert.equal(f.bytes[0], 0xff);
    assert.equal(f.bytes[1], 0);
  });

  it('userspace accessors: uwrite sets a whole word without the write path, uread defaults to read', () => {
    const f = frame();
    const r = f.dev.region('BITS')!;
    r.uwrite!(0, 0x80, 0b101);
    assert.deepEqual([...f.bits.subarray(0, 3)], [1, 0, 1]);
    assert.equal(uread(r, 0, 0x80), 0b101);
    assert.equal(f.dev.region('BYTES')!.uwrite, undefined);
  });
});
