import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import {
  DR_OE,
  FR_BUSY,
  FR_RXFE,
  FR_RXFF,
  FR_TXFE,
  FR_TXFF,
  INT_OE,
  INT_RT,
  INT_RX,
  INT_TX,
  Pl011,
  UARTCR,
  UARTDMACR,
  UARTDR,
  UARTECR,
  UARTFBRD,
  UARTFR,
  UARTIBRD,
  UARTICR,
  UARTIFLS,
  UARTILPR,
  UARTIMSC,
  UARTLCR_H,
  UARTMIS,
  UARTRIS,
  UARTRSR,
} from '../../../src/hw/devices/pl011.ts';
import { canonicalJson, parseCanonicalJson } from '../../../src/sim/snapshot.ts';

const FEN = 1 << 4;
const LBE = 1 << 7;
const r32 = (u: Pl011, off: number): number => u.read(off, 4, 0);
const w32 = (u: Pl011, off: number, v: number): void => u.write(off, 4, v, 0);

/** Records the UARTINTR line's changes. */
function watchIrq(u: Pl011): boolean[] {
  const seen: boolean[] = [];
  u.irq.connect({ onSignal: (_arg, level) => seen.push(level) });
  return seen;
}

describe('PL011 registers', () => {
  it('has the TRM reset values', () => {
    const u = new Pl011();
    assert.equal(r32(u, UARTRSR), 0);
    assert.equal(r32(u, UARTFR), FR_TXFE | FR_RXFE);
    for (const off of [UARTILPR, UARTIBRD, UARTFBRD, UARTLCR_H, UARTIMSC, UARTRIS, UARTMIS, UARTDMACR])
      assert.equal(r32(u, off), 0, off.toString(16));
    assert.equal(r32(u, UARTCR), 0x0300);
    assert.equal(r32(u, UARTIFLS), 0x12);
    assert.equal(u.irq.level, false);
  });

  it('reports the PrimeCell IDs (part 0x011, Arm, revision 1; cell 0xB105F00D)', () => {
    const u = new Pl011();
    const ids = [0xfe0, 0xfe4, 0xfe8, 0xfec, 0xff0, 0xff4, 0xff8, 0xffc].map((o) => r32(u, o));
    assert.deepEqual(ids, [0x11, 0x10, 0x14, 0x00, 0x0d, 0xf0, 0x05, 0xb1]);
    w32(u, 0xfe0, 0xff);
    assert.equal(r32(u, 0xfe0), 0x11, 'ID registers are read-only');
  });

  it('keeps only the writable bits of each register', () => {
    const u = new Pl011();
    const cases: [number, number][] = [
      [UARTILPR, 0xff],
      [UARTIBRD, 0xffff],
      [UARTFBRD, 0x3f],
      [UARTLCR_H, 0xff],
      [UARTCR, 0xff87],
      [UARTIFLS, 0x3f],
      [UARTIMSC, 0x7ff],
      [UARTDMACR, 0x7],
    ];
    for (const [off, mask] of cases) {
      w32(u, off, 0xffff_ffff);
      assert.equal(r32(u, off), mask, off.toString(16));
    }
  });

  it('ignores writes to read-only and reserved offsets, which read as zero', () => {
    const u = new Pl011();
    w32(u, UARTFR, 0);
    w32(u, UARTRIS, 0x7ff);
    w32(u, UARTMIS, 0x7ff);
    w32(u, 0x008, 0x1234);
    w32(u, 0x080, 0x1234);
    assert.equal(r32(u, UARTFR), FR_TXFE | FR_RXFE);
    assert.equal(r32(u, UARTRIS), 0);
    assert.equal(r32(u, 0x008), 0);
    assert.equal(r32(u, 0x080), 0);
    assert.equal(r32(u, UARTICR), 0, 'UARTICR is write-only');
  });
});

