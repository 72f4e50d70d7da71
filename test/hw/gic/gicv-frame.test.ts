import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  CTLR_ACKCTL,
  CTLR_CBPR,
  CTLR_EOIMODE,
  CTLR_FIQEN,
  CTLR_GRP0,
  CTLR_GRP1,
  HCR_EN,
  lr,
  makeVif,
  readyVif,
} from './virt-fixture.ts';

const CTLR = 0x0000;
const PMR = 0x0004;
const BPR = 0x0008;
const IAR = 0x000c;
const EOIR = 0x0010;
const RPR = 0x0014;
const HPPIR = 0x0018;
const ABPR = 0x001c;
const AIAR = 0x0020;
const AEOIR = 0x0024;
const AHPPIR = 0x0028;
const APR0 = 0x00d0;
const IIDR = 0x00fc;
const DIR = 0x1000;

describe('GICV frame registers', () => {
  it('GICV_CTLR aliases GICH_VMCR [4:0] and [9]; other bits RES0', () => {
    const { rV, wV, rH } = makeVif();
    wV(CTLR, 0xffffffff);
    assert.equal(rV(CTLR), 0x21f);
    assert.equal(rH(0x008) & 0x3ff, 0x21f);
    wV(CTLR, CTLR_EOIMODE | CTLR_GRP1);
    assert.equal(rH(0x008) & 0x3ff, 0x202);
  });

  it('GICV_PMR keeps 5 bits (low 3 RAZ), backed by VMCR.VMPriMask', () => {
    const { rV, wV, rH } = makeVif();
    wV(PMR, 0xff);
    assert.equal(rV(PMR), 0xf8);
    assert.equal(rH(0x008) >>> 27, 0x1f);
    wV(PMR, 0x0123);
    assert.equal(rV(PMR), 0x20);
  });

  it('GICV_BPR minimum 2, GICV_ABPR minimum 3; reset at the minimum', () => {
    const { rV, wV } = makeVif();
    assert.equal(rV(BPR), 2);
    assert.equal(rV(ABPR), 3);
    wV(BPR, 0);
    wV(ABPR, 1);
    assert.equal(rV(BPR), 2);
    assert.equal(rV(ABPR), 3);
    wV(BPR, 0xff);
    wV(ABPR, 5);
    assert.equal(rV(BPR), 7);
    assert.equal(rV(ABPR), 5);
  });

  it('GICV_IIDR, RPR idle 0xFF, write-only registers RAZ, read-only ignore writes', () => {
    const { rV, wV } = readyVif();
    assert.equal(rV(IIDR), 0x0002043b);
    assert.equal((rV(IIDR) >>> 16) & 0xf, 2, 'architecture version 2');
    assert.equal(rV(RPR), 0xff);
    for (const off of [EOIR, AEOIR, DIR]) assert.equal(rV(off), 0);
    wV(RPR, 0);
    wV(IIDR, 0);
    wV(IAR, 0);
    assert.equal(rV(RPR), 0xff);
    assert.equal(rV(IIDR), 0x0002043b);
    for (const off of [0x00d4, 0x00d8, 0x00dc, 0x00e0, 0x00ec, 0x0040, 0x1004]) {
      wV(off, 0xffffffff);
      assert.equal(rV(off), 0, `offset ${off.toString(16)} RAZ/WI`);
    }
  });

  it('GICV_IAR: nothing pending -> 1023; HCR.En=0 -> 1023', () => {
    const f = makeVif();
    f.wV(CTLR, CTLR_GRP0);
    f.wV(PMR, 0xf8);
    assert.equal(f.rV(IAR), 1023);
    f.wLR(0, { vid: 40, prio: 1 });
    assert.equal(f.rV(IAR), 1023, 'En=0');
    assert.equal(f.rV(HPPIR), 1023, 'En=0');
    f.wH(0x000, HCR_EN);
    assert.equal(f.rV(HPPIR), 40);
    assert.equal(f.rV(IAR), 40);
  });

  it('GICV_IAR picks the highest-priority pending LR, moves it to active and sets the APR bit', () => {
    const { rV, wLR, rLR, rH } = readyVif();
    wLR(0, { vid: 40, prio: 9 });
    wLR(1, { vid: 41, prio: 4 });
    wLR(2, { vid: 42, prio: 4 }); // tie: lowest LR index wins
    wLR(3, { vid: 43, prio: 2, state: 3 }); // pending+active: not eligible
    assert.equal(rV(HPPIR), 41);
    assert.equal(rV(IAR), 41);
    assert.equal(rLR(1), lr({ vid: 41, prio: 4, state: 2 }));
    assert.equal(rH(0x0f0), 1 << 4, 'group priority 0x20 -> APR bit 4');
    assert.equal(rV(RPR), 0x20);
  });

  it('priority masking by PMR with 5-bit priorities (strictly lower value only)', () => {
    const { rV, wV, wLR, v } = readyVif();
    wLR(0, { vid: 40, prio: 0x10 }); // priority 0x80
    wV(PMR, 0x80);
    assert.equal(v.virq.level, false);
    assert.equal(rV(IAR), 1023, 'priority == PMR is masked');
    assert.equal(rV(HPPIR), 40, 'HPPIR ignores the mask');
    wV(PMR, 0x87); // low bits RAZ: still 0x80
    assert.equal(rV(IAR), 1023);
    wV(PMR, 0x88);
    assert.equal(v.virq.level, true);
    assert.equal(rV(IAR), 40);
  });

  it('group enables: a disabled group is not pending to the guest', () => {
    const { rV, wV, wLR, v } = readyVif(4, CTLR_GRP0);
    wLR(0, { vid: 40, prio: 1, grp1: true });
    assert.equal(rV(HPPIR), 1023);
    assert.equal(v.virq.level, false);
    wV(CTLR, CTLR_GRP0 | CTLR_GRP1 | CTLR_ACKCTL);
    assert.equal(v.virq.level, true);
    assert.equal(rV(IAR), 40);
  });

  it('AckCtl=0: group 1 HPPI reads 1022 from IAR/HPPIR and is taken by AIAR', () => {
    const { rV, wLR, rLR, rH } = readyVif(4, CTLR_GRP0 | CTLR_GRP1);
    wLR(0, { vid: 40, prio: 1, grp1: true });
    assert.equal(rV(HPPIR), 1022);
    assert.equal(rV(IAR), 1022);
    assert.equal(rLR(0), lr({ vid: 40, prio: 1, grp1: true }), 'IAR did not acknowledge');
    assert.equal(rV(AHPPIR), 40);
    assert.equal(rV(AIAR), 40);
    assert.equal(rH(0x0f0), 1 << 1, 'priority 0x08, ABPR=3 -> group priority 0x08 -> APR bit 1');
  });

  it('AIAR/AHPPIR read 1023 when the HPPI is group 0', () => {
    const { rV, wLR, rLR } = readyVif(4, CTLR_GRP0 | CTLR_GRP1);
    wLR(0, { vid: 40, prio: 1 });
    assert.equal(rV(AHPPIR), 1023);
    assert.equal(rV(AIAR), 1023);
    assert.equal(rLR(0), lr({ vid: 40, prio: 1 }));
  });

  it('SGI: IAR reports the LR CPUID in [12:10]; EOIR must name the same source', () => {
    const { rV, wV, wLR, rLR } = readyVif();
    wLR(0, { vid: 5, prio: 2, cpuid: 3 });
    assert.equal(rV(IAR), (3 << 10) | 5);
    wV(EOIR, (2 << 10) | 5); // wrong source: priority drop only, no LR matches
    assert.equal(rLR(0), lr({ vid: 5, prio: 2, cpuid: 3, state: 2 }));
    assert.equal(rV(APR0), 0);
  });

  it('EOIR: priority drop clears the highest-priority active bit; 1020-1023 ignored', () => {
    const { rV, wV, wH } = readyVif();
    wH(0x0f0, 0b10110);
    wV(EOIR, 1023);
    wV(EOIR, 1020);
    assert.equal(rV(APR0), 0b10110);
    wV(EOIR, 40);
    assert.equal(rV(APR0), 0b10100);
    assert.equal(rV(RPR), 0x10);
    wV(AEOIR, 41);
    assert.equal(rV(APR0), 0b10000);
  });

  it('EOImode=0: EOIR deactivates; DIR is ignored', () => {
    const { rV, wV, wLR, rLR, rH } = readyVif();
    wLR(0, { vid: 40, prio: 1 });
    assert.equal(rV(IAR), 40);
    wV(DIR, 40);
    assert.equal(rLR(0), lr({ vid: 40, prio: 1, state: 2 }), 'DIR with EOImode=0 ignored');
    assert.equal(rH(0x000) >>> 27, 0, 'and does not count');
    wV(EOIR, 40);
    assert.equal(rLR(0), lr({ vid: 40, prio: 1, state: 0 }));
    assert.equal(rV(APR0), 0);
  });

  it('EOImode=1: EOIR only drops priority, DIR deactivates', () => {
    const { rV, wV, wLR, rLR } = readyVif(4, CTLR_GRP0 | CTLR_EOIMODE);
    wLR(0, { vid: 40, prio: 1 });
    assert.equal(rV(IAR), 40);
    wV(EOIR, 40);
    assert.equal(rV(APR0), 0);
    assert.equal(rLR(0), lr({ vid: 40, prio: 1, state: 2 }), 'still active');
    wV(DIR, 40);
    assert.equal(rLR(0), lr({ vid: 40, prio: 1, state: 0 }));
  });

  it('binary point: group 1 uses ABPR unless CBPR=1', () => {
    const { rV, wV, wLR } = readyVif(4, CTLR_GRP1 | CTLR_ACKCTL);
    wV(ABPR, 5); // group priority [7:5]
    wLR(0, { vid: 40, prio: 0x07, grp1: true }); // priority 0x38 -> group priority 0x20
    assert.equal(rV(IAR), 40);
    assert.equal(rV(APR0), 1 << 4);
    assert.equal(rV(RPR), 0x20);
    wV(EOIR, 40);
    wV(CTLR, CTLR_GRP1 | CTLR_ACKCTL | CTLR_CBPR); // now BPR=2: [7:3]
    wLR(0, { vid: 40, prio: 0x07, grp1: true });
    assert.equal(rV(IAR), 40);
    assert.equal(rV(APR0), 1 << 7);
  });

  it('FIQEn: a group 0 interrupt drives vfiq instead of virq; group 1 stays on virq', () => {
    const { v, wV, wLR, rV } = readyVif(4, CTLR_GRP0 | CTLR_GRP1 | CTLR_FIQEN | CTLR_ACKCTL);
    wLR(0, { vid: 40, prio: 3 });
    assert.equal(v.vfiq.level, true);
    assert.equal(v.virq.level, false);
    wV(CTLR, CTLR_GRP0 | CTLR_GRP1 | CTLR_ACKCTL);
    assert.equal(v.vfiq.level, false);
    assert.equal(v.virq.level, true);
    wV(CTLR, CTLR_GRP0 | CTLR_GRP1 | CTLR_FIQEN | CTLR_ACKCTL);
    assert.equal(rV(IAR), 40);
    wLR(1, { vid: 41, prio: 1, grp1: true });
    assert.equal(v.vfiq.level, false);
    assert.equal(v.virq.level, true, 'group 1 preempts as vIRQ');
  });
});
