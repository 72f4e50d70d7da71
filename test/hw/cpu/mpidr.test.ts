// The board's cpu affinity (src/hw/cpu/mpidr.ts), the one definition the
// physical GICv3, the DTB, PSCI and both vgic designs use: cpuOfAffinity
// inverts mpidrAffinity over whole affinity words (Aff3 in [31:24]), and
// it is KVM's reset_mpidr (Aff0 = vcpu[3:0], Aff1 = vcpu[11:4], Aff2 =
// vcpu[19:12], Aff3 = vcpu[27:20]) for every vcpu count KVM allows.

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { cpuOfAffinity, MPIDR_CLUSTER, mpidrAffinity } from '../../../src/hw/cpu/mpidr.ts';

/** KVM's reset_mpidr of vcpu v with ICH_VTR_EL2.A3V, as an affinity word. */
function kvmAffinity(v: number): number {
  return (
    ((v & 0xf) | (((v >>> 4) & 0xff) << 8) | (((v >>> 12) & 0xff) << 16) | (((v >>> 20) & 0xff) << 24)) >>> 0
  );
}

/** VGIC_V3_MAX_CPUS */
const KVM_MAX = 512;

describe('MPIDR affinity (hw/cpu/mpidr.ts)', () => {
  it('clusters of 16: Aff1 = k / 16, Aff0 = k mod 16; KVM reset_mpidr for every vcpu up to 512', () => {
    assert.equal(MPIDR_CLUSTER, 16);
    assert.equal(mpidrAffinity(0), 0);
    assert.equal(mpidrAffinity(15), 0x0f);
    assert.equal(mpidrAffinity(17), 0x101);
    assert.equal(mpidrAffinity(122), 0x70a);
    for (let v = 0; v < KVM_MAX; v++) assert.equal(mpidrAffinity(v), kvmAffinity(v));
  });

  it('cpuOfAffinity: the cpu of that affinity among `cpus`, or -1 (Aff0 >= 16, Aff2 or Aff3 set, absent)', () => {
    const aff = fc.oneof(
      fc.integer({ min: 0, max: 0xffff_ffff }),
      fc.integer({ min: 0, max: 0x1fff }),
      fc.constantFrom(0x0100_0000, 0x0001_0000, 0x10, 0x1ff, 0x0101),
    );
    fc.assert(
      fc.property(fc.integer({ min: 1, max: KVM_MAX }), aff, (n, a) => {
        const k = cpuOfAffinity(a, n);
        let owner = -1;
        for (let v = 0; v < n; v++) if (kvmAffinity(v) === a) owner = v;
        assert.equal(k, owner);
      }),
      { seed: 20261204, numRuns: 2000 },
    );
    assert.equal(cpuOfAffinity(0x0101, 18), 17);
    assert.equal(cpuOfAffinity(0x0101, 17), -1, 'cpu 17 absent');
    assert.equal(cpuOfAffinity(0x0100_0001, 18), -1, 'Aff3 = 1');
    assert.equal(cpuOfAffinity(0x0001_0001, 18), -1, 'Aff2 = 1');
    assert.equal(cpuOfAffinity(0x10, 18), -1, 'Aff0 = 16');
  });
});
