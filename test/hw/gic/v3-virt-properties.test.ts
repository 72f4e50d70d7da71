// Invariants of the GICv3 virtual CPU interface over random list registers
// and random guest/hypervisor operations (fast-check).

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { stateHash as hash } from '../../../src/sim/snapshot.ts';
import {
  IccReg,
  IchReg,
  type LrV3,
  makeVcif,
  readyVcif,
  VEOIM,
  VENG0,
  VENG1,
  vpmr,
} from './v3-virt-fixture.ts';

const NLR = 4;

const lrArb: fc.Arbitrary<LrV3> = fc.record({
  vid: fc.integer({ min: 16, max: 1019 }),
  prio: fc.integer({ min: 0, max: 255 }),
  state: fc.integer({ min: 0, max: 3 }),
  grp1: fc.boolean(),
  hw: fc.boolean(),
  pid: fc.integer({ min: 0, max: 8191 }),
  eoi: fc.boolean(),
});

type Op =
  | { k: 'lr'; n: number; s: LrV3 }
  | { k: 'iar'; g: 0 | 1 }
  | { k: 'eoir'; g: 0 | 1; id: number }
  | { k: 'dir'; id: number }
  | { k: 'vmcr'; v: number }
  | { k: 'hcr'; v: number }
  | { k: 'pmr'; v: number };

const op: fc.Arbitrary<Op> = fc.oneof(
  fc.record({ k: fc.constant('lr' as const), n: fc.integer({ min: 0, max: NLR - 1 }), s: lrArb }),
  fc.record({ k: fc.constant('iar' as const), g: fc.constantFrom(0 as const, 1 as const) }),
  fc.record({
    k: fc.constant('eoir' as const),
    g: fc.constantFrom(0 as const, 1 as const),
    id: fc.integer({ min: 16, max: 1023 }),
  }),
  fc.record({ k: fc.constant('dir' as const), id: fc.integer({ min: 16, max: 1023 }) }),
  fc.record({ k: fc.constant('vmcr' as const), v: fc.nat() }),
  fc.record({ k: fc.constant('hcr' as const), v: fc.nat() }),
  fc.record({ k: fc.constant('pmr' as const), v: fc.integer({ min: 0, max: 255 }) }),
);

function apply(f: ReturnType<typeof makeVcif>, o: Op): number {
  switch (o.k) {
    case 'lr':
      f.wLR(o.n, o.s);
      return 0;
    case 'iar':
      return f.rV(o.g === 0 ? IccReg.ICC_IAR0_EL1 : IccReg.ICC_IAR1_EL1);
    case 'eoir':
      f.wV(o.g === 0 ? IccReg.ICC_EOIR0_EL1 : IccReg.ICC_EOIR1_EL1, o.id);
      return 0;
    case 'dir':
      f.wV(IccReg.ICC_DIR_EL1, o.id);
      return 0;
    case 'vmcr':
      f.wH(IchReg.ICH_VMCR_EL2, o.v);
      return 0;
    case 'hcr':
      f.wH(IchReg.ICH_HCR_EL2, o.v);
      return 0;
    case 'pmr':
      f.wV(IccReg.ICC_PMR_EL1, o.v);
      return 0;
  }
}

