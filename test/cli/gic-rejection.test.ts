// A generation that cannot run a gic: v3 scenario chosen after load
// (--policy, compare, the conformance suite) refuses it: located, exit 2,
// never an internal error; a file expecting it says `rejected`. Every
// generation has vgic-v3 now (refused at machine.gic otherwise:
// machineRejection), so the refusal exercised here is the other one: a
// VMM-style migration (`vmmMigrate`) of a GICv3 VM under linux-4.2/4.3,
// whose arm-vgic-v3 device had no register groups (Linux < 4.11).
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { runConformance } from '../../src/scenario/conformance.ts';
import { parseScenario, ScenarioError } from '../../src/scenario/index.ts';
import { machineRejection } from '../../src/scenario/machine-support.ts';
import { runScenario } from '../../src/scenario/run.ts';
import { runCli } from './in-process.ts';

const GUEST = `guest:
  vcpu0: |
    _start:
        ldr x1, =0x0800ffe8
        ldr w20, [x1]                   // GICD_PIDR2 (ArchRev 3)
        ldr x0, =0x84000008             // PSCI SYSTEM_OFF
        hvc #0
host:
  - at: 10
    vmmMigrate: true
`;
const text = (verdicts: string) =>
  `version: 1\nmachine:\n  gic: v3\n  limits: { ticks: 100000, instructions: 100000 }\n${GUEST}expect:\n  registers: { vcpu0: { x20: 0x3b } }\n  exit: poweroff\n${verdicts}`;
const dir = mkdtempSync(join(tmpdir(), 'vgicsim-gic-rejection-'));
const plain = join(dir, 'plain.yaml');
const expecting = join(dir, 'expecting.yaml');
writeFileSync(plain, text(''));
writeFileSync(
  expecting,
  text('  verdicts: { linux-4.2: rejected, legacy-edge: rejected, linux-4.3: rejected }\n'),
);
const AT = /plain\.yaml:13:5: vmmMigrate: linux-4\.3 cannot migrate a GICv3 VM: .*-ENXIO before Linux 4\.11/;

describe('gic: v3 with vmmMigrate under a generation without the v3 register groups, chosen after load', () => {
  it('machineRejection: located at the event for linux-4.2/4.3, nothing for linux-7.0 or a GICv2 machine', () => {
    const s = parseScenario(text(''), 'x.yaml');
    const d = machineRejection(s, 'legacy-edge');
    assert.deepEqual([d?.line, d?.column], [13, 5]);
    assert.match(d!.message, /^vmmMigrate: linux-4\.2 cannot migrate a GICv3 VM/);
    // without the migration the old generations run the GICv3 machine
    assert.equal(
      machineRejection(
        parseScenario(text('').replace('host:\n  - at: 10\n    vmmMigrate: true\n', ''), 'z.yaml'),
        'linux-4.2',
      ),
      undefined,
    );
    assert.equal(machineRejection(s, 'linux-7.0'), undefined);
    assert.equal(
      machineRejection(parseScenario(text('').replace('gic: v3', 'gic: v2'), 'y.yaml'), 'linux-4.2'),
      undefined,
    );
  });

  it('runScenario throws the located ScenarioError (was a RangeError: "internal error", exit 3)', () => {
    const s = parseScenario(text(''), 'x.yaml');
    assert.throws(
      () => runScenario(s, { policy: 'linux-4.3' }),
      (e) => e instanceof ScenarioError && /^x\.yaml:13:5: /.test(e.message),
    );
    assert.equal(runScenario(s, { policy: 'linux-7.0' }).passed, true);
  });

  it('run --policy: exit 2 with the location; with --check-verdicts too unless the file expects `rejected`', () => {
    let r = runCli(['run', plain, '--policy', 'linux-4.3']);
    assert.equal(r.code, 2);
    assert.match(r.err, AT);
    r = runCli(['run', plain, '--policy', 'linux-4.3', '--check-verdicts']);
    assert.equal(r.code, 2);
    r = runCli(['run', expecting, '--policy', 'linux-4.3', '--check-verdicts']);
    assert.equal(r.code, 0, r.err);
    assert.match(
      r.out,
      /rejected, as expected: .*expecting\.yaml:13:5: vmmMigrate: linux-4\.3 cannot migrate/,
    );
    // expecting rejection where the generation runs it: a mismatch
    assert.equal(runCli(['run', expecting, '--policy', 'linux-7.0', '--check-verdicts']).code, 0);
    const wrong = join(dir, 'wrong.yaml');
    writeFileSync(wrong, text('  verdicts: { linux-7.0: rejected }\n'));
    assert.equal(runCli(['run', wrong, '--check-verdicts', '-q']).code, 1);
  });

  it('compare: a row per refusing generation; exit 2 unless expected (then 0 with --check-verdicts)', () => {
    let r = runCli(['compare', plain]);
    assert.equal(r.code, 2);
    assert.match(
      r.out,
      /rejected under linux-4\.2: .*plain\.yaml:13:5: .*\n {2}expected verdict under linux-4\.2: pass \(MISMATCH\)/,
    );
    r = runCli(['compare', expecting, '--check-verdicts']);
    assert.equal(r.code, 0, r.out);
    assert.match(r.out, /expected verdict under linux-4\.3: rejected \(as expected\)/);
  });

  it('the conformance runner: result `rejected` with the reason, matched against expect.verdicts', () => {
    const s = {
      ...parseScenario(text('  verdicts: { linux-4.2: rejected }\n'), expecting),
      conformance: { suite: 's', check: 'c', mirrors: 'a check of GICD_PIDR2' },
    };
    const rows = runConformance([s], ['linux-4.2', 'linux-4.3', 'linux-7.0'], dir);
    assert.deepEqual(
      rows.map((r) => [r.policy, r.result, r.expected]),
      [
        ['linux-4.2', 'rejected', 'rejected'],
        ['linux-4.3', 'rejected', 'pass'],
        ['linux-7.0', 'pass', 'pass'],
      ],
    );
    assert.match(rows[0].reason!, /^vmmMigrate: linux-4\.2 cannot migrate a GICv3 VM/);
  });
});
