import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { SystemCounter } from '../../../src/hw/timer/counter.ts';
import { GenericTimer } from '../../../src/hw/timer/timer.ts';
import type { TimerChannel } from '../../../src/hw/timer/timer-channel.ts';
import { Kernel } from '../../../src/sim/kernel.ts';
import type { SignalListener } from '../../../src/sim/signal.ts';
import { NULL_SINK } from '../../../src/sim/trace/sink.ts';

const TWO64 = 1n << 64n;
const ENABLE = 1;
const IMASK = 2;
const ISTATUS = 4;

/** Records "time:level" on every change of a line. */
class LineLog implements SignalListener {
  readonly log: string[] = [];
  constructor(private readonly k: Kernel) {}
  onSignal(_arg: number, level: boolean): void {
    this.log.push(`${this.k.now}:${level ? 1 : 0}`);
  }
}

function make(startAt = 0) {
  const kernel = new Kernel();
  const counter = new SystemCounter(kernel, 62_500_000);
  const timer = new GenericTimer({ counter, cpu: 0, trace: NULL_SINK });
  kernel.runUntil(startAt);
  return { kernel, timer };
}

function watch(k: Kernel, ch: TimerChannel): LineLog {
  const l = new LineLog(k);
  ch.output.connect(l);
  return l;
}

describe('TimerChannel: CTL', () => {
  it('resets disabled, unmasked, CVAL 0, line low', () => {
    const { timer } = make();
    for (const ch of [timer.cntv, timer.cntp, timer.cnthp]) {
      assert.equal(ch.readCtl(), 0);
      assert.equal(ch.readCval(), 0n);
      assert.equal(ch.output.level, false);
    }
  });

  it('keeps ENABLE and IMASK; ISTATUS is read-only and other bits are RES0', () => {
    const { timer, kernel } = make(10);
    const ch = timer.cntp;
    ch.writeCval(1000n);
    ch.writeCtl(0xffff_fff8 | ENABLE);
    assert.equal(ch.readCtl(), ENABLE);
    ch.writeCtl(ISTATUS);
    assert.equal(ch.readCtl(), 0);
    ch.writeCtl(0xffff_ffff);
    assert.equal(ch.readCtl(), ENABLE | IMASK);
    ch.writeCval(0n);
    assert.equal(ch.readCtl(), ENABLE | IMASK | ISTATUS);
    assert.equal(kernel.now, 10);
  });

  it('reads ISTATUS 0 while disabled even when CVAL <= counter (our choice for UNKNOWN)', () => {
    const { timer } = make(50);
    timer.cntv.writeCval(5n);
    assert.equal(timer.cntv.readCtl() & ISTATUS, 0);
    assert.equal(timer.cntv.istatus(), false);
    timer.cntv.writeCtl(ENABLE);
    assert.equal(timer.cntv.readCtl(), ENABLE | ISTATUS);
  });

  it('IMASK hides the line but not ISTATUS; ENABLE=0 drops both at once', () => {
    const { timer, kernel } = make(100);
    const ch = timer.cntv;
    const log = watch(kernel, ch);
    ch.writeCval(50n);
    ch.writeCtl(ENABLE | IMASK);
    assert.equal(ch.output.level, false);
    assert.equal(ch.readCtl(), ENABLE | IMASK | ISTATUS);
    ch.writeCtl(ENABLE);
    assert.equal(ch.output.level, true);
    ch.writeCtl(ENABLE | IMASK);
    assert.equal(ch.output.level, false);
    ch.writeCtl(ENABLE);
    ch.writeCtl(0);
    assert.equal(ch.output.level, false);
    assert.equal(ch.readCtl(), 0);
    assert.deepEqual(log.log, ['100:1', '100:0', '100:1', '100:0']);
  });

  it('a masked or disabled timer arms no event', () => {
    const { timer, kernel } = make();
    timer.cntv.writeCval(100n);
    assert.equal(kernel.isScheduled(timer.cntv.expiry), false);
    timer.cntv.writeCtl(ENABLE | IMASK);
    assert.equal(kernel.isScheduled(timer.cntv.expiry), false);
    timer.cntv.writeCtl(ENABLE);
    assert.equal(kernel.timeOf(timer.cntv.expiry), 100);
  });
});

