// esbuild options for the one-file command, dist/cli/vgicsim.mjs (scripts/build.mjs),
// shared with scripts/startup-time.mjs so that it measures the same bundle.
export function bundleOptions(root, entryPoint, outfile) {
  return {
    absWorkingDir: root,
    entryPoints: [entryPoint],
    outfile,
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    // commander is CommonJS: its require('node:events') needs a real require.
    banner: {
      js: "import { createRequire as __vgicsimRequire } from 'node:module';\nconst require = __vgicsimRequire(import.meta.url);",
    },
    logLevel: 'warning',
  };
}
