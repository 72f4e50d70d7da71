import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { PPI } from '../../../src/hw/gic/intid.ts';
import { SystemCounter } from '../../../src/hw/timer/counter.ts';
import {
  isReadOnlyTimerReg,
  TIMER_REG_ENCODING,
  TIMER_REGS,
  TimerReg,
  timerRegByEncoding,
} from '../../../src/hw/timer/sysregs.ts';
import { type GenericTimerState, GenericTimer } from '../../../src/hw/timer/timer.ts';
import { Kernel } from '../../../src/sim/kernel.ts';
import { canonicalJson, parseCanonicalJson } from '../../../src/sim/snapshot.ts';
import type { TraceRecord } from '../../../src/sim/trace/records.ts';
import { MemorySink, NULL_SINK, type TraceSink } from '../../../src/sim/trace/sink.ts';

const TWO64 = 1n << 64n;

function make(trace: TraceSink = NULL_SINK, cpu = 0) {
  const kernel = new Kernel();
  const counter = new SystemCounter(kernel, 62_500_000);
  const timer = new GenericTimer({ counter, cpu, trace });
  return { kernel, counter, timer };
}

describe('SystemCounter', () => {
  it('CNTPCT is the kernel clock; CNTFRQ must fit 32 bits', () => {
    const { kernel, counter } = make();
    kernel.runUntil(12345);
    assert.equal(counter.cntpct(), 12345n);
    assert.equal(counter.ticks, 12345);
    assert.equal(counter.offsetCount(12346n), TWO64 - 1n);
    assert.throws(() => new SystemCounter(kernel, 0), RangeError);
    assert.throws(() => new SystemCounter(kernel, 2 ** 32), RangeError);
  });
});

