// The GicV3 block's virtual CPU interfaces: each one's maintenance output is
// PPI 25 of its cpu, and a virtual deactivation of an LR with HW = 1
// deactivates the physical interrupt of that cpu.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { fieldMask, setField } from '../../../../src/sim/bits.ts';
import {
  ICH_HCR_En,
  ICH_HCR_UIE,
  ICH_LR_HW,
  ICH_LR_pINTID,
  ICH_LR_State,
} from '../../../../src/hw/gic/v3/ich-regs.ts';
import { IchReg } from '../../../../src/hw/gic/v3/sysreg-encodings.ts';
import { makeGicV3 } from './fixture-v3.ts';

describe('GicV3: the virtual CPU interfaces', () => {
  it('ICH_HCR_EL2.En + UIE with no valid LR raises the maintenance interrupt: PPI 25 of that cpu', () => {
    const f = makeGicV3(2);
    f.gic.virtInterface(1).writeIch(IchReg.ICH_HCR_EL2, fieldMask(ICH_HCR_En) | fieldMask(ICH_HCR_UIE));
    assert.equal(f.gic.lineLevel(1, 25), true);
    assert.equal(f.gic.lineLevel(0, 25), false);
    assert.equal(f.gic.isPending(1, 25), true);
    f.gic.virtInterface(1).writeIch(IchReg.ICH_HCR_EL2, 0);
    assert.equal(f.gic.lineLevel(1, 25), false);
  });

  it('deactivating a HW LR (virtual EOI) deactivates the physical PPI of its cpu', () => {
    const f = makeGicV3(2);
    f.gic.setActive(1, 27, true);
    f.gic.setActive(0, 27, true);
    const v = f.gic.virtInterface(1);
    v.writeIch(IchReg.ICH_HCR_EL2, fieldMask(ICH_HCR_En));
    v.writeIch(IchReg.ICH_VMCR_EL2, 1 << 1); // VENG1
    // vINTID 27, Group 1, HW, pINTID 27, active
    const hi = setField(setField(setField(1 << 28, ICH_LR_HW, 1), ICH_LR_pINTID, 27), ICH_LR_State, 2);
    v.writeLr(0, 27, hi);
    v.writeIch(IchReg.ICH_AP1R0_EL2, 1);
    v.endOfInterrupt(1, 27);
    assert.equal(f.gic.isActive(1, 27), false);
    assert.equal(f.gic.isActive(0, 27), true, 'the other cpu keeps its own PPI 27 active');
  });

  it('save/restore carries the virtual interfaces', () => {
    const f = makeGicV3(2);
    f.gic.virtInterface(0).writeIch(IchReg.ICH_VMCR_EL2, 0xf000_0003);
    const s = f.gic.save();
    const g = makeGicV3(2).gic;
    g.restore(s);
    assert.equal(
      g.virtInterface(0).readIch(IchReg.ICH_VMCR_EL2),
      f.gic.virtInterface(0).readIch(IchReg.ICH_VMCR_EL2),
    );
    assert.deepEqual(g.save(), s);
  });
});
