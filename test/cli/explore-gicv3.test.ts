// `vgicsim explore` of a gic: v3 scenario (issue 18): it explores every
// generation that runs the machine (all of them: linux-4.2/4.3 through the
// old vgic.c's vgic-v3) and says which it left out; naming only generations
// that refuse it is a located error, exit 2 (it was an internal error,
// exit 3, as run --policy and compare were before): a VMM-style migration
// of a GICv3 VM under linux-4.2 (no arm-vgic-v3 register groups before 4.11).
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { it } from 'node:test';
import { runCli } from './in-process.ts';

const V3 = join(import.meta.dirname, '../../scenarios/gicv3/seed-masked-enable-disable.yaml');

it('explore of a GICv3 scenario: every generation explored, none left out', () => {
  const r = runCli(['explore', V3, '--bound', '0']);
  assert.equal(r.code, 1, r.out + r.err); // the residual window: the default run already violates
  assert.doesNotMatch(r.out, /^not explored/m);
  for (const g of ['linux-4.2', 'linux-4.3', 'linux-7.0']) assert.match(r.out, new RegExp(`^${g} `, 'm'));
  assert.doesNotMatch(r.err, /internal error/);
});

it('explore of a GICv3 migration under linux-4.2 only: located at the vmmMigrate event, exit 2', () => {
  const file = join(mkdtempSync(join(tmpdir(), 'vgicsim-explore-v3-')), 'migrate.yaml');
  writeFileSync(
    file,
    'version: 1\nmachine:\n  gic: v3\n  limits: { ticks: 100000, instructions: 100000 }\n' +
      'guest:\n  vcpu0: |\n    _start:\n        ldr x0, =0x84000008\n        hvc #0\n' +
      'host:\n  - at: 10\n    vmmMigrate: true\nexpect:\n  exit: poweroff\n',
  );
  const r = runCli(['explore', file, '--policies', 'legacy-edge', '--bound', '0']);
  assert.equal(r.code, 2, r.out + r.err);
  assert.match(r.err, /migrate\.yaml:11:5: vmmMigrate: linux-4\.2 cannot migrate a GICv3 VM/);
  assert.doesNotMatch(r.err, /internal error/);
});
