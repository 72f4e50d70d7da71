import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { ScriptedChooser, SeededChooser } from '../../src/sim/choice.ts';

describe('SeededChooser', () => {
  it('same seed, same choices; different seeds differ', () => {
    const draw = (seed: number) => {
      const c = new SeededChooser(seed);
      return Array.from({ length: 64 }, () => c.choose('x', 1000));
    };
    assert.deepEqual(draw(42), draw(42));
    assert.notDeepEqual(draw(42), draw(43));
  });

  it('answers are in range, and a single option is always 0', () => {
    fc.assert(
      fc.property(fc.integer(), fc.integer({ min: 1, max: 2 ** 31 }), (seed, n) => {
        const c = new SeededChooser(seed);
        for (let i = 0; i < 20; i++) {
          const v = c.choose('x', n);
          assert.ok(Number.isInteger(v) && v >= 0 && v < n);
        }
        assert.equal(c.choose('x', 1), 0);
      }),
    );
  });

  it('is roughly uniform over a small range', () => {
    const c = new SeededChooser(7);
    const counts = [0, 0, 0, 0];
    for (let i = 0; i < 40_000; i++) counts[c.choose('x', 4)]++;
    for (const n of counts) assert.ok(n > 9_500 && n < 10_500, `count ${n}`);
  });

  it('save/restore resumes the same sequence', () => {
    const c = new SeededChooser(99);
    c.choose('x', 10);
    const s = c.save();
    const a = Array.from({ length: 10 }, () => c.choose('x', 1 << 20));
    const d = new SeededChooser(0);
    d.restore(s);
    assert.deepEqual(
      Array.from({ length: 10 }, () => d.choose('x', 1 << 20)),
      a,
    );
  });

  it('rejects zero options', () => {
    assert.throws(() => new SeededChooser(1).choose('x', 0), RangeError);
  });
});

describe('ScriptedChooser', () => {
  it('replays its script, clamps, then takes option 0 and logs every decision', () => {
    const c = new ScriptedChooser([2, 5]);
    assert.equal(c.choose('a', 3), 2);
    assert.equal(c.choose('b', 3), 2); // 5 clamped to the last option
    assert.equal(c.choose('c', 4), 0);
    assert.deepEqual(c.log, [
      { kind: 'a', options: 3, chosen: 2 },
      { kind: 'b', options: 3, chosen: 2 },
      { kind: 'c', options: 4, chosen: 0 },
    ]);
  });
});
