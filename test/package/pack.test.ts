// The npm package as a user gets it: `npm pack` (prepack builds dist/), then
// an empty project installs the tarball offline and runs the command and the
// library. Everything happens in a temporary directory: the package is packed
// from a copy of the sources (so the checkout's dist/ is never rewritten while
// other tests run), and no step needs the network. vgicsim's own dependencies
// come from the npm cache that `npm ci` filled: the project pins them with the
// entries of this repository's package-lock.json (resolved + integrity), as
// `npm install --offline` cannot look up a version range without the registry.

import assert from 'node:assert/strict';
import { type SpawnSyncReturns, spawnSync } from 'node:child_process';
import {
  cpSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import Module from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';

const ROOT = join(import.meta.dirname, '../..');
const PKG = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as {
  name: string;
  version: string;
  dependencies: Record<string, string>;
};
const LOCK = JSON.parse(readFileSync(join(ROOT, 'package-lock.json'), 'utf8')) as {
  packages: Record<string, { dependencies?: Record<string, string> }>;
};
/** What `npm pack` needs to build: the sources and their build configuration. */
const BUILD_INPUTS = [
  'package.json',
  'README.md',
  'tsconfig.json',
  'tsconfig.build.json',
  'bin',
  'src',
  'schema',
  'scenarios',
  'conformance',
  'docs',
  'scripts/build.mjs',
  'scripts/bundle-options.mjs',
];
const SEED = 'node_modules/vgicsim/scenarios/seed-masked-enable-disable.yaml';

let work = '';
let project = '';
let packed: { filename: string; size: number; unpackedSize: number; files: { path: string }[] };

const env = {
  ...process.env,
  npm_config_audit: 'false',
  npm_config_fund: 'false',
  npm_config_update_notifier: 'false',
  npm_config_loglevel: 'error',
};

function sh(cmd: string, args: string[], cwd: string, timeout = 120_000): SpawnSyncReturns<string> {
  const r = spawnSync(cmd, args, { cwd, env, encoding: 'utf8', timeout, maxBuffer: 64 << 20 });
  if (r.error) throw r.error;
  return r;
}

function ok(r: SpawnSyncReturns<string>, what: string): string {
  assert.equal(r.status, 0, `${what} exited ${r.status}\n${r.stdout}\n${r.stderr}`);
  return r.stdout;
}

/** The lockfile entries of vgicsim's dependencies, transitively. */
function pinnedDependencies(): Record<string, unknown> {
  const packages: Record<string, unknown> = {};
  const todo = Object.keys(PKG.dependencies);
  while (todo.length > 0) {
    const name = todo.pop() as string;
    const key = `node_modules/${name}`;
    if (key in packages) continue;
    const entry = LOCK.packages[key];
    assert.ok(entry, `package-lock.json has no ${key}`);
    packages[key] = entry;
    todo.push(...Object.keys(entry.dependencies ?? {}));
  }
  return packages;
}

describe('npm package', { timeout: 600_000 }, () => {
  before(() => {
    work = mkdtempSync(join(tmpdir(), 'vgicsim-pack-'));
    const source = join(work, 'source');
    for (const f of BUILD_INPUTS) cpSync(join(ROOT, f), join(source, f), { recursive: true });
    symlinkSync(join(ROOT, 'node_modules'), join(source, 'node_modules'), 'dir');
    const out = ok(sh('npm', ['pack', '--json', '--pack-destination', work], source, 300_000), 'npm pack');
    // prepack's output (the build) precedes the JSON on stdout.
    packed = JSON.parse(out.slice(out.indexOf('[\n')))[0];

    project = join(work, 'project');
    mkdirSync(project);
    const deps = { ...PKG.dependencies };
    writeFileSync(
      join(project, 'package.json'),
      JSON.stringify({ name: 'empty', version: '1.0.0', private: true, type: 'module', dependencies: deps }),
    );
    writeFileSync(
      join(project, 'package-lock.json'),
      JSON.stringify({
        name: 'empty',
        version: '1.0.0',
        lockfileVersion: 3,
        requires: true,
        packages: { '': { name: 'empty', version: '1.0.0', dependencies: deps }, ...pinnedDependencies() },
      }),
    );
    ok(
      sh('npm', ['install', '--offline', '--no-audit', '--no-fund', join(work, packed.filename)], project),
      'npm install',
    );
  });

  after(() => {
    if (work) rmSync(work, { recursive: true, force: true });
  });

  it('ships the compiled command and library, the schema and the scenario library, not the sources', () => {
    const files = new Set(packed.files.map((f) => f.path));
    for (const f of [
      'bin/vgicsim.cjs',
      'bin/vgicsim.mjs',
      'bin/vgicsim-qemu.cjs',
      'bin/run-bundle.cjs',
      'dist/cli/vgicsim.cjs',
      'dist/cli/vgicsim.cjs.cache',
      'dist/cli/explore-shard.mjs',
      'dist/index.js',
      'dist/index.d.ts',
      'dist/hyp/api/index.d.ts',
      'dist/export/index.d.ts',
      'schema/scenario.schema.json',
      'scenarios/seed-masked-enable-disable.yaml',
      'conformance/kvm-unit-tests/timer/ptimer-cval-irq.yaml',
      'README.md',
      'package.json',
    ])
      assert.ok(files.has(f), `${f} is not in the tarball`);
    for (const f of files)
      assert.doesNotMatch(f, /^(src|test|scripts|node_modules)\//, `${f} is in the tarball`);
    assert.equal(packed.filename, `${PKG.name}-${PKG.version}.tgz`);
  });

  it('npx vgicsim --version prints the version, without tsx', () => {
    assert.throws(() => readFileSync(join(project, 'node_modules/tsx/package.json')), /ENOENT/);
    const out = ok(
      sh('npx', ['--offline', 'vgicsim', '--version'], project, 60_000),
      'npx vgicsim --version',
    );
    assert.equal(out.trim(), PKG.version);
  });

  it('npx vgicsim run passes the seed scenario shipped in the package (exit 0)', () => {
    const out = ok(sh('npx', ['--offline', 'vgicsim', 'run', SEED], project, 60_000), 'npx vgicsim run');
    assert.match(out, /^PASS {2}seed-masked-enable-disable {2}\[policy level, seed 0\]/m);
    assert.match(out, /^ {2}ok {3}exit: poweroff$/m);
  });

  it('the command runs with its code cache, and without a usable one writes its own (Node 20)', () => {
    const bin = join(project, 'node_modules/vgicsim/bin/vgicsim.cjs');
    const shipped = join(project, 'node_modules/vgicsim/dist/cli/vgicsim.cjs.cache');
    assert.ok(readFileSync(shipped).length > 100_000, 'the shipped code cache is missing or tiny');
    // A cache this V8 rejects (another Node's): the command still runs, and leaves a cache of its own.
    writeFileSync(shipped, Buffer.alloc(4096, 7));
    const tmp = mkdtempSync(join(work, 'tmp-'));
    const run = () => {
      const r = spawnSync(process.execPath, [bin, 'run', '-q', SEED], {
        cwd: project,
        env: { ...env, TMPDIR: tmp },
        encoding: 'utf8',
        timeout: 60_000,
      });
      assert.equal(r.status, 0, r.stderr);
      assert.match(r.stdout, /1 scenario\(s\): 1 passed, 0 failed/);
    };
    run();
    const hasOwnCache = typeof (Module as { enableCompileCache?: unknown }).enableCompileCache !== 'function';
    if (hasOwnCache) {
      const dirs = readdirSync(tmp).filter((d) => d.startsWith('vgicsim-code-cache-'));
      assert.equal(dirs.length, 1, `no cache directory in ${tmp}`);
      const files = readdirSync(join(tmp, dirs[0]));
      assert.equal(files.length, 1, files.join(', '));
      assert.ok(statSync(join(tmp, dirs[0], files[0])).size > 100_000);
    }
    run(); // with the cache it wrote
  });

  it('npx vgicsim run exits 1 when an expectation fails (the seed under legacy-edge)', () => {
    const r = sh('npx', ['--offline', 'vgicsim', 'run', SEED, '--policy', 'legacy-edge'], project, 60_000);
    assert.equal(r.status, 1, r.stderr);
    assert.match(r.stdout, /^FAIL {2}seed-masked-enable-disable/m);
  });

  it('npx vgicsim explore --jobs 2 runs its shards on worker threads (the bundle beside the command)', () => {
    const args = ['--offline', 'vgicsim', 'explore', SEED, '--bound', '1', '--jobs', '2', '--progress'];
    const r = sh('npx', args, project, 120_000);
    assert.equal(r.status, 1, r.stderr); // linux-4.2 delivers the disabled timer's interrupt
    assert.match(r.stderr, /explore --jobs 2 \(2 worker threads\): \d+ states .* 2\/2 shards done/);
    assert.match(r.stdout, /minimal counterexample of spurious-delivery/);
  });

  it('npx vgicsim conformance runs checks shipped in the package', () => {
    const dir = 'node_modules/vgicsim/conformance/selftests/arch_timer';
    const args = ['--offline', 'vgicsim', 'conformance', '--dir', dir, '--policy', 'level', '--quiet'];
    const out = ok(sh('npx', args, project, 120_000), 'npx vgicsim conformance');
    assert.match(out, /^(\d+) checks x 1 policies: \1 as expected, 0 unexpected$/m);
  });

  it('the library loads and runs the seed scenario, records a trace, writes a VCD, and builds a VM', () => {
    writeFileSync(
      join(project, 'use.mjs'),
      `import { loadScenarioFile, runScenario, MemorySink, writeVcd, kvm } from 'vgicsim';
import { createVm } from 'vgicsim/kvm';
import { writeText } from 'vgicsim/export';
const s = loadScenarioFile(${JSON.stringify(SEED)});
const out = {};
for (const policy of ['level', 'legacy-edge']) {
  const trace = new MemorySink();
  const run = runScenario(s, { policy, trace });
  out[policy] = { passed: run.passed, end: run.end, acks: run.acks.map((a) => a.intid), records: trace.records.length > 0 };
  if (policy === 'level') {
    out.vcd = writeVcd(trace.records, { counterHz: s.machine.counterHz }).includes('$enddefinitions');
    out.text = writeText(trace.records).split('\\n').length > 1;
  }
}
out.sameCreateVm = kvm.createVm === createVm;
out.vcpu = createVm({ policy: 'level', vcpus: 1 }).createVcpu(0).ok;
console.log(JSON.stringify(out));
`,
    );
    const out = JSON.parse(ok(sh(process.execPath, ['use.mjs'], project, 60_000), 'node use.mjs'));
    assert.deepEqual(out, {
      level: { passed: true, end: 'poweroff', acks: [], records: true },
      'legacy-edge': { passed: false, end: 'poweroff', acks: [27], records: true },
      vcd: true,
      text: true,
      sameCreateVm: true,
      vcpu: true,
    });
  });

  it("the library's type declarations check under NodeNext resolution", () => {
    writeFileSync(
      join(project, 'use.ts'),
      `import { loadScenarioFile, runScenario, type ScenarioRun, kvm } from 'vgicsim';
import type { KvmVmConfig } from 'vgicsim/kvm';
const run: ScenarioRun = runScenario(loadScenarioFile('x.yaml'), { policy: 'level' });
const passed: boolean = run.passed;
const config: KvmVmConfig = { policy: 'level', vcpus: 2 };
kvm.createVm(config);
// @ts-expect-error: the policy is required
kvm.createVm({ vcpus: 1 });
export { passed };
`,
    );
    // skipLibCheck: were the declarations missing or `any`, the @ts-expect-error line would fail.
    const tsc = join(ROOT, 'node_modules/typescript/bin/tsc');
    const args = [
      '--noEmit',
      '--strict',
      '--skipLibCheck',
      '--module',
      'nodenext',
      '--moduleResolution',
      'nodenext',
    ];
    const r = sh(
      process.execPath,
      [tsc, ...args, '--types', 'node', '--typeRoots', join(ROOT, 'node_modules/@types'), 'use.ts'],
      project,
      120_000,
    );
    assert.equal(r.status, 0, r.stdout + r.stderr);
  });
});
