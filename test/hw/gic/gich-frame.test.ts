import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { HCR_EN, lr, makeVif, readyVif } from './virt-fixture.ts';

describe('GICH frame registers', () => {
  it('GICH_VTR: ListRegs = nLR-1, PREbits = PRIbits = 5-1, read-only', () => {
    for (const n of [1, 4, 64]) {
      const { rH, wH } = makeVif(n);
      assert.equal(rH(0x004), (0x90000000 | (n - 1)) >>> 0);
      wH(0x004, 0);
      assert.equal(rH(0x004), (0x90000000 | (n - 1)) >>> 0);
    }
  });

  it('GICH_HCR: writable fields round-trip, [26:8] RES0', () => {
    const { rH, wH } = makeVif();
    wH(0x000, 0xffffffff);
    assert.equal(rH(0x000), 0xf80000ff);
    wH(0x000, 0x08000005); // EOICount=1, LRENPIE, En
    assert.equal(rH(0x000), 0x08000005);
  });

  it('GICH_VMCR: fields round-trip, reserved bits RES0, binary points clamp to minimum', () => {
    const { rH, wH } = makeVif();
    assert.equal(rH(0x008), (3 << 18) | (2 << 21), 'reset: VMABP=3, VMBP=2');
    wH(0x008, 0xffffffff);
    assert.equal(rH(0x008), 0xf8fc021f);
    wH(0x008, 0);
    assert.equal(rH(0x008), (3 << 18) | (2 << 21), 'VMBP < 2 stores 2, VMABP < 3 stores 3');
    wH(0x008, (0x1f << 27) | (5 << 21) | (6 << 18) | (1 << 9) | 0x1f);
    assert.equal(rH(0x008), ((0x1f << 27) | (5 << 21) | (6 << 18) | (1 << 9) | 0x1f) >>> 0);
  });

  it('GICH_MISR, EISR, ELRSR are read-only', () => {
    const { rH, wH } = makeVif();
    for (const off of [0x010, 0x020, 0x024, 0x030, 0x034]) {
      const before = rH(off);
      wH(off, 0xffffffff);
      assert.equal(rH(off), before, `offset ${off.toString(16)}`);
    }
  });

  it('GICH_LRn: fields round-trip; RES0 bits [22:20], and [18:13] when HW=0', () => {
    const { rLR, wH } = makeVif();
    wH(0x100, 0xffffffff); // HW=1, State=3 -> stored as active (see below)
    assert.equal(rLR(0), 0xef8fffff);
    wH(0x104, 0x7fffffff); // HW=0
    assert.equal(rLR(1), 0x7f881fff);
    const v = lr({ vid: 27, pid: 27, hw: true, prio: 0x14, state: 1, grp1: true });
    wH(0x108, v);
    assert.equal(rLR(2), v);
  });

  it('GICH_LRn with HW=1 is never pending+active: a write of State=3 stores State=2 (active)', () => {
    const { rLR, wH } = makeVif();
    wH(0x100, lr({ vid: 27, pid: 27, hw: true, state: 3 }));
    assert.equal(rLR(0), lr({ vid: 27, pid: 27, hw: true, state: 2 }));
    wH(0x104, lr({ vid: 40, state: 3 })); // HW=0 keeps pending+active
    assert.equal(rLR(1), lr({ vid: 40, state: 3 }));
  });

  it('unimplemented LRs are RAZ/WI', () => {
    const { rH, wH, v } = makeVif(4);
    wH(0x110, lr({ vid: 33 }));
    assert.equal(rH(0x110), 0);
    assert.equal(rH(0x1fc), 0);
    assert.deepEqual(v.save().lr, [0, 0, 0, 0]);
  });

  it('GICH_EISR/ELRSR: exact per-LR definitions', () => {
    const { rH, wLR } = makeVif(4);
    assert.equal(rH(0x030), 0xf, 'all empty at reset');
    assert.equal(rH(0x020), 0);
    wLR(0, { vid: 40, state: 0, eoi: true }); // owes an EOI maintenance: EISR, not empty
    wLR(1, { vid: 41, state: 0, hw: true, pid: 41 }); // HW: empty
    wLR(2, { vid: 42, state: 2, eoi: true }); // active: neither
    wLR(3, { vid: 43, state: 0 }); // no state, EOI=0: empty
    assert.equal(rH(0x020), 0b0001);
    assert.equal(rH(0x030), 0b1010);
    assert.equal(rH(0x024), 0, 'EISR1 RAZ with 4 LRs');
    assert.equal(rH(0x034), 0, 'ELRSR1 bits of unimplemented LRs read 0');
  });

  it('GICH_EISR1/ELRSR1 cover LRs 32-63', () => {
    const { rH, wLR } = makeVif(64);
    assert.equal(rH(0x030), 0xffffffff);
    assert.equal(rH(0x034), 0xffffffff);
    wLR(63, { vid: 50, state: 0, eoi: true });
    wLR(32, { vid: 51, state: 1 });
    assert.equal(rH(0x024), 0x80000000);
    assert.equal(rH(0x034), 0x7ffffffe);
    assert.equal(rH(0x020), 0);
  });

  it('GICH_APR is GICV_APR0', () => {
    const { rH, wH, rV, wV } = makeVif();
    wH(0x0f0, 0x80000001);
    assert.equal(rV(0x00d0), 0x80000001);
    wV(0x00d0, 0x10);
    assert.equal(rH(0x0f0), 0x10);
  });

  it('non-word accesses, unaligned offsets and reserved offsets are RAZ/WI', () => {
    const { v, rH } = makeVif();
    v.gich.write(0x000, 1, 0xff, 0);
    v.gich.write(0x000, 2, 0xff, 0);
    v.gich.write(0x002, 4, 0xff, 0);
    assert.equal(rH(0x000), 0);
    v.gich.write(0x000, 4, HCR_EN, 0);
    assert.equal(v.gich.read(0x000, 1, 0), 0);
    assert.equal(v.gich.read(0x000, 2, 0), 0);
    assert.equal(v.gich.read(0x004, 1, 0), 0);
    v.gich.write(0x00c, 4, 0xffffffff, 0);
    for (const off of [0x00c, 0x018, 0x040, 0x0ec, 0x0f4, 0x200, 0xffc]) assert.equal(rH(off), 0);
  });

  it('GICV_IAR through a byte read acknowledges nothing', () => {
    const { v, wLR, rLR } = readyVif();
    wLR(0, { vid: 40, prio: 1 });
    assert.equal(v.gicv.read(0x000c, 1, 0), 0);
    assert.equal(v.gicv.read(0x000c, 2, 0), 0);
    assert.equal(rLR(0), lr({ vid: 40, prio: 1 }), 'still pending');
  });
});