describe('VirtCpuInterfaceV3 properties', () => {
  it('acknowledging and EOIing everything returns the interface to idle', () => {
    fc.assert(
      fc.property(
        fc.uniqueArray(lrArb, { minLength: 1, maxLength: NLR, selector: (s) => s.vid }),
        fc.boolean(),
        (lrs, eoiMode) => {
          const f = readyVcif(NLR, VENG0 | VENG1 | (eoiMode ? VEOIM : 0));
          f.wH(IchReg.ICH_VMCR_EL2, VENG0 | VENG1 | (eoiMode ? VEOIM : 0) | vpmr(0xff));
          for (const [n, s] of lrs.entries()) f.wLR(n, { ...s, state: 1, hw: false, eoi: false });
          const taken: number[] = [];
          // the guest's handler: take the highest, EOI (and DIR), take the next
          for (let i = 0; i < 2 * NLR; i++) {
            let id = f.rV(IccReg.ICC_IAR0_EL1);
            let g: 0 | 1 = 0;
            if (id === 1023) {
              id = f.rV(IccReg.ICC_IAR1_EL1);
              g = 1;
            }
            if (id === 1023) break;
            taken.push(id);
            f.wV(g === 0 ? IccReg.ICC_EOIR0_EL1 : IccReg.ICC_EOIR1_EL1, id);
            if (eoiMode) f.wV(IccReg.ICC_DIR_EL1, id);
          }
          const want = lrs.filter((s) => (s.prio ?? 0) < 0xf8).map((s) => s.vid);
          assert.deepEqual([...taken].sort(), [...want].sort());
          assert.equal(f.rH(IchReg.ICH_AP0R0_EL2), 0);
          assert.equal(f.rH(IchReg.ICH_AP1R0_EL2), 0);
          assert.equal(f.rV(IccReg.ICC_RPR_EL1), 0xff);
          assert.equal(f.rH(IchReg.ICH_HCR_EL2) >>> 27, 0, 'every EOI found its LR');
          for (let n = 0; n < lrs.length; n++) assert.equal(f.state(n) & 2, 0, `LR${n} not active`);
          assert.equal(f.v.virq.level || f.v.vfiq.level, false);
        },
      ),
    );
  });

  it('taken in priority order: each acknowledged priority is at least the previous one', () => {
    fc.assert(
      fc.property(fc.uniqueArray(lrArb, { minLength: 1, maxLength: NLR, selector: (s) => s.vid }), (lrs) => {
        const f = readyVcif(NLR, VENG1);
        for (const [n, s] of lrs.entries()) f.wLR(n, { ...s, state: 1, grp1: true, hw: false });
        let last = -1;
        for (;;) {
          const id = f.rV(IccReg.ICC_IAR1_EL1);
          if (id === 1023) break;
          const p = lrs.find((s) => s.vid === id)!.prio! & 0xf8;
          assert.ok(p >= last, `priority ${p} after ${last}`);
          last = p;
          f.wV(IccReg.ICC_EOIR1_EL1, id);
        }
      }),
    );
  });

  it('save, restore into a fresh interface and continue: same state and same answers', () => {
    fc.assert(
      fc.property(fc.array(op, { maxLength: 40 }), fc.array(op, { maxLength: 30 }), (before, after) => {
        const a = makeVcif(NLR);
        for (const o of before) apply(a, o);
        const s = a.v.save();
        const b = makeVcif(NLR);
        b.v.restore(JSON.parse(JSON.stringify(s)));
        assert.equal(hash(b.v.save()), hash(s));
        for (const o of after) assert.equal(apply(b, o), apply(a, o));
        assert.equal(hash(b.v.save()), hash(a.v.save()));
        a.v.reset();
        assert.equal(hash(a.v.save()), hash(makeVcif(NLR).v.save()));
      }),
    );
  });

  it('ICH_ELRSR_EL2 and ICH_EISR_EL2 agree with the LRs; the outputs agree with the registers', () => {
    fc.assert(
      fc.property(fc.array(op, { maxLength: 60 }), (ops) => {
        const f = makeVcif(NLR);
        for (const o of ops) {
          apply(f, o);
          const elrsr = f.rH(IchReg.ICH_ELRSR_EL2);
          const eisr = f.rH(IchReg.ICH_EISR_EL2);
          assert.equal(elrsr & eisr, 0);
          assert.equal(elrsr >>> NLR, 0);
          for (let n = 0; n < NLR; n++) {
            const hi = f.v.readLrHi(n);
            const invalid = hi >>> 30 === 0;
            const owes = invalid && ((hi >>> 29) & 1) === 0 && ((hi >>> 9) & 1) === 1;
            assert.equal(((eisr >>> n) & 1) === 1, owes, `EISR bit ${n}`);
            assert.equal(((elrsr >>> n) & 1) === 1, invalid && !owes, `ELRSR bit ${n}`);
            if ((hi >>> 29) & 1) assert.notEqual(hi >>> 30, 3, 'HW=1 is never pending+active');
          }
          const hcr = f.rH(IchReg.ICH_HCR_EL2);
          assert.equal(f.v.maintenance.level, (hcr & 1) === 1 && f.rH(IchReg.ICH_MISR_EL2) !== 0);
          if ((hcr & 1) === 0) assert.equal(f.v.virq.level || f.v.vfiq.level, false);
          assert.ok(!(f.v.virq.level && f.v.vfiq.level), 'one HPPI: one line');
        }
      }),
    );
  });
});
