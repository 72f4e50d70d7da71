import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { GuestRam, GuestRamError, PAGE_TOUCHED } from '../../../src/hw/mem/guest-ram.ts';

describe('GuestRam', () => {
  it('is little-endian, bounds-checked, 128 MiB at 0x4000_0000 by default', () => {
    const r = new GuestRam();
    assert.equal(r.size, 128 * 1024 * 1024);
    r.write64(0x4000_0008, 0x1122_3344_5566_7788n);
    assert.equal(r.read8(0x4000_0008), 0x88);
    assert.equal(r.read16(0x4000_000e), 0x1122);
    assert.equal(r.read32(0x4000_000c), 0x1122_3344);
    assert.equal(r.contains(0x47ff_fffc, 4), true);
    assert.equal(r.contains(0x47ff_fffc, 8), false);
    assert.throws(() => r.read32(0x3fff_fffe), GuestRamError);
  });

  it('saves only non-zero pages, restores and re-zeroes touched pages', () => {
    const r = new GuestRam(0x4000_0000, 64 * 1024);
    r.load(0x4000_2000, new Uint8Array([1, 2, 3]));
    r.write32(0x4000_5000, 0); // touched but zero: not saved
    const s = r.save();
    assert.deepEqual(Object.keys(s.pages), ['2']);
    const q = new GuestRam(0x4000_0000, 64 * 1024);
    q.write32(0x4000_7000, 9);
    q.restore(JSON.parse(JSON.stringify(s)));
    assert.equal(q.read32(0x4000_7000), 0);
    assert.deepEqual([...q.readBytes(0x4000_2000, 4)], [1, 2, 3, 0]);
    assert.equal(q.pageFlags[2], PAGE_TOUCHED);
    assert.throws(() => q.restore({ ...s, size: 4096 }), GuestRamError);
  });

  it('tells its code listener about stores into code pages', () => {
    const r = new GuestRam(0x4000_0000, 16 * 1024);
    const seen: number[] = [];
    r.setCodeListener({ onCodeWrite: (off, len) => seen.push(off, len), onCodeReset: () => seen.push(-1) });
    r.pageFlags[1] |= 1;
    r.write16(0x4000_0010, 1);
    r.write16(0x4000_1010, 1);
    assert.deepEqual(seen, [0x1010, 2]);
  });
});
