// The state hash feeds each block's state without building its snapshot
// (digest(h), src/sim/state-digest.ts): it must tell apart every two states
// whose snapshots differ, or the explorer would merge runs that differ.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ExploreMachine } from '../../src/explore/explore-machine.ts';
import { loadScenarioFile } from '../../src/scenario/load.ts';
import { Hash64, type StateDigest } from '../../src/sim/state-digest.ts';

interface Block<S> {
  save(): S;
  restore(s: S): void;
  digest(h: StateDigest): void;
}

function digestOf(b: { digest(h: StateDigest): void }): string {
  const h = new Hash64();
  b.digest(h);
  return h.digest();
}

/** Every numeric or boolean leaf of a snapshot, as a path. */
function leaves(
  v: unknown,
  path: (string | number)[] = [],
  out: (string | number)[][] = [],
): (string | number)[][] {
  if (typeof v === 'number' || typeof v === 'boolean' || typeof v === 'bigint') out.push(path);
  else if (Array.isArray(v)) for (let i = 0; i < v.length; i++) leaves(v[i], [...path, i], out);
  else if (v !== null && typeof v === 'object')
    for (const [k, x] of Object.entries(v)) if (k !== 'version' && k !== 'kind') leaves(x, [...path, k], out);
  return out;
}

function changed(s: unknown, path: (string | number)[]): unknown {
  const copy = structuredClone(s) as Record<string | number, unknown>;
  let o = copy;
  for (const k of path.slice(0, -1)) o = o[k] as Record<string | number, unknown>;
  const k = path[path.length - 1];
  const x = o[k];
  o[k] = typeof x === 'boolean' ? !x : typeof x === 'bigint' ? x ^ 0x10000000n : (x as number) ^ 0x11;
  return copy;
}

/** Change each leaf in turn: where the block's snapshot changes, its digest must change too; restored, it comes back. */
function checkBlock<S>(name: string, b: Block<S>, maxLeaves = 400): number {
  const s0 = b.save();
  const d0 = digestOf(b);
  const j0 = JSON.stringify(s0, (_, v) => (typeof v === 'bigint' ? `${v}n` : v));
  let seen = 0;
  const all = leaves(s0);
  const step = Math.max(1, Math.floor(all.length / maxLeaves));
  for (let i = 0; i < all.length; i += step) {
    try {
      b.restore(changed(s0, all[i]) as S);
    } catch {
      continue; // not a state the block accepts
    }
    const j = JSON.stringify(b.save(), (_, v) => (typeof v === 'bigint' ? `${v}n` : v));
    if (j !== j0) {
      seen++;
      assert.notEqual(digestOf(b), d0, `${name}: ${all[i].join('.')} changed the snapshot, not the digest`);
    }
    b.restore(s0);
    assert.equal(digestOf(b), d0, `${name}: restored, the digest is back`);
  }
  return seen;
}

for (const generation of ['linux-4.2', 'linux-7.0']) {
  test(`${generation}: every block's digest changes where its snapshot does (seed scenario, after the default run)`, () => {
    const m = new ExploreMachine(loadScenarioFile('scenarios/seed-two-exits.yaml'), generation);
    m.run([]);
    const b = m.vm.board;
    assert.ok(checkBlock('gic', b.gic) > 50);
    for (const t of b.timers) assert.ok(checkBlock('timer', t) > 5);
    assert.ok(checkBlock('pl011', b.uart) > 5);
    assert.ok(checkBlock('pl031', b.rtc) > 3);
    assert.ok(checkBlock('placement', m.vm.placement) > 0);
    if (generation === 'linux-4.2')
      assert.ok(checkBlock('vgic', m.vm.vgic as unknown as Block<unknown>) > 50);
  });
}

test("linux-7.0's vPMU: its digest changes where its snapshot does (pmu-overflow, after the default run)", () => {
  const m = new ExploreMachine(loadScenarioFile('scenarios/pmu-overflow.yaml'), 'linux-7.0');
  m.run([]);
  const pmu = m.vm.vcpus[0].pmu;
  assert.ok(pmu !== null);
  assert.ok(checkBlock('vpmu', pmu as unknown as Block<unknown>) > 10);
});
