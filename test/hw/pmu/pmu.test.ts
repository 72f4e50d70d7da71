// The PMUv3 model on its own: a scripted source (cycles, instructions, EL)
// and the kernel, no cpu. Counting is lazy; these check the values a read
// sees, the overflow flags and output, the divider, PMSWINC and save/restore.

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Pmu, type PmuSource } from '../../../src/hw/pmu/pmu.ts';
import { El0Access, el0Access, PmuReg, pmuRegOf } from '../../../src/hw/pmu/pmu-regs.ts';
import { sysregEncoding } from '../../../src/hw/cpu/guest-port.ts';
import { Kernel } from '../../../src/sim/kernel.ts';

class Src implements PmuSource {
  el = 1;
  instret = 0;
  cycles = 0;
  el0i = 0;
  el0c = 0;
  instretAtEl0(): number {
    return this.el0i;
  }
  cyclesAtEl0(): number {
    return this.el0c;
  }
  /** Run n instructions (one cycle each) at the current EL. */
  run(n: number): void {
    this.instret += n;
    this.cycles += n;
    if (this.el === 0) {
      this.el0i += n;
      this.el0c += n;
    }
  }
}

function rig(opts: { divider?: boolean } = {}) {
  const kernel = new Kernel();
  const src = new Src();
  const pmu = new Pmu({ kernel, name: 'cpu0', cpu: 0, source: src, ...opts });
  // time: one tick per cycle
  pmu.clock = { ticksWhen: (c) => kernel.now + Math.max(0, c - src.cycles) };
  return { kernel, src, pmu };
}

const E = 1n;
const C_BIT = 1n << 31n;

describe('PMUv3 registers', () => {
  it('decodes every PMU encoding and nothing else', () => {
    assert.equal(pmuRegOf(sysregEncoding(3, 3, 9, 12, 0)), PmuReg.PMCR_EL0);
    assert.equal(pmuRegOf(sysregEncoding(3, 0, 9, 14, 1)), PmuReg.PMINTENSET_EL1);
    assert.equal(pmuRegOf(sysregEncoding(3, 3, 9, 14, 3)), PmuReg.PMOVSSET_EL0);
    assert.equal(pmuRegOf(sysregEncoding(3, 3, 14, 8, 5)), PmuReg.PMEVCNTR_EL0 | (5 << 8));
    assert.equal(pmuRegOf(sysregEncoding(3, 3, 14, 15, 6)), PmuReg.PMEVTYPER_EL0 | (30 << 8));
    assert.equal(pmuRegOf(sysregEncoding(3, 3, 14, 15, 7)), PmuReg.PMCCFILTR_EL0);
    assert.equal(pmuRegOf(sysregEncoding(3, 3, 14, 11, 7)), -1); // PMEVCNTR31 does not exist
    assert.equal(pmuRegOf(sysregEncoding(3, 3, 14, 3, 1)), -1); // CNTV_CTL_EL0
    assert.equal(pmuRegOf(sysregEncoding(3, 0, 9, 14, 0)), -1);
  });

  it('PMUSERENR_EL0: EN opens everything, SW/CR/ER one kind each, PMUSERENR is read-only at EL0', () => {
    assert.equal(el0Access(PmuReg.PMCR_EL0, false, 0), El0Access.TRAP);
    assert.equal(el0Access(PmuReg.PMCR_EL0, true, 1), El0Access.ALLOWED);
    assert.equal(el0Access(PmuReg.PMSWINC_EL0, true, 2), El0Access.ALLOWED);
    assert.equal(el0Access(PmuReg.PMSWINC_EL0, false, 0xf), El0Access.UNDEFINED);
    assert.equal(el0Access(PmuReg.PMCCNTR_EL0, false, 4), El0Access.ALLOWED);
    assert.equal(el0Access(PmuReg.PMCCNTR_EL0, true, 4), El0Access.TRAP);
    assert.equal(el0Access(PmuReg.PMEVCNTR_EL0, false, 8), El0Access.ALLOWED);
    assert.equal(el0Access(PmuReg.PMSELR_EL0, true, 8), El0Access.ALLOWED);
    assert.equal(el0Access(PmuReg.PMEVTYPER_EL0, true, 8), El0Access.TRAP);
    assert.equal(el0Access(PmuReg.PMUSERENR_EL0, false, 0), El0Access.ALLOWED);
    assert.equal(el0Access(PmuReg.PMUSERENR_EL0, true, 0xf), El0Access.UNDEFINED);
    assert.equal(el0Access(PmuReg.PMCEID0_EL0, true, 0xf), El0Access.UNDEFINED);
  });

  it('PMCR_EL0 reads IMP, IDCODE, N = 6, LC = 1; P and C read as zero', () => {
    const { pmu } = rig();
    pmu.write(PmuReg.PMCR_EL0, 0xffn);
    assert.equal(pmu.read(PmuReg.PMCR_EL0), 0x4101_3079n); // E D X DP LC, P C clear
    assert.equal(pmu.read(PmuReg.PMCEID0_EL0), 0x4002_0101n);
    assert.equal(pmu.read(PmuReg.PMCEID1_EL0), 0n);
    assert.equal(pmu.read(PmuReg.PMSWINC_EL0), undefined);
    assert.equal(pmu.read(PmuReg.PMEVCNTR_EL0, 6), undefined);
    assert.equal(pmu.write(PmuReg.PMCEID0_EL0, 0n), false);
    // PMSELR_EL0.SEL beyond N: UNDEFINED; 31: PMXEVCNTR RAZ/WI, PMXEVTYPER is PMCCFILTR
    pmu.write(PmuReg.PMSELR_EL0, 7n);
    assert.equal(pmu.read(PmuReg.PMXEVCNTR_EL0), undefined);
    assert.equal(pmu.write(PmuReg.PMXEVTYPER_EL0, 0n), false);
    pmu.write(PmuReg.PMSELR_EL0, 31n);
    assert.equal(pmu.read(PmuReg.PMXEVCNTR_EL0), 0n);
    assert.equal(pmu.write(PmuReg.PMXEVTYPER_EL0, 0x8000_0000n), true);
    assert.equal(pmu.read(PmuReg.PMCCFILTR_EL0), 0x8000_0000n);
  });
});

