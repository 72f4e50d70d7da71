// esbuild options for the one-file command, dist/cli/vgicsim.cjs (scripts/build.mjs),
// shared with scripts/startup-time.mjs so that it measures the same bundle.
// `script: true` (the command): a CommonJS module, minified (whitespace and
// syntax; names stay for stack traces), that bin/run-bundle.mjs runs with
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
      plugins: [lazyChildProcess],
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
