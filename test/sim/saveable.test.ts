// One generic test for every stateful block (the registry in
// saveable-registry.ts): driven into a non-default state by a guest, its
// state is plain data, survives JSON, restores into a fresh machine's block
// with the same hash, reset() gives the hash of defaultState(), and
// construction leaves a block in defaultState(). Hashes are snapshot.ts's
// (keys sorted, BigInts encoded).

import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, it } from 'node:test';
import { canonicalJson, parseCanonicalJson, stateHash } from '../../src/sim/snapshot.ts';
import {
  constructedRig,
  drivenRig,
  NOT_BLOCKS,
  type Rig,
  SAVEABLE_CASES,
  POLICIES,
  targetRig,
} from './saveable-registry.ts';

const SRC = join(import.meta.dirname, '../../src');

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = join(dir, e.name);
    if (e.isDirectory()) return sourceFiles(p);
    return e.name.endsWith('.ts') ? [p] : [];
  });
}

interface ClassInfo {
  readonly name: string;
  readonly file: string;
  readonly saveable: boolean;
  readonly savesAndRestores: boolean;
}

/** Classes declared in src/ (a lexical scan: a class runs to the next top-level declaration). */
function classesInSrc(): ClassInfo[] {
  const out: ClassInfo[] = [];
  // Interfaces that extend Saveable make their implementers blocks too (Chooser).
  const saveableIfaces = new Set(['Saveable']);
  const files = sourceFiles(SRC).map((f) => ({ f, text: readFileSync(f, 'utf8') }));
  for (const { text } of files)
    for (const m of text.matchAll(/^export interface (\w+)(?:<[^>]*>)? extends ([^{]+)\{/gm))
      if (/\bSaveable</.test(m[2])) saveableIfaces.add(m[1]);
  for (const { f, text } of files) {
    const starts = [...text.matchAll(/^(?:export )?(?:abstract )?class (\w+)([^{]*)\{/gm)];
    starts.forEach((m, k) => {
      const end = k + 1 < starts.length ? starts[k + 1].index : text.length;
      const body = text.slice(m.index, end);
      const impl = /\bimplements\s+([^{]+)/.exec(m[2])?.[1] ?? '';
      const names = impl.split(',').map((s) => s.trim().replace(/<.*$/s, ''));
      out.push({
        name: m[1],
        file: relative(SRC, f),
        saveable: names.some((n) => saveableIfaces.has(n)),
        savesAndRestores: /^ {2}save\(\)/m.test(body) && /^ {2}restore\(/m.test(body),
      });
    });
  }
  return out;
}

/** Plain data: primitives, BigInts, arrays and plain objects (no typed arrays, Maps or class instances). */
function assertPlain(v: unknown, path: string): void {
  if (v === null || ['number', 'string', 'boolean', 'bigint'].includes(typeof v)) {
    if (typeof v === 'number') assert.ok(Number.isFinite(v), `${path}: ${v} is not a finite number`);
    return;
  }
  if (Array.isArray(v)) {
    v.forEach((x, i) => {
      assertPlain(x, `${path}[${i}]`);
    });
    return;
  }
  assert.equal(typeof v, 'object', `${path}: ${typeof v}`);
  const proto = Object.getPrototypeOf(v);
  assert.ok(proto === Object.prototype || proto === null, `${path}: not a plain object`);
  for (const [k, x] of Object.entries(v as object)) assertPlain(x, `${path}.${k}`);
}

/** The first path at which two states differ (after canonical JSON), for the failure message. */
function firstDifference(a: unknown, b: unknown, path = ''): string | null {
  if (a === undefined || b === undefined)
    return a === b
      ? null
      : `${path || '.'}: ${canonicalJson(a) ?? 'absent'} vs ${canonicalJson(b) ?? 'absent'}`;
  const [x, y] = [
    parseCanonicalJson<unknown>(canonicalJson(a)),
    parseCanonicalJson<unknown>(canonicalJson(b)),
  ];
  if (typeof x !== 'object' || typeof y !== 'object' || x === null || y === null)
    return x === y ? null : `${path || '.'}: ${canonicalJson(x)} vs ${canonicalJson(y)}`;
  const keys = new Set([...Object.keys(x), ...Object.keys(y)]);
  for (const k of [...keys].sort()) {
    const d = firstDifference(
      (x as Record<string, unknown>)[k],
      (y as Record<string, unknown>)[k],
      `${path}.${k}`,
    );
    if (d !== null) return d;
  }
  return null;
}

/** Equal state hashes; on failure, says where the states differ. */
function assertSameState(got: unknown, want: unknown, what: string): void {
  if (stateHash(got) !== stateHash(want)) assert.fail(`${what}: ${firstDifference(got, want)} (got vs want)`);
}

describe('Saveable: the registry of blocks', () => {
  it('the registry lists every class that implements Saveable, and nothing else', () => {
    const classes = classesInSrc();
    const listed = SAVEABLE_CASES.map((c) => c.cls);
    assert.equal(new Set(listed).size, listed.length, 'a class is listed twice');
    const saveable = classes.filter((c) => c.saveable).map((c) => c.name);
    assert.deepEqual(
      [...saveable].sort(),
      [...listed].sort(),
      'SAVEABLE_CASES vs classes implementing Saveable',
    );
    const unlisted = classes.filter((c) => c.savesAndRestores && !c.saveable && !NOT_BLOCKS.has(c.name));
    assert.deepEqual(
      unlisted.map((c) => `${c.name} (${c.file})`),
      [],
      'a class with save() and restore() must implement Saveable (or be in NOT_BLOCKS, with the reason)',
    );
    for (const name of NOT_BLOCKS.keys())
      assert.ok(
        classes.some((c) => c.name === name && c.savesAndRestores),
        `NOT_BLOCKS names ${name}, which has no save()/restore()`,
      );
  });
});

for (const policy of POLICIES)
  describe(`Saveable, a '${policy}' VM and the reference machine`, () => {
    const driven = drivenRig(policy);
    const target = targetRig(policy);
    const constructed = constructedRig(policy);
    const instances = (r: Rig) => SAVEABLE_CASES.map((c) => ({ cls: c.cls, blocks: c.pick(r) }));
    // Saved before any restore or reset below changes the driven machine.
    const saved = instances(driven).map(({ cls, blocks }) => ({ cls, states: blocks.map((b) => b.save()) }));

    it('the guest leaves every block in a non-default state, saved as plain data', () => {
      const dp = instances(driven);
      saved.forEach(({ cls, states }, k) => {
        assert.ok(states.length > 0, `${cls}: no instance`);
        states.forEach((s, i) => {
          assertPlain(s, `${cls}[${i}]`);
        });
        const changed = states.some((s, i) => stateHash(s) !== stateHash(dp[k].blocks[i].defaultState()));
        assert.ok(changed, `${cls}: the driven machine left every instance in its default state`);
      });
    });

    it('restore into a fresh instance (through JSON) gives the same hash', () => {
      const tp = instances(target);
      saved.forEach(({ cls, states }, k) => {
        assert.equal(tp[k].blocks.length, states.length, cls);
        states.forEach((s, i) => {
          const b = tp[k].blocks[i];
          const viaJson = parseCanonicalJson<unknown>(canonicalJson(s));
          b.restore(viaJson);
          assertSameState(b.save(), s, `${cls}[${i}]: restored state differs`);
        });
      });
    });

    it('reset() gives the hash of defaultState()', () => {
      for (const { cls, blocks } of instances(driven))
        blocks.forEach((b, i) => {
          b.reset();
          assertSameState(b.save(), b.defaultState(), `${cls}[${i}]: reset() is not defaultState()`);
        });
    });

    it('construction leaves every block in defaultState()', () => {
      for (const { cls, blocks } of instances(constructed))
        blocks.forEach((b, i) => {
          assertSameState(b.save(), b.defaultState(), `${cls}[${i}]: new() is not defaultState()`);
        });
    });
  });
