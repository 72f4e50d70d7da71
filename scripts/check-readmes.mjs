#!/usr/bin/env node
// `npm run readmes` (part of `npm test`): every folder under src/ has a
// README.md whose one "Imports:" line (scripts/readme-imports.cjs) is exactly
// what the folder's code imports from outside the folder: every import is
// covered by an entry, every entry is used, no entry is inside another; and
// .dependency-cruiser.cjs enforces every line as a rule. Imports are read
// from the sources with TypeScript's preProcessFile (static, type-only,
// re-exports and dynamic imports with a literal).
// `node scripts/check-readmes.mjs --print` prints what each folder imports.
import { readFileSync, readdirSync } from 'node:fs';
import { builtinModules, createRequire } from 'node:module';
import { dirname, join, posix, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';

const require = createRequire(import.meta.url);
const { readmeImportLines, rulesFromReadmes } = require('./readme-imports.cjs');
const root = fileURLToPath(new URL('..', import.meta.url));

function sourceFiles(dir) {
  const out = [];
  for (const e of readdirSync(join(root, dir), { withFileTypes: true })) {
    const p = `${dir}/${e.name}`;
    if (e.isDirectory()) out.push(...sourceFiles(p));
    else if (/\.(ts|mts|cts|js|mjs)$/.test(e.name)) out.push(p);
  }
  return out;
}

const builtins = new Set(builtinModules);
/** What one file imports: { target, file } with target a repo path (src/...) or a package name. */
function importsOf(file) {
  const text = readFileSync(join(root, file), 'utf8');
  const { importedFiles } = ts.preProcessFile(text, true, true);
  const out = [];
  for (const { fileName: spec } of importedFiles) {
    if (spec.startsWith('node:') || builtins.has(spec.split('/')[0])) continue;
    if (spec.startsWith('.')) {
      const target = relative(root, join(root, dirname(file), spec))
        .split('\\')
        .join('/');
      out.push({ target, file });
    } else {
      const parts = spec.split('/');
      out.push({ target: spec.startsWith('@') ? parts.slice(0, 2).join('/') : parts[0], file });
    }
  }
  return out;
}

const all = sourceFiles('src').flatMap(importsOf);
const inside = (path, folder) => path === folder || path.startsWith(`${folder}/`);
const covers = (entry, target) => (entry.startsWith('src/') ? inside(target, entry) : entry === target);

const errors = [];
const lines = readmeImportLines(root);
for (const r of lines) {
  const external = all.filter((i) => inside(i.file, r.folder) && !inside(i.target, r.folder));
  if (process.argv.includes('--print')) {
    const seen = [
      ...new Set(external.map((i) => (i.target.startsWith('src/') ? posix.dirname(i.target) : i.target))),
    ].sort();
    console.log(`${r.folder.padEnd(24)} ${seen.join(', ') || 'nothing'}`);
  }
  if (r.error) {
    errors.push(`${r.file}${r.line ? `:${r.line}` : ''}: ${r.error}`);
    continue;
  }
  for (const i of external)
    if (!r.entries.some((e) => covers(e, i.target)))
      errors.push(
        `${r.file}:${r.line}: ${i.file} imports ${i.target}, which the Imports: line does not list`,
      );
  for (const e of r.entries) {
    if (!external.some((i) => covers(e, i.target)))
      errors.push(`${r.file}:${r.line}: lists ${e}, which nothing in ${r.folder} imports`);
    const outer = r.entries.find((o) => o !== e && covers(o, e));
    if (outer) errors.push(`${r.file}:${r.line}: lists ${e}, which ${outer} already covers`);
    if (e.startsWith('src/') && inside(e, r.folder))
      errors.push(`${r.file}:${r.line}: lists ${e}, which is inside ${r.folder} itself`);
  }
}

// The README lines are the rules: .dependency-cruiser.cjs must carry each one.
const config = require('../.dependency-cruiser.cjs');
const have = new Map(config.forbidden.map((f) => [f.name, JSON.stringify(f)]));
for (const rule of rulesFromReadmes(root))
  if (have.get(rule.name) !== JSON.stringify(rule))
    errors.push(`.dependency-cruiser.cjs: rule ${rule.name} (${rule.comment}) is missing or differs`);

if (errors.length > 0) {
  for (const e of errors) console.error(e);
  console.error(`check-readmes: ${errors.length} problem(s)`);
  process.exit(1);
}
console.log(
  `check-readmes: ${lines.length} folders, each README's Imports: line matches the code and is a rule`,
);
