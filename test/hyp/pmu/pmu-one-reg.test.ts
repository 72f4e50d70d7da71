// KVM_GET/SET_ONE_REG of the PMU's system registers: the vPMU's registers
// with storage (linux-7.0), none before the vPMU (4.2/4.3: -ENOENT), and a
// guest counting on after userspace rewrote a counter.

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createVm, type KvmResult } from '../../../src/hyp/api/index.ts';
import { arm64SysReg } from '../../../src/hyp/api/uapi.ts';

function unwrap<T>(r: KvmResult<T>): T {
  if (!r.ok) assert.fail(`${r.errno}: ${r.message}`);
  return r.value;
}

const PMCR = arm64SysReg(3, 3, 9, 12, 0);
const PMCNTENSET = arm64SysReg(3, 3, 9, 12, 1);
const PMCNTENCLR = arm64SysReg(3, 3, 9, 12, 2);
const PMCCNTR = arm64SysReg(3, 3, 9, 13, 0);
const PMEVCNTR2 = arm64SysReg(3, 3, 14, 8, 2);
const PMEVTYPER2 = arm64SysReg(3, 3, 14, 12, 2);
const PMSWINC = arm64SysReg(3, 3, 9, 12, 4);
const PMEVCNTR6 = arm64SysReg(3, 3, 14, 8, 6);

describe('ONE_REG: the PMU registers', () => {
  it('linux-7.0: PMCR reads N = 6 and LC; SET/CLR name one register; counters and types read back', () => {
    const kvm = createVm({ policy: 'linux-7.0' });
    const v = unwrap(kvm.createVcpu(0));
    assert.equal(unwrap(v.getOneReg(PMCR)), 0x3040n);
    unwrap(v.setOneReg(PMCNTENSET, 0x8000_0005n));
    assert.equal(unwrap(v.getOneReg(PMCNTENCLR)), 0x8000_0005n);
    unwrap(v.setOneReg(PMCNTENCLR, 0x1n)); // the value replaces the register (not a clear of bits)
    assert.equal(unwrap(v.getOneReg(PMCNTENSET)), 0x1n);
    unwrap(v.setOneReg(PMCCNTR, 0x1_2345_6789n));
    assert.equal(unwrap(v.getOneReg(PMCCNTR)), 0x1_2345_6789n);
    unwrap(v.setOneReg(PMEVTYPER2, 0x8n));
    unwrap(v.setOneReg(PMEVCNTR2, 77n));
    assert.equal(unwrap(v.getOneReg(PMEVTYPER2)), 0x8n);
    assert.equal(unwrap(v.getOneReg(PMEVCNTR2)), 77n);
  });

  it('linux-7.0: PMSWINC (no storage) and PMEVCNTR6 (N = 6) are -ENOENT', () => {
    const kvm = createVm({ policy: 'linux-7.0' });
    const v = unwrap(kvm.createVcpu(0));
    for (const id of [PMSWINC, PMEVCNTR6]) {
      const r = v.getOneReg(id);
      assert.ok(!r.ok && r.errno === 'ENOENT');
    }
    const w = v.setOneReg(PMEVCNTR6, 1n);
    assert.ok(!w.ok && w.errno === 'ENOENT');
  });

  for (const policy of ['linux-4.2', 'linux-4.3']) {
    it(`${policy}: no vPMU, so no PMU register in ONE_REG (-ENOENT)`, () => {
      const kvm = createVm({ policy });
      const v = unwrap(kvm.createVcpu(0));
      const r = v.getOneReg(PMCR);
      assert.ok(!r.ok && r.errno === 'ENOENT');
    });
  }
});
