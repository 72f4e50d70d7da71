// The targets of an ICC_SGI1R-format write (src/hw/gic/v3/sgi-targets.ts),
// shared by the physical GICv3 and both vgic designs: against IHI 0069H
// 12.2.18 read over KVM's vcpu affinity (reset_mpidr: Aff0 = vcpu[3:0],
// Aff1 = vcpu[11:4], Aff2 = vcpu[19:12], Aff3 = 0), for random writes and
// cpu counts; the physical GICv3 pends the SGI on exactly those cpus.

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { nextSgiTarget, sgiIntid } from '../../../../src/hw/gic/v3/sgi-targets.ts';
import { IccReg } from '../../../../src/hw/gic/v3/sysreg-encodings.ts';
import { makeGicV3 } from './fixture-v3.ts';

const IRM = 1 << 8;

/** The spec's rule, one vcpu at a time. */
function targeted(lo: number, hi: number, writer: number, t: number): boolean {
  if (hi & IRM) return t !== writer;
  const aff3 = (hi >>> 16) & 0xff;
  const aff2 = hi & 0xff;
  const aff1 = (lo >>> 16) & 0xff;
  return (
    aff3 === 0 &&
    aff2 === ((t >>> 12) & 0xff) &&
    aff1 === ((t >>> 4) & 0xff) &&
    ((lo >>> (t & 0xf)) & 1) === 1
  );
}

function targets(lo: number, hi: number, writer: number, n: number): number[] {
  const out: number[] = [];
  for (let t = nextSgiTarget(lo, hi, writer, n, 0); t >= 0; t = nextSgiTarget(lo, hi, writer, n, t + 1))
    out.push(t);
  return out;
}

/** The spec rule's targets, ascending. */
function specTargets(lo: number, hi: number, writer: number, n: number): number[] {
  const want: number[] = [];
  for (let t = 0; t < n; t++) if (targeted(lo, hi, writer, t)) want.push(t);
  return want;
}

/** Random ICC_SGI1R_EL1 words: any, or Aff1 0-15 (low) and the interesting high words. */
const word = fc.oneof(fc.integer({ min: 0, max: 0xffffffff }), fc.integer({ min: 0, max: 0x0f_ffff }));
const hiWord = fc.oneof(fc.constantFrom(0, IRM, 1, 0x1_0000), fc.integer({ min: 0, max: 0xffffffff }));

describe('SGI targets (ICC_SGI1R_EL1)', () => {
  it('names exactly the vcpus of the spec rule, in ascending order', () => {
    fc.assert(
      fc.property(word, hiWord, fc.integer({ min: 1, max: 300 }), fc.nat(299), (lo, hi, n, w) => {
        const writer = w % n;
        assert.deepEqual(targets(lo, hi >>> 0, writer, n), specTargets(lo, hi >>> 0, writer, n));
      }),
      { seed: 20261204, numRuns: 3000 },
    );
  });

  it('cluster and broadcast examples; INTID from bits [27:24]', () => {
    // Aff1 = 1, TargetList bits 0 and 3: vcpus 16 and 19 (of 20; bit 3 of cluster 1 is vcpu 19).
    assert.deepEqual(targets((1 << 16) | 0b1001, 0, 0, 20), [16, 19]);
    assert.deepEqual(targets((1 << 16) | 0b1001, 0, 0, 18), [16]);
    assert.deepEqual(targets(0xffff, 0, 2, 4), [0, 1, 2, 3], 'a listed writer is a target');
    assert.deepEqual(targets(0, IRM, 2, 4), [0, 1, 3]);
    assert.deepEqual(targets(0xffff, 1, 0, 4), [], 'Aff2 = 1: no such vcpu');
    assert.deepEqual(targets(0xffff, 1 << 16, 0, 4), [], 'Aff3 = 1: no such vcpu');
    assert.equal(sgiIntid(0x0b00_0001), 11);
  });

  it('the physical GICv3 (generateSgi) pends the SGI on exactly the targets', () => {
    fc.assert(
      fc.property(word, hiWord, fc.integer({ min: 1, max: 40 }), fc.nat(39), (lo, hi, n, w) => {
        const writer = w % n;
        const f = makeGicV3(n);
        f.wakeAll();
        const sgi = sgiIntid(lo);
        f.msr(writer, IccReg.ICC_SGI1R_EL1, lo, hi >>> 0);
        const pended: number[] = [];
        for (let c = 0; c < n; c++) if (f.gic.isPending(c, sgi)) pended.push(c);
        assert.deepEqual(pended, specTargets(lo, hi >>> 0, writer, n));
      }),
      { seed: 20261204, numRuns: 300 },
    );
  });
});
