// Invariants of the GICv3 model, for random states (fast-check): the HPPI a
// CPU interface is given is the highest priority enabled pending interrupt
// routed to its cpu; save/restore reproduces the state and the behaviour.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { getField } from '../../../../src/sim/bits.ts';
import { HPPI_INTID, HPPI_NONE } from '../../../../src/hw/gic/distributor.ts';
import { GicV3 } from '../../../../src/hw/gic/v3/gic-v3.ts';
import { IccReg } from '../../../../src/hw/gic/v3/sysreg-encodings.ts';
import { NULL_SINK } from '../../../../src/sim/trace/sink.ts';

const CPUS = 2;
const SPIS = 32;
const N = 32 + SPIS;

const irq = fc.record({
  enabled: fc.boolean(),
  group: fc.integer({ min: 0, max: 1 }),
  priority: fc.integer({ min: 0, max: 31 }).map((p) => p << 3),
  pending: fc.boolean(),
  active: fc.boolean(),
});
const state = fc.record({
  private: fc.array(fc.array(irq, { minLength: 32, maxLength: 32 }), { minLength: CPUS, maxLength: CPUS }),
  spis: fc.array(irq, { minLength: SPIS, maxLength: SPIS }),
  /** IROUTER low word: Aff0 0..2 (2 is absent) or IRM */
  routes: fc.array(fc.oneof(fc.integer({ min: 0, max: 2 }), fc.constant(0x8000_0000)), {
    minLength: SPIS,
    maxLength: SPIS,
  }),
  ctlr: fc.integer({ min: 0, max: 3 }),
  igrpen: fc.array(fc.integer({ min: 0, max: 3 }), { minLength: CPUS, maxLength: CPUS }),
  awake: fc.array(fc.boolean(), { minLength: CPUS, maxLength: CPUS }),
});
type State = typeof state extends fc.Arbitrary<infer T> ? T : never;

function build(s: State): GicV3 {
  const gic = new GicV3({ cpus: CPUS, spis: SPIS, clock: { now: 0 }, trace: NULL_SINK });
  const put = (b: GicV3['dist']['spis'], i: number, x: State['spis'][number]) => {
    b.setEnabled(i, x.enabled);
    b.setGroup(i, x.group);
    b.setPriority(i, x.priority);
    b.setPending(i, x.pending);
    b.setActive(i, x.active);
  };
  for (let c = 0; c < CPUS; c++) {
    s.private[c].forEach((x, i) => {
      put(gic.redistributor(c).irqs, i, x);
    });
    gic.redistributor(c).setProcessorSleep(!s.awake[c]);
    gic.cpuInterface(c).writeReg(IccReg.ICC_IGRPEN0_EL1, s.igrpen[c] & 1, 0);
    gic.cpuInterface(c).writeReg(IccReg.ICC_IGRPEN1_EL1, s.igrpen[c] >> 1, 0);
  }
  s.spis.forEach((x, i) => {
    put(gic.dist.spis, i, x);
  });
  s.routes.forEach((r, i) => {
    gic.dist.setRouter(32 + i, false, r);
  });
  gic.dist.setCtlr(s.ctlr);
  return gic;
}

/** The specification, by brute force. */
function expectedHppi(s: State, cpu: number): number {
  if (!s.awake[cpu]) return -1;
  const groups = s.ctlr & s.igrpen[cpu];
  const oneOfN = [0, 1].map((g) => {
    for (let c = 0; c < CPUS; c++) if (s.awake[c] && (s.igrpen[c] >> g) & 1) return c;
    return -1;
  });
  let best = -1;
  let bestPrio = 256;
  for (let id = 0; id < N; id++) {
    const x = id < 32 ? s.private[cpu][id] : s.spis[id - 32];
    if (!x.enabled || !x.pending || x.active || !((groups >> x.group) & 1)) continue;
    if (id >= 32) {
      const r = s.routes[id - 32];
      const target = r === 0x8000_0000 ? oneOfN[x.group] : r;
      if (target !== cpu) continue;
    }
    if (x.priority < bestPrio) {
      bestPrio = x.priority;
      best = id;
    }
  }
  return best;
}

describe('GICv3 invariants (fast-check)', () => {
  it('the HPPI of each cpu is the highest priority enabled pending interrupt routed to it (lowest INTID on a tie)', () => {
    fc.assert(
      fc.property(state, (s) => {
        const gic = build(s);
        for (let c = 0; c < CPUS; c++) {
          const h = gic.highestPending(c, gic.cpuInterface(c).igrpen);
          assert.equal(h === HPPI_NONE ? -1 : getField(h, HPPI_INTID), expectedHppi(s, c));
        }
      }),
      { numRuns: 300 },
    );
  });

  it('save/restore round-trips the state, and the restored GIC acknowledges the same interrupts', () => {
    fc.assert(
      fc.property(state, fc.integer({ min: 0, max: 0xff }), (s, pmr) => {
        const a = build(s);
        const b = new GicV3({ cpus: CPUS, spis: SPIS, clock: { now: 0 }, trace: NULL_SINK });
        for (let c = 0; c < CPUS; c++) a.cpuInterface(c).writeReg(IccReg.ICC_PMR_EL1, pmr, 0);
        const saved = a.save();
        b.restore(JSON.parse(JSON.stringify(saved)));
        assert.deepEqual(b.save(), saved);
        for (let c = 0; c < CPUS; c++)
          for (const r of [IccReg.ICC_IAR1_EL1, IccReg.ICC_IAR0_EL1, IccReg.ICC_RPR_EL1])
            assert.equal(b.cpuInterface(c).readReg(r), a.cpuInterface(c).readReg(r));
        b.reset();
        assert.deepEqual(b.save(), b.defaultState());
      }),
      { numRuns: 200 },
    );
  });
});