describe('TimerChannel: expiry timing', () => {
  it('fires at exactly the CVAL tick, not one before, not after', () => {
    const { timer, kernel } = make();
    const log = watch(kernel, timer.cntp);
    timer.cntp.writeCval(100n);
    timer.cntp.writeCtl(ENABLE);
    assert.equal(kernel.eventName(timer.cntp.expiry), 'cpu0.cntp.expiry');
    kernel.runUntil(99);
    assert.equal(timer.cntp.output.level, false);
    assert.equal(timer.cntp.istatus(), false);
    kernel.runUntil(100);
    assert.equal(timer.cntp.output.level, true);
    assert.equal(timer.cntp.istatus(), true);
    kernel.runUntil(1000);
    assert.deepEqual(log.log, ['100:1']);
  });

  it('CVAL = 0 fires at once, even at counter 0, and never falls', () => {
    const { timer, kernel } = make();
    timer.cntv.writeCtl(ENABLE);
    assert.equal(timer.cntv.output.level, true);
    assert.equal(kernel.isScheduled(timer.cntv.expiry), false);
  });

  it('CVAL near 2^64 never fires', () => {
    const { timer, kernel } = make(1000);
    timer.cntv.writeCval(TWO64 - 1n);
    timer.cntv.writeCtl(ENABLE);
    assert.equal(timer.cntv.output.level, false);
    assert.equal(kernel.isScheduled(timer.cntv.expiry), false);
  });

  it('deadlines beyond MAX_SAFE_INTEGER ticks are not scheduled; MAX_SAFE_INTEGER is', () => {
    const { timer, kernel } = make();
    timer.cntp.writeCtl(ENABLE);
    timer.cntp.writeCval(BigInt(Number.MAX_SAFE_INTEGER) + 1n);
    assert.equal(kernel.isScheduled(timer.cntp.expiry), false);
    timer.cntp.writeCval(BigInt(Number.MAX_SAFE_INTEGER));
    assert.equal(kernel.timeOf(timer.cntp.expiry), Number.MAX_SAFE_INTEGER);
  });

  it('reprogramming moves or cancels the one expiry event', () => {
    const { timer, kernel } = make();
    const ch = timer.cnthp;
    const log = watch(kernel, ch);
    ch.writeCval(100n);
    ch.writeCtl(ENABLE);
    kernel.runUntil(50);
    ch.writeCval(200n);
    assert.equal(kernel.timeOf(ch.expiry), 200);
    kernel.runUntil(150);
    assert.equal(ch.output.level, false);
    ch.writeTval(10n);
    assert.equal(ch.readCval(), 160n);
    assert.equal(kernel.timeOf(ch.expiry), 160);
    ch.writeCtl(0);
    assert.equal(kernel.isScheduled(ch.expiry), false);
    kernel.runUntil(300);
    assert.deepEqual(log.log, []);
    ch.writeCtl(ENABLE);
    assert.deepEqual(log.log, ['300:1']);
    ch.writeCval(400n); // moving CVAL beyond the counter lowers the line at once
    assert.deepEqual(log.log, ['300:1', '300:0']);
    kernel.runUntil(400);
    assert.deepEqual(log.log, ['300:1', '300:0', '400:1']);
  });
});

