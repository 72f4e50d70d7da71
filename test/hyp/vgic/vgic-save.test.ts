import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import type { VgicState } from '../../../src/hyp/vgic/vgic-save.ts';
import { canonicalJson, parseCanonicalJson, stateHash } from '../../../src/sim/snapshot.ts';
import type { MemorySink } from '../../../src/sim/trace/sink.ts';
import { Machine, SPURIOUS } from './helpers/machine.ts';

const VCPUS = 2;
const MAPPED = 27;

/** One step of a run: host injections, GICD writes, guest GICV accesses, entries and exits. */
type Op = { k: number; a: number; b: number };

/** Harness state outside the vgic: interrupts the guest acknowledged and has not EOId yet, per vcpu. */
interface Harness {
  m: Machine;
  acks: number[][];
}

function newHarness(): Harness {
  const m = new Machine({ vcpus: VCPUS, spis: 32, nLR: 2, trace: true });
  m.vgic.mapPhysIrq(0, MAPPED, MAPPED, true);
  return { m, acks: [[], []] };
}

function setup(h: Harness): void {
  const m = h.m.boot();
  for (let id = 32; id < 40; id++) {
    if (id % 2 === 1) m.setEdge(id);
    m.setPriority(id, (id % 4) << 4);
    m.enable(id);
  }
  m.enable(MAPPED, 0);
}

function step(h: Harness, op: Op, t: number): void {
  const { m } = h;
  m.clock.now = t;
  const v = op.a % VCPUS;
  const inGuest = m.vgic.v2.cpus[v].inGuest;
  switch (op.k) {
    case 0:
      m.vgic.injectIrq(null, 32 + (op.b % 8), op.b % 3 !== 0);
      break;
    case 1:
      m.inputLevels.set(`0:${MAPPED}`, op.b % 2 === 0);
      m.vgic.injectIrq(0, MAPPED, op.b % 2 === 0);
      break;
    case 2:
      if (inGuest) m.exit(v);
      else m.enter(v);
      break;
    case 3:
      if (inGuest) {
        const id = m.iar(v);
        if ((id & 0x3ff) !== SPURIOUS) h.acks[v].push(id);
      }
      break;
    case 4:
      if (inGuest && h.acks[v].length > 0) m.eoi(v, h.acks[v].pop()!);
      break;
    case 5:
      if (!inGuest) m.gicdWrite(v, 0xf00, ((op.b % 4) << 16) | (op.b % 16));
      break;
    case 6:
      if (!inGuest) m.gicdWrite(v, 0x800 + 32 + (op.b % 8), 1 + (op.b % 3), 1);
      break;
    case 7:
      if (!inGuest) m.gicdWrite(v, op.b % 2 ? 0x200 + 4 : 0x280 + 4, 1 << (op.b % 8));
      break;
    default:
      if (!inGuest) m.gicdWrite(v, op.b % 2 ? 0x300 + 4 : 0x380 + 4, 1 << (op.b % 8));
  }
}

function snapshot(h: Harness) {
  return {
    vgic: h.m.vgic.save(),
    dist: h.m.dist.save(),
    vifs: h.m.vifs.map((x) => x.save()),
    inputLevels: [...h.m.inputLevels],
    acks: h.acks.map((a) => [...a]),
    kicks: [...h.m.kicks],
  };
}

function restore(s: ReturnType<typeof snapshot>): Harness {
  const h = newHarness();
  const { m } = h;
  m.vgic.restore(s.vgic);
  m.dist.restore(s.dist);
  m.vifs.forEach((x, i) => {
    x.restore(s.vifs[i]);
  });
  for (const [k, v] of s.inputLevels) m.inputLevels.set(k, v);
  h.acks = s.acks;
  m.kicks.push(...s.kicks);
  return h;
}

const opArb = fc.record({ k: fc.nat(8), a: fc.nat(7), b: fc.nat(63) });

describe('vgic save/restore', () => {
  it('round-trips through canonical JSON to the same state', () => {
    const h = newHarness();
    setup(h);
    for (const [i, op] of [
      { k: 0, a: 0, b: 1 },
      { k: 1, a: 0, b: 0 },
      { k: 2, a: 0, b: 0 },
      { k: 3, a: 0, b: 0 },
      { k: 5, a: 1, b: 17 },
    ].entries())
      step(h, op, i);
    const s = snapshot(h);
    const json = canonicalJson(s);
    const h2 = restore(parseCanonicalJson(json));
    assert.equal(canonicalJson(snapshot(h2)), json);
    const vs: VgicState = s.vgic;
    assert.equal(vs.version, 1);
    assert.ok(vs.dist.some((r) => r.reg === 'GICD_ISENABLER' && r.vcpu === 1));
    assert.ok(vs.cpus[0].inGuest);
  });

  it('rejects a snapshot of another configuration', () => {
    const h = newHarness();
    setup(h);
    const s = h.m.vgic.save();
    const other = new Machine({ vcpus: 1, spis: 32 });
    assert.throws(() => other.vgic.restore(s), /snapshot is for/);
  });

  it('save, restore into a fresh vgic and continue gives the same trace and state as never saving', () => {
    fc.assert(
      fc.property(fc.array(opArb, { minLength: 1, maxLength: 80 }), fc.nat(), (ops, cutSeed) => {
        const cut = cutSeed % (ops.length + 1);
        const a = newHarness();
        setup(a);
        ops.forEach((op, i) => {
          step(a, op, i + 1);
        });

        const b = newHarness();
        setup(b);
        for (let i = 0; i < cut; i++) step(b, ops[i], i + 1);
        const s = parseCanonicalJson<ReturnType<typeof snapshot>>(canonicalJson(snapshot(b)));
        const c = restore(s);
        for (let i = cut; i < ops.length; i++) step(c, ops[i], i + 1);

        const ta = (a.m.sink as MemorySink).records;
        const tb = [...(b.m.sink as MemorySink).records, ...(c.m.sink as MemorySink).records];
        assert.equal(canonicalJson(tb), canonicalJson(ta));
        assert.equal(stateHash(snapshot(c)), stateHash(snapshot(a)));
        assert.deepEqual(c.m.vgic.counters, a.m.vgic.counters);
      }),
      { numRuns: 150 },
    );
  });
});
