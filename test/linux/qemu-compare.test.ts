// Issue 10: the console of vgicsim's Linux boot (scenarios/linux/linux-busybox.yaml,
// 1 vcpu, policy level) matches QEMU's boot of the same kernel and initramfs
// (`qemu-system-aarch64 -M virt,gic-version=2 -cpu cortex-a57 -m 128 ...`,
// guest.ts) line by line, once timestamps, addresses, counts and sizes are
// masked (console-mask.ts), except for the committed list of expected
// differences (expected-differences.json, "vgicsim-vs-qemu" and
// "vgicsim-vs-qemu-gicv2": devices QEMU has and vgicsim does not, CPU
// identity lines, the DT seeds, asynchronous printk order), each with its
// reason. (GICv3: boot-gicv3*.test.ts.) Any other difference fails and the
// failure prints a diff of the unexplained lines.
//
// Both machines have 128 MiB of RAM (the command says -m 512) so the
// memory and hash-table lines compare. QEMU runs with -icount
// shift=0,sleep=off (deterministic) under a wall-clock timeout; vgicsim is
// bounded by the scenario's instruction limit.
//
// Needs the fetch-linux cache (fails with "run npm run fetch-linux" without
// it) and qemu-system-aarch64 (fails without it: `.ci/run` installs the
// Debian package qemu-system-arm).

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { loadScenarioFile } from '../../src/scenario/index.ts';
import { runScenario } from '../../src/scenario/run.ts';
import { compareConsoles, formatDiff, qemuExpected, summary } from './console-diff.ts';
import { bootQemu, cacheProblem, hasQemu, QEMU, qemuArgs, SCENARIOS } from './guest.ts';
import { INIT_MARKER } from '../../src/scenario/initramfs.ts';

const QEMU_TIMEOUT_MS = 180_000;

describe('Linux console: vgicsim (1 vcpu, level) vs QEMU virt (gic-version=2, cortex-a57, 128 MiB)', () => {
  it('matches line by line after masking, except the expected differences', (t) => {
    const problem = cacheProblem();
    if (problem !== undefined) assert.fail(problem);
    assert.ok(
      hasQemu(),
      `${QEMU} is not installed (Debian: apt-get install qemu-system-arm; .ci/run installs it)`,
    );

    const q = bootQemu({ timeoutMs: QEMU_TIMEOUT_MS });
    const qemuTail = q.console.replace(/\r/g, '').split('\n').slice(-20).join('\n');
    assert.ok(
      !q.timedOut,
      `QEMU did not power off within ${QEMU_TIMEOUT_MS / 1000} s: ${QEMU} ${qemuArgs().join(' ')}\n${qemuTail}`,
    );
    assert.ok(
      q.console.includes(INIT_MARKER) && /reboot: Power down/.test(q.console),
      `QEMU's boot did not reach userspace and power off (exit ${q.status}):\n${qemuTail}\n${q.stderr}`,
    );
    t.diagnostic(`QEMU boot: ${q.seconds.toFixed(2)} s wall`);

    const r = runScenario(loadScenarioFile(SCENARIOS.up), { policy: 'level' });
    assert.equal(r.end, 'poweroff', `vgicsim's boot ended with ${r.end}`);

    const c = compareConsoles(
      { name: 'vgicsim', text: r.uart },
      { name: 'qemu', text: q.console },
      qemuExpected(2),
    );
    t.diagnostic(summary(c));
    assert.equal(c.unexplained, 0, `unexplained console differences: ${summary(c)}\n${formatDiff(c)}`);
  });
});
