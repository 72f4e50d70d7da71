// Property tests: random register writes at random times, the kernel stepped
// tick by tick, every timer output compared with a BigInt reference of the
// architectural formula; and save/restore mid-run giving the same future.

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { SystemCounter } from '../../../src/hw/timer/counter.ts';
import { TimerReg } from '../../../src/hw/timer/sysregs.ts';
import { type GenericTimerState, GenericTimer } from '../../../src/hw/timer/timer.ts';
import { Kernel, type KernelState } from '../../../src/sim/kernel.ts';
import { canonicalJson, parseCanonicalJson } from '../../../src/sim/snapshot.ts';
import { MemorySink } from '../../../src/sim/trace/sink.ts';

type Ch = 0 | 1 | 2;
type Op =
  | { readonly dt: number; readonly kind: 'ctl'; readonly ch: Ch; readonly v: bigint }
  | { readonly dt: number; readonly kind: 'cvalRel'; readonly ch: Ch; readonly delta: number }
  | { readonly dt: number; readonly kind: 'cvalAbs'; readonly ch: Ch; readonly v: bigint }
  | { readonly dt: number; readonly kind: 'tval'; readonly ch: Ch; readonly v: bigint }
  // CNTVOFF = now + k: CNTVCT wraps to 0 k ticks from now
  | { readonly dt: number; readonly kind: 'voffWrap'; readonly k: number }
  | { readonly dt: number; readonly kind: 'voffAbs'; readonly v: bigint };

const REGS = [
  { ctl: TimerReg.CNTV_CTL_EL0, cval: TimerReg.CNTV_CVAL_EL0, tval: TimerReg.CNTV_TVAL_EL0 },
  { ctl: TimerReg.CNTP_CTL_EL0, cval: TimerReg.CNTP_CVAL_EL0, tval: TimerReg.CNTP_TVAL_EL0 },
  { ctl: TimerReg.CNTHP_CTL_EL2, cval: TimerReg.CNTHP_CVAL_EL2, tval: TimerReg.CNTHP_TVAL_EL2 },
] as const;
const SIGNALS = ['cpu0.cntv', 'cpu0.cntp', 'cpu0.cnthp'];
const TWO64 = 1n << 64n;

const chArb = fc.constantFrom<Ch>(0, 1, 2);
const dtArb = fc.oneof(fc.constant(0), fc.integer({ min: 1, max: 30 }));
const u64Arb = fc.oneof(
  fc.constantFrom(0n, 1n, TWO64 - 1n, TWO64 - 2n, 1n << 63n, (1n << 63n) - 1n),
  fc.bigInt({ min: TWO64 - 100n, max: TWO64 - 1n }),
  fc.bigInt({ min: 0n, max: TWO64 - 1n }),
);
const tvalArb = fc.oneof(
  fc.integer({ min: -40, max: 40 }).map(BigInt),
  fc.constantFrom(0x7fff_ffffn, 0x8000_0000n, 0xffff_ffffn, -(2n ** 31n)),
  fc.bigInt({ min: 0n, max: TWO64 - 1n }),
);
const opArb: fc.Arbitrary<Op> = fc.oneof(
  fc.record({ dt: dtArb, kind: fc.constant('ctl' as const), ch: chArb, v: fc.bigInt({ min: 0n, max: 15n }) }),
  fc.record({
    dt: dtArb,
    kind: fc.constant('ctl' as const),
    ch: chArb,
    v: fc.bigInt({ min: 0n, max: TWO64 - 1n }),
  }),
  fc.record({
    dt: dtArb,
    kind: fc.constant('cvalRel' as const),
    ch: chArb,
    delta: fc.integer({ min: -40, max: 40 }),
  }),
  fc.record({ dt: dtArb, kind: fc.constant('cvalAbs' as const), ch: chArb, v: u64Arb }),
  fc.record({ dt: dtArb, kind: fc.constant('tval' as const), ch: chArb, v: tvalArb }),
  fc.record({ dt: dtArb, kind: fc.constant('voffWrap' as const), k: fc.integer({ min: 0, max: 60 }) }),
  fc.record({ dt: dtArb, kind: fc.constant('voffAbs' as const), v: u64Arb }),
);
const startArb = fc.constantFrom(0, 2 ** 32, Number.MAX_SAFE_INTEGER - 1000);

/** The architecture's formulas, written directly in BigInt. */
class Reference {
  ctl = [0, 0, 0];
  cval = [0n, 0n, 0n];
  off = 0n;

  count(ch: Ch, t: number): bigint {
    return ch === 0 ? BigInt.asUintN(64, BigInt(t) - this.off) : BigInt(t);
  }
  istatus(ch: Ch, t: number): boolean {
    return (this.ctl[ch] & 1) === 1 && this.cval[ch] <= this.count(ch, t);
  }
  output(ch: Ch, t: number): boolean {
    return this.istatus(ch, t) && (this.ctl[ch] & 2) === 0;
  }
  tval(ch: Ch, t: number): number {
    return Number(BigInt.asIntN(32, this.cval[ch] - this.count(ch, t)));
  }
  apply(op: Op, t: number): void {
    switch (op.kind) {
      case 'ctl':
        this.ctl[op.ch] = Number(op.v & 3n);
        break;
      case 'cvalRel':
        this.cval[op.ch] = BigInt.asUintN(64, this.count(op.ch, t) + BigInt(op.delta));
        break;
      case 'cvalAbs':
        this.cval[op.ch] = op.v;
        break;
      case 'tval':
        this.cval[op.ch] = BigInt.asUintN(64, this.count(op.ch, t) + BigInt.asIntN(32, op.v));
        break;
      case 'voffWrap':
        this.off = BigInt(t + op.k);
        break;
      case 'voffAbs':
        this.off = op.v;
        break;
    }
  }
}