describe('PMUv3 counting', () => {
  it('the cycle counter counts cycles while PMCR.E and PMCNTENSET.C, not otherwise', () => {
    const { src, pmu } = rig();
    src.run(100);
    pmu.write(PmuReg.PMCNTENSET_EL0, C_BIT);
    src.run(10);
    assert.equal(pmu.read(PmuReg.PMCCNTR_EL0), 0n, 'PMCR.E = 0');
    pmu.write(PmuReg.PMCR_EL0, E);
    src.run(25);
    assert.equal(pmu.read(PmuReg.PMCCNTR_EL0), 25n);
    pmu.write(PmuReg.PMCNTENCLR_EL0, C_BIT);
    src.run(5);
    assert.equal(pmu.read(PmuReg.PMCCNTR_EL0), 25n);
    pmu.write(PmuReg.PMCR_EL0, E | 4n); // C: reset the cycle counter
    assert.equal(pmu.read(PmuReg.PMCCNTR_EL0), 0n);
  });

  it('PMCR.D counts every 64th cycle, carrying the remainder', () => {
    const { src, pmu } = rig();
    pmu.write(PmuReg.PMCNTENSET_EL0, C_BIT);
    pmu.write(PmuReg.PMCR_EL0, E | 8n);
    src.run(63);
    assert.equal(pmu.read(PmuReg.PMCCNTR_EL0), 0n);
    src.run(1);
    assert.equal(pmu.read(PmuReg.PMCCNTR_EL0), 1n);
    src.run(64 * 3 + 10);
    assert.equal(pmu.read(PmuReg.PMCCNTR_EL0), 4n);
    src.run(54);
    assert.equal(pmu.read(PmuReg.PMCCNTR_EL0), 5n);
  });

  it('event counters count INST_RETIRED and CPU_CYCLES with the EL filters; other events count nothing', () => {
    const { src, pmu } = rig();
    pmu.write(PmuReg.PMEVTYPER_EL0, 0x08n, 0); // instructions, EL0 and EL1
    pmu.write(PmuReg.PMEVTYPER_EL0, 0x08n | (1n << 31n), 1); // not at EL1
    pmu.write(PmuReg.PMEVTYPER_EL0, 0x11n | (1n << 30n), 2); // cycles, not at EL0
    pmu.write(PmuReg.PMEVTYPER_EL0, 0x23n, 3); // not counted here
    pmu.write(PmuReg.PMCNTENSET_EL0, 0xfn);
    pmu.write(PmuReg.PMCR_EL0, E);
    src.run(10);
    src.el = 0;
    src.run(7);
    src.el = 1;
    src.run(3);
    assert.deepEqual(
      [0, 1, 2, 3].map((n) => pmu.read(PmuReg.PMEVCNTR_EL0, n)),
      [20n, 7n, 13n, 0n],
    );
    // the indirect view
    pmu.write(PmuReg.PMSELR_EL0, 1n);
    assert.equal(pmu.read(PmuReg.PMXEVCNTR_EL0), 7n);
    assert.equal(pmu.read(PmuReg.PMXEVTYPER_EL0), 0x8000_0008n);
  });

  it('PMSWINC increments the enabled SW_INCR counters only', () => {
    const { pmu } = rig();
    pmu.write(PmuReg.PMEVTYPER_EL0, 0x00n, 0);
    pmu.write(PmuReg.PMEVTYPER_EL0, 0x08n, 1);
    pmu.write(PmuReg.PMCNTENSET_EL0, 0x3n);
    pmu.write(PmuReg.PMSWINC_EL0, 0x3n); // PMCR.E = 0: nothing
    pmu.write(PmuReg.PMCR_EL0, E);
    pmu.write(PmuReg.PMSWINC_EL0, 0x3n);
    pmu.write(PmuReg.PMSWINC_EL0, 0x1n);
    assert.equal(pmu.read(PmuReg.PMEVCNTR_EL0, 0), 2n);
    assert.equal(pmu.read(PmuReg.PMEVCNTR_EL0, 1), 0n);
  });
});