describe('TimerChannel: TVAL', () => {
  it('TVAL = -1 fires at once, except at counter 0 where CVAL wraps to 2^64-1', () => {
    const a = make(1000);
    a.timer.cntv.writeTval(-1);
    a.timer.cntv.writeCtl(ENABLE);
    assert.equal(a.timer.cntv.readCval(), 999n);
    assert.equal(a.timer.cntv.output.level, true);
    assert.equal(a.timer.cntv.readTval(), -1);

    const b = make(0);
    b.timer.cntv.writeTval(0xffff_ffffn);
    b.timer.cntv.writeCtl(ENABLE);
    assert.equal(b.timer.cntv.readCval(), TWO64 - 1n);
    assert.equal(b.timer.cntv.output.level, false);
    assert.equal(b.kernel.isScheduled(b.timer.cntv.expiry), false);
    assert.equal(b.timer.cntv.readTval(), -1);
  });

  it('negative TVAL near counter 0 wraps CVAL to near 2^64: never fires', () => {
    const { timer, kernel } = make(5);
    timer.cntp.writeTval(-100);
    timer.cntp.writeCtl(ENABLE);
    assert.equal(timer.cntp.readCval(), TWO64 - 95n);
    kernel.runUntil(1_000_000);
    assert.equal(timer.cntp.output.level, false);
    assert.equal(kernel.isScheduled(timer.cntp.expiry), false);
  });

  it('TVAL = INT32_MIN sets CVAL 2^31 ticks back', () => {
    const now = 2 ** 32;
    const { timer } = make(now);
    timer.cntp.writeTval(0x8000_0000n);
    assert.equal(timer.cntp.readCval(), BigInt(now) - 2n ** 31n);
    assert.equal(timer.cntp.readTval(), -(2 ** 31));
    timer.cntp.writeCtl(ENABLE);
    assert.equal(timer.cntp.output.level, true);
  });

  it('TVAL = 0x7fffffff fires 2^31-1 ticks later, exactly', () => {
    const { timer, kernel } = make(7);
    timer.cntv.writeCtl(ENABLE);
    timer.cntv.writeTval(0x7fff_ffff);
    const due = 7 + 0x7fff_ffff;
    assert.equal(timer.cntv.readCval(), BigInt(due));
    assert.equal(kernel.timeOf(timer.cntv.expiry), due);
    kernel.runUntil(due - 1);
    assert.equal(timer.cntv.output.level, false);
    assert.equal(timer.cntv.readTval(), 1);
    kernel.runUntil(due);
    assert.equal(timer.cntv.output.level, true);
    assert.equal(timer.cntv.readTval(), 0);
  });

  it('TVAL write ignores bits [63:32]', () => {
    const { timer } = make(1000);
    timer.cntp.writeTval(0xdead_beef_0000_0010n);
    assert.equal(timer.cntp.readCval(), 1016n);
    timer.cntp.writeTval(0x1234_5678_ffff_fff0n);
    assert.equal(timer.cntp.readCval(), 984n);
  });

  it('TVAL counts down through zero after expiry and wraps at 2^31 as a 32-bit view', () => {
    const { timer, kernel } = make();
    timer.cntp.writeCval(10n);
    timer.cntp.writeCtl(ENABLE);
    kernel.runUntil(15);
    assert.equal(timer.cntp.readTval(), -5);
    kernel.runUntil(10 + 2 ** 31);
    assert.equal(timer.cntp.readTval(), -(2 ** 31));
    kernel.runUntil(10 + 2 ** 31 + 1);
    assert.equal(timer.cntp.readTval(), 2 ** 31 - 1);
    assert.equal(timer.cntp.output.level, true);
  });
});

