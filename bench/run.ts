// `npm run bench` (issue 16): vgicsim against QEMU, side by side, as whole
// processes on the same guests:
//   loop    a tight add/subs/b.ne loop of 1 G guest instructions, no exits
//   ticks   a timer tick storm: 200,000 interrupts, WFI between
//   sysreg  a kvm-unit-tests-style loop on trapped CNTP_* and counter reads
//   startup a guest that powers off at once: process start-up and exit
//           (at least 7 runs)
//   linux   the busybox boot of scenarios/linux/linux-busybox.yaml (when
//           `npm run fetch-linux` filled .cache/linux)
//   explore the explorer's states/s (in process; QEMU has no counterpart)
// The bare-metal guests (guests.ts) are ELFs built by vgicsim's assembler:
//   vgicsim: node bin/vgicsim.cjs qemu -M virt,gic-version=2 -cpu max -nographic -kernel x.elf
//   QEMU:    qemu-system-aarch64 -M virt,gic-version=2 -cpu max -icount shift=0,sleep=off -nographic -kernel x.elf
// (vgicsim's time is virtual: -icount shift=0,sleep=off is QEMU's closest
// mode, one instruction per ns and idle time skipped.) The Linux boot is
// `vgicsim run` of the scenario against plain TCG QEMU with the same Image,
// initrd and RAM (test/linux/guest.ts; the guest's `sleep 1` runs in real
// time there). Each pair runs alternately, the median of several runs with
// min and max. Writes bench/RESULTS.md and bench/results.json (--quick:
// out/bench/, smaller guests). Without qemu-system-aarch64 or the Linux
// cache it says so and times vgicsim alone; it always exits 0.
//
//   npm run bench [-- --quick] [--runs N] [--only loop,ticks,sysreg,startup,linux,explore] [--dist]
//   npm run bench -- --linux | --explore    one of them (--only linux, --only explore)
//   npm run bench -- --micro     the in-process micro benchmarks (micro.ts)
//   npm run bench -- --rewrite   bench/RESULTS.md again from bench/results.json
//
// --dist runs the built command (dist/, `npm run build`) instead of the
// sources through tsx, which is what a checkout's bin/vgicsim.cjs does.

import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { cacheProblem, INITRD, KERNEL, QEMU, qemuArgs, SCENARIOS } from '../test/linux/guest.ts';
import { exploreBench } from './explore.ts';
import { type BenchGuest, guestElf, loopGuest, startupGuest, sysregGuest, tickGuest } from './guests.ts';
import { type Command, timePair } from './pairs.ts';
import { type BenchResult, environment, keepOthers, type Results, writeResults } from './results.ts';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const argv = process.argv.slice(2);

if (argv.includes('--rewrite')) {
  // RESULTS.md again from results.json (after a change of its layout), nothing run
  const dir = join(ROOT, 'bench');
  writeResults(JSON.parse(readFileSync(join(dir, 'results.json'), 'utf8')) as Results, dir);
  process.exit(0);
}

if (argv.includes('--micro')) {
  const { microBench } = await import('./micro.ts');
  await microBench();
  process.exit(0);
}

function option(name: string): string | undefined {
  const i = argv.indexOf(name);
  return i >= 0 ? argv[i + 1] : undefined;
}

const quick = argv.includes('--quick');
const useDist = argv.includes('--dist');
const runs = Number(option('--runs') ?? 3);
// --linux and --explore: the one benchmark (what they were before the QEMU table)
const only = argv.includes('--linux')
  ? ['linux']
  : argv.includes('--explore')
    ? ['explore']
    : option('--only')?.split(',');
const wanted = (id: string) => only === undefined || only.includes(id);

const env = environment(useDist);
const hasQemu = env.qemu !== undefined;
console.log(
  `${env.machine}; Node ${env.node}; ${env.qemu ?? `${QEMU} not installed: vgicsim alone`}; ${runs} runs each${quick ? ' (--quick)' : ''}`,
);
if (useDist && !existsSync(join(ROOT, 'dist/cli/vgicsim.cjs'))) {
  console.log('--dist: dist/cli/vgicsim.cjs is missing: run npm run build first');
  process.exit(0);
}

