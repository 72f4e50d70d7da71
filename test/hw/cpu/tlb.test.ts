// The software TLB (src/hw/cpu/mmu/tlb.ts) against a reference model: any
// sequence of inserts (4 KiB pages, 2 MiB and 1 GiB blocks, global or
// per-ASID) and TLBIs (by VA with and without ASID, by ASID, all) leaves
// exactly the entries a naive TLB would (one that scans every slot for
// every TLBI by VA). TLBI by VA scans only the slots that held blocks.

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { Tlb } from '../../../src/hw/cpu/mmu/tlb.ts';

const BITS = 6;

interface Entry {
  tag: number;
  asid: number;
  shift: number;
}

/** The reference: the same direct-mapped slots, a full scan for every TLBI by VA. */
class NaiveTlb {
  readonly slots: (Entry | null)[] = new Array(1 << BITS).fill(null);

  insert(vaPage: number, asid: number, shift: number): void {
    this.slots[(vaPage >>> 12) & ((1 << BITS) - 1)] = { tag: vaPage, asid, shift };
  }

  flushVa(vaPage: number, asid: number): void {
    this.slots.forEach((e, i) => {
      if (e === null) return;
      const s = 2 ** e.shift;
      const same = Math.floor(e.tag / s) === Math.floor(vaPage / s);
      if (same && (asid < 0 || e.asid < 0 || e.asid === asid)) this.slots[i] = null;
    });
  }

  flushAsid(asid: number): void {
    this.slots.forEach((e, i) => {
      if (e !== null && e.asid === asid) this.slots[i] = null;
    });
  }
}

/** Kernel-like VAs (linear map, vmalloc, image) and user ones, so spans overlap and differ. */
const BASES = [
  0xffff_0000_0000_0000, 0xffff_8000_0000_0000, 0xffff_8000_1000_0000, 0x40_0000, 0x7f_f000_0000,
];
/** A few 2 MiB blocks per base and a few pages in each: TLBIs often hit a block entry's block. */
const vaPage = fc
  .tuple(fc.constantFrom(...BASES), fc.integer({ min: 0, max: 3 }), fc.integer({ min: 0, max: 70 }))
  .map(([b, block, p]) => b + block * 0x20_0000 + p * 4096);
const op = fc.oneof(
  fc.record({
    kind: fc.constant('insert' as const),
    va: vaPage,
    asid: fc.constantFrom(-1, 1, 2),
    shift: fc.constantFrom(12, 12, 21, 30),
  }),
  fc.record({ kind: fc.constant('va' as const), va: vaPage, asid: fc.constantFrom(-1, 1, 2) }),
  fc.record({ kind: fc.constant('asid' as const), asid: fc.constantFrom(1, 2) }),
  fc.record({ kind: fc.constant('all' as const) }),
);

describe('software TLB', () => {
  it('TLBI by VA, by ASID and all leave the entries a full-scan TLB leaves', () => {
    fc.assert(
      fc.property(fc.array(op, { minLength: 10, maxLength: 200, size: 'max' }), (ops) => {
        const tlb = new Tlb(BITS);
        const ref = new NaiveTlb();
        for (const o of ops) {
          if (o.kind === 'insert') {
            // the walk's page of a block: the VA page itself, the entry remembers the block size
            tlb.insert(o.va, 0x4000_0000, o.asid, 7, o.shift);
            ref.insert(o.va, o.asid, o.shift);
          } else if (o.kind === 'va') {
            tlb.flushVa(o.va, o.asid);
            ref.flushVa(o.va, o.asid);
          } else if (o.kind === 'asid') {
            tlb.flushAsid(o.asid);
            ref.flushAsid(o.asid);
          } else {
            tlb.flushAll();
            ref.slots.fill(null);
          }
          for (let i = 0; i < 1 << BITS; i++) {
            const e = ref.slots[i];
            if (e === null) {
              assert.ok(Number.isNaN(tlb.tag[i]), `slot ${i} should be empty`);
              // the int32 tags (ramOffset's) of an empty slot match no page: low half not 4 KiB aligned
              assert.notEqual(tlb.tagLo[i] & 4095, 0, `slot ${i}: tagLo of an empty slot`);
            } else {
              assert.equal(tlb.tag[i], e.tag, `slot ${i}`);
              const v = BigInt.asUintN(64, BigInt(e.tag));
              assert.equal(tlb.tagLo[i], Number(BigInt.asIntN(32, v)), `slot ${i}: tagLo`);
              assert.equal(tlb.tagHi[i], Number(BigInt.asIntN(32, v >> 32n)), `slot ${i}: tagHi`);
            }
          }
        }
      }),
      { numRuns: 300 },
    );
  });

  it('a TLBI by VA in one block keeps another block, which a later TLBI in its block removes', () => {
    const tlb = new Tlb(BITS);
    const base = 0xffff_8000_0000_0000;
    const x = base + 3 * 4096; // block 0, slot 3
    const y = base + 0x20_0000 + 5 * 4096; // block 1, slot 5
    tlb.insert(x, 0x4000_0000, -1, 7, 21);
    tlb.insert(y, 0x4020_0000, -1, 7, 21);
    tlb.flushVa(base + 0x20_0000 + 9 * 4096, -1);
    assert.ok(Number.isNaN(tlb.tag[5]));
    assert.equal(tlb.tag[3], x);
    tlb.flushVa(base + 10 * 4096, -1);
    assert.ok(Number.isNaN(tlb.tag[3]), 'the block entry survived a TLBI of a page it maps');
  });

  it('a TLBI by VA between blocks keeps them; past the tracked blocks (64) it still finds its block', () => {
    const tlb = new Tlb(BITS);
    const base = 0xffff_8000_0000_0000;
    // 2 MiB blocks 0 and 2 in the span, block 1 between them holds no block entry
    tlb.insert(base + 4096, 0x4000_0000, -1, 7, 21);
    tlb.insert(base + 0x40_0000 + 2 * 4096, 0x4040_0000, -1, 7, 21);
    tlb.flushVa(base + 0x20_0000 + 4096, -1);
    assert.equal(tlb.tag[1], base + 4096);
    assert.equal(tlb.tag[2], base + 0x40_0000 + 2 * 4096);
    // 100 distinct blocks (one entry each, slots 0..63 reused): more than the region list holds
    for (let b = 0; b < 100; b++) tlb.insert(base + b * 0x20_0000 + (b % 64) * 4096, 0x4000_0000, -1, 7, 21);
    const slot = 99 % 64;
    assert.equal(tlb.tag[slot], base + 99 * 0x20_0000 + slot * 4096);
    tlb.flushVa(base + 99 * 0x20_0000 + 7 * 4096, -1);
    assert.ok(Number.isNaN(tlb.tag[slot]), 'the block entry survived a TLBI past the region list');
  });
});
