#!/usr/bin/env node
// Start-up time of `vgicsim run scenarios/seed-masked-enable-disable.yaml`:
// milliseconds from process start (performance.timeOrigin) to the first guest
// instruction (the first Cpu.run call), and to process exit, medians of N runs:
//   bundle   bin/vgicsim.cjs -> dist/cli/vgicsim.cjs (what the package runs)
//   tsx      the TypeScript sources through tsx (a checkout without dist/)
// and an empty `node -e 0` for the machine's own start-up cost. The probe for
// the bundle is a second bundle, built with the same options, whose entry
// patches Cpu.prototype.run before it imports the command.
// Usage: node scripts/startup-time.mjs [runs=7]   (after `npm run build`)
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { bundleOptions } from './bundle-options.mjs';

const root = fileURLToPath(new URL('..', import.meta.url));
const runs = Number(process.argv[2] ?? 7);
const SEED = 'scenarios/seed-masked-enable-disable.yaml';
const ARGS = ['run', '-q', SEED];

const EXIT_NOTE =
  "process.on('exit', () => { const c = process.cpuUsage(); process.stderr.write('EXIT ' + performance.now().toFixed(1) + ' ' + ((c.user + c.system) / 1000).toFixed(1) + '\\n'); });";
const patch = (cpu) => `import { Cpu } from ${JSON.stringify(cpu)};
const run = Cpu.prototype.run;
let first = -1;
let firstCpu = -1;
Cpu.prototype.run = function (max) {
  if (first < 0) {
    first = performance.now();
    const c = process.cpuUsage();
    firstCpu = (c.user + c.system) / 1000;
  }
  return run.call(this, max);
};
process.on('exit', () => process.stderr.write('FIRST ' + first.toFixed(1) + ' ' + firstCpu.toFixed(1) + '\\n'));
${EXIT_NOTE}
`;
const dataUrl = (js) => `data:text/javascript,${encodeURIComponent(js)}`;
// The exit note is preloaded as CommonJS (-r): an --import would start Node's ES loader in every
// process and so hide what a CommonJS entry point saves.
const notes = mkdtempSync(join(tmpdir(), 'vgicsim-startup-'));
const exitNote = join(notes, 'exit-note.cjs');
writeFileSync(exitNote, `${EXIT_NOTE}\n`);
process.on('exit', () => rmSync(notes, { recursive: true, force: true }));

function measure(label, args, env = {}) {
  const first = [];
  const firstCpu = [];
  const exit = [];
  const exitCpu = [];
  for (let i = 0; i < runs; i++) {
    const r = spawnSync(process.execPath, args, {
      cwd: root,
      env: { ...process.env, ...env },
      encoding: 'utf8',
      timeout: 60_000,
    });
    const f = /FIRST (-?[\d.]+) ([\d.]+)/.exec(r.stderr ?? '');
    const e = /EXIT (-?[\d.]+) ([\d.]+)/.exec(r.stderr ?? '');
    if (r.status !== 0 || !e || (f && Number(f[1]) < 0)) {
      console.error(`${label}: run failed (exit ${r.status})\n${r.stderr}`);
      process.exit(1);
    }
    if (f) first.push(Number(f[1]));
    if (f) firstCpu.push(Number(f[2]));
    exit.push(Number(e[1]));
    exitCpu.push(Number(e[2]));
  }
  const med = (xs) => {
    if (xs.length === 0) return '    -';
    const s = [...xs].sort((a, b) => a - b);
    return `${s[Math.floor(s.length / 2)].toFixed(0).padStart(5)} (${s[0].toFixed(0)}..${s.at(-1).toFixed(0)})`;
  };
  console.log(`${label.padEnd(34)} wall: first insn ${med(first).padEnd(18)} exit ${med(exit).padEnd(18)}`);
  console.log(`${''.padEnd(34)} cpu:  first insn ${med(firstCpu).padEnd(18)} exit ${med(exitCpu)}`);
}

console.log(
  `ms since process start (wall) and CPU ms used (user+system, all threads), median (min..max) of ${runs} runs`,
);
measure('node -e 0', ['-r', exitNote, '-e', '0']);

const bundled = new URL('../dist/cli/vgicsim.cjs', import.meta.url);
if (existsSync(bundled)) {
  // The probe: the same bundle with Cpu.run patched first (a module imported before the command),
  // run by bin/run-bundle.cjs as the command is; one run first writes its code cache.
  const patchFile = new URL('../dist/cli/startup-probe-patch.mjs', import.meta.url);
  const probeEntry = new URL('../dist/cli/startup-probe-entry.mjs', import.meta.url);
  const probeMain = new URL('../dist/cli/startup-probe-main.cjs', import.meta.url);
  const probe = 'dist/cli/startup-probe.cjs';
  writeFileSync(patchFile, patch(new URL('../src/hw/cpu/cpu.ts', import.meta.url).pathname));
  writeFileSync(
    probeEntry,
    `import './startup-probe-patch.mjs';\nimport ${JSON.stringify(new URL('../src/cli/main.ts', import.meta.url).pathname)};\n`,
  );
  writeFileSync(
    probeMain,
    "require('../../bin/run-bundle.cjs').runBundle(require('node:path').join(__dirname, 'startup-probe.cjs'));\n",
  );
  const { build } = await import('esbuild');
  await build(bundleOptions(root, fileURLToPath(probeEntry), probe, { script: true }));
  const probeCache = `${probe}.cache`;
  spawnSync(process.execPath, [fileURLToPath(probeMain), ...ARGS], {
    cwd: root,
    env: { ...process.env, VGICSIM_CODE_CACHE_OUT: probeCache },
  });
  try {
    measure('bundle (bin -> dist/cli/vgicsim.cjs)', ['-r', exitNote, 'bin/vgicsim.cjs', ...ARGS], {
      VGICSIM_DIST: '1',
    });
    measure('bundle, first-instruction probe', [fileURLToPath(probeMain), ...ARGS]);
    measure('bundle without code cache, probe', [fileURLToPath(probeMain), ...ARGS], {
      VGICSIM_CODE_CACHE: '0',
    });
    measure('bundle --version', ['-r', exitNote, 'bin/vgicsim.cjs', '--version'], {
      VGICSIM_DIST: '1',
    });
  } finally {
    for (const f of [patchFile, probeEntry, probeMain]) rmSync(f);
    rmSync(new URL(`../${probe}`, import.meta.url));
    rmSync(new URL(`../${probeCache}`, import.meta.url), { force: true });
  }
} else console.log('no dist/: run `npm run build` for the compiled figures');

const srcCpu = new URL('../src/hw/cpu/cpu.ts', import.meta.url).href;
measure('sources through tsx', [
  '--import',
  'tsx',
  '--import',
  dataUrl(patch(srcCpu)),
  'src/cli/main.ts',
  ...ARGS,
]);
