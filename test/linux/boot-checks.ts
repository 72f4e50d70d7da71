// The checks of issue 10 on a Linux boot (scenarios/linux/), under both
// timer policies: the kernel reaches userspace (the /init marker) and powers
// off (PSCI SYSTEM_OFF); /proc/interrupts shows `GIC-0  27 Level     arch_timer`
// and its count goes up across `sleep 1`; with 2 vcpus the rescheduling and
// function-call IPIs count on both cpus. Then the two policies' consoles are
// compared line by line (masked; expected-differences.json,
// "level-vs-legacy-edge"). Used by boot-up.test.ts and boot-smp2.test.ts.
//
// A missing kernel cache fails (never skips) with "run npm run fetch-linux".
// vgicsim's time is virtual: a run is bounded by the scenario's instruction
// limit, never by a wall-clock timeout.

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { loadScenarioFile } from '../../src/scenario/index.ts';
import { type ScenarioRun, runScenario } from '../../src/scenario/run.ts';
import { compareConsoles, formatDiff, loadExpected, summary } from './console-diff.ts';
import { cacheProblem } from './guest.ts';
import { parseInitOutput, timerRow } from './interrupts.ts';

const POLICIES = ['level', 'legacy-edge'] as const;

function tail(text: string, n = 25): string {
  return text.replace(/\r/g, '').split('\n').slice(-n).join('\n');
}

function describeRun(r: ScenarioRun): string {
  const undef = Object.entries(r.undefinedInstructions.counts)
    .map(([k, n]) => `${k}=${n}`)
    .join(' ');
  return (
    `end=${r.end} after ${r.instructions} instructions, ${r.ticks} ticks` +
    (undef ? `; UNDEFINED taken: ${undef}` : '') +
    `\nlast console lines:\n${tail(r.uart)}`
  );
}

export function checkLinuxBoot(file: string, vcpus: number): void {
  describe(`${file.replace(/^.*\/scenarios\//, 'scenarios/')} (${vcpus} vcpu${vcpus > 1 ? 's' : ''})`, () => {
    const runs = new Map<string, ScenarioRun>();

    for (const policy of POLICIES) {
      const what =
        'reaches userspace, powers off, arch_timer (GIC-0 27 Level) counts up across sleep 1' +
        (vcpus > 1 ? ', rescheduling and function-call IPIs count on every cpu' : '');
      it(`${policy}: ${what}`, () => {
        const problem = cacheProblem();
        if (problem !== undefined) assert.fail(problem);
        const r = runScenario(loadScenarioFile(file), { policy });
        runs.set(policy, r);
        const where = `${policy}: ${describeRun(r)}`;

        const out = parseInitOutput(r.uart);
        assert.ok(out !== undefined, `userspace never printed its marker\n${where}`);
        assert.equal(r.end, 'poweroff', `the run did not end with PSCI SYSTEM_OFF\n${where}`);
        assert.ok(r.passed, `a scenario expectation failed\n${where}`);
        assert.equal(out.cpus, vcpus, `/proc/interrupts has ${out.cpus} cpu columns\n${where}`);

        const before = timerRow(out);
        assert.ok(before !== undefined, `no arch_timer row in /proc/interrupts\n${where}`);
        assert.match(r.uart, /GIC-0 {2}27 Level {5}arch_timer/, `arch_timer is not GIC-0 27 Level\n${where}`);
        const after = out.timerAfter;
        assert.ok(after !== undefined, `no arch_timer line after sleep 1\n${where}`);
        const sum = (c: readonly number[]) => c.reduce((a, b) => a + b, 0);
        assert.ok(
          sum(after.counts) > sum(before.counts) && after.counts.every((n, i) => n >= before.counts[i]),
          `arch_timer did not count up across sleep 1: ${before.counts} -> ${after.counts}\n${where}`,
        );

        if (vcpus > 1)
          for (const [ipi, name] of [
            ['IPI0', 'Rescheduling interrupts'],
            ['IPI1', 'Function call interrupts'],
          ]) {
            const row = out.table.get(ipi);
            assert.ok(row !== undefined && row.what === name, `no ${ipi} ${name} row\n${where}`);
            assert.ok(
              row.counts.every((n) => n > 0),
              `${name} do not count on every cpu: ${row.counts.join(' ')}\n${where}`,
            );
          }
      });
    }

    it('level and legacy-edge print the same console once masked (expected differences: level-vs-legacy-edge)', (t) => {
      const level = runs.get('level');
      const edge = runs.get('legacy-edge');
      assert.ok(level !== undefined && edge !== undefined, 'a boot above failed; nothing to compare');
      const c = compareConsoles(
        { name: 'level', text: level.uart },
        { name: 'legacy-edge', text: edge.uart },
        loadExpected('level-vs-legacy-edge'),
      );
      t.diagnostic(summary(c));
      assert.equal(c.unexplained, 0, `${summary(c)}\n${formatDiff(c)}`);
    });
  });
}
