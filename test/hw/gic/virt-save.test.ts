import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { canonicalJson, parseCanonicalJson } from '../../../src/sim/snapshot.ts';
import type { VirtInterfaceState } from '../../../src/hw/gic/virt-interface.ts';
import { lr, makeVif } from './virt-fixture.ts';

type Fixture = ReturnType<typeof makeVif>;
type Op =
  | { k: 'lr'; n: number; v: number }
  | { k: 'hcr'; v: number }
  | { k: 'vmcr'; v: number }
  | { k: 'apr'; v: number }
  | { k: 'gicvR'; off: number }
  | { k: 'gicvW'; off: number; v: number };

const NLR = 4;
const vid = fc.constantFrom(3, 5, 27, 40, 41);
const lrValue = fc.oneof(
  fc
    .record({
      vid,
      prio: fc.integer({ min: 0, max: 31 }),
      state: fc.integer({ min: 0, max: 3 }),
      grp1: fc.boolean(),
      hw: fc.boolean(),
      pid: fc.constantFrom(3, 27, 30, 1023),
      eoi: fc.boolean(),
      cpuid: fc.integer({ min: 0, max: 7 }),
    })
    .map(lr),
  fc.nat({ max: 0xffffffff }),
);
const intidWrite = fc.tuple(vid, fc.integer({ min: 0, max: 7 })).map(([i, c]) => (c << 10) | i);
const op: fc.Arbitrary<Op> = fc.oneof(
  {
    arbitrary: fc.record({ k: fc.constant('lr' as const), n: fc.integer({ min: 0, max: NLR }), v: lrValue }),
    weight: 4,
  },
  {
    arbitrary: fc.record({
      k: fc.constant('hcr' as const),
      v: fc.oneof(
        fc.integer({ min: 0, max: 0xff }).map((x) => x | 1),
        fc.nat({ max: 0xffffffff }),
      ),
    }),
    weight: 1,
  },
  { arbitrary: fc.record({ k: fc.constant('vmcr' as const), v: fc.nat({ max: 0xffffffff }) }), weight: 1 },
  { arbitrary: fc.record({ k: fc.constant('apr' as const), v: fc.nat({ max: 0xffffffff }) }), weight: 1 },
  {
    arbitrary: fc.record({
      k: fc.constant('gicvR' as const),
      off: fc.constantFrom(0x0c, 0x20, 0x18, 0x28, 0x14),
    }),
    weight: 4,
  },
  {
    arbitrary: fc.record({
      k: fc.constant('gicvW' as const),
      off: fc.constantFrom(0x10, 0x24, 0x1000, 0x0000, 0x0004, 0x0008, 0x001c),
      v: fc.oneof(intidWrite, fc.nat({ max: 0x3ff })),
    }),
    weight: 4,
  },
);

/** Apply an op; returns what the access returned (reads) or -1. */
function apply(f: Fixture, o: Op): number {
  switch (o.k) {
    case 'lr':
      f.wH(0x100 + 4 * o.n, o.v);
      return -1;
    case 'hcr':
      f.wH(0x000, o.v);
      return -1;
    case 'vmcr':
      f.wH(0x008, o.v);
      return -1;
    case 'apr':
      f.wH(0x0f0, o.v);
      return -1;
    case 'gicvR':
      return f.rV(o.off);
    case 'gicvW':
      f.wV(o.off, o.v);
      return -1;
  }
}

/** Every side-effect-free register read of both frames, plus the output levels. */
function observe(f: Fixture): number[] {
  const out: number[] = [];
  for (let off = 0; off < 0x200; off += 4) out.push(f.rH(off));
  for (const off of [0x00, 0x04, 0x08, 0x14, 0x18, 0x1c, 0x28, 0xd0, 0xfc]) out.push(f.rV(off));
  out.push(Number(f.v.virq.level), Number(f.v.vfiq.level), Number(f.v.maintenance.level));
  return out;
}

describe('virtual interface save/restore', () => {
  it('save is plain JSON-able data', () => {
    const f = makeVif(NLR);
    f.wLR(1, { vid: 27, hw: true, pid: 27, prio: 3 });
    f.wH(0x000, 1);
    const s = f.v.save();
    assert.deepEqual(parseCanonicalJson<VirtInterfaceState>(canonicalJson(s)), s);
  });

  it('property: random history, save, restore into a fresh instance -> same reads and same future', () => {
    fc.assert(
      fc.property(fc.array(op, { maxLength: 40 }), fc.array(op, { maxLength: 30 }), (before, after) => {
        const a = makeVif(NLR);
        for (const o of before) apply(a, o);
        const snap = parseCanonicalJson<VirtInterfaceState>(canonicalJson(a.v.save()));
        const b = makeVif(NLR);
        const notified: boolean[] = [];
        b.v.virq.connect({ onSignal: (_x, l) => void notified.push(l) });
        b.v.restore(snap);
        assert.deepEqual(notified, [], 'restore does not notify');
        assert.deepEqual(observe(b), observe(a));
        a.deactivated.length = 0;
        for (const o of after) assert.equal(apply(b, o), apply(a, o));
        assert.deepEqual(b.deactivated, a.deactivated);
        assert.deepEqual(observe(b), observe(a));
        assert.deepEqual(b.v.save(), a.v.save());
      }),
      { numRuns: 300, seed: 0x5eed },
    );
  });

  it('invariants under random histories: HW LRs never pending+active, outputs match the state', () => {
    fc.assert(
      fc.property(fc.array(op, { maxLength: 60 }), (ops) => {
        const f = makeVif(NLR);
        for (const o of ops) {
          apply(f, o);
          for (let n = 0; n < NLR; n++) {
            const v = f.rLR(n);
            if (v >>> 31) assert.notEqual((v >>> 28) & 3, 3, `LR${n} HW=1 pending+active`);
          }
          const en = (f.rH(0x000) & 1) === 1;
          assert.equal(f.v.maintenance.level, en && f.rH(0x010) !== 0);
          if (!en) assert.equal(f.v.virq.level || f.v.vfiq.level, false);
          assert.ok(!(f.v.virq.level && f.v.vfiq.level));
        }
      }),
      { numRuns: 200, seed: 0xbeef },
    );
  });

  it('restore rejects a snapshot with another LR count', () => {
    const s = makeVif(4).v.save();
    assert.throws(() => makeVif(2).v.restore(s), RangeError);
  });
});
