// The busybox boot as a benchmark (issue 10): Debian's arm64 kernel and the
// initramfs of `npm run fetch-linux` (scenarios/linux/linux-busybox.yaml,
// 1 vcpu, policy level) from start to PSCI SYSTEM_OFF, as host wall time and
// guest instructions per host second; and, when qemu-system-aarch64 is
// installed, QEMU's time for the same boot measured in the same run:
// - `qemu icount`: the command test/linux/qemu-compare.test.ts uses
//   (-icount shift=0,sleep=off: idle time skipped, as in vgicsim, whose time
//   is virtual), the basis of the ratio;
// - `qemu tcg`: plain TCG without -icount (the guest's `sleep 1` and idle
//   time pass in real time), for reference.
// The wall time includes loading the scenario (reading and placing the
// kernel and initrd, writing the DTB).

import { loadScenarioFile } from '../src/scenario/index.ts';
import { runScenario } from '../src/scenario/run.ts';
import { bootQemu, cacheProblem, hasQemu, QEMU, qemuArgs, SCENARIOS } from '../test/linux/guest.ts';
import { INIT_MARKER } from '../src/scenario/initramfs.ts';
import { spawnSync } from 'node:child_process';

const QEMU_TIMEOUT_MS = 180_000;

function qemuTcg(): { seconds: number; ok: boolean } {
  const args = qemuArgs().filter((a, i, all) => a !== '-icount' && all[i - 1] !== '-icount');
  const t0 = performance.now();
  const r = spawnSync(QEMU, args, {
    encoding: 'utf8',
    timeout: QEMU_TIMEOUT_MS,
    killSignal: 'SIGKILL',
    maxBuffer: 64 * 1024 * 1024,
  });
  return { seconds: (performance.now() - t0) / 1000, ok: r.status === 0 && r.stdout.includes(INIT_MARKER) };
}

export async function linuxBench(): Promise<void> {
  const problem = cacheProblem();
  if (problem !== undefined) {
    console.log(`Linux boot benchmark: skipped, ${problem}`);
    return;
  }
  const t0 = performance.now();
  const r = runScenario(loadScenarioFile(SCENARIOS.up), { policy: 'level' });
  const secs = (performance.now() - t0) / 1000;
  const rows: Record<string, string>[] = [
    {
      machine: 'vgicsim (1 vcpu, level)',
      end: r.end,
      'virtual s': (r.ticks / 62_500_000).toFixed(3),
      'host s': secs.toFixed(2),
      'guest Minstr': (r.instructions / 1e6).toFixed(0),
      'guest Minstr/s': (r.instructions / secs / 1e6).toFixed(1),
    },
  ];
  if (!hasQemu()) {
    console.table(rows);
    console.log(`(${QEMU} is not installed: no QEMU time; Debian: apt-get install qemu-system-arm)`);
    return;
  }
  const q = bootQemu({ timeoutMs: QEMU_TIMEOUT_MS });
  const qOk = !q.timedOut && q.console.includes(INIT_MARKER);
  rows.push({
    machine: 'qemu icount (shift=0,sleep=off)',
    end: qOk ? 'poweroff' : q.timedOut ? 'timeout' : `exit ${q.status}`,
    'host s': q.seconds.toFixed(2),
    'vgicsim time ÷ this': qOk ? (secs / q.seconds).toFixed(1) : '',
  });
  const t = qemuTcg();
  rows.push({
    machine: 'qemu tcg (real-time clock)',
    end: t.ok ? 'poweroff' : 'failed',
    'host s': t.seconds.toFixed(2),
    'vgicsim time ÷ this': t.ok ? (secs / t.seconds).toFixed(1) : '',
  });
  console.table(rows);
}