describe('PL011 transmit', () => {
  it('captures bytes written to UARTDR and tells the listener; TX never busy or full', () => {
    const u = new Pl011();
    const heard: number[] = [];
    u.onTransmit((b) => heard.push(b));
    for (const c of 'PASS\n') w32(u, UARTDR, 0xf00 | c.charCodeAt(0)); // bits above [7:0] are ignored
    assert.equal(u.outputText(), 'PASS\n');
    assert.deepEqual(heard, [...Buffer.from('PASS\n')]);
    const fr = r32(u, UARTFR);
    assert.equal(fr & (FR_TXFF | FR_BUSY), 0);
    assert.equal(fr & FR_TXFE, FR_TXFE);
  });

  it('accepts 8- and 16-bit accesses as Linux earlycon and driver do; unaligned writes are ignored', () => {
    const u = new Pl011();
    u.write(UARTDR, 1, 0x41, 0);
    u.write(UARTDR, 2, 0x42, 0);
    u.write(UARTDR + 1, 1, 0x43, 0);
    assert.equal(u.outputText(), 'AB');
    u.write(UARTCR, 2, 0x0301, 0);
    assert.equal(u.read(UARTCR, 2, 0), 0x0301);
    assert.equal(u.read(UARTCR + 1, 1, 0), 0x03, 'byte lane 1');
    assert.equal(u.read(UARTFR, 1, 0), FR_TXFE | FR_RXFE);
    assert.equal(u.read(0xfe8, 1, 0), 0x14);
  });

  it('raises the TX interrupt only after a byte leaves (not at reset); ICR clears it', () => {
    const u = new Pl011();
    const irq = watchIrq(u);
    w32(u, UARTIMSC, INT_TX);
    assert.equal(u.irq.level, false, 'no TX interrupt before any data is written');
    w32(u, UARTDR, 0x58);
    assert.equal(r32(u, UARTRIS) & INT_TX, INT_TX);
    assert.equal(r32(u, UARTMIS), INT_TX);
    assert.equal(u.irq.level, true);
    w32(u, UARTICR, INT_TX);
    assert.equal(u.irq.level, false);
    assert.deepEqual(irq, [true, false]);
  });

  it('loops transmitted bytes back into the receive FIFO when LBE is set', () => {
    const u = new Pl011();
    w32(u, UARTCR, 0x0301 | LBE);
    w32(u, UARTDR, 0x5a);
    assert.equal(u.outputText(), '');
    assert.equal(r32(u, UARTDR), 0x5a);
  });
});