const VGICSIM = [process.execPath, join(ROOT, 'bin/vgicsim.cjs')];
const VGICSIM_ENV = useDist ? { VGICSIM_DIST: '1' } : undefined;
const BOARD = ['-M', 'virt,gic-version=2', '-cpu', 'max', '-nographic'];
const TIMEOUT_MS = 20 * 60_000;

const guests: BenchGuest[] = [
  loopGuest(quick ? 30e6 : 1e9),
  tickGuest(quick ? 20_000 : 200_000),
  sysregGuest(quick ? 100_000 : 1_000_000),
  startupGuest(),
];

const results: BenchResult[] = [];
const stamp = () => ({ date: new Date().toISOString(), loadAverage: Number(loadavg()[0].toFixed(2)) });
const dir = mkdtempSync(join(tmpdir(), 'vgicsim-bench-'));
const progress = (what: string) => process.stdout.write(`  ${what}\n`);
try {
  for (const g of guests) {
    if (!wanted(g.id)) continue;
    const elf = join(dir, `${g.id}.elf`);
    writeFileSync(elf, guestElf(g));
    console.log(`${g.id}: ${g.title}`);
    const a: Command = {
      argv: [...VGICSIM, 'qemu', ...BOARD, '-kernel', elf],
      env: VGICSIM_ENV,
      timeoutMs: TIMEOUT_MS,
    };
    const b: Command | undefined = hasQemu
      ? { argv: [QEMU, ...BOARD, '-icount', 'shift=0,sleep=off', '-kernel', elf], timeoutMs: TIMEOUT_MS }
      : undefined;
    const when = stamp();
    // start-up is short and noisy: more runs
    const t = timePair(a, b, g.id === 'startup' ? Math.max(runs, 7) : runs, progress);
    results.push({
      ...when,
      id: g.id,
      title: g.title,
      count: g.count,
      unit: g.unit,
      vgicsim: t.a,
      qemu: t.b,
      qemuMode: 'icount',
    });
  }

  if (wanted('linux')) {
    const problem = cacheProblem();
    console.log('linux: Debian arm64 kernel + busybox initramfs to PSCI SYSTEM_OFF');
    if (problem !== undefined) {
      console.log(`  skipped: ${problem}`);
      results.push({ ...stamp(), id: 'linux', title: 'Linux busybox boot', skipped: problem });
    } else {
      const marker = 'vgicsim-initramfs: userspace is up';
      const a: Command = {
        argv: [...VGICSIM, 'run', SCENARIOS.up, '-q'],
        env: VGICSIM_ENV,
        timeoutMs: TIMEOUT_MS,
      };
      // plain TCG: the test's command without -icount
      const args = qemuArgs().filter((x, i, all) => x !== '-icount' && all[i - 1] !== '-icount');
      const b: Command | undefined = hasQemu
        ? { argv: [QEMU, ...args], expect: marker, timeoutMs: TIMEOUT_MS }
        : undefined;
      const when = stamp();
      const t = timePair(a, b, quick ? 1 : runs, progress);
      results.push({
        ...when,
        id: 'linux',
        title: `Linux busybox boot (${KERNEL.replace(ROOT, '')}, ${INITRD.replace(ROOT, '')})`,
        vgicsim: t.a,
        qemu: t.b,
        qemuMode: 'tcg',
      });
    }
  }

  if (wanted('explore')) {
    console.log('explore: the explorer on the seed scenario (in process)');
    const when = stamp();
    const rows = exploreBench(false);
    for (const r of rows) progress(`${r.scenario}: ${r.states} states, ${r['states/s']} states/s`);
    results.push({ ...when, id: 'explore', title: 'explorer states/s', explore: rows });
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
}

const where = quick ? join(ROOT, 'out/bench') : join(ROOT, 'bench');
mkdirSync(where, { recursive: true });
const all = only === undefined ? results : keepOthers(join(where, 'results.json'), results);
const out: Results = { date: new Date().toISOString(), quick, runs, environment: env, results: all };
const md = writeResults(out, where);
console.log(`\n${md}`);
console.log(`wrote ${join(where, 'RESULTS.md')} and ${join(where, 'results.json')}`);
process.exit(0);
