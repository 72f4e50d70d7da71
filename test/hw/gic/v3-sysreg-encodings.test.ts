import assert from 'node:assert/strict';
import { test } from 'node:test';
import { sysregEncoding } from '../../../src/hw/cpu/guest-port.ts';
import {
  IccReg,
  IchReg,
  iccEncoding,
  iccRegOf,
  ichEncoding,
  ichLrEncoding,
  ichLrOf,
  ichRegOf,
} from '../../../src/hw/gic/v3/sysreg-encodings.ts';

test('GICv3 sysreg encodings: known registers (IHI 0069 12.2/12.4) and the cpu packing agree', () => {
  assert.equal(iccEncoding(IccReg.ICC_IAR1_EL1), sysregEncoding(3, 0, 12, 12, 0));
  assert.equal(iccEncoding(IccReg.ICC_PMR_EL1), sysregEncoding(3, 0, 4, 6, 0));
  assert.equal(iccEncoding(IccReg.ICC_SGI1R_EL1), sysregEncoding(3, 0, 12, 11, 5));
  assert.equal(ichEncoding(IchReg.ICH_HCR_EL2), sysregEncoding(3, 4, 12, 11, 0));
  assert.equal(ichLrEncoding(0), sysregEncoding(3, 4, 12, 12, 0));
  assert.equal(ichLrEncoding(9), sysregEncoding(3, 4, 12, 13, 1));
  assert.throws(() => ichLrEncoding(16), RangeError);
});

test('GICv3 sysreg encodings: every name round-trips, and no two names share an encoding', () => {
  const seen = new Set<number>();
  for (const r of Object.values(IccReg)) {
    assert.equal(iccRegOf(iccEncoding(r)), r);
    assert.ok(!seen.has(iccEncoding(r)), r);
    seen.add(iccEncoding(r));
  }
  for (const r of Object.values(IchReg)) {
    assert.equal(ichRegOf(ichEncoding(r)), r);
    assert.ok(!seen.has(ichEncoding(r)), r);
    seen.add(ichEncoding(r));
  }
  for (let n = 0; n < 16; n++) {
    assert.equal(ichLrOf(ichLrEncoding(n)), n);
    assert.ok(!seen.has(ichLrEncoding(n)), `LR${n}`);
    seen.add(ichLrEncoding(n));
  }
  assert.equal(ichLrOf(ichEncoding(IchReg.ICH_VMCR_EL2)), -1);
});
