import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ichImplemented } from '../../../src/hw/gic/v3/virt-v3-state.ts';
import { icvAccess } from '../../../src/hw/gic/v3/icv-registers.ts';
import { IccReg, IchReg, makeVcif, readyVcif, VCBPR, VEOIM, VENG0, VENG1, vpmr } from './v3-virt-fixture.ts';

const { ICC_IAR0_EL1, ICC_IAR1_EL1, ICC_EOIR0_EL1, ICC_EOIR1_EL1, ICC_DIR_EL1, ICC_RPR_EL1 } = IccReg;
const { ICH_HCR_EL2, ICH_VMCR_EL2, ICH_MISR_EL2, ICH_EISR_EL2, ICH_ELRSR_EL2, ICH_AP1R0_EL2, ICH_AP0R0_EL2 } =
  IchReg;
const EOICOUNT = (hcr: number) => hcr >>> 27;

describe('ICH_VTR_EL2 and the implemented registers', () => {
  it('advertises the LRs, 5 priority and 5 preemption bits, 16 ID bits, TDS, nV4, A3V', () => {
    const { rH } = makeVcif(4);
    const vtr = rH(IchReg.ICH_VTR_EL2);
    assert.equal(vtr & 0x1f, 3, 'ListRegs = nLR - 1');
    assert.equal(vtr >>> 29, 4, 'PRIbits = 5 - 1');
    assert.equal((vtr >>> 26) & 7, 4, 'PREbits = 5 - 1');
    assert.equal((vtr >>> 23) & 7, 0, 'IDbits = 16');
    assert.equal((vtr >>> 19) & 0xf, 0b0111, 'TDS, nV4, A3V set, SEIS clear');
    assert.equal(makeVcif(16).rH(IchReg.ICH_VTR_EL2) & 0x1f, 15);
  });

  it('only ICH_AP0R0/AP1R0 exist with 32 preemption levels; ICV directions', () => {
    assert.equal(ichImplemented(IchReg.ICH_AP0R0_EL2), true);
    assert.equal(ichImplemented(IchReg.ICH_AP1R1_EL2), false);
    assert.equal(ichImplemented(IchReg.ICH_AP0R3_EL2), false);
    assert.equal(icvAccess(IccReg.ICC_IAR1_EL1), 'RO');
    assert.equal(icvAccess(IccReg.ICC_EOIR1_EL1), 'WO');
    assert.equal(icvAccess(IccReg.ICC_PMR_EL1), 'RW');
    assert.equal(icvAccess(IccReg.ICC_AP1R1_EL1), undefined);
    assert.equal(icvAccess(IccReg.ICC_SGI1R_EL1), undefined, 'SGI generation traps to EL2');
    assert.throws(() => makeVcif(17), /nLR must be 1..16/);
  });
});

describe('ICH_LR<n>_EL2', () => {
  it('keeps the fields as written; RES0 and unimplemented bits read 0', () => {
    const { v, wLR } = makeVcif();
    wLR(0, { vid: 40, prio: 0xa8, grp1: true, hw: true, pid: 0x1fff, state: 2 });
    assert.equal(v.readLrLo(0), 40);
    assert.equal(
      v.readLr64(0),
      (0b10n << 62n) | (1n << 61n) | (1n << 60n) | (0xa8n << 48n) | (0x1fffn << 32n) | 40n,
    );
    v.writeLr(1, 0x12345, 0xffffffff & ~(1 << 29)); // HW = 0: only EOI of bits [44:32]
    assert.equal(v.readLrLo(1), 0x2345, 'vINTID above 16 bits is RES0');
    assert.equal(
      v.readLrHi(1),
      (0xd0000000 | (0xf8 << 16) | (1 << 9)) >>> 0,
      'priority [2:0] RAZ, pINTID RES0',
    );
    wLR(2, { vid: 27, hw: true, pid: 27, state: 3 });
    assert.equal(v.readLrHi(2) >>> 30, 2, 'HW=1 pending+active is stored active');
    v.writeLr(9, 1, 1);
    assert.equal(v.readLr64(9), 0n, 'an unimplemented LR reads 0');
  });

  it('writeLr64 / readLr64 round-trip over the 64-bit value', () => {
    const { v } = makeVcif();
    const val = (1n << 62n) | (1n << 60n) | (0x80n << 48n) | (1n << 41n) | 33n;
    v.writeLr64(3, val);
    assert.equal(v.readLr64(3), val);
    assert.equal(v.readLrHi(3), Number(val >> 32n));
  });
});

