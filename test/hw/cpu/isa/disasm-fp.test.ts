// The FP/SIMD disassembly (src/hw/cpu/isa/dis-fp-*.ts) against GNU objdump:
// seeded random fillings of every FP/SIMD row's fields must read exactly as
// objdump reads them, except the words vgicsim takes as UNDEFINED (half
// precision, FRINT*, saturating and rounding AdvSIMD, ...: vgicsim does not
// implement them), which print `.inst 0x........ ; undefined` where objdump
// names them. And the disassembler's "undefined" must be the executor's: each
// word, executed once, takes the UNDEFINED exception exactly when it says so.
// test:cross: aarch64-linux-gnu-objdump (npm test: the text recorded in test/fixtures/cross/objdump.json)

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { disassemble } from '../../../../src/hw/cpu/isa/disasm.ts';
import { ENCODINGS, lookup } from '../../../../src/hw/cpu/isa/table.ts';
import { CODE_BASE, type Guest, guest, RAM_BASE } from '../helpers/guest.ts';
import { objdump } from './objdump.ts';
import { xorshift } from './words.ts';

const PER_ROW = 160;
const UNDEFINED = ' ; undefined';
/** CPACR_EL1.FPEN = 0b11: FP/SIMD not trapped. */
const FPEN_ALL = 3n << 20n;
/** Where every X register points while a word runs (RAM, away from the code). */
const DATA = RAM_BASE + 0x10_0000;

/** PER_ROW random fillings of the free bits of every row vgicsim decodes as FP/SIMD. */
function fpWords(): number[] {
  const next = xorshift(0xf00d);
  const words: number[] = [];
  for (const e of ENCODINGS) {
    if (e.feature !== 'fp') continue;
    for (let n = 0; n < PER_ROW; n++) words.push((next() & ~e.mask) | e.value);
  }
  // Rare ones: SMOV w31, v.s[] and UMOV x31, v.s[] are reserved (Rd = 31 is no excuse).
  words.push(0x0e042e9f, 0x4e043c3f, 0x4e082c3f);
  return words;
}

const hex = (w: number): string => (w >>> 0).toString(16).padStart(8, '0');

function fpGuest(): Guest {
  const g = guest('nop').vectors();
  g.cpu.setSysreg('CPACR_EL1', FPEN_ALL);
  return g;
}

describe('FP/SIMD disassembly', () => {
  const words = fpWords();

  it('reads random words of every FP/SIMD row as objdump does, but what vgicsim takes as UNDEFINED', (t) => {
    const theirs = objdump(words, CODE_BASE, 'random words of every FP/SIMD row');
    const diffs: string[] = [];
    let same = 0;
    let undef = 0;
    words.forEach((w, i) => {
      const mine = disassemble(w, CODE_BASE + i * 4);
      if (mine === theirs[i]) same++;
      else if (mine === `.inst 0x${hex(w)}${UNDEFINED}` && !theirs[i].startsWith('.inst')) undef++;
      else diffs.push(`${hex(w)} (${lookup(w).name}): ${mine} | objdump: ${theirs[i]}`);
    });
    t.diagnostic(
      `${same} of ${words.length} words read as objdump; ${undef} UNDEFINED in vgicsim, named by objdump`,
    );
    assert.ok(same > words.length / 2);
    assert.deepEqual(diffs, []);
  });

  it('says "undefined" exactly for the words the executor takes as UNDEFINED', () => {
    let g = fpGuest();
    const wrong: string[] = [];
    let undefs = 0;
    for (const w of words) {
      g.ram.write32(CODE_BASE, w);
      g.cpu.pc = CODE_BASE;
      for (let r = 0; r < 31; r++) g.cpu.setX(r, DATA);
      g.cpu.setSp(DATA);
      const before = g.cpu.undefCounts.reduce((a, b) => a + b, 0);
      g.run(1);
      const taken = g.cpu.undefCounts.reduce((a, b) => a + b, 0) > before;
      const says = disassemble(w, CODE_BASE).endsWith(UNDEFINED);
      if (taken) undefs++;
      if (taken !== says)
        wrong.push(
          `${hex(w)} (${lookup(w).name}): ${disassemble(w, CODE_BASE)}, executed ${taken ? 'UNDEFINED' : 'fine'}`,
        );
      // A fresh machine after anything but a retired instruction or a taken exception (an MMIO exit).
      if (g.lastStop !== 'budget') g = fpGuest();
    }
    assert.ok(undefs > 0 && undefs < words.length);
    assert.deepEqual(wrong, []);
  });
});
