// bench/RESULTS.md and bench/results.json of `npm run bench` (run.ts): the
// machine, the Node and QEMU versions, and per benchmark the two timings
// and their ratio.

import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, release, totalmem } from 'node:os';
import { join } from 'node:path';
import { QEMU } from '../test/linux/guest.ts';
import type { ExploreRow } from './explore.ts';
import type { Stats, Timing } from './pairs.ts';

export interface Environment {
  readonly machine: string;
  readonly cpuCount: number;
  readonly node: string;
  /** `qemu-system-aarch64 --version`'s first line; absent when it is not installed */
  readonly qemu?: string;
  /** the 1-minute load average when the run started (other work on the machine) */
  readonly loadAverage: number;
  /** how vgicsim ran: the sources through tsx (a checkout's default) or dist/ */
  readonly vgicsim: 'sources (tsx)' | 'dist';
}

export interface BenchResult {
  readonly id: string;
  /** when it ran, and the 1-minute load average then (a partial run, --only, keeps the other rows) */
  readonly date?: string;
  readonly loadAverage?: number;
  readonly title: string;
  /** how many of `unit` one run does (the rate column) */
  readonly count?: number;
  readonly unit?: string;
  readonly vgicsim?: Timing;
  readonly qemu?: Timing;
  /** how QEMU ran: -icount shift=0,sleep=off, or plain TCG */
  readonly qemuMode?: 'icount' | 'tcg';
  readonly skipped?: string;
  readonly explore?: readonly ExploreRow[];
}

export interface Results {
  readonly date: string;
  readonly quick: boolean;
  readonly runs: number;
  readonly environment: Environment;
  readonly results: readonly BenchResult[];
}

export function environment(dist: boolean): Environment {
  const c = cpus();
  const q = spawnSync(QEMU, ['--version'], { encoding: 'utf8' });
  return {
    machine: `${c[0]?.model.trim() ?? 'unknown cpu'} x ${c.length}, ${(totalmem() / 2 ** 30).toFixed(0)} GiB, ${process.platform} ${release()}`,
    cpuCount: c.length,
    node: process.version,
    qemu: q.status === 0 ? q.stdout.split('\n')[0].trim() : undefined,
    loadAverage: Number(loadavg()[0].toFixed(2)),
    vgicsim: dist ? 'dist' : 'sources (tsx)',
  };
}

const s = (x: Stats | undefined) =>
  x === undefined ? '-' : `${x.median.toFixed(2)} (${x.min.toFixed(2)}-${x.max.toFixed(2)})`;

/** "12.7x slower" / "1.1x faster" than QEMU, from medians. */
function ratio(a: Stats | undefined, b: Stats | undefined): string {
  if (a === undefined || b === undefined || b.median <= 0 || a.median <= 0) return '-';
  const r = a.median / b.median;
  return r >= 1 ? `${r.toFixed(1)}x slower` : `${(1 / r).toFixed(1)}x faster`;
}

function row(r: BenchResult): string[] {
  if (r.skipped !== undefined) return [r.title, `skipped: ${r.skipped}`, '', '', '', '', '', '', ''];
  const v = r.vgicsim;
  const q = r.qemu;
  const rate =
    r.count !== undefined && r.count > 1 && v !== undefined
      ? `${(r.count / v.wall.median / 1e6).toFixed(3)} ${r.unit}`
      : '-';
  const qemu = q === undefined ? 'not installed' : s(q.wall);
  const fail = [v?.failed && `vgicsim: ${v.failed}`, q?.failed && `QEMU: ${q.failed}`]
    .filter(Boolean)
    .join('; ');
  const when = r.date === undefined ? '-' : `${r.date.slice(0, 16).replace('T', ' ')} (${r.loadAverage})`;
  return [
    `${r.title}${fail ? ` (failed runs: ${fail})` : ''}`,
    when,
    s(v?.wall),
    qemu,
    ratio(v?.wall, q?.wall),
    s(v?.cpu),
    s(q?.cpu),
    ratio(v?.cpu, q?.cpu),
    rate,
  ];
}

/** A Markdown table with its columns padded (as `biome format` writes them): header, dashes, rows. */
function table(rows: readonly (readonly string[])[]): string[] {
  const width = rows[0].map((_, c) => Math.max(3, ...rows.map((r) => r[c].length)));
  const line = (r: readonly string[]) => `| ${r.map((x, c) => x.padEnd(width[c])).join(' | ')} |`;
  return [line(rows[0]), line(width.map((w) => '-'.repeat(w))), ...rows.slice(1).map(line)];
}

