// Layering of ../shared/DESIGN.md, enforced in `npm test`: imports point down only.
//   sim  <  hw  <  hyp, reference  <  scenario, export  <  explore  <  cli, bench, web
// A layer may import itself and anything below it; never a layer beside or above it.
const layers = [
  ['sim'],
  ['hw'],
  ['hyp', 'reference'],
  ['scenario', 'export'],
  ['explore'],
  ['cli', 'bench', 'web'],
];
const forbidden = [];
layers.forEach((group, rank) => {
  const notBelow = layers
    .slice(rank)
    .flat();
  for (const from of group) {
    const targets = notBelow.filter((l) => l !== from);
    if (targets.length === 0) continue;
    forbidden.push({
      name: `layer-${from}`,
      severity: 'error',
      comment: `src/${from} may only import layers below it (DESIGN.md "Layers")`,
      from: { path: `^src/${from}/` },
      to: { path: `^src/(${targets.join('|')})/` },
    });
  }
});
// src/index.ts is the package's library entry (package.json "exports"): nothing
// inside src/ imports it, and it imports neither the command (src/cli runs on
// import) nor src/explore (which needs fast-check, a dev dependency).
forbidden.push({
  name: 'entry-not-imported',
  severity: 'error',
  comment: 'src/index.ts is for users of the package, not for src/',
  from: { path: '^src/' },
  to: { path: '^src/index\\.ts$' },
});
forbidden.push({
  name: 'entry-library-only',
  severity: 'error',
  comment: 'the library entry must not load the command or dev-only code',
  from: { path: '^src/index\\.ts$' },
  to: { path: '^src/(cli|explore|bench|web)/' },
});
// Each src/ folder's README "Imports:" line is that folder's rule
// (scripts/readme-imports.cjs; `npm run readmes` checks the lines are exact).
forbidden.push(...require('./scripts/readme-imports.cjs').rulesFromReadmes(__dirname));
forbidden.push({
  name: 'no-circular',
  severity: 'error',
  comment: 'cycles hide layering mistakes',
  from: {},
  to: { circular: true },
});
module.exports = {
  forbidden,
  options: {
    doNotFollow: { path: 'node_modules' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
  },
};
