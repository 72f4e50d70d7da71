import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { bit, field, fieldMask, getField, lowMask, setField } from '../../src/sim/bits.ts';
import { Signal, type SignalListener } from '../../src/sim/signal.ts';
import { canonicalJson, parseCanonicalJson, stateHash } from '../../src/sim/snapshot.ts';
import { ClockRatio, NEVER, secondsToTicks, ticksToSeconds } from '../../src/sim/time.ts';
import { add64, signExtend32, sub64, toS32, toU64, U64_MASK } from '../../src/sim/u64.ts';

describe('bits', () => {
  it('field get/set round-trips and leaves other bits alone', () => {
    fc.assert(
      fc.property(
        fc.nat(31),
        fc.integer({ min: 1, max: 32 }),
        fc.nat(0xffff_ffff),
        fc.nat(0xffff_ffff),
        (lsb, w, reg, v) => {
          const width = Math.min(w, 32 - lsb);
          const f = field(lsb, width);
          const r = setField(reg >>> 0, f, v);
          assert.equal(getField(r, f), (v & lowMask(width)) >>> 0);
          assert.equal((r & ~fieldMask(f)) >>> 0, (reg & ~fieldMask(f)) >>> 0);
        },
      ),
    );
  });
  it('masks at the edges', () => {
    assert.equal(lowMask(32), 0xffff_ffff);
    assert.equal(lowMask(31), 0x7fff_ffff);
    assert.equal(fieldMask(bit(31)), 0x8000_0000);
    assert.throws(() => field(30, 3), RangeError);
  });
});

describe('u64', () => {
  it('wraps modulo 2^64', () => {
    assert.equal(sub64(0n, 1n), U64_MASK);
    assert.equal(add64(U64_MASK, 2n), 1n);
    assert.equal(toU64(-1), U64_MASK);
  });
  it('TVAL views are signed 32-bit', () => {
    assert.equal(toS32(0xffff_ffffn), -1);
    assert.equal(toS32(0x8000_0000n), -2147483648);
    assert.equal(toS32(0x1_0000_0005n), 5);
    assert.equal(signExtend32(0x8000_0000n), 0xffff_ffff_8000_0000n);
    assert.equal(signExtend32(0x7fff_ffffn), 0x7fff_ffffn);
  });
  it('refuses inexact numbers', () => {
    assert.throws(() => toU64(2 ** 60), RangeError);
  });
});

describe('time', () => {
  it('converts cycles and ticks exactly at 62.5 MHz / 1 GHz', () => {
    const r = new ClockRatio({ counterHz: 62_500_000, cpuHz: 1_000_000_000 });
    assert.equal(r.cyclesToTicks(15), 0);
    assert.equal(r.cyclesToTicks(16), 1);
    assert.equal(r.ticksToCycles(1), 16);
    assert.equal(r.ticksToCycles(NEVER), NEVER);
  });
  it('ticksToCycles is the least cycle count reaching the tick (property, awkward ratio)', () => {
    const r = new ClockRatio({ counterHz: 24_000_000, cpuHz: 1_000_000_007 });
    fc.assert(
      fc.property(fc.nat(1e9), (t) => {
        const c = r.ticksToCycles(t);
        assert.ok(r.cyclesToTicks(c) >= t);
        if (c > 0) assert.ok(r.cyclesToTicks(c - 1) < t);
      }),
    );
  });
  it('stays exact for very long runs', () => {
    const r = new ClockRatio({ counterHz: 62_500_001, cpuHz: 1_000_000_000 });
    const c = 2 ** 52;
    assert.equal(r.cyclesToTicks(c), Number((BigInt(c) * 62_500_001n) / 1_000_000_000n));
  });
  it('seconds helpers', () => {
    assert.equal(ticksToSeconds(62_500_000, { counterHz: 62_500_000, cpuHz: 1 }), 1);
    assert.equal(secondsToTicks(0.001, { counterHz: 62_500_000, cpuHz: 1 }), 62_500);
  });
  it('rejects bad frequencies', () => {
    assert.throws(() => new ClockRatio({ counterHz: 0, cpuHz: 1 }), RangeError);
  });
});

describe('Signal', () => {
  it('notifies listeners only on change, with their arg', () => {
    const seen: string[] = [];
    const l: SignalListener = { onSignal: (arg, level) => seen.push(`${arg}:${level}`) };
    const s = new Signal('x');
    s.connect(l, 7);
    s.set(false);
    s.set(true);
    s.set(true);
    s.set(false);
    assert.deepEqual(seen, ['7:true', '7:false']);
  });
  it('a listener connected to a high line is told at once', () => {
    const s = new Signal('x');
    s.set(true);
    let got = false;
    s.connect({ onSignal: (_a, l) => (got = l) });
    assert.equal(got, true);
  });
});

describe('snapshot', () => {
  it('canonical JSON sorts keys and round-trips BigInts', () => {
    const a = { b: 1n << 63n, a: [1, { z: 2, y: new Uint8Array([1, 2]) }] };
    const text = canonicalJson(a);
    assert.equal(text, '{"a":[1,{"y":[1,2],"z":2}],"b":{"$u64":"0x8000000000000000"}}');
    assert.deepEqual(parseCanonicalJson(text), { a: [1, { y: [1, 2], z: 2 }], b: 1n << 63n });
    assert.equal(stateHash({ x: 1, y: 2 }), stateHash({ y: 2, x: 1 }));
    assert.notEqual(stateHash({ x: 1 }), stateHash({ x: 2 }));
  });
});