export function markdown(res: Results): string {
  const e = res.environment;
  const lines = [
    '# Benchmarks: vgicsim and QEMU side by side',
    '',
    `Written by \`npm run bench\`${res.quick ? ' --quick' : ''} (bench/run.ts) on ${res.date}; ${res.runs} runs of each, alternating`,
    'vgicsim and QEMU, whole-process times in seconds: median (min-max). Ratios compare medians.',
    '',
    `- Machine: ${e.machine}; 1-minute load average at the start: ${e.loadAverage} (per row: when it ran, and the load then)`,
    `- Node ${e.node}; vgicsim ran ${e.vgicsim === 'dist' ? 'dist/cli/vgicsim.cjs (npm run build, --dist)' : 'the sources through tsx'}`,
    `- QEMU: ${e.qemu ?? 'qemu-system-aarch64 is not installed: vgicsim alone'}`,
    "- Bare-metal guests (bench/guests.ts, ELFs from vgicsim's assembler):",
    '  `vgicsim qemu -M virt,gic-version=2 -cpu max -nographic -kernel x.elf` against',
    '  `qemu-system-aarch64` with the same options and `-icount shift=0,sleep=off`.',
    '- Linux: `vgicsim run scenarios/linux/linux-busybox.yaml` against plain TCG QEMU, same Image, initrd and',
    '  RAM (128 MiB; its `sleep 1` passes in real time under TCG, in virtual time under vgicsim).',
    '- The trapped-sysreg guest under QEMU runs at EL1 with no hypervisor: its CNTP_* accesses do not trap;',
    '  under vgicsim each goes through the modelled KVM exit path (two exits per iteration).',
    '- Start-up: a guest that powers off at once, so the whole process is start-up and exit; the',
    "  issue's 200 ms is to the first guest instruction (`node scripts/startup-time.mjs` measures that point).",
    '- CPU is user + system time of the process (from /proc, 10 ms ticks): less sensitive than wall time',
    '  to other work on a shared machine.',
    '',
    ...table([
      [
        'benchmark',
        'run at UTC (load)',
        'vgicsim wall s',
        'QEMU wall s',
        'vgicsim vs QEMU (wall)',
        'vgicsim CPU s',
        'QEMU CPU s',
        'vgicsim vs QEMU (CPU)',
        'vgicsim rate (wall)',
      ],
      ...res.results.filter((r) => r.explore === undefined).map(row),
    ]),
  ];
  const ex = res.results.find((r) => r.explore !== undefined)?.explore;
  if (ex !== undefined) {
    lines.push('', '## Explorer (in process; QEMU has no counterpart)', '');
    lines.push(
      ...table([
        ['scenario', 'states', 'runs executed', 'merged', 'seconds', 'states/s', 'first counterexample ms'],
        ...ex.map((x) => [
          x.scenario,
          String(x.states),
          String(x['runs executed']),
          String(x.merged),
          x.seconds,
          String(x['states/s']),
          x['first counterexample ms'],
        ]),
      ]),
    );
  }
  return `${lines.join('\n')}\n`;
}

/**
 * The rows of an earlier results.json that this run did not measure (a run
 * with --only replaces its own rows and keeps the others).
 */
export function keepOthers(file: string, fresh: readonly BenchResult[]): BenchResult[] {
  if (!existsSync(file)) return [...fresh];
  const old = (JSON.parse(readFileSync(file, 'utf8')) as Results).results;
  const order = ['loop', 'ticks', 'sysreg', 'startup', 'linux', 'explore'];
  const byId = new Map(old.map((r) => [r.id, r]));
  for (const r of fresh) byId.set(r.id, r);
  return [...byId.values()].sort((a, b) => order.indexOf(a.id) - order.indexOf(b.id));
}

/** Write RESULTS.md and results.json into `dir`; returns the markdown. */
export function writeResults(res: Results, dir: string): string {
  const md = markdown(res);
  writeFileSync(join(dir, 'RESULTS.md'), md);
  writeFileSync(join(dir, 'results.json'), `${JSON.stringify(res, null, 2)}\n`);
  return md;
}