describe('ICV_IAR, ICV_EOIR, ICV_DIR', () => {
  it('IAR1 acknowledges the highest-priority pending Group 1 LR and sets its AP1R bit', () => {
    const { v, wLR, rV, rH, state } = readyVcif();
    wLR(0, { vid: 40, prio: 0x80, grp1: true });
    wLR(1, { vid: 41, prio: 0x40, grp1: true });
    assert.equal(v.virq.level, true);
    assert.equal(v.vfiq.level, false);
    assert.equal(rV(ICC_IAR1_EL1), 41);
    assert.equal(state(1), 2);
    assert.equal(rH(ICH_AP1R0_EL2), 1 << (0x40 >> 3));
    assert.equal(rV(ICC_RPR_EL1), 0x40);
    assert.equal(v.virq.level, false, '0x80 does not preempt 0x40');
    assert.equal(rV(ICC_IAR1_EL1), 1023);
    v.writeIcv(ICC_EOIR1_EL1, 41);
    assert.equal(state(1), 0);
    assert.equal(rV(ICC_RPR_EL1), 0xff);
    assert.equal(v.virq.level, true);
    assert.equal(rV(ICC_IAR1_EL1), 40);
  });

  it('Group 0 is signalled as vFIQ and taken by IAR0; IAR1 of a Group 0 HPPI reads 1023', () => {
    const { v, wLR, rV, rH } = readyVcif();
    wLR(0, { vid: 33, prio: 0x10 });
    wLR(1, { vid: 34, prio: 0x20, grp1: true });
    assert.equal(v.vfiq.level, true);
    assert.equal(v.virq.level, false, 'the HPPI is Group 0');
    assert.equal(rV(ICC_IAR1_EL1), 1023);
    assert.equal(rV(IccReg.ICC_HPPIR1_EL1), 1023);
    assert.equal(rV(IccReg.ICC_HPPIR0_EL1), 33);
    assert.equal(rV(ICC_IAR0_EL1), 33);
    assert.equal(rH(ICH_AP0R0_EL2), 1 << 2);
    assert.equal(v.vfiq.level, false);
    v.writeIcv(ICC_EOIR0_EL1, 33);
    assert.equal(v.virq.level, true);
  });

  it('VPMR masks: IAR reads 1023, HPPIR still shows it, no line', () => {
    const { v, wLR, rV, wH } = readyVcif();
    wH(ICH_VMCR_EL2, VENG1 | vpmr(0x80));
    wLR(0, { vid: 50, prio: 0x80, grp1: true });
    assert.equal(v.virq.level, false);
    assert.equal(rV(ICC_IAR1_EL1), 1023);
    assert.equal(rV(IccReg.ICC_HPPIR1_EL1), 50);
    v.writeIcv(IccReg.ICC_PMR_EL1, 0x87);
    assert.equal(rV(IccReg.ICC_PMR_EL1), 0x80, 'PMR bits [2:0] RAZ/WI');
    v.writeIcv(IccReg.ICC_PMR_EL1, 0x88);
    assert.equal(v.virq.level, true);
  });

  it('preemption follows the binary point: same group priority does not preempt', () => {
    const { v, wLR, rV, wH } = readyVcif();
    // VBPR1 = 5: group field [7:5]; 0x40 and 0x50 share group priority 0x40
    wH(ICH_VMCR_EL2, VENG1 | vpmr(0xf8) | (5 << 18));
    wLR(0, { vid: 60, prio: 0x50, grp1: true });
    assert.equal(rV(ICC_IAR1_EL1), 60);
    wLR(1, { vid: 61, prio: 0x40, grp1: true });
    assert.equal(v.virq.level, false);
    assert.equal(rV(ICC_IAR1_EL1), 1023);
    wLR(2, { vid: 62, prio: 0x20, grp1: true });
    assert.equal(rV(ICC_IAR1_EL1), 62);
  });

  it('EOIR of an HW=1 LR deactivates pINTID; of an HW=0 EOI=1 LR raises EOI maintenance', () => {
    const { v, wLR, rV, rH, deactivated } = readyVcif();
    wLR(0, { vid: 27, prio: 0x20, grp1: true, hw: true, pid: 27 });
    wLR(1, { vid: 40, prio: 0x30, grp1: true, eoi: true });
    assert.equal(rV(ICC_IAR1_EL1), 27);
    v.writeIcv(ICC_EOIR1_EL1, 27);
    assert.deepEqual(deactivated, [[0, 27]]);
    assert.equal(rV(ICC_IAR1_EL1), 40);
    assert.equal(v.maintenance.level, false);
    v.writeIcv(ICC_EOIR1_EL1, 40);
    assert.equal(rH(ICH_EISR_EL2), 0b10);
    assert.equal(rH(ICH_ELRSR_EL2) & 0b10, 0, 'not empty until the hypervisor handles it');
    assert.equal(rH(ICH_MISR_EL2), 1);
    assert.equal(v.maintenance.level, true);
    wLR(1, { vid: 40, state: 0 });
    assert.equal(v.maintenance.level, false);
    assert.equal(rH(ICH_ELRSR_EL2), 0b1111);
  });

  it('EOIR of an INTID in no LR counts in EOIcount, only when a priority was dropped; LRENP', () => {
    const { v, rH, wH } = readyVcif();
    wH(ICH_HCR_EL2, 1 | (1 << 2)); // En, LRENPIE
    wH(ICH_AP1R0_EL2, 1 << 4);
    v.writeIcv(ICC_EOIR1_EL1, 77);
    assert.equal(EOICOUNT(rH(ICH_HCR_EL2)), 1);
    assert.equal(rH(ICH_AP1R0_EL2), 0);
    assert.equal(rH(ICH_MISR_EL2), 4);
    assert.equal(v.maintenance.level, true);
    v.writeIcv(ICC_EOIR1_EL1, 77);
    assert.equal(EOICOUNT(rH(ICH_HCR_EL2)), 1, 'nothing active: no drop, no count');
    v.writeIcv(ICC_EOIR1_EL1, 1023);
    assert.equal(EOICOUNT(rH(ICH_HCR_EL2)), 1, 'special INTIDs are ignored');
  });

  it('VEOIM = 1: EOIR drops the priority only, DIR deactivates (or counts), DIR with VEOIM = 0 is ignored', () => {
    const { v, wLR, rV, rH, state, deactivated } = readyVcif(4, VENG1 | VEOIM);
    wLR(0, { vid: 27, prio: 0x20, grp1: true, hw: true, pid: 27 });
    assert.equal(rV(ICC_IAR1_EL1), 27);
    v.writeIcv(ICC_EOIR1_EL1, 27);
    assert.equal(rH(ICH_AP1R0_EL2), 0);
    assert.equal(state(0), 2, 'still active');
    assert.deepEqual(deactivated, []);
    v.writeIcv(ICC_DIR_EL1, 27);
    assert.equal(state(0), 0);
    assert.deepEqual(deactivated, [[0, 27]]);
    v.writeIcv(ICC_DIR_EL1, 99);
    assert.equal(EOICOUNT(rH(ICH_HCR_EL2)), 1);
    v.vmcrValue = VENG1;
    wLR(1, { vid: 28, state: 2, grp1: true });
    v.writeIcv(ICC_DIR_EL1, 28);
    assert.equal(state(1), 2, 'DIR with VEOIM = 0 is ignored');
  });

  it('EOIR of the wrong group drops the priority but does not deactivate', () => {
    const { v, wLR, rV, state, rH } = readyVcif();
    wLR(0, { vid: 45, prio: 0x20, grp1: true });
    assert.equal(rV(ICC_IAR1_EL1), 45);
    v.writeIcv(ICC_EOIR0_EL1, 45);
    assert.equal(rH(ICH_AP1R0_EL2), 0);
    assert.equal(state(0), 2);
  });

  it('ICH_HCR_EL2.En = 0: IAR reads 1023, no lines, no maintenance', () => {
    const { v, wLR, rV, wH } = readyVcif();
    wH(ICH_HCR_EL2, 1 << 1); // UIE, En = 0
    wLR(0, { vid: 40, grp1: true });
    assert.equal(v.virq.level, false);
    assert.equal(v.maintenance.level, false);
    assert.equal(rV(ICC_IAR1_EL1), 1023);
    wH(ICH_HCR_EL2, 1 | (1 << 1));
    assert.equal(v.virq.level, true);
    assert.equal(v.maintenance.level, true, 'one valid LR: underflow');
  });
});