describe('PMUv3 overflow', () => {
  it('a 32-bit counter wraps, sets its PMOVSSET bit at the overflow event and raises the output with PMINTENSET', () => {
    const { kernel, src, pmu } = rig();
    const seen: boolean[] = [];
    pmu.output.connect({ onSignal: (_a, l) => seen.push(l) });
    pmu.write(PmuReg.PMEVTYPER_EL0, 0x08n, 0);
    pmu.write(PmuReg.PMEVCNTR_EL0, 0xffff_fff0n, 0);
    pmu.write(PmuReg.PMINTENSET_EL1, 1n);
    pmu.write(PmuReg.PMCNTENSET_EL0, 1n);
    pmu.write(PmuReg.PMCR_EL0, E);
    assert.equal(kernel.nextEventTime(), 16, 'the overflow event at the 16th instruction');
    src.run(15);
    kernel.runUntil(15);
    assert.equal(pmu.read(PmuReg.PMOVSSET_EL0), 0n);
    src.run(1);
    kernel.runUntil(16);
    assert.equal(pmu.read(PmuReg.PMOVSSET_EL0), 1n);
    assert.equal(pmu.read(PmuReg.PMEVCNTR_EL0, 0), 0n);
    assert.deepEqual(seen, [true]);
    pmu.write(PmuReg.PMOVSCLR_EL0, 1n);
    assert.deepEqual(seen, [true, false]);
    // PMCR.E = 0 drops the request too
    pmu.write(PmuReg.PMOVSSET_EL0, 1n);
    pmu.write(PmuReg.PMCR_EL0, 0n);
    assert.deepEqual(seen, [true, false, true, false]);
  });

  it('a read finds the overflow before the event fires (the flag is exact, the line follows at the event)', () => {
    const { src, pmu } = rig();
    pmu.write(PmuReg.PMEVTYPER_EL0, 0x11n, 2);
    pmu.write(PmuReg.PMEVCNTR_EL0, 0xffff_ffffn, 2);
    pmu.write(PmuReg.PMCNTENSET_EL0, 4n);
    pmu.write(PmuReg.PMCR_EL0, E);
    src.run(3);
    assert.equal(pmu.read(PmuReg.PMOVSSET_EL0), 4n);
    assert.equal(pmu.read(PmuReg.PMEVCNTR_EL0, 2), 2n);
  });

  it('the cycle counter is 64-bit (LC = 1): no overflow at 2^32', () => {
    const { src, pmu } = rig();
    pmu.write(PmuReg.PMCCNTR_EL0, 0xffff_fffen);
    pmu.write(PmuReg.PMCNTENSET_EL0, C_BIT);
    pmu.write(PmuReg.PMCR_EL0, E);
    src.run(4);
    assert.equal(pmu.read(PmuReg.PMCCNTR_EL0), 0x1_0000_0002n);
    assert.equal(pmu.read(PmuReg.PMOVSSET_EL0), 0n);
    pmu.write(PmuReg.PMCCNTR_EL0, 0xffff_ffff_ffff_ffffn);
    src.run(1);
    assert.equal(pmu.read(PmuReg.PMOVSSET_EL0), C_BIT);
  });

  it('an event that fires before the source got there (time without cycles) re-arms itself', () => {
    const { kernel, pmu } = rig();
    pmu.write(PmuReg.PMEVTYPER_EL0, 0x08n, 0);
    pmu.write(PmuReg.PMEVCNTR_EL0, 0xffff_fff0n, 0);
    pmu.write(PmuReg.PMCNTENSET_EL0, 1n);
    pmu.write(PmuReg.PMCR_EL0, E);
    kernel.runUntil(16); // no instruction ran
    assert.equal(pmu.read(PmuReg.PMOVSSET_EL0), 0n);
    assert.ok(kernel.nextEventTime() > 16);
  });
});

