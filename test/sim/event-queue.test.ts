import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { EventQueue, type EventId } from '../../src/sim/event-queue.ts';

function drain(q: EventQueue): number[] {
  const out: number[] = [];
  while (q.size > 0) out.push(q.pop());
  return out;
}

describe('EventQueue', () => {
  it('pops in time order', () => {
    const q = new EventQueue();
    const ids = [q.add(), q.add(), q.add()];
    q.schedule(ids[0], 30);
    q.schedule(ids[1], 10);
    q.schedule(ids[2], 20);
    assert.deepEqual(drain(q), [ids[1], ids[2], ids[0]]);
  });

  it('breaks ties by scheduling order, and a reschedule goes to the back of its time', () => {
    const q = new EventQueue();
    const [a, b, c] = [q.add(), q.add(), q.add()];
    q.schedule(a, 5);
    q.schedule(b, 5);
    q.schedule(c, 5);
    q.schedule(a, 5); // rescheduled: now after b and c
    assert.deepEqual(drain(q), [b, c, a]);
  });

  it('cancel removes only that event; cancelling twice is harmless', () => {
    const q = new EventQueue();
    const [a, b, c] = [q.add(), q.add(), q.add()];
    q.schedule(a, 1);
    q.schedule(b, 2);
    q.schedule(c, 3);
    q.cancel(b);
    q.cancel(b);
    assert.equal(q.isQueued(b), false);
    assert.equal(q.timeOf(b), Number.POSITIVE_INFINITY);
    assert.deepEqual(drain(q), [a, c]);
  });

  it('grows past its initial capacity', () => {
    const q = new EventQueue(4);
    const ids: EventId[] = [];
    for (let i = 0; i < 100; i++) {
      const id = q.add();
      ids.push(id);
      q.schedule(id, 100 - i);
    }
    assert.deepEqual(drain(q), [...ids].reverse());
  });

  it('matches a sorted reference under random schedule/reschedule/cancel (property)', () => {
    const op = fc.oneof(
      fc.record({ k: fc.constant('s' as const), e: fc.nat(15), t: fc.nat(50) }),
      fc.record({ k: fc.constant('c' as const), e: fc.nat(15) }),
    );
    fc.assert(
      fc.property(fc.array(op, { maxLength: 200 }), (ops) => {
        const q = new EventQueue(2);
        const ids = Array.from({ length: 16 }, () => q.add());
        const ref = new Map<number, { t: number; s: number }>();
        let seq = 0;
        for (const o of ops) {
          if (o.k === 's') {
            q.schedule(ids[o.e], o.t);
            ref.set(ids[o.e], { t: o.t, s: seq++ });
          } else {
            q.cancel(ids[o.e]);
            ref.delete(ids[o.e]);
          }
        }
        const expected = [...ref.entries()]
          .sort((a, b) => a[1].t - b[1].t || a[1].s - b[1].s)
          .map(([id]) => id);
        assert.deepEqual(drain(q), expected);
      }),
    );
  });
});
