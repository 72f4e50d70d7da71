// Issue 18's checks on a Linux boot on a GICv3 (machine.gic: v3) under
// today's generation (linux-7.0, the one with vgic-v3), for 1 or 2 vcpus:
// - the GICv3 driver probes and every cpu finds its own redistributor (the
//   RD_base/SGI_base pair k * 128 KiB into the region at 0x080a0000: Linux
//   walks GICR_TYPER.Affinity until Last), the secondary cpu is booted;
// - userspace runs, /proc/interrupts shows `GICv3  27 Level  arch_timer` and
//   it counts up across `sleep 1` on every cpu; with 2 vcpus the rescheduling
//   and function-call IPIs (SGIs written to ICC_SGI1R_EL1, trapped and routed
//   by affinity) count on every cpu; the kernel powers off;
// - the console matches QEMU's `-M virt,gic-version=3` with the same cpu
//   count after masking, except the committed differences
//   (expected-differences.json: "vgicsim-vs-qemu" + "vgicsim-vs-qemu-gicv3").
// The boot's virtual and wall time are reported as test diagnostics.
//
// A missing kernel cache or QEMU fails (never skips), as test/linux does for v2.

import assert from 'node:assert/strict';
import { mpidrAffinity } from '../../src/hw/cpu/mpidr.ts';
import { describe, it } from 'node:test';
import { INIT_MARKER } from '../../src/scenario/initramfs.ts';
import { loadScenarioFile } from '../../src/scenario/index.ts';
import { type ScenarioRun, runScenario } from '../../src/scenario/run.ts';
import { compareConsoles, formatDiff, qemuExpected, summary } from './console-diff.ts';
import { bootQemu, cacheProblem, hasQemu, QEMU, qemuArgs } from './guest.ts';
import { parseInitOutput, timerRow } from './interrupts.ts';

const POLICY = 'linux-7.0';
/** QEMU virt's redistributor region for gic-version=3 (VIRT_GIC_REDIST) and one redistributor's frames. */
const GICR_BASE = 0x080a_0000;
const GICR_STRIDE = 0x2_0000;
/** The scenario's counter (62.5 MHz): ticks to virtual seconds. */
const TICKS_PER_SECOND = 62_500_000;
const QEMU_TIMEOUT_MS = 180_000;

function tail(text: string, n = 25): string {
  return text.replace(/\r/g, '').split('\n').slice(-n).join('\n');
}

/** Linux's line for cpu `c` finding its redistributor (gic_populate_rdist: the MPIDR affinity in hex). */
export function redistributorLine(c: number): string {
  const at = (GICR_BASE + c * GICR_STRIDE).toString(16).padStart(16, '0');
  return `GICv3: CPU${c}: found redistributor ${mpidrAffinity(c).toString(16)} region 0:0x${at}`;
}

/**
 * `compareQemu` (default true): also boot QEMU with the same cpus and
 * compare the consoles. With more than 2 vcpus the idle ones may take no
 * timer tick during `sleep 1` (NO_HZ): arch_timer must count up in total.
 */
