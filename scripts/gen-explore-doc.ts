// Regenerates the frontier table of docs/explore.md (between the
// `<!-- frontier:begin -->` and `<!-- frontier:end -->` markers): the seed
// scenario explored under every generation and design at bound 2.
//   npx tsx scripts/gen-explore-doc.ts          (rewrite docs/explore.md)
//   npx tsx scripts/gen-explore-doc.ts --check  (exit 1 when it is stale)

import { readFileSync, writeFileSync } from 'node:fs';
import { explore } from '../src/explore/explorer.ts';
import { describeStep, summarize } from '../src/explore/report.ts';
import { loadScenarioFile } from '../src/scenario/load.ts';

const DOC = new URL('../docs/explore.md', import.meta.url).pathname;
const SEED = 'scenarios/seed-two-exits.yaml';
const DESIGNS = ['linux-4.2', 'linux-4.3', 'linux-7.0', 'trap-timer'];
const BOUND = 2;

const s = loadScenarioFile(new URL(`../${SEED}`, import.meta.url).pathname);
const lines = [
  `\`vgicsim explore ${SEED} --policies ${DESIGNS.join(',')} --bound ${BOUND}\``,
  '',
  '| design | runs | states | violations (runs) | minimal counterexample | one forced exit that removes every violation | exits per delivered irq (mean, max) | exits per run (mean, max) |',
  '| --- | ---: | ---: | --- | --- | --- | --- | --- |',
];
for (const g of DESIGNS) {
  const r = explore(s, g, { bound: BOUND });
  const sum = summarize(r);
  const v = Object.entries(sum.violations)
    .map(([p, n]) => `${p} ${n}`)
    .join(', ');
  const cx = r.counterexamples['spurious-delivery'] ?? Object.values(r.counterexamples)[0];
  const cxText =
    cx === undefined
      ? '-'
      : `${cx.forced} forced choice(s): ${cx.steps.length === 0 ? 'the default run' : cx.steps.map(describeStep).join('; ')}`;
  const saves = r.flips
    .filter((f) => f.violations.length === 0)
    .map((f) => `after ${f.step.at.split(' ')[0]}`);
  const fmt = (x: { mean: number; max: number } | null) => (x === null ? '-' : `${x.mean}, ${x.max}`);
  lines.push(
    `| ${g} | ${sum.runs} | ${sum.states} | ${v || 'none'} | ${cxText} | ${r.defaultViolations.length === 0 ? 'n/a (no violation)' : saves.join(', ') || 'none'} | ${fmt(sum.exitsPerIrq)} | ${fmt(sum.exitsPerRun)} |`,
  );
}
const table = lines.join('\n');
const doc = readFileSync(DOC, 'utf8');
const begin = '<!-- frontier:begin -->\n';
const end = '<!-- frontier:end -->';
const a = doc.indexOf(begin);
const b = doc.indexOf(end);
if (a < 0 || b < a) throw new Error(`${DOC}: no frontier markers`);
const next = `${doc.slice(0, a + begin.length)}${table}\n${doc.slice(b)}`;
if (process.argv.includes('--check')) {
  if (next !== doc) {
    process.stderr.write(
      'docs/explore.md: the frontier table is stale (npx tsx scripts/gen-explore-doc.ts)\n',
    );
    process.exit(1);
  }
} else writeFileSync(DOC, next);
