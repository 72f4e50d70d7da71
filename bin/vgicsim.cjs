#!/usr/bin/env node
// The vgicsim command. An installed package runs the compiled command in
// dist/ (`npm run build`, run by `prepack`), one file that starts fast, with
// V8's code cache (run-bundle.cjs). A checkout (src/ is there: the package
// does not ship it) runs the TypeScript sources through tsx's loader, so an
// edit needs no build step and a stale dist/ is never run by mistake;
// VGICSIM_DIST=1 runs dist/ in a checkout. CommonJS, as run-bundle.cjs says
// why (bin/vgicsim.mjs is the same command as an ES module).
'use strict';
const { join } = require('node:path');
const { BUNDLE, exists, runBundle } = require('./run-bundle.cjs');

const checkout = exists(join(__dirname, '../src/cli/main.ts'));
if (exists(BUNDLE) && (!checkout || process.env.VGICSIM_DIST === '1')) {
  runBundle(BUNDLE);
} else {
  import('tsx/esm/api')
    .then(({ register }) => {
      register();
      return import('../src/cli/main.ts');
    })
    .catch((e) => {
      process.stderr.write(`${e?.stack ?? e}\n`);
      process.exit(3);
    });
}