describe('ICV control registers over ICH_VMCR_EL2', () => {
  it('BPR0/BPR1 with their minima, VCBPR makes BPR1 a view of BPR0', () => {
    const { v, rV, wV } = makeVcif();
    assert.equal(rV(IccReg.ICC_BPR0_EL1), 2);
    assert.equal(rV(IccReg.ICC_BPR1_EL1), 3);
    wV(IccReg.ICC_BPR0_EL1, 0);
    wV(IccReg.ICC_BPR1_EL1, 1);
    assert.equal(rV(IccReg.ICC_BPR0_EL1), 2, 'minimum 2');
    assert.equal(rV(IccReg.ICC_BPR1_EL1), 3, 'minimum 3');
    wV(IccReg.ICC_BPR0_EL1, 4);
    wV(IccReg.ICC_BPR1_EL1, 6);
    wV(IccReg.ICC_CTLR_EL1, 1); // CBPR
    assert.equal(v.vmcrValue & VCBPR, VCBPR);
    assert.equal(rV(IccReg.ICC_BPR1_EL1), 5, 'BPR0 + 1');
    wV(IccReg.ICC_BPR1_EL1, 7);
    assert.equal((v.vmcrValue >>> 18) & 7, 6, 'writes ignored while CBPR = 1');
  });

  it('CTLR: CBPR and EOImode writable, PRIbits/IDbits/A3V read-only', () => {
    const { v, rV, wV } = makeVcif();
    wV(IccReg.ICC_CTLR_EL1, 0xffffffff);
    assert.equal(rV(IccReg.ICC_CTLR_EL1), 0b11 | (4 << 8) | (1 << 15));
    assert.equal(v.vmcrValue & VEOIM, VEOIM);
    assert.equal(v.vmcrValue & 0b1000, 0b1000, 'VFIQEn is RES1');
    assert.equal(v.vmcrValue & 0b0100, 0, 'VAckCtl is RES0');
  });

  it('IGRPEN0/1 are VENG0/1 and gate signalling; VGrp enable/disable maintenance', () => {
    const { v, wLR, rV, wV, wH, rH } = readyVcif(4, 0);
    wH(ICH_HCR_EL2, 1 | (1 << 7) | (1 << 4)); // En, VGrp1DIE, VGrp0EIE
    assert.equal(rH(ICH_MISR_EL2), 1 << 7);
    wLR(0, { vid: 40, grp1: true });
    assert.equal(v.virq.level, false);
    assert.equal(rV(ICC_IAR1_EL1), 1023);
    wV(IccReg.ICC_IGRPEN1_EL1, 1);
    assert.equal(rV(IccReg.ICC_IGRPEN1_EL1), 1);
    assert.equal(v.vmcrValue & (VENG0 | VENG1), VENG1);
    assert.equal(rH(ICH_MISR_EL2), 0);
    assert.equal(v.virq.level, true);
    wV(IccReg.ICC_IGRPEN0_EL1, 1);
    assert.equal(rH(ICH_MISR_EL2), 1 << 4);
  });

  it('AP0R0/AP1R0 are the ICH registers; RPR is their highest priority', () => {
    const { rV, wV, rH } = makeVcif();
    wV(IccReg.ICC_AP1R0_EL1, 0b1000_0000);
    wV(IccReg.ICC_AP0R0_EL1, 0b1_0000_0000);
    assert.equal(rH(ICH_AP1R0_EL2), 0x80);
    assert.equal(rV(IccReg.ICC_AP0R0_EL1), 0x100);
    assert.equal(rV(ICC_RPR_EL1), 7 << 3);
  });
});

