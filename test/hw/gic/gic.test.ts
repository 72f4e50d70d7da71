// The top-level GicV2: construction checks, frame wiring, and save/restore
// (state hash and identical behaviour after restore, as a property).
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { GicV2, type GicV2State } from '../../../src/hw/gic/gic.ts';
import * as R from '../../../src/hw/gic/registers.ts';
import { canonicalJson, parseCanonicalJson, stateHash } from '../../../src/sim/snapshot.ts';
import { NULL_SINK } from '../../../src/sim/trace/sink.ts';
import { enableAll, type Fixture, makeGic, setupIrq } from './fixture.ts';

const CPUS = 2;
const SPIS = 32;

describe('GicV2: construction', () => {
  it('accepts 1..8 cpus and SPI counts that are multiples of 32 up to 960, or 988', () => {
    const clock = { now: 0 };
    const mk = (cpus: number, spis: number) => new GicV2({ cpus, spis, nLR: 4, clock, trace: NULL_SINK });
    for (const [c, s] of [
      [1, 0],
      [8, 960],
      [4, 988],
    ])
      assert.equal(mk(c, s).numIrqs, Math.min(32 + s, 1020));
    for (const [c, s] of [
      [0, 32],
      [9, 32],
      [1, 33],
      [1, 992],
      [1, -32],
    ])
      assert.throws(() => mk(c, s), RangeError, `${c} cpus, ${s} SPIs`);
  });

  it('exposes one GICC, GICH and GICV frame per cpu', () => {
    const f = makeGic(2);
    assert.notEqual(f.gic.gicc(0), f.gic.gicc(1));
    assert.equal(f.gic.gich(1), f.gic.virtInterface(1).gich);
    assert.equal(f.gic.gicv(0), f.gic.virtInterface(0).gicv);
    assert.throws(() => f.gic.gicc(2), RangeError);
  });
});

type Op =
  | { k: 'spi'; id: number; level: boolean }
  | { k: 'ppi'; cpu: number; id: number; level: boolean }
  | { k: 'sgi'; cpu: number; v: number }
  | { k: 'iar'; cpu: number; aliased: boolean }
  | { k: 'eoi'; cpu: number; v: number; aliased: boolean }
  | { k: 'dir'; cpu: number; v: number }
  | { k: 'cfg'; cpu: number; off: number; v: number }
  | { k: 'ctlr'; cpu: number; v: number }
  | { k: 'active'; cpu: number; id: number; v: boolean };

const opArb: fc.Arbitrary<Op> = fc.oneof(
  fc.record({
    k: fc.constant('spi' as const),
    id: fc.integer({ min: 32, max: 32 + SPIS - 1 }),
    level: fc.boolean(),
  }),
  fc.record({
    k: fc.constant('ppi' as const),
    cpu: fc.nat(CPUS - 1),
    id: fc.constantFrom(25, 26, 27, 30),
    level: fc.boolean(),
  }),
  fc.record({ k: fc.constant('sgi' as const), cpu: fc.nat(CPUS - 1), v: fc.nat(0x03ff_ffff) }),
  fc.record({ k: fc.constant('iar' as const), cpu: fc.nat(CPUS - 1), aliased: fc.boolean() }),
  fc.record({ k: fc.constant('eoi' as const), cpu: fc.nat(CPUS - 1), v: fc.nat(63), aliased: fc.boolean() }),
  fc.record({ k: fc.constant('dir' as const), cpu: fc.nat(CPUS - 1), v: fc.nat(63) }),
  fc.record({
    k: fc.constant('cfg' as const),
    cpu: fc.nat(CPUS - 1),
    off: fc.constantFrom(
      R.GICD_IGROUPR,
      R.GICD_IGROUPR + 4,
      R.GICD_ISPENDR + 4,
      R.GICD_ICPENDR + 4,
      R.GICD_ICENABLER,
      R.GICD_IPRIORITYR + 8,
      R.GICD_IPRIORITYR + 40,
      R.GICD_ITARGETSR + 40,
      R.GICD_ICFGR + 8,
      R.GICD_SPENDSGIR,
      R.GICD_CPENDSGIR,
    ),
    v: fc.nat(0xffff_ffff),
  }),
  fc.record({ k: fc.constant('ctlr' as const), cpu: fc.nat(CPUS - 1), v: fc.nat(0x3ff) }),
  fc.record({
    k: fc.constant('active' as const),
    cpu: fc.nat(CPUS - 1),
    id: fc.nat(32 + SPIS - 1),
    v: fc.boolean(),
  }),
);

