// src/hw/cpu/slots.ts: the named fields of the decoded slots. esbuild folds a
// module's consts into the bundle's code only when that module has no value
// import; the executors' hot reads rely on it (`f[k + F_CSEL_COND]` is
// `f[k+6]` in dist/). The field indexes are typed against ops.ts instead.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { STRIDE } from '../../../src/hw/cpu/ops.ts';
import * as S from '../../../src/hw/cpu/slots.ts';

test('slots.ts imports types only (so the bundle inlines its consts)', () => {
  const src = readFileSync(new URL('../../../src/hw/cpu/slots.ts', import.meta.url), 'utf8');
  const imports = src.split('\n').filter((l) => /^import\b/.test(l));
  assert.ok(imports.length > 0);
  for (const l of imports) assert.match(l, /^import type /);
});

test('every named field is a field of the slot', () => {
  const fields = Object.entries(S).filter(([n]) => n.startsWith('F_'));
  assert.ok(fields.length > 40);
  for (const [n, v] of fields) assert.ok(Number.isInteger(v) && v >= 0 && v < STRIDE, n);
});