export function checkGicv3Boot(file: string, vcpus: number, compareQemu = true): void {
  const name = file.replace(/^.*\/scenarios\//, 'scenarios/');
  describe(`${name} (GICv3, ${vcpus} vcpu${vcpus > 1 ? 's' : ''}, ${POLICY})`, () => {
    let run: ScenarioRun | undefined;

    it(
      'every cpu finds its redistributor, userspace runs, arch_timer (GICv3 27 Level) counts up on every cpu' +
        (vcpus > 1 ? ', rescheduling and function-call IPIs count on every cpu' : '') +
        ', the kernel powers off',
      (t) => {
        const problem = cacheProblem();
        if (problem !== undefined) assert.fail(problem);
        const t0 = performance.now();
        const r = runScenario(loadScenarioFile(file), { policy: POLICY });
        const wall = (performance.now() - t0) / 1000;
        run = r;
        t.diagnostic(
          `vgicsim boot: ${(r.ticks / TICKS_PER_SECOND).toFixed(3)} s virtual (${r.ticks} ticks), ` +
            `${r.instructions} instructions, ${wall.toFixed(1)} s wall`,
        );
        const where = `end=${r.end} after ${r.instructions} instructions, ${r.ticks} ticks\n${tail(r.uart)}`;

        const out = parseInitOutput(r.uart);
        assert.ok(out !== undefined, `userspace never printed its marker\n${where}`);
        assert.equal(r.end, 'poweroff', `the run did not end with PSCI SYSTEM_OFF\n${where}`);
        assert.ok(r.passed, `a scenario expectation failed\n${where}`);
        assert.equal(out.cpus, vcpus, `/proc/interrupts has ${out.cpus} cpu columns\n${where}`);
        for (let c = 0; c < vcpus; c++)
          assert.ok(r.uart.includes(redistributorLine(c)), `no "${redistributorLine(c)}"\n${where}`);
        assert.doesNotMatch(r.uart, /has no re-distributor|No redistributor present/, where);
        if (vcpus > 1) assert.match(r.uart, new RegExp(`smp: Brought up 1 node, ${vcpus} CPUs`), where);

        const before = timerRow(out);
        assert.ok(before !== undefined, `no arch_timer row in /proc/interrupts\n${where}`);
        assert.match(
          before.what,
          /^GICv3 {2}27 Level {5}arch_timer$/,
          `arch_timer is not GICv3 27 Level\n${where}`,
        );
        const after = out.timerAfter;
        assert.ok(after !== undefined, `no arch_timer line after sleep 1\n${where}`);
        const sum = (c: readonly number[]) => c.reduce((a, b) => a + b, 0);
        assert.ok(
          vcpus > 2
            ? sum(after.counts) > sum(before.counts) && after.counts.every((n, i) => n >= before.counts[i])
            : after.counts.every((n, i) => n > before.counts[i]),
          `arch_timer did not count up${vcpus > 2 ? '' : ' on every cpu'} across sleep 1: ${before.counts} -> ${after.counts}\n${where}`,
        );

        if (vcpus > 1) {
          let received = 0;
          for (const [ipi, what] of [
            ['IPI0', 'Rescheduling interrupts'],
            ['IPI1', 'Function call interrupts'],
          ]) {
            const row = out.table.get(ipi);
            assert.ok(row !== undefined && row.what === what, `no ${ipi} ${what} row\n${where}`);
            assert.ok(
              row.counts.every((n) => n > 0),
              `${what} do not count on every cpu: ${row.counts.join(' ')}\n${where}`,
            );
            received += row.counts.reduce((a, b) => a + b, 0);
          }
          // Each IPI is an ICC_SGI1R_EL1 write trapped to the hypervisor (a sysreg
          // exit), reaching at most every cpu of its target list.
          const trapped = r.costs.hyp.exits.sysreg;
          t.diagnostic(`IPIs received ${received}, sysreg exits ${trapped}`);
          assert.ok(
            trapped * vcpus >= received,
            `${received} IPIs but only ${trapped} trapped sysreg writes`,
          );
        }
      },
    );

    if (compareQemu)
      it(`matches QEMU -M virt,gic-version=3 -smp ${vcpus} line by line after masking, except the expected differences`, (t) => {
        assert.ok(run !== undefined, 'the boot above failed; nothing to compare');
        assert.ok(
          hasQemu(),
          `${QEMU} is not installed (Debian: apt-get install qemu-system-arm; .ci/run installs it)`,
        );
        const opts = { cpus: vcpus, gic: 3 } as const;
        const q = bootQemu({ ...opts, timeoutMs: QEMU_TIMEOUT_MS });
        const qemuTail = tail(q.console, 20);
        assert.ok(
          !q.timedOut,
          `QEMU did not power off within ${QEMU_TIMEOUT_MS / 1000} s: ${QEMU} ${qemuArgs(opts).join(' ')}\n${qemuTail}`,
        );
        assert.ok(
          q.console.includes(INIT_MARKER) && /reboot: Power down/.test(q.console),
          `QEMU's boot did not reach userspace and power off (exit ${q.status}):\n${qemuTail}\n${q.stderr}`,
        );
        t.diagnostic(`QEMU boot: ${q.seconds.toFixed(2)} s wall`);

        const c = compareConsoles(
          { name: 'vgicsim', text: run.uart },
          { name: 'qemu', text: q.console },
          qemuExpected(3),
        );
        t.diagnostic(summary(c));
        assert.equal(c.unexplained, 0, `unexplained console differences: ${summary(c)}\n${formatDiff(c)}`);
      });
  });
}