describe('PMUv3 state', () => {
  it('a Warm reset (CPU_ON) clears the registers and drops a raised request, telling the GIC', () => {
    const { pmu } = rig();
    const seen: boolean[] = [];
    pmu.output.connect({ onSignal: (_a, l) => seen.push(l) });
    pmu.write(PmuReg.PMINTENSET_EL1, C_BIT);
    pmu.write(PmuReg.PMOVSSET_EL0, C_BIT);
    pmu.write(PmuReg.PMCR_EL0, E);
    assert.deepEqual(seen, [true]);
    pmu.warmReset();
    assert.deepEqual(seen, [true, false]);
    assert.deepEqual(pmu.save(), pmu.defaultState());
  });

  it('save/restore mid-count keeps values, flags and the rest of the count', () => {
    const a = rig();
    a.pmu.write(PmuReg.PMEVTYPER_EL0, 0x08n, 0);
    a.pmu.write(PmuReg.PMCNTENSET_EL0, C_BIT | 1n);
    a.pmu.write(PmuReg.PMINTENSET_EL1, 1n);
    a.pmu.write(PmuReg.PMUSERENR_EL0, 5n);
    a.pmu.write(PmuReg.PMCR_EL0, E | 8n);
    a.src.run(100);
    const s = a.pmu.save();
    const b = rig();
    b.src.run(5000); // another machine's counts: counting resumes from them
    b.pmu.restore(s);
    assert.deepEqual(b.pmu.save(), s);
    a.src.run(130);
    b.src.run(130);
    assert.equal(b.pmu.read(PmuReg.PMCCNTR_EL0), a.pmu.read(PmuReg.PMCCNTR_EL0));
    assert.equal(b.pmu.read(PmuReg.PMEVCNTR_EL0, 0), 230n);
    assert.equal(b.pmu.userenr, 5);
    b.pmu.reset();
    assert.deepEqual(b.pmu.save(), b.pmu.defaultState());
  });
});

