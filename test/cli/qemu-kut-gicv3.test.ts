// A kvm-unit-tests-style GICv3 test image (test/fixtures/guests/kut-gicv3,
// built by gcc into a raw .flat with its stacks past the end of the file)
// started by `vgicsim qemu` with the command line kvm-unit-tests' arm/run
// builds for the gicv3-* entries of arm/unittests.cfg:
//   -nodefaults -machine virt -accel tcg -cpu cortex-a57 -machine gic-version=3
//   -display none -serial stdio -smp N -kernel gicv3.flat -append '<test>'
// The image finds the GIC and the cpus in the DTB, brings secondaries up by
// PSCI CPU_ON and makes the accesses of kvm-unit-tests' lib/arm/gic-v3.c;
// its console must be what qemu-system-aarch64 -M virt,gic-version=3 printed
// for the same image (recorded), except where QEMU's TCG GICv3 is not what
// KVM (and vgicsim) show (QEMU_TCG_ONLY below); exit 0 on PSCI SYSTEM_OFF.
// test:cross: aarch64-linux-gnu-gcc, -objcopy, qemu-system-aarch64 (npm test: test/fixtures/cross/kut-gicv3.json, qemu-system.json)

import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { buildKutGicv3 } from '../cross/kut-gicv3.ts';
import { qemuConsole } from '../cross/qemu-system.ts';
import { runCli } from './in-process.ts';

const ARM_RUN = ['-nodefaults', '-machine', 'virt', '-accel', 'tcg', '-cpu', 'cortex-a57'];
const CONSOLE = ['-display', 'none', '-serial', 'stdio'];

/**
 * Checks QEMU 7.2's TCG GICv3 fails and KVM passes: its GICD_TYPER.ITLinesNumber
 * is (num_irq - 32) / 32 - 1, one 32-interrupt block short of the 288 it
 * implements, so the registers "beyond the limit" GICD_TYPER gives are real
 * ones. KVM's vgic-v3 reports every interrupt it has (and so does vgicsim).
 */
const QEMU_TCG_ONLY = [
  'FAIL: gicv3: mmio: IPRIORITYR: accesses beyond limit RAZ/WI',
  'FAIL: gicv3: mmio: IROUTER: beyond the last SPI RAZ/WI',
];

/** QEMU's console as KVM's GICv3 would make it: the QEMU_TCG_ONLY failures passed and the summary recounted. */
function asKvm(qemu: string): string {
  const lines = qemu.split('\n');
  const fixed = lines.filter((l) => QEMU_TCG_ONLY.includes(l)).length;
  return lines
    .map((l) => {
      if (QEMU_TCG_ONLY.includes(l)) return l.replace(/^FAIL/, 'PASS');
      const m = /^SUMMARY: (\d+) tests, (\d+) unexpected failures$/.exec(l);
      if (m === null || fixed === 0) return l;
      const left = Number(m[2]) - fixed;
      return left === 0 ? `SUMMARY: ${m[1]} tests` : `SUMMARY: ${m[1]} tests, ${left} unexpected failures`;
    })
    .join('\n');
}

/** [the -append test, -smp, how many PASS lines] */
const CASES: readonly (readonly [string, number, number])[] = [
  ['ipi', 2, 4],
  ['ipi', 3, 4],
  ['ipi', 8, 4],
  // more cpus than a GICv2 serves: Aff1 clusters 0 and 1 (cpus 16-19 are 0.0.1.0-3), one ICC_SGI1R_EL1 write per cluster
  ['ipi', 20, 4],
  ['irouter', 20, 1],
  ['active', 1, 2],
  ['active', 4, 2],
  ['eoimode', 1, 5],
  ['timer', 1, 10],
  ['pmu', 1, 4],
  ['mmio', 1, 24],
  ['mmio', 3, 24],
  ['irouter', 3, 1],
];

describe('vgicsim qemu -machine gic-version=3: a kvm-unit-tests-style gicv3 .flat, as arm/run starts it', () => {
  const image = buildKutGicv3();
  const dir = mkdtempSync(join(tmpdir(), 'vgicsim-kut-gicv3-'));
  const kernel = join(dir, 'gicv3.flat');
  writeFileSync(kernel, image);

  for (const [test, smp, passes] of CASES)
    it(`-smp ${smp} -append ${test}: every check passes; the console is QEMU's`, () => {
      const r = runCli([
        'qemu',
        ...ARM_RUN,
        '-machine',
        'gic-version=3',
        ...CONSOLE,
        '-smp',
        String(smp),
        '-kernel',
        kernel,
        '-append',
        test,
      ]);
      assert.deepEqual([r.code, r.err], [0, '']);
      const lines = r.out.trimEnd().split('\n');
      assert.equal(lines.filter((l) => l.startsWith('PASS: ')).length, passes, r.out);
      assert.equal(lines.at(-1), `SUMMARY: ${passes} tests`);
      const qemu = qemuConsole({ kernel: image, kernelName: 'kut-gicv3', append: test, smp, gic: 3 });
      if (test === 'mmio') for (const l of QEMU_TCG_ONLY) assert.ok(qemu.includes(l), `QEMU still says ${l}`);
      assert.equal(r.out, asKvm(qemu));
    });

  it('no GICv3 in the tree (gic-version=2): "No supported gic present", as kvm-unit-tests says', () => {
    const r = runCli(['qemu', ...ARM_RUN, ...CONSOLE, '-kernel', kernel, '-append', 'ipi']);
    assert.deepEqual([r.code, r.out], [0, 'No supported gic present, skipping tests...\nSUMMARY: 0 tests\n']);
  });

  it('ipi on one cpu: ABORT, as kvm-unit-tests aborts', () => {
    const r = runCli(['qemu', '-M', 'virt,gic-version=3', '-kernel', kernel, '-append', 'ipi']);
    assert.equal(r.code, 0);
    assert.match(r.out, /^ABORT: gicv3: ipi: At least 2 cpus required$/m);
  });
});
