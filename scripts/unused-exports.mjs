#!/usr/bin/env node
// Exports of src/ that nothing imports (src/, test/, bench/, scripts/), by
// TypeScript's checker: every import and re-export specifier is resolved to
// the symbol it names; `import * as`, `export *` and import() of a literal
// count as using every export of the module. The library API (src/index.ts
// and what it re-exports) counts as used. Prints `file:line name` and whether
// the file itself still uses the name (then only the `export` keyword is
// superfluous) or not (dead code). Exit 0 always: a report, not a gate.
// Usage: node scripts/unused-exports.mjs [path-substring...]
import { fileURLToPath } from 'node:url';
import ts from 'typescript';

const root = fileURLToPath(new URL('..', import.meta.url));
const cfg = ts.getParsedCommandLineOfConfigFile(
  `${root}tsconfig.json`,
  {},
  { ...ts.sys, onUnRecoverableConfigFileDiagnostic() {} },
);
const program = ts.createProgram(cfg.fileNames, cfg.options);
const checker = program.getTypeChecker();
const files = program.getSourceFiles().filter((f) => !f.isDeclarationFile && f.fileName.startsWith(root));
const rel = (f) => f.fileName.slice(root.length);

const used = new Set();
const resolve = (s) => (s && s.flags & ts.SymbolFlags.Alias ? checker.getAliasedSymbol(s) : s);
const useAll = (moduleSpecifier) => {
  const m = checker.getSymbolAtLocation(moduleSpecifier);
  if (m) for (const e of checker.getExportsOfModule(m)) used.add(resolve(e));
};

for (const f of files) {
  const visit = (n) => {
    if (ts.isImportDeclaration(n) && n.importClause) {
      const b = n.importClause.namedBindings;
      if (b && ts.isNamespaceImport(b)) useAll(n.moduleSpecifier);
      if (b && ts.isNamedImports(b))
        for (const e of b.elements) used.add(resolve(checker.getSymbolAtLocation(e.name)));
      if (n.importClause.name) used.add(resolve(checker.getSymbolAtLocation(n.importClause.name)));
    } else if (ts.isExportDeclaration(n) && n.moduleSpecifier) {
      if (!n.exportClause || ts.isNamespaceExport(n.exportClause)) useAll(n.moduleSpecifier);
      else
        for (const e of n.exportClause.elements)
          used.add(resolve(checker.getSymbolAtLocation(e.propertyName ?? e.name)));
    } else if (ts.isCallExpression(n) && n.expression.kind === ts.SyntaxKind.ImportKeyword) {
      const a = n.arguments[0];
      if (a && ts.isStringLiteral(a)) useAll(a);
    }
    ts.forEachChild(n, visit);
  };
  visit(f);
}

const filters = process.argv.slice(2);
let n = 0;
for (const f of files) {
  const name = rel(f);
  if (!name.startsWith('src/') || name === 'src/index.ts') continue;
  if (filters.length > 0 && !filters.some((s) => name.includes(s))) continue;
  const m = checker.getSymbolAtLocation(f);
  if (!m) continue;
  for (const e of checker.getExportsOfModule(m)) {
    const s = resolve(e);
    if (used.has(s)) continue;
    const decl = s.declarations?.[0];
    if (!decl || decl.getSourceFile() !== f) continue;
    const line = f.getLineAndCharacterOfPosition(decl.getStart()).line + 1;
    const text = f.getFullText();
    const local = (text.match(new RegExp(`\\b${e.name}\\b`, 'g')) ?? []).length > 1;
    console.log(
      `${name}:${line} ${e.name}${local ? '  (used in its file: drop `export`)' : '  (unused: dead)'}`,
    );
    n++;
  }
}
console.log(`unused-exports: ${n}`);
