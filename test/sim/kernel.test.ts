import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { type EventHandler, type EventId, Kernel, SimError } from '../../src/sim/kernel.ts';
import { canonicalJson, parseCanonicalJson } from '../../src/sim/snapshot.ts';
import { NEVER } from '../../src/sim/time.ts';

/** Records (time, name) of every fired event; optionally re-arms itself with a period. */
class Recorder implements EventHandler {
  readonly log: string[] = [];
  constructor(
    private readonly k: Kernel,
    private readonly periods: number[] = [],
  ) {}
  onEvent(id: EventId, arg: number, now: number): void {
    this.log.push(`${now}:${this.k.eventName(id)}`);
    const p = this.periods[arg];
    if (p) this.k.schedule(id, now + p);
  }
}

describe('Kernel', () => {
  it('fires due events in order and advances the clock to the limit', () => {
    const k = new Kernel();
    const r = new Recorder(k);
    const a = k.createEvent('a', r);
    const b = k.createEvent('b', r);
    k.schedule(a, 20);
    k.schedule(b, 10);
    k.runUntil(15);
    assert.deepEqual(r.log, ['10:b']);
    assert.equal(k.now, 15);
    k.runUntil(100);
    assert.deepEqual(r.log, ['10:b', '20:a']);
    assert.equal(k.now, 100);
  });

  it('rejects scheduling in the past and duplicate names', () => {
    const k = new Kernel();
    const r = new Recorder(k);
    const a = k.createEvent('a', r);
    k.runUntil(10);
    assert.throws(() => k.schedule(a, 9), SimError);
    assert.throws(() => k.createEvent('a', r), SimError);
  });

  it('scheduling at NEVER cancels', () => {
    const k = new Kernel();
    const a = k.createEvent('a', new Recorder(k));
    k.schedule(a, 5);
    k.schedule(a, NEVER);
    assert.equal(k.isScheduled(a), false);
    assert.equal(k.nextEventTime(), NEVER);
  });

  it('advanceTo never skips a pending event', () => {
    const k = new Kernel();
    const a = k.createEvent('a', new Recorder(k));
    k.schedule(a, 50);
    k.advanceTo(50);
    assert.equal(k.now, 50);
    assert.throws(() => k.advanceTo(51), /would skip event 'a'/);
    assert.throws(() => k.advanceTo(49), /cannot go back/);
  });

  it('an event handler may schedule an event at the current time; it fires in the same run', () => {
    const k = new Kernel();
    const log: string[] = [];
    let b!: EventId;
    const a = k.createEvent('a', {
      onEvent(_id, _arg, now) {
        log.push('a');
        k.schedule(b, now);
      },
    });
    b = k.createEvent('b', { onEvent: () => log.push('b') });
    k.schedule(a, 3);
    k.runUntil(3);
    assert.deepEqual(log, ['a', 'b']);
  });

  it('is deterministic: two identical runs give identical logs', () => {
    const run = () => {
      const k = new Kernel();
      const r = new Recorder(k, [7, 11, 13]);
      for (let i = 0; i < 3; i++) k.schedule(k.createEvent(`e${i}`, r, i), 0);
      k.runUntil(200);
      return r.log.join(',');
    };
    assert.equal(run(), run());
  });

  it('save/restore: a restored kernel continues exactly as the original (property)', () => {
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: 1, max: 30 }), { minLength: 1, maxLength: 6 }),
        fc.nat(300),
        (periods, cut) => {
          const build = () => {
            const k = new Kernel();
            const r = new Recorder(k, periods);
            const ids = periods.map((_, i) => k.createEvent(`p${i}`, r, i));
            return { k, r, ids };
          };
          const ref = build();
          ref.ids.forEach((id, i) => {
            ref.k.schedule(id, i);
          });
          ref.k.runUntil(cut);
          const snap = parseCanonicalJson<ReturnType<Kernel['save']>>(canonicalJson(ref.k.save()));
          const before = ref.r.log.length;
          ref.k.runUntil(cut + 300);
          const copy = build();
          copy.k.restore(snap);
          copy.k.runUntil(cut + 300);
          assert.deepEqual(copy.r.log, ref.r.log.slice(before));
        },
      ),
    );
  });

  it('restore refuses a snapshot naming an unknown event', () => {
    const k = new Kernel();
    assert.throws(
      () => k.restore({ version: 1, now: 0, seq: 1, events: [{ name: 'ghost', at: 1, seq: 0 }] }),
      /ghost/,
    );
  });
});