describe('maintenance conditions', () => {
  it('U with zero or one valid LR, NP with no pending LR', () => {
    const { v, wLR, rV, wH, rH } = readyVcif();
    wH(ICH_HCR_EL2, 1 | (1 << 1));
    assert.equal(rH(ICH_MISR_EL2), 2);
    wLR(0, { vid: 40, grp1: true });
    wLR(1, { vid: 41, grp1: true, prio: 8 });
    assert.equal(rH(ICH_MISR_EL2), 0);
    assert.equal(v.maintenance.level, false);
    wH(ICH_HCR_EL2, 1 | (1 << 3));
    assert.equal(rV(ICC_IAR1_EL1), 40);
    assert.equal(rH(ICH_MISR_EL2), 0, 'LR1 is still pending');
    wLR(1, { vid: 41, state: 0 });
    assert.equal(rH(ICH_MISR_EL2), 8);
    assert.equal(v.maintenance.level, true);
  });
});

describe('traps to EL2 (ICH_HCR_EL2 TALL0, TALL1, TC, TDIR)', () => {
  it('each bit traps its own registers', () => {
    const { v, wH } = makeVcif();
    assert.equal(v.trapsToEl2(ICC_IAR1_EL1, false), false);
    wH(ICH_HCR_EL2, 1 << 12);
    assert.equal(v.trapsToEl2(ICC_IAR1_EL1, false), true);
    assert.equal(v.trapsToEl2(ICC_IAR0_EL1, false), false);
    assert.equal(v.trapsToEl2(IccReg.ICC_PMR_EL1, true), false);
    wH(ICH_HCR_EL2, 1 << 11);
    assert.equal(v.trapsToEl2(IccReg.ICC_BPR0_EL1, true), true);
    wH(ICH_HCR_EL2, 1 << 10);
    assert.equal(v.trapsToEl2(IccReg.ICC_PMR_EL1, true), true);
    assert.equal(v.trapsToEl2(ICC_DIR_EL1, true), true);
    wH(ICH_HCR_EL2, 1 << 14);
    assert.equal(v.trapsToEl2(ICC_DIR_EL1, true), true);
    assert.equal(v.trapsToEl2(IccReg.ICC_CTLR_EL1, true), false);
  });
});

describe('trace', () => {
  it('records ack, eoi, LR state changes and lines as the GICv2 interface does', () => {
    const { v, wLR, rV, sink } = readyVcif();
    wLR(0, { vid: 40, grp1: true });
    rV(ICC_IAR1_EL1);
    v.writeIcv(ICC_EOIR1_EL1, 40);
    const kinds = sink.records.map((r) => r.kind);
    assert.deepEqual(kinds, ['irq', 'line', 'ack', 'irq', 'line', 'eoi', 'irq']);
  });
});
