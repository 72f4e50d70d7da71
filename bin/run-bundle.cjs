// Runs the one-file command, dist/cli/vgicsim.cjs (scripts/build.mjs), with
// V8's code cache, so that a short run does not spend its start-up compiling
// a megabyte of JavaScript (issue 16, start-up):
//   - Node 22.1+: node:module's enableCompileCache() (the cache lives in
//     Node's own directory: NODE_COMPILE_CACHE, else the temporary one) and
//     require().
//   - Node 20: the bundle runs as a vm.Script with cachedData: first the cache
//     `npm run build` wrote beside it (dist/cli/vgicsim.cjs.cache, made by a
//     run of the seed scenario), and when this V8 rejects that one (another
//     Node version), a cache of this user's in the temporary directory,
//     written at exit after a run without one.
// The bundle is a CommonJS module either way (import.meta.url is defined as
// the file URL of the bundle by its banner). This file is CommonJS too, as is
// bin/vgicsim.cjs: an ES entry point costs Node 20 its ES loader (~15
// modules, fs/promises and readline among them, ~8 ms), and importing a
// built-in into an ES module builds its ES facade, which reads every export
// (fs.ReadStream loads the streams).
'use strict';
const nodeModule = require('node:module');
const { createRequire } = nodeModule;
const { existsSync, mkdirSync, readFileSync, renameSync, statSync, writeFileSync } = require('node:fs');
const { dirname, join } = require('node:path');
const vm = require('node:vm');

/** The CommonJS wrapper's parameters (Node's own, in its order). */
const WRAPPER = ['exports', 'require', 'module', '__filename', '__dirname'];

function readCache(path) {
  try {
    return readFileSync(path);
  } catch {
    return undefined;
  }
}

/** This user's cache directory for Node 20 (0700, and only if it is ours); `create`: make it. */
function userCacheDir(create) {
  const uid = typeof process.getuid === 'function' ? process.getuid() : 'user';
  const dir = join(require('node:os').tmpdir(), `vgicsim-code-cache-${uid}`);
  try {
    if (create) mkdirSync(dir, { recursive: true, mode: 0o700 });
    const st = statSync(dir);
    if (typeof process.getuid === 'function' && st.uid !== process.getuid()) return undefined;
    return dir;
  } catch {
    return undefined;
  }
}

/** The user cache's file name for this Node and this bundle. */
function userCacheName(file) {
  // V8 checks a cache against the source (its hash), its own version and its flags.
  const st = statSync(file);
  const key = `${process.version}-${process.arch}-${st.size}-${Math.trunc(st.mtimeMs)}`;
  return `${key.replace(/[^\w.-]/g, '_')}.bin`;
}

/**
 * Run the bundle at `file` (a path). VGICSIM_CODE_CACHE_OUT=<file>: write
 * the code cache to that file at exit (scripts/build.mjs makes the shipped
 * one so); VGICSIM_CODE_CACHE=0: no cache at all (to measure without one).
 */
function runBundle(file) {
  const out = process.env.VGICSIM_CODE_CACHE_OUT;
  const off = process.env.VGICSIM_CODE_CACHE === '0';
  if (!off && out === undefined && typeof nodeModule.enableCompileCache === 'function') {
    nodeModule.enableCompileCache();
    createRequire(file)(file);
    return;
  }
  const source = readFileSync(file, 'latin1'); // the bundle is ASCII (esbuild's charset)
  const wrapped = `(function (${WRAPPER.join(', ')}) {${source}\n})`;
  // A script whose cache V8 rejected is compiled all the same: it runs, and
  // its cache is written at exit, so a rejection costs no second compile.
  let script;
  let write = out;
  if (!off && out === undefined) {
    const shipped = readCache(`${file}.cache`);
    if (shipped !== undefined) {
      script = new vm.Script(wrapped, { filename: file, cachedData: shipped });
      if (!script.cachedDataRejected) return start(script, file);
    }
    const dir = userCacheDir(false);
    const name = userCacheName(file);
    const mine = dir === undefined ? undefined : readCache(join(dir, name));
    if (mine !== undefined) {
      script = new vm.Script(wrapped, { filename: file, cachedData: mine });
      if (!script.cachedDataRejected) return start(script, file);
    }
    write = writeTarget(name);
  }
  script ??= new vm.Script(wrapped, { filename: file });
  if (write !== undefined && !off) {
    const s = script;
    process.on('exit', () => {
      try {
        const tmp = `${write}.${process.pid}`;
        writeFileSync(tmp, s.createCachedData());
        renameSync(tmp, write);
      } catch {
        // a cache is only an optimisation
      }
    });
  }
  start(script, file);
}

/** Where a run without a usable cache writes one: this user's directory, made now. */
function writeTarget(name) {
  const dir = userCacheDir(true);
  return dir === undefined ? undefined : join(dir, name);
}

function start(script, file) {
  const fn = script.runInThisContext();
  const mod = { exports: {}, filename: file, id: file };
  fn(mod.exports, createRequire(file), mod, file, dirname(file));
}

/** The command's bundle (scripts/build.mjs). */
const BUNDLE = join(__dirname, '../dist/cli/vgicsim.cjs');

module.exports = { BUNDLE, exists: existsSync, runBundle };