describe('timer system registers', () => {
  it('every name has a distinct encoding that maps back to it', () => {
    const seen = new Set<string>();
    for (const r of TIMER_REGS) {
      const e = TIMER_REG_ENCODING[r];
      assert.equal(timerRegByEncoding(e.op0, e.op1, e.crn, e.crm, e.op2), r);
      seen.add(`${e.op0},${e.op1},${e.crn},${e.crm},${e.op2}`);
    }
    assert.equal(seen.size, TIMER_REGS.length);
    assert.equal(timerRegByEncoding(3, 3, 14, 3, 1), TimerReg.CNTV_CTL_EL0); // S3_3_C14_C3_1
    assert.equal(timerRegByEncoding(3, 4, 14, 0, 3), TimerReg.CNTVOFF_EL2);
    assert.equal(timerRegByEncoding(3, 3, 14, 3, 3), undefined);
  });

  it('reads counters, CNTFRQ and CNTVOFF; counters are read-only', () => {
    const { kernel, timer } = make();
    kernel.runUntil(500);
    assert.equal(timer.readSysReg(TimerReg.CNTFRQ_EL0), 62_500_000n);
    assert.equal(timer.readSysReg(TimerReg.CNTPCT_EL0), 500n);
    assert.equal(timer.writeSysReg(TimerReg.CNTVOFF_EL2, 100n), true);
    assert.equal(timer.readSysReg(TimerReg.CNTVOFF_EL2), 100n);
    assert.equal(timer.readSysReg(TimerReg.CNTVCT_EL0), 400n);
    assert.equal(timer.writeSysReg(TimerReg.CNTVOFF_EL2, 501n), true);
    assert.equal(timer.readSysReg(TimerReg.CNTVCT_EL0), TWO64 - 1n);
    for (const r of [TimerReg.CNTPCT_EL0, TimerReg.CNTVCT_EL0]) {
      assert.equal(isReadOnlyTimerReg(r), true);
      assert.equal(timer.writeSysReg(r, 7n), false);
    }
    assert.equal(timer.readSysReg(TimerReg.CNTPCT_EL0), 500n);
    assert.equal(TIMER_REGS.filter(isReadOnlyTimerReg).length, 2);
  });

  it('CNTFRQ_EL0 keeps bits [31:0] and does not change the counting rate', () => {
    const { kernel, timer } = make();
    timer.writeSysReg(TimerReg.CNTFRQ_EL0, 0xffff_0000_0123_4567n);
    assert.equal(timer.readSysReg(TimerReg.CNTFRQ_EL0), 0x0123_4567n);
    kernel.runUntil(10);
    assert.equal(timer.readSysReg(TimerReg.CNTPCT_EL0), 10n);
  });

  it('CNTKCTL_EL1 stores bits [9:0]; the rest is RES0', () => {
    const { timer } = make();
    timer.writeSysReg(TimerReg.CNTKCTL_EL1, (1n << 64n) - 1n);
    assert.equal(timer.readSysReg(TimerReg.CNTKCTL_EL1), 0x3ffn);
    assert.equal(timer.cntkctl, 0x3ff);
    timer.writeSysReg(TimerReg.CNTKCTL_EL1, 0x2_0000n | 0x0f3n); // bit 17 is EVNTIS only with FEAT_ECV
    assert.equal(timer.readSysReg(TimerReg.CNTKCTL_EL1), 0x0f3n);
  });

  it('routes CTL/CVAL/TVAL of each timer to the right channel', () => {
    const { kernel, timer } = make();
    kernel.runUntil(1000);
    const sets = [
      [timer.cntv, TimerReg.CNTV_CTL_EL0, TimerReg.CNTV_CVAL_EL0, TimerReg.CNTV_TVAL_EL0],
      [timer.cntp, TimerReg.CNTP_CTL_EL0, TimerReg.CNTP_CVAL_EL0, TimerReg.CNTP_TVAL_EL0],
      [timer.cnthp, TimerReg.CNTHP_CTL_EL2, TimerReg.CNTHP_CVAL_EL2, TimerReg.CNTHP_TVAL_EL2],
    ] as const;
    for (const [ch, ctl, cval, tval] of sets) {
      assert.equal(timer.writeSysReg(cval, 1500n), true);
      assert.equal(ch.readCval(), 1500n);
      assert.equal(timer.readSysReg(tval), 500n);
      timer.writeSysReg(tval, -20n); // CVAL = 980
      assert.equal(timer.readSysReg(cval), 980n);
      // TVAL reads as a 64-bit register: TimerValue in [31:0], [63:32] RES0
      assert.equal(timer.readSysReg(tval), 0xffff_ffecn);
      timer.writeSysReg(ctl, 0xffff_ffff_0000_0001n); // bits [63:32] RES0
      assert.equal(timer.readSysReg(ctl), 5n);
      assert.equal(ch.output.level, true);
      for (const other of [timer.cntv, timer.cntp, timer.cnthp])
        if (other !== ch) assert.equal(other.output.level, false);
      timer.writeSysReg(ctl, 0n);
    }
  });

  it('wires the Arm PPIs and names signals and events per cpu', () => {
    const { kernel, timer } = make(NULL_SINK, 3);
    assert.equal(timer.cntv.intid, PPI.VIRT_TIMER);
    assert.equal(timer.cntp.intid, PPI.PHYS_TIMER);
    assert.equal(timer.cnthp.intid, PPI.HYP_TIMER);
    assert.equal(timer.cntv.output.name, 'cpu3.cntv');
    assert.equal(timer.cnthp.output.name, 'cpu3.cnthp');
    assert.equal(kernel.eventName(timer.cntp.expiry), 'cpu3.cntp.expiry');
    assert.equal(timer.cntv.regTval, 'CNTV_TVAL_EL0');
    assert.equal(timer.cnthp.regCtl, 'CNTHP_CTL_EL2');
  });

  it('two cpus on one kernel keep separate timers and CNTVOFF', () => {
    const kernel = new Kernel();
    const counter = new SystemCounter(kernel, 1000);
    const t0 = new GenericTimer({ counter, cpu: 0, trace: NULL_SINK });
    const t1 = new GenericTimer({ counter, cpu: 1, trace: NULL_SINK });
    t0.setCntvoff(5n);
    kernel.runUntil(10);
    assert.equal(t0.cntvct(), 5n);
    assert.equal(t1.cntvct(), 10n);
    assert.equal(t1.cntfrq, 1000);
  });
});

describe('timer trace', () => {
  it('emits a RegRecord per write and a LineRecord per output change', () => {
    const sink = new MemorySink();
    const { kernel, timer } = make(sink, 1);
    timer.writeSysReg(TimerReg.CNTV_CVAL_EL0, 100n);
    timer.writeSysReg(TimerReg.CNTV_CTL_EL0, 1n);
    kernel.runUntil(100);
    timer.setCntvoff(TWO64 - 1n);
    timer.writeSysReg(TimerReg.CNTKCTL_EL1, 3n);
    const want: TraceRecord[] = [
      {
        kind: 'reg',
        t: 0,
        cpu: 1,
        block: 'timer',
        reg: 'CNTV_CVAL_EL0',
        op: 'w',
        value: '0x0000000000000064',
      },
      { kind: 'reg', t: 0, cpu: 1, block: 'timer', reg: 'CNTV_CTL_EL0', op: 'w', value: '0x1' },
      { kind: 'line', t: 100, cpu: 1, signal: 'cpu1.cntv', level: true },
      {
        kind: 'reg',
        t: 100,
        cpu: 1,
        block: 'timer',
        reg: 'CNTVOFF_EL2',
        op: 'w',
        value: '0xffffffffffffffff',
      },
      { kind: 'reg', t: 100, cpu: 1, block: 'timer', reg: 'CNTKCTL_EL1', op: 'w', value: '0x3' },
    ];
    assert.deepEqual(sink.records, want);
    // CNTVCT = 101 after that offset: still high, so no line record
    assert.equal(timer.cntv.output.level, true);
  });

  it('builds no record while the sink is disabled', () => {
    const off: TraceSink = {
      enabled: false,
      emit() {
        throw new Error('emit called on a disabled sink');
      },
    };
    const { kernel, timer } = make(off);
    timer.writeSysReg(TimerReg.CNTP_CVAL_EL0, 3n);
    timer.writeSysReg(TimerReg.CNTP_CTL_EL0, 1n);
    timer.setCntvoff(4n);
    kernel.runUntil(10);
    assert.equal(timer.cntp.output.level, true);
  });
});

