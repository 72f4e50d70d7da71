// esbuild options for the one-file command, dist/cli/vgicsim.cjs (scripts/build.mjs),
// shared with scripts/startup-time.mjs so that it measures the same bundle.
// `script: true` (the command): a CommonJS module, minified (whitespace and
// syntax; names stay for stack traces), that bin/run-bundle.cjs runs with
// V8's code cache; import.meta.url is the bundle's own file URL. Otherwise an
// ES module (the explorer's worker bundle).
export function bundleOptions(root, entryPoint, outfile, { script = false } = {}) {
  const common = {
    absWorkingDir: root,
    entryPoints: [entryPoint],
    outfile,
    bundle: true,
    platform: 'node',
    target: 'node20',
    charset: 'ascii',
    logLevel: 'warning',
  };
  if (script)
    return {
      ...common,
      format: 'cjs',
      minifyWhitespace: true,
      minifySyntax: true,
      define: { 'import.meta.url': '__vgicsimUrl', 'import.meta.resolve': 'undefined' },
      banner: { js: "var __vgicsimUrl=require('node:url').pathToFileURL(__filename).href;" },
      plugins: [lazyChildProcess, lazyBuiltins],
    };
  return {
    ...common,
    format: 'esm',
    // commander is CommonJS: its require('node:events') needs a real require.
    banner: {
      js: "import { createRequire as __vgicsimRequire } from 'node:module';\nconst require = __vgicsimRequire(import.meta.url);",
    },
  };
}

/**
 * commander requires node:child_process at load (for executable subcommands,
 * which vgicsim has none of): loading it (and net, dgram, streams) costs
 * ~15 ms of every start. The command's bundle gets it on first use instead.
 */
const lazyChildProcess = {
  name: 'lazy-child-process',
  setup(b) {
    b.onResolve({ filter: /^(node:)?child_process$/ }, () => ({ path: 'child_process', namespace: 'lazy' }));
    b.onLoad({ filter: /.*/, namespace: 'lazy' }, () => ({
      contents:
        "let m; const get = () => (m ??= require('node:child_process'));\n" +
        'module.exports = new Proxy({}, { get: (_, k) => get()[k], has: (_, k) => k in get(), ownKeys: () => Reflect.ownKeys(get()), getOwnPropertyDescriptor: (_, k) => Object.getOwnPropertyDescriptor(get(), k) });\n',
      loader: 'js',
    }));
  },
};

/**
 * Node built-ins that the command's short runs never use, imported by name
 * (ES imports) from vgicsim's sources: zlib (the Linux boot's gzip, ~12 ms
 * with the streams it loads) and worker_threads (explore --jobs). In the
 * command's bundle each named import is a function that loads the module on
 * its first call (`new` works too: it returns the real instance). A name
 * missing here fails the build (esbuild: no matching export).
 */
const LAZY_BUILTINS = {
  zlib: ['gunzipSync', 'gzipSync'],
  worker_threads: ['MessageChannel', 'Worker', 'receiveMessageOnPort'],
};

const lazyBuiltins = {
  name: 'lazy-builtins',
  setup(b) {
    const names = Object.keys(LAZY_BUILTINS).join('|');
    b.onResolve({ filter: new RegExp(`^(node:)?(${names})$`) }, (args) =>
      args.kind === 'import-statement'
        ? { path: args.path.replace(/^node:/, ''), namespace: 'lazy-builtin' }
        : undefined,
    );
    b.onLoad({ filter: /.*/, namespace: 'lazy-builtin' }, (args) => ({
      contents:
        `let m; const get = () => (m ??= require('node:${args.path}'));\n` +
        LAZY_BUILTINS[args.path]
          .map(
            (n) =>
              `export function ${n}(...a) { return new.target ? new (get().${n})(...a) : get().${n}(...a); }\n`,
          )
          .join(''),
      loader: 'js',
    }));
  },
};
