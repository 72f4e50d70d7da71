// The "Imports:" line of each src/ folder's README.md is that folder's import
// rule. One line, machine-readable:
//   Imports: src/sim, src/hw/mmio.ts, zod
//   Imports: nothing
// It lists everything the folder's code (the folder and its subfolders)
// imports from outside the folder: src/ folders (a prefix: `src/hw` covers
// `src/hw/**`), single src/ files, and npm packages (node: built-ins are
// free). .dependency-cruiser.cjs turns each line into a rule (rulesFromReadmes),
// so `npm run layers` fails on an import the line does not allow, and
// scripts/check-readmes.mjs fails on a line that lists what the code does not
// import (or a folder without a README).
'use strict';
const { existsSync, readFileSync, readdirSync } = require('node:fs');
const { join } = require('node:path');

const LINE = /^Imports: (.+)$/;

/** Every folder under (and including) `dir`, relative to `root`, sorted. */
function srcFolders(root, dir = 'src') {
  const out = [dir];
  for (const e of readdirSync(join(root, dir), { withFileTypes: true }).sort((a, b) =>
    a.name < b.name ? -1 : 1,
  ))
    if (e.isDirectory()) out.push(...srcFolders(root, `${dir}/${e.name}`));
  return out;
}

/**
 * The Imports: line of `folder`'s README: { folder, file, line, entries } with
 * entries as written, or { folder, file, error } when it is missing or malformed.
 */
function readImportLine(root, folder) {
  const file = `${folder}/README.md`;
  if (!existsSync(join(root, file))) return { folder, file, error: 'no README.md' };
  const lines = readFileSync(join(root, file), 'utf8').split('\n');
  const found = [];
  lines.forEach((text, i) => {
    const m = LINE.exec(text);
    if (m) found.push({ line: i + 1, list: m[1].trim() });
  });
  if (found.length !== 1)
    return {
      folder,
      file,
      error: `expected one line 'Imports: a, b, c' (or 'Imports: nothing'), found ${found.length}`,
    };
  const { line, list } = found[0];
  if (list === 'nothing') return { folder, file, line, entries: [] };
  const entries = list.split(',').map((s) => s.trim());
  for (const e of entries)
    if (!/^(src(\/[\w.-]+)+|(@[\w.-]+\/)?[\w.-]+)$/.test(e))
      return {
        folder,
        file,
        line,
        error: `'${e}' is not a src/ path or a package name (no backticks or prose)`,
      };
  return { folder, file, line, entries };
}

function readmeImportLines(root) {
  return srcFolders(root).map((f) => readImportLine(root, f));
}

const esc = (s) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** dependency-cruiser `forbidden` rules: one per README with a valid line. */
function rulesFromReadmes(root) {
  const rules = [];
  for (const r of readmeImportLines(root)) {
    if (!r.entries) continue;
    const src = r.entries.filter((e) => e.startsWith('src/'));
    const pkgs = r.entries.filter((e) => !e.startsWith('src/'));
    const allowed = [
      `${esc(r.folder)}/`,
      ...src.map((e) => (e.endsWith('.ts') ? `${esc(e)}$` : `${esc(e)}/`)),
    ];
    rules.push({
      name: `imports-${r.folder.replaceAll('/', '-')}`,
      severity: 'error',
      comment: `${r.file}:${r.line}: Imports: ${r.entries.join(', ') || 'nothing'}`,
      from: { path: `^${esc(r.folder)}/` },
      to: { path: '^src/', pathNot: `^(${allowed.join('|')})` },
    });
    rules.push({
      name: `imports-${r.folder.replaceAll('/', '-')}-packages`,
      severity: 'error',
      comment: `${r.file}:${r.line}: the packages of the Imports: line`,
      from: { path: `^${esc(r.folder)}/` },
      to:
        pkgs.length > 0
          ? { path: '(^|/)node_modules/', pathNot: `(^|/)node_modules/(${pkgs.map(esc).join('|')})/` }
          : { path: '(^|/)node_modules/' },
    });
  }
  return rules;
}

module.exports = { srcFolders, readImportLine, readmeImportLines, rulesFromReadmes };