interface Machine {
  readonly kernel: Kernel;
  readonly timer: GenericTimer;
  readonly sink: MemorySink;
}

function machine(): Machine {
  const kernel = new Kernel();
  const sink = new MemorySink();
  const timer = new GenericTimer({ counter: new SystemCounter(kernel, 62_500_000), cpu: 0, trace: sink });
  return { kernel, timer, sink };
}

function applyOp(m: Machine, op: Op): void {
  const t = m.kernel.now;
  switch (op.kind) {
    case 'ctl':
      assert.equal(m.timer.writeSysReg(REGS[op.ch].ctl, op.v), true);
      break;
    case 'cvalRel': {
      const count = op.ch === 0 ? m.timer.cntvct() : m.timer.cntpct();
      m.timer.writeSysReg(REGS[op.ch].cval, BigInt.asUintN(64, count + BigInt(op.delta)));
      break;
    }
    case 'cvalAbs':
      m.timer.writeSysReg(REGS[op.ch].cval, op.v);
      break;
    case 'tval':
      m.timer.writeSysReg(REGS[op.ch].tval, BigInt.asUintN(64, op.v));
      break;
    case 'voffWrap':
      m.timer.writeSysReg(TimerReg.CNTVOFF_EL2, BigInt(t + op.k));
      break;
    case 'voffAbs':
      m.timer.writeSysReg(TimerReg.CNTVOFF_EL2, op.v);
      break;
  }
}

/** Line changes the sink saw, as "t:signal=level". */
function lineHistory(m: Machine): string[] {
  const out: string[] = [];
  for (const r of m.sink.records) if (r.kind === 'line') out.push(`${r.t}:${r.signal}=${r.level ? 1 : 0}`);
  return out;
}

describe('GenericTimer properties', () => {
  it('every output equals ENABLE && !IMASK && CVAL <= counter at every tick, with no glitches', () => {
    fc.assert(
      fc.property(startArb, fc.array(opArb, { maxLength: 20 }), (start, ops) => {
        const m = machine();
        const ref = new Reference();
        const expected: string[] = [];
        const last = [false, false, false];
        const check = (t: number): void => {
          for (const ch of [0, 1, 2] as const) {
            const want = ref.output(ch, t);
            const got = [m.timer.cntv, m.timer.cntp, m.timer.cnthp][ch];
            assert.equal(got.output.level, want, `t=${t} ${SIGNALS[ch]}`);
            assert.equal((got.readCtl() & 4) !== 0, ref.istatus(ch, t), `t=${t} ISTATUS ${SIGNALS[ch]}`);
            assert.equal(got.readTval(), ref.tval(ch, t));
            if (want !== last[ch]) expected.push(`${t}:${SIGNALS[ch]}=${want ? 1 : 0}`);
            last[ch] = want;
          }
          assert.equal(m.timer.cntvct(), ref.count(0, t));
        };
        m.kernel.runUntil(start);
        let t = start;
        check(t);
        const end = start + ops.reduce((s, o) => s + o.dt, 0) + 60;
        let i = 0;
        let nextAt = start + (ops[0]?.dt ?? 0);
        for (; t <= end; t++) {
          m.kernel.runUntil(t);
          check(t);
          while (i < ops.length && nextAt === t) {
            applyOp(m, ops[i]);
            ref.apply(ops[i], t);
            check(t);
            i++;
            if (i < ops.length) nextAt += ops[i].dt;
          }
        }
        assert.deepEqual(lineHistory(m), expected);
      }),
      { numRuns: 300 },
    );
  });

  it('save mid-run, restore into a fresh kernel and timer, continue: the same line history', () => {
    fc.assert(
      fc.property(
        startArb,
        fc.array(opArb, { minLength: 1, maxLength: 16 }),
        fc.nat(),
        fc.boolean(),
        fc.boolean(),
        (start, ops, cut, kernelFirst, beforeEvents) => {
          const a = machine();
          a.kernel.runUntil(start);
          const times: number[] = [];
          let at = start;
          for (const op of ops) {
            at += op.dt;
            times.push(at);
          }
          const end = at + 60;
          const k = cut % ops.length; // snapshot just before ops[k]'s tick work
          const snapAt = times[k];
          // run A up to the snapshot tick; leave events due at snapAt unfired when beforeEvents
          for (let i = 0; i < k; i++) {
            a.kernel.runUntil(times[i]);
            applyOp(a, ops[i]);
          }
          if (beforeEvents && snapAt > a.kernel.now) {
            a.kernel.runUntil(snapAt - 1);
            a.kernel.advanceTo(snapAt);
          } else a.kernel.runUntil(snapAt);
          const text = canonicalJson({ k: a.kernel.save(), t: a.timer.save() });
          const s = parseCanonicalJson<{ k: KernelState; t: GenericTimerState }>(text);
          const b = machine();
          if (kernelFirst) {
            b.kernel.restore(s.k);
            b.timer.restore(s.t);
          } else {
            b.timer.restore(s.t);
            b.kernel.restore(s.k);
          }
          assert.equal(canonicalJson({ k: b.kernel.save(), t: b.timer.save() }), text);
          const mark = a.sink.records.length;
          for (const m of [a, b]) {
            for (let i = k; i < ops.length; i++) {
              m.kernel.runUntil(times[i]);
              applyOp(m, ops[i]);
            }
            m.kernel.runUntil(end);
          }
          a.sink.records.splice(0, mark);
          assert.deepEqual(b.sink.records, a.sink.records);
          assert.equal(canonicalJson(b.timer.save()), canonicalJson(a.timer.save()));
          assert.equal(canonicalJson(b.kernel.save()), canonicalJson(a.kernel.save()));
        },
      ),
      { numRuns: 300 },
    );
  });
});