describe('PL011 receive', () => {
  it('delivers pushed bytes in order through UARTDR and RXFE; empty reads give 0', () => {
    const u = new Pl011();
    w32(u, UARTLCR_H, FEN);
    assert.equal(u.pushInput('hi'), 2);
    assert.equal(r32(u, UARTFR) & FR_RXFE, 0);
    assert.equal(r32(u, UARTDR), 0x68);
    assert.equal(u.read(UARTDR, 1, 0), 0x69);
    assert.equal(r32(u, UARTFR) & FR_RXFE, FR_RXFE);
    assert.equal(r32(u, UARTDR), 0);
  });

  it('has a 1-byte holding register with FIFOs off: the second byte overruns', () => {
    const u = new Pl011();
    const irq = watchIrq(u);
    w32(u, UARTIMSC, INT_OE);
    assert.equal(u.pushInput('ab'), 1);
    assert.equal(r32(u, UARTFR) & FR_RXFF, FR_RXFF);
    assert.equal(r32(u, UARTRSR), 0x8, 'RSR.OE');
    assert.equal(r32(u, UARTRIS) & INT_OE, INT_OE);
    assert.deepEqual(irq, [true]);
    assert.equal(r32(u, UARTDR), 0x61);
    u.pushInput('c');
    assert.equal(r32(u, UARTDR), DR_OE | 0x63, 'the next stored byte carries DR.OE');
    w32(u, UARTECR, 0);
    assert.equal(r32(u, UARTRSR), 0);
  });

  it('fills a 16-entry FIFO, then overruns', () => {
    const u = new Pl011();
    w32(u, UARTLCR_H, FEN);
    assert.equal(u.pushInput('0123456789abcdefXY'), 16);
    assert.equal(r32(u, UARTFR) & FR_RXFF, FR_RXFF);
    let text = '';
    while ((r32(u, UARTFR) & FR_RXFE) === 0) text += String.fromCharCode(r32(u, UARTDR) & 0xff);
    assert.equal(text, '0123456789abcdef');
  });

  it('raises RX at the trigger level, clears it below; receive timeout until the FIFO empties', () => {
    const u = new Pl011();
    w32(u, UARTLCR_H, FEN);
    w32(u, UARTIFLS, 0b010 << 3); // RX trigger 1/2 = 8 entries
    w32(u, UARTIMSC, INT_RX | INT_RT);
    u.pushInput('1234567');
    assert.equal(r32(u, UARTRIS) & (INT_RX | INT_RT), INT_RT, 'below trigger: timeout only');
    u.pushInput('8');
    assert.equal(r32(u, UARTMIS), INT_RX | INT_RT);
    r32(u, UARTDR);
    assert.equal(r32(u, UARTMIS), INT_RT, 'RX clears once below the trigger');
    for (let i = 0; i < 7; i++) r32(u, UARTDR);
    assert.equal(r32(u, UARTMIS), 0, 'timeout clears when empty');
    assert.equal(u.irq.level, false);
  });

  it('uses the trigger levels 1/8, 1/4, 1/2, 3/4, 7/8 of 16', () => {
    for (const [sel, level] of [
      [0, 2],
      [1, 4],
      [2, 8],
      [3, 12],
      [4, 14],
    ]) {
      const u = new Pl011();
      w32(u, UARTLCR_H, FEN);
      w32(u, UARTIFLS, sel << 3);
      u.pushInput('x'.repeat(level - 1));
      assert.equal(r32(u, UARTRIS) & INT_RX, 0, `sel ${sel} below`);
      u.pushInput('x');
      assert.equal(r32(u, UARTRIS) & INT_RX, INT_RX, `sel ${sel} at`);
    }
  });

  it('empties the receive FIFO when FEN changes', () => {
    const u = new Pl011();
    w32(u, UARTLCR_H, FEN);
    u.pushInput('abc');
    w32(u, UARTLCR_H, 0);
    assert.equal(r32(u, UARTFR) & FR_RXFE, FR_RXFE);
    assert.equal(r32(u, UARTRIS) & (INT_RX | INT_RT), 0);
  });

  it('line = (RIS & IMSC) != 0 for any sequence of operations', () => {
    const op = fc.oneof(
      fc.record({ k: fc.constant('push' as const), s: fc.string({ maxLength: 20 }) }),
      fc.record({ k: fc.constant('imsc' as const), v: fc.integer({ min: 0, max: 0x7ff }) }),
      fc.record({ k: fc.constant('icr' as const), v: fc.integer({ min: 0, max: 0x7ff }) }),
      fc.record({ k: fc.constant('dr' as const), v: fc.integer({ min: 0, max: 255 }) }),
      fc.record({ k: fc.constant('read' as const) }),
      fc.record({ k: fc.constant('lcrh' as const), v: fc.integer({ min: 0, max: 255 }) }),
    );
    fc.assert(
      fc.property(fc.array(op, { maxLength: 40 }), (ops) => {
        const u = new Pl011();
        for (const o of ops) {
          if (o.k === 'push') u.pushInput(o.s);
          else if (o.k === 'imsc') w32(u, UARTIMSC, o.v);
          else if (o.k === 'icr') w32(u, UARTICR, o.v);
          else if (o.k === 'dr') w32(u, UARTDR, o.v);
          else if (o.k === 'lcrh') w32(u, UARTLCR_H, o.v);
          else r32(u, UARTDR);
          assert.equal(r32(u, UARTMIS), r32(u, UARTRIS) & r32(u, UARTIMSC));
          assert.equal(u.irq.level, r32(u, UARTMIS) !== 0);
          const fr = r32(u, UARTFR);
          assert.ok((fr & FR_RXFE) === 0 || (fr & FR_RXFF) === 0, 'never both empty and full');
        }
      }),
    );
  });
});

describe('PL011 save/restore', () => {
  it('round-trips through canonical JSON and continues identically', () => {
    const a = new Pl011();
    w32(a, UARTLCR_H, FEN);
    w32(a, UARTIMSC, INT_RX | INT_RT | INT_TX);
    w32(a, UARTIBRD, 26);
    a.pushInput('hello');
    w32(a, UARTDR, 0x21);
    r32(a, UARTDR);
    const snap = a.save();
    const b = new Pl011();
    b.restore(parseCanonicalJson(canonicalJson(snap)));
    assert.deepEqual(b.save(), snap);
    assert.equal(b.irq.level, a.irq.level);
    assert.equal(b.outputText(), '!');
    for (const u of [a, b]) {
      u.pushInput('!');
      w32(u, UARTDR, 0x3f);
    }
    assert.equal(canonicalJson(b.save()), canonicalJson(a.save()));
    assert.equal(r32(b, UARTDR), r32(a, UARTDR));
  });

  it('save returns a copy, not the live state', () => {
    const a = new Pl011();
    const snap = a.save();
    a.pushInput('z');
    assert.deepEqual(snap.rx, []);
  });
});
