// The hypervisor's per-exit cost, in process: the tick storm and the
// trapped-sysreg guest of guests.ts (and the loop) run under the modelled
// KVM as `vgicsim qemu` runs them, timed as CPU seconds of this process
// (steadier than wall time on a shared machine), with exits per CPU
// second. For profiling the exit path without process start-up:
//
//   npx tsx bench/exits.ts [ticks|sysreg|loop ...] [--quick]
//   node --cpu-prof --cpu-prof-dir=out/prof --import tsx bench/exits.ts sysreg
//   npx tsx bench/cpu-profile.ts out/prof/*.cpuprofile

import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseQemuArgs } from '../src/cli/qemu-args.ts';
import { qemuScenario } from '../src/cli/qemu.ts';
import { runScenario } from '../src/scenario/run.ts';
import { type BenchGuest, guestElf, loopGuest, sysregGuest, tickGuest } from './guests.ts';

const args = process.argv.slice(2);
const quick = args.includes('--quick');
const GUESTS: Record<string, () => BenchGuest> = {
  ticks: () => tickGuest(quick ? 20_000 : 200_000),
  sysreg: () => sysregGuest(quick ? 100_000 : 1_000_000),
  loop: () => loopGuest(quick ? 30e6 : 300e6),
};
const names = args.filter((a) => a in GUESTS);

const dir = mkdtempSync(join(tmpdir(), 'vgicsim-exits-'));
try {
  const rows = [];
  for (const name of names.length > 0 ? names : ['ticks', 'sysreg']) {
    const g = GUESTS[name]();
    const elf = join(dir, `${name}.elf`);
    writeFileSync(elf, guestElf(g));
    const c = parseQemuArgs(['-M', 'virt,gic-version=2', '-cpu', 'max', '-nographic', '-kernel', elf]);
    if ('print' in c) throw new Error('unexpected -version/-help');
    const s = qemuScenario(c);
    const c0 = process.cpuUsage();
    const r = runScenario(s, {});
    const cu = process.cpuUsage(c0);
    const cpu = (cu.user + cu.system) / 1e6;
    const exits = Object.values(r.costs.hyp.exits).reduce((a, b) => a + b, 0);
    rows.push({
      guest: g.title,
      end: r.end,
      'CPU s': cpu.toFixed(2),
      'guest Minstr': (r.instructions / 1e6).toFixed(1),
      exits,
      'exits per CPU s': Math.round(exits / cpu),
      'us per exit': ((cpu / exits) * 1e6).toFixed(2),
    });
  }
  console.table(rows);
} finally {
  rmSync(dir, { recursive: true, force: true });
}