describe('TimerChannel: CNTVOFF and counter wrap', () => {
  it('changing CNTVOFF raises or lowers the virtual line at once', () => {
    const { timer, kernel } = make(10);
    const log = watch(kernel, timer.cntv);
    timer.cntv.writeCval(100n);
    timer.cntv.writeCtl(ENABLE);
    assert.equal(timer.cntvct(), 10n);
    timer.setCntvoff(TWO64 - 90n); // CNTVCT = 10 + 90 = 100
    assert.equal(timer.cntvct(), 100n);
    assert.deepEqual(log.log, ['10:1']);
    timer.setCntvoff(0n);
    assert.deepEqual(log.log, ['10:1', '10:0']);
    assert.equal(kernel.timeOf(timer.cntv.expiry), 100);
  });

  it('CNTVOFF does not affect the physical timers', () => {
    const { timer } = make(10);
    timer.cntp.writeCval(10n);
    timer.cnthp.writeCval(10n);
    timer.cntp.writeCtl(ENABLE);
    timer.cnthp.writeCtl(ENABLE);
    timer.setCntvoff(5n);
    timer.setCntvoff(1000n);
    assert.equal(timer.cntp.output.level, true);
    assert.equal(timer.cnthp.output.level, true);
    assert.equal(timer.cntpct(), 10n);
    assert.equal(timer.cntvct(), TWO64 - 990n);
  });

  it('the line falls without a write when CNTVCT wraps from 2^64-1 to 0', () => {
    const { timer, kernel } = make();
    const log = watch(kernel, timer.cntv);
    timer.setCntvoff(50n); // CNTVCT = 2^64 - 50, wraps to 0 at tick 50
    timer.cntv.writeCval(TWO64 - 60n);
    timer.cntv.writeCtl(ENABLE);
    assert.equal(timer.cntv.output.level, true);
    assert.equal(kernel.timeOf(timer.cntv.expiry), 50);
    kernel.runUntil(49);
    assert.equal(timer.cntvct(), TWO64 - 1n);
    assert.equal(timer.cntv.output.level, true);
    kernel.runUntil(50);
    assert.equal(timer.cntvct(), 0n);
    assert.equal(timer.cntv.output.level, false);
    assert.equal(timer.cntv.istatus(), false);
    // the next match (counter = 2^64 - 60 again) is 2^64 ticks away: never
    assert.equal(kernel.isScheduled(timer.cntv.expiry), false);
    assert.deepEqual(log.log, ['0:1', '50:0']);
  });

  it('rises before the wrap and falls at it', () => {
    const { timer, kernel } = make();
    const log = watch(kernel, timer.cntv);
    timer.setCntvoff(50n);
    timer.cntv.writeCval(TWO64 - 40n); // reached at tick 10
    timer.cntv.writeCtl(ENABLE);
    kernel.runUntil(1000);
    assert.deepEqual(log.log, ['10:1', '50:0']);
  });

  it('falls at the wrap and rises again at CVAL after it', () => {
    const { timer, kernel } = make();
    const log = watch(kernel, timer.cntv);
    timer.setCntvoff(50n);
    timer.cntv.writeCtl(ENABLE);
    timer.cntv.writeCval(5n); // 5 <= 2^64-50 now; after the wrap, counter 5 at tick 55
    kernel.runUntil(1000);
    assert.deepEqual(log.log, ['0:1', '50:0', '55:1']);
  });

  it('CVAL = 0 stays high across the wrap', () => {
    const { timer, kernel } = make();
    const log = watch(kernel, timer.cntv);
    timer.setCntvoff(50n);
    timer.cntv.writeCtl(ENABLE);
    assert.equal(kernel.isScheduled(timer.cntv.expiry), false);
    kernel.runUntil(1000);
    assert.deepEqual(log.log, ['0:1']);
  });
});

describe('TimerChannel: re-entrant receivers', () => {
  it('a receiver that masks the timer when the line rises leaves a consistent timer', () => {
    const { timer, kernel } = make();
    const ch = timer.cntv;
    ch.output.connect({
      onSignal: (_a, level) => {
        if (level) ch.writeCtl(ENABLE | IMASK);
      },
    });
    ch.writeCval(10n);
    ch.writeCtl(ENABLE);
    kernel.runUntil(10);
    assert.equal(ch.output.level, false);
    assert.equal(ch.readCtl(), ENABLE | IMASK | ISTATUS);
    assert.equal(kernel.isScheduled(ch.expiry), false);
    ch.writeCtl(0);
    ch.writeCval(20n);
    ch.writeCtl(ENABLE);
    assert.equal(kernel.timeOf(ch.expiry), 20);
  });
});