describe('timer save/restore', () => {
  function programmed() {
    const m = make();
    const { kernel, timer } = m;
    timer.setCntvoff(30n); // CNTVCT wraps at tick 30
    timer.writeSysReg(TimerReg.CNTV_CVAL_EL0, TWO64 - 20n); // high on [10, 30)
    timer.writeSysReg(TimerReg.CNTV_CTL_EL0, 1n);
    timer.writeSysReg(TimerReg.CNTP_CVAL_EL0, 25n);
    timer.writeSysReg(TimerReg.CNTP_CTL_EL0, 1n);
    timer.writeSysReg(TimerReg.CNTHP_TVAL_EL2, 40n);
    timer.writeSysReg(TimerReg.CNTHP_CTL_EL2, 3n); // masked
    timer.writeSysReg(TimerReg.CNTKCTL_EL1, 0x103n);
    timer.writeSysReg(TimerReg.CNTFRQ_EL0, 1234n);
    kernel.runUntil(12);
    return m;
  }

  function history(kernel: Kernel, timer: GenericTimer, until: number): string[] {
    const log: string[] = [];
    for (const ch of [timer.cntv, timer.cntp, timer.cnthp])
      ch.output.connect({ onSignal: (_a, l) => log.push(`${kernel.now}:${ch.output.name}=${l ? 1 : 0}`) });
    log.length = 0; // connect() reports a high line at once: not a change
    kernel.runUntil(until);
    return log;
  }

  for (const order of ['kernel first', 'timer first'] as const) {
    it(`round-trips through canonical JSON (${order}) and continues identically`, () => {
      const a = programmed();
      const text = canonicalJson({ k: a.kernel.save(), t: a.timer.save() });
      const s = parseCanonicalJson<{ k: ReturnType<Kernel['save']>; t: GenericTimerState }>(text);
      const b = make();
      if (order === 'kernel first') {
        b.kernel.restore(s.k);
        b.timer.restore(s.t);
      } else {
        b.timer.restore(s.t);
        b.kernel.restore(s.k);
      }
      assert.equal(canonicalJson(b.timer.save()), canonicalJson(a.timer.save()));
      assert.equal(canonicalJson(b.kernel.save()), canonicalJson(a.kernel.save()));
      assert.equal(b.timer.cntv.output.level, true);
      assert.equal(b.timer.readSysReg(TimerReg.CNTV_CTL_EL0), 5n);
      const ha = history(a.kernel, a.timer, 100);
      const hb = history(b.kernel, b.timer, 100);
      assert.deepEqual(hb, ha);
      assert.deepEqual(ha, ['25:cpu0.cntp=1', '30:cpu0.cntv=0']);
    });
  }

  it('timer restore alone re-arms the expiry events', () => {
    const a = programmed();
    const s = a.timer.save();
    const b = make();
    b.kernel.runUntil(12);
    b.timer.restore(s);
    assert.equal(b.kernel.timeOf(b.timer.cntv.expiry), 30);
    assert.equal(b.kernel.timeOf(b.timer.cntp.expiry), 25);
    assert.equal(b.kernel.isScheduled(b.timer.cnthp.expiry), false);
    assert.deepEqual(history(b.kernel, b.timer, 100), history(a.kernel, a.timer, 100));
  });

  it('a change due now but not yet fired survives the snapshot', () => {
    const a = make();
    a.timer.writeSysReg(TimerReg.CNTP_CVAL_EL0, 20n);
    a.timer.writeSysReg(TimerReg.CNTP_CTL_EL0, 1n);
    a.kernel.advanceTo(20); // at tick 20, the expiry has not fired yet
    assert.equal(a.timer.cntp.output.level, false);
    const s = a.timer.save();
    const b = make();
    b.kernel.advanceTo(20);
    b.timer.restore(s);
    assert.equal(b.timer.cntp.output.level, false);
    assert.equal(b.kernel.timeOf(b.timer.cntp.expiry), 20);
    b.kernel.runUntil(20);
    assert.equal(b.timer.cntp.output.level, true);
  });

  it('restore does not notify listeners and rejects unknown versions', () => {
    const a = programmed();
    const s = a.timer.save();
    const b = make();
    let calls = 0;
    b.timer.cntv.output.connect({ onSignal: () => calls++ });
    b.kernel.runUntil(12);
    b.timer.restore(s);
    assert.equal(calls, 0);
    assert.equal(b.timer.cntv.output.level, true);
    assert.throws(() => b.timer.restore({ ...s, version: 2 as 1 }), RangeError);
  });
});
