#!/usr/bin/env node
// `npm run build` (and `prepack`): compile src/ to dist/.
//   1. tsc -p tsconfig.build.json: one .js and one .d.ts per source file
//      (dist/index.js is the library API; imports of `./x.ts` are rewritten
//      to `./x.js` by rewriteRelativeImportExtensions).
//   2. esbuild: the command in one file, dist/cli/vgicsim.cjs, with its
//      dependencies inside, which bin/vgicsim.cjs runs (bin/run-bundle.cjs).
//      Node 20 spends most of a short run's start-up resolving and compiling
//      ~350 ES modules; one file starts in half the time. It stays in dist/cli/
//      so that `new URL('../../package.json', import.meta.url)` still finds
//      package.json. Beside it dist/cli/explore-shard.mjs, the shard job
//      `explore --jobs N`'s worker threads run.
//   3. V8's code cache of the command, dist/cli/vgicsim.cjs.cache: written at
//      the exit of a run of the seed scenario, so it holds every function a
//      short run compiles (Node 20 uses it; Node 22+ has its own cache).
import { spawnSync } from 'node:child_process';
import { rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { bundleOptions } from './bundle-options.mjs';

const root = fileURLToPath(new URL('..', import.meta.url));
const require = createRequire(import.meta.url);

rmSync(new URL('../dist', import.meta.url), { recursive: true, force: true });

const tsc = spawnSync(
  process.execPath,
  [require.resolve('typescript/bin/tsc'), '-p', 'tsconfig.build.json'],
  {
    cwd: root,
    stdio: 'inherit',
  },
);
if (tsc.status !== 0) process.exit(tsc.status ?? 1);

const { build } = await import('esbuild');
await build(bundleOptions(root, 'src/cli/main.ts', 'dist/cli/vgicsim.cjs', { script: true }));
// `explore --jobs N`'s worker threads run one shard each from this second bundle beside the command
// (src/explore/parallel.ts finds it), so the one-file command does not fall back to one thread.
await build(bundleOptions(root, 'src/explore/shard-job.ts', 'dist/cli/explore-shard.mjs'));

const warm = spawnSync(
  process.execPath,
  ['bin/vgicsim.cjs', 'run', '-q', 'scenarios/seed-masked-enable-disable.yaml'],
  {
    cwd: root,
    stdio: ['ignore', 'ignore', 'inherit'],
    env: { ...process.env, VGICSIM_DIST: '1', VGICSIM_CODE_CACHE_OUT: `${root}/dist/cli/vgicsim.cjs.cache` },
  },
);
if (warm.status !== 0) process.exit(warm.status ?? 1);
