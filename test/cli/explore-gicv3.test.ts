// `vgicsim explore` of a gic: v3 scenario (issue 18): it explores the
// generations with vgic-v3 and says which it left out; naming only
// generations without one is a located error at machine.gic, exit 2 (it was
// an internal error, exit 3, as run --policy and compare were before).
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { it } from 'node:test';
import { runCli } from './in-process.ts';

const V3 = join(import.meta.dirname, '../../scenarios/gicv3/seed-masked-enable-disable.yaml');

it('explore of a GICv3 scenario: linux-7.0 explored, linux-4.2/4.3 named as not explored', () => {
  const r = runCli(['explore', V3, '--bound', '0']);
  assert.equal(r.code, 1, r.out + r.err); // the residual window: the default run already violates
  assert.match(
    r.out,
    /^not explored: linux-4\.2, linux-4\.3 \(machine\.gic: v3 needs a generation with vgic-v3\)$/m,
  );
  assert.match(r.out, /^linux-7\.0 /m);
  assert.doesNotMatch(r.out, /^linux-4\.[23] /m);
  assert.doesNotMatch(r.err, /internal error/);
});

it('explore of a GICv3 scenario under linux-4.2 only: located at machine.gic, exit 2', () => {
  const r = runCli(['explore', V3, '--policies', 'legacy-edge', '--bound', '0']);
  assert.equal(r.code, 2, r.out + r.err);
  assert.match(r.err, /seed-masked-enable-disable\.yaml:\d+:\d+: machine\.gic: linux-4\.2 has no vgic-v3/);
  assert.doesNotMatch(r.err, /internal error/);
});