/** Apply one op; returns what software would observe (register values, output levels). */
function apply(f: Fixture, op: Op): string {
  const g = f.gic;
  switch (op.k) {
    case 'spi':
      g.setSpiLine(op.id, op.level);
      break;
    case 'ppi':
      g.setPpiLine(op.cpu, op.id, op.level);
      break;
    case 'sgi':
      f.wr(R.GICD_SGIR, op.v, op.cpu);
      break;
    case 'iar':
      return `iar=${f.crd(op.cpu, op.aliased ? R.GICC_AIAR : R.GICC_IAR)}`;
    case 'eoi':
      f.cwr(op.cpu, op.aliased ? R.GICC_AEOIR : R.GICC_EOIR, op.v);
      break;
    case 'dir':
      f.cwr(op.cpu, R.GICC_DIR, op.v);
      break;
    case 'cfg':
      f.wr(op.off, op.v, op.cpu);
      break;
    case 'ctlr':
      f.cwr(op.cpu, R.GICC_CTLR, op.v | 3);
      break;
    case 'active':
      g.setActive(op.cpu, op.id, op.v);
      break;
  }
  const outs: string[] = [];
  for (let c = 0; c < CPUS; c++) {
    const cif = g.cpuInterface(c);
    outs.push(`${+cif.irq.level}${+cif.fiq.level}${f.crd(c, R.GICC_RPR)}`);
  }
  return outs.join(',');
}

function prepared(): Fixture {
  const f = makeGic(CPUS, SPIS);
  enableAll(f);
  for (const id of [25, 26, 27, 30]) for (let c = 0; c < CPUS; c++) setupIrq(f, id, 0x20 + id, { cpu: c });
  for (let id = 32; id < 32 + SPIS; id++) setupIrq(f, id, (id * 8) & 0xf8, { targets: 1 + (id % 3) });
  return f;
}

describe('GicV2: save and restore', () => {
  it('round trip: same state hash, and the same behaviour afterwards (property)', () => {
    fc.assert(
      fc.property(fc.array(opArb, { maxLength: 40 }), fc.array(opArb, { maxLength: 40 }), (before, after) => {
        const a = prepared();
        for (const op of before) apply(a, op);
        const saved = a.gic.save();
        const text = canonicalJson(saved);
        const b = makeGic(CPUS, SPIS);
        b.gic.restore(parseCanonicalJson<GicV2State>(text));
        assert.equal(stateHash(b.gic.save()), stateHash(saved));
        for (let c = 0; c < CPUS; c++) {
          assert.equal(b.gic.cpuInterface(c).irq.level, a.gic.cpuInterface(c).irq.level);
          assert.equal(b.gic.cpuInterface(c).fiq.level, a.gic.cpuInterface(c).fiq.level);
        }
        for (const op of after) assert.equal(apply(b, op), apply(a, op), JSON.stringify(op));
        assert.equal(stateHash(b.gic.save()), stateHash(a.gic.save()));
      }),
      { numRuns: 80 },
    );
  });

  it('the state changes when the GIC does (the hash is not constant)', () => {
    const f = prepared();
    const h0 = stateHash(f.gic.save());
    f.gic.setSpiLine(42, true); // targeted at cpu 0
    const h1 = stateHash(f.gic.save());
    assert.equal(f.iar(), 42);
    const h2 = stateHash(f.gic.save());
    assert.notEqual(h0, h1);
    assert.notEqual(h1, h2);
  });

  it('rejects a snapshot of a different configuration', () => {
    const a = makeGic(2, 64);
    const b = makeGic(2, 32);
    const c = makeGic(1, 64);
    assert.throws(() => b.gic.restore(a.gic.save()));
    assert.throws(() => c.gic.restore(a.gic.save()));
  });
});
