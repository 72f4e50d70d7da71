#!/usr/bin/env node
// The vgicsim command. An installed package runs the compiled command in
// dist/ (`npm run build`, run by `prepack`), one file that starts fast, with
// V8's code cache (run-bundle.mjs). A checkout (src/ is there: the package
// does not ship it) runs the TypeScript sources through tsx's loader, so an
// edit needs no build step and a stale dist/ is never run by mistake;
// VGICSIM_DIST=1 runs dist/ in a checkout.
import { BUNDLE, exists, runBundle } from './run-bundle.mjs';

const checkout = exists(new URL('../src/cli/main.ts', import.meta.url));
if (exists(BUNDLE) && (!checkout || process.env.VGICSIM_DIST === '1')) {
  runBundle(BUNDLE);
} else {
  const { register } = await import('tsx/esm/api');
  register();
  await import('../src/cli/main.ts');
}
