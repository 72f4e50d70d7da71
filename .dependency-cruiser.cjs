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
