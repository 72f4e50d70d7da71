import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { LineRecord } from '../../../src/sim/trace/records.ts';
import { CTLR_EOIMODE, CTLR_GRP0, CTLR_GRP1, HCR_EN, makeVif, readyVif } from './virt-fixture.ts';

const HCR = 0x000;
const MISR = 0x010;
const EISR0 = 0x020;
const ELRSR0 = 0x030;
const UIE = 1 << 1;
const LRENPIE = 1 << 2;
const NPIE = 1 << 3;
const EOICOUNT = (hcr: number) => hcr >>> 27;

describe('maintenance interrupt (GICH_MISR)', () => {
  it('EOI maintenance for an HW=0, EOI=1 LR: EISR bit, MISR.EOI, maintenance line', () => {
    const { rV, wV, wLR, rH, v } = readyVif();
    wLR(0, { vid: 40, prio: 1, eoi: true });
    assert.equal(rH(MISR), 0);
    assert.equal(rV(0x000c), 40);
    assert.equal(v.maintenance.level, false);
    wV(0x0010, 40);
    assert.equal(rH(EISR0), 1);
    assert.equal(rH(ELRSR0) & 1, 0, 'not empty until the hypervisor handles it');
    assert.equal(rH(MISR), 1);
    assert.equal(v.maintenance.level, true);
    wLR(0, { vid: 40, state: 0 }); // the hypervisor clears the EOI bit
    assert.equal(rH(EISR0), 0);
    assert.equal(rH(MISR), 0);
    assert.equal(v.maintenance.level, false);
  });

  it('EOI maintenance with EOImode=1 comes from DIR, not EOIR', () => {
    const { rV, wV, wLR, rH, v } = readyVif(4, CTLR_GRP0 | CTLR_EOIMODE);
    wLR(0, { vid: 40, prio: 1, eoi: true });
    rV(0x000c);
    wV(0x0010, 40);
    assert.equal(v.maintenance.level, false);
    wV(0x1000, 40);
    assert.equal(rH(EISR0), 1);
    assert.equal(v.maintenance.level, true);
  });

  it('underflow: UIE with zero or one valid LR', () => {
    const { wH, wLR, rH, rV, wV, v } = readyVif();
    wH(HCR, HCR_EN | UIE);
    assert.equal(rH(MISR), 2, 'no valid LR');
    assert.equal(v.maintenance.level, true);
    wLR(0, { vid: 40, prio: 1 });
    wLR(1, { vid: 41, prio: 2 });
    assert.equal(rH(MISR), 0, 'two valid LRs');
    assert.equal(v.maintenance.level, false);
    assert.equal(rV(0x000c), 40);
    wV(0x0010, 40); // LR0 invalid again: one valid LR left
    assert.equal(rH(MISR), 2);
    assert.equal(v.maintenance.level, true);
  });

  it('NP: NPIE and no LR has the pending bit', () => {
    const { wH, wLR, rH, rV, v } = readyVif();
    wLR(0, { vid: 40, prio: 1 });
    wH(HCR, HCR_EN | NPIE);
    assert.equal(rH(MISR), 0);
    assert.equal(rV(0x000c), 40); // pending -> active
    assert.equal(rH(MISR), 8);
    assert.equal(v.maintenance.level, true);
    wLR(0, { vid: 40, prio: 1, state: 3 }); // pending+active still counts as pending
    assert.equal(rH(MISR), 0);
  });

  it('LRENP: an EOI of an INTID in no LR increments EOICount', () => {
    const { wH, rH, wV, v } = readyVif();
    wH(HCR, HCR_EN | LRENPIE);
    wH(0x0f0, 1 << 3); // the guest has an active priority whose LR was reused
    wV(0x0010, 77);
    assert.equal(EOICOUNT(rH(HCR)), 1);
    assert.equal(rH(0x0f0), 0);
    assert.equal(rH(MISR), 4);
    assert.equal(v.maintenance.level, true);
    wV(0x0010, 77); // nothing active: no priority dropped -> no count
    assert.equal(EOICOUNT(rH(HCR)), 1);
    wH(HCR, HCR_EN | LRENPIE); // the hypervisor resets the count
    assert.equal(rH(MISR), 0);
    assert.equal(v.maintenance.level, false);
  });

  it('EOICount: DIR with no matching LR counts; EOIR with EOImode=1 does not; wraps at 32', () => {
    const { wH, rH, wV } = readyVif(4, CTLR_GRP0 | CTLR_EOIMODE);
    wH(0x0f0, 1);
    wV(0x0010, 77);
    assert.equal(EOICOUNT(rH(HCR)), 0);
    wV(0x1000, 77);
    assert.equal(EOICOUNT(rH(HCR)), 1);
    wH(HCR, HCR_EN | (31 << 27));
    wV(0x1000, 77);
    assert.equal(EOICOUNT(rH(HCR)), 0);
  });

  it('VGrp0E/D, VGrp1E/D follow the VMCR group enables', () => {
    const { wH, rH, wV } = makeVif();
    wH(HCR, HCR_EN | 0xf0);
    assert.equal(rH(MISR), 0x20 | 0x80);
    wV(0x0000, CTLR_GRP0);
    assert.equal(rH(MISR), 0x10 | 0x80);
    wV(0x0000, CTLR_GRP0 | CTLR_GRP1);
    assert.equal(rH(MISR), 0x10 | 0x40);
  });

  it('the maintenance line needs GICH_HCR.En; MISR still reads its causes', () => {
    const { wH, rH, v } = makeVif();
    wH(HCR, UIE);
    assert.equal(rH(MISR), 2);
    assert.equal(v.maintenance.level, false);
    wH(HCR, UIE | HCR_EN);
    assert.equal(v.maintenance.level, true);
  });

  it('line changes are traced with the clock time', () => {
    const { wH, sink, clock } = makeVif();
    clock.now = 1234;
    wH(HCR, HCR_EN | UIE);
    clock.now = 1300;
    wH(HCR, HCR_EN);
    const lines = sink.records.filter((r): r is LineRecord => r.kind === 'line');
    assert.deepEqual(
      lines.map((r) => [r.t, r.signal, r.level]),
      [
        [1234, 'cpu0.maintenance', true],
        [1300, 'cpu0.maintenance', false],
      ],
    );
  });
});