describe('PMUv3 chained counters (CHAIN, event 0x1E)', () => {
  /** counter 0 counts `ev` from `low`, counter 1 counts CHAIN from `high`; both enabled. */
  function pair(low: bigint, high: bigint, ev = 0x08n) {
    const r = rig();
    r.pmu.write(PmuReg.PMEVTYPER_EL0, ev, 0);
    r.pmu.write(PmuReg.PMEVTYPER_EL0, 0x1en, 1);
    r.pmu.write(PmuReg.PMEVCNTR_EL0, low, 0);
    r.pmu.write(PmuReg.PMEVCNTR_EL0, high, 1);
    r.pmu.write(PmuReg.PMCNTENSET_EL0, 3n);
    r.pmu.write(PmuReg.PMCR_EL0, E);
    return r;
  }
  const pairValue = (pmu: Pmu) =>
    (pmu.read(PmuReg.PMEVCNTR_EL0, 1)! << 32n) | pmu.read(PmuReg.PMEVCNTR_EL0, 0)!;

  it('PMCEID0_EL0 advertises CHAIN', () => {
    assert.equal((rig().pmu.read(PmuReg.PMCEID0_EL0)! >> 0x1en) & 1n, 1n);
  });

  it('the odd counter counts the overflows of the even one: the pair is a 64-bit counter', () => {
    const { src, pmu } = pair(0xffff_fffen, 7n);
    src.run(5);
    assert.equal(pairValue(pmu), (8n << 32n) | 3n);
    assert.equal(pmu.read(PmuReg.PMOVSSET_EL0), 1n, 'the even half overflowed, the odd did not');
    // odd counters whose even neighbour counts nothing, or that are disabled, do not move
    pmu.write(PmuReg.PMCNTENCLR_EL0, 2n);
    pmu.write(PmuReg.PMEVCNTR_EL0, 0xffff_ffffn, 0);
    src.run(1);
    assert.equal(pmu.read(PmuReg.PMEVCNTR_EL0, 1), 8n);
  });

  it('the pair overflows at 2^64: both flags, one interrupt, at the overflow event', () => {
    const { kernel, src, pmu } = pair(0xffff_fff0n, 0xffff_ffffn);
    const seen: boolean[] = [];
    pmu.output.connect({ onSignal: (_a, l) => seen.push(l) });
    pmu.write(PmuReg.PMINTENSET_EL1, 2n); // only the odd half interrupts
    assert.equal(kernel.nextEventTime(), 16);
    src.run(16);
    kernel.runUntil(16);
    assert.equal(pmu.read(PmuReg.PMOVSSET_EL0), 3n);
    assert.equal(pairValue(pmu), 0n);
    assert.deepEqual(seen, [true]);
  });

  it('an odd counter counting CHAIN ignores its own P/U filter and a PMSWINC write', () => {
    const { src, pmu } = pair(0xffff_ffffn, 0n, 0x11n);
    pmu.write(PmuReg.PMEVTYPER_EL0, 0xc000_001en, 1); // P and U: would count nowhere
    pmu.write(PmuReg.PMSWINC_EL0, 2n);
    src.run(1);
    assert.equal(pmu.read(PmuReg.PMEVCNTR_EL0, 1), 1n);
  });

  it('a software increment that wraps the even counter counts in the odd one', () => {
    const { pmu } = pair(0xffff_ffffn, 41n, 0x00n);
    pmu.write(PmuReg.PMSWINC_EL0, 1n);
    assert.equal(pairValue(pmu), 42n << 32n);
    assert.equal(pmu.read(PmuReg.PMOVSSET_EL0), 1n);
  });

  it('save/restore of a chained pair resumes the 64-bit count', () => {
    const a = pair(0xffff_ff00n, 3n);
    a.src.run(0x80);
    const b = rig();
    b.pmu.restore(a.pmu.save());
    a.src.run(0x100);
    b.src.run(0x100);
    assert.equal(pairValue(b.pmu), pairValue(a.pmu));
    assert.equal(pairValue(b.pmu), (4n << 32n) | 0x80n);
  });
});
