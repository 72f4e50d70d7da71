// machine.gic: v3 builds a GICv3 board for the VM: the guest reads KVM's
// GICv3 GICD (PIDR2 ArchRev 3, TYPER with IDbits 9), not a GICv2's.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { it } from 'node:test';
import { loadScenarioFile } from '../../src/scenario/index.ts';
import { runScenario } from '../../src/scenario/run.ts';

it('a scenario with machine.gic: v3 runs its VM on a GICv3 (GICD_PIDR2, GICD_TYPER as vgic-mmio-v3 has them)', () => {
  const r = runScenario(loadScenarioFile(join(import.meta.dirname, '../fixtures/gicv3/pidr2.yaml')), {
    policy: 'linux-7.0',
  });
  assert.ok(r.passed, `end=${r.end}`);
  assert.equal(r.end, 'poweroff');
});
