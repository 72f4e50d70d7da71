// The hint and barrier spaces of the system class (Arm ARM C4.1 "Branches,
// exception generating and system instructions", System instructions): with
// op0 = 00, L = 0, CRn = 0010 only op1 = 011, Rt = 11111 are hints (an
// unallocated hint number executes as NOP); CRn = 0011 only op1 = 011 are
// barriers. Another op1 (or Rt) there is unallocated: UNDEFINED, an
// exception to EL1 with EC 0 (unknown reason), ELR at the word, nothing retired.

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { disassemble } from '../../../../src/hw/cpu/isa/disasm.ts';
import { OP_HINT, OP_NOP, OP_UNDEF, STRIDE, UNDEF_NAMES } from '../../../../src/hw/cpu/ops.ts';
import { decode } from '../../../../src/hw/cpu/decode.ts';
import { CODE_BASE, guest, VECTORS } from '../helpers/guest.ts';

const SYSTEM = 0xd500_0000; // 1101010100 0 00 ...
const OP1 = 16;
const CRN = 12;
const CRM = 8;
const OP2 = 5;
const HINTS = 2;
const BARRIERS = 3;
const RT_NONE = 31;
/** ESR_EL1 of an UNDEFINED instruction: EC 0, IL 1. */
const ESR_UNKNOWN = 1n << 25n;
const SYNC_CURRENT_EL_SPX = 0x200;

function word(op1: number, crn: number, crm: number, op2: number, rt = RT_NONE): number {
  return (SYSTEM | (op1 << OP1) | (crn << CRN) | (crm << CRM) | (op2 << OP2) | rt) >>> 0;
}

const ops = new Uint16Array(1);
const f = new Int32Array(STRIDE);
function opOf(w: number): number {
  decode(w, ops, f, 0);
  return ops[0];
}

/** The word, after a nop, takes the UNDEFINED exception: interpreted, and translated from the first run. */
function assertUndefined(w: number, what: string): void {
  for (const jit of [false, true]) {
    const g = guest(`nop\n.inst 0x${w.toString(16)}\nnop`).vectors();
    g.cpu.cache.jit = jit;
    g.cpu.cache.jitHot = 0;
    g.cpu.cache.jitLoopsOnly = false;
    g.run(2)
      .assertPc(VECTORS + SYNC_CURRENT_EL_SPX)
      .assertSysreg('ESR_EL1', ESR_UNKNOWN)
      .assertSysreg('ELR_EL1', CODE_BASE + 4)
      .assertInstret(1);
    assert.equal(g.cpu.el, 1, what);
    assert.equal(g.cpu.undefCounts[UNDEF_NAMES.indexOf('unallocated')], 1, `${what}: counted as unallocated`);
  }
}

describe('hint and barrier spaces', () => {
  it('op1 = 011: hints execute (WFI stops, an unallocated hint is a NOP), barriers are NOPs', () => {
    assert.equal(opOf(word(3, HINTS, 0, 3)), OP_HINT, 'wfi');
    assert.equal(opOf(word(3, HINTS, 0, 0)), OP_NOP, 'nop');
    assert.equal(opOf(word(3, HINTS, 12, 5)), OP_NOP, 'hint #0x65');
    assert.equal(opOf(word(3, BARRIERS, 15, 4)), OP_NOP, 'dsb sy');
    guest(`.inst 0x${word(3, HINTS, 12, 5).toString(16)}\nnop`)
      .run(2)
      .assertPc(CODE_BASE + 8)
      .assertInstret(2);
    assert.equal(disassemble(word(3, HINTS, 12, 5), CODE_BASE), 'hint #0x65');
    assert.equal(disassemble(word(3, BARRIERS, 11, 5), CODE_BASE), 'dmb ish');
  });

  it('every other op1 of the hint space, and Rt != 11111, is UNDEFINED', () => {
    for (let op1 = 0; op1 < 8; op1++) {
      if (op1 === 3) continue;
      for (const [crm, op2] of [
        [0, 0],
        [0, 3],
        [4, 2],
        [15, 7],
      ]) {
        const w = word(op1, HINTS, crm, op2);
        assert.equal(opOf(w), OP_UNDEF, `${w.toString(16)}: op1 ${op1}`);
        assert.equal(disassemble(w, CODE_BASE), `.inst 0x${w.toString(16)} ; undefined`);
      }
    }
    for (const rt of [0, 1, 30]) assert.equal(opOf(word(3, HINTS, 0, 0, rt)), OP_UNDEF, `nop with Rt ${rt}`);
    assertUndefined(word(0, HINTS, 0, 3), 'wfi with op1 000');
    assertUndefined(word(7, HINTS, 0, 0), 'nop with op1 111');
    assertUndefined(word(3, HINTS, 0, 0, 5), 'nop with Rt 5');
  });

  it('every other op1 of the barrier space is UNDEFINED', () => {
    for (let op1 = 0; op1 < 8; op1++) {
      if (op1 === 3) continue;
      for (const op2 of [2, 4, 5, 6]) {
        const w = word(op1, BARRIERS, 15, op2);
        assert.equal(opOf(w), OP_UNDEF, `${w.toString(16)}: op1 ${op1} op2 ${op2}`);
      }
    }
    assertUndefined(word(1, BARRIERS, 15, 4), 'dsb sy with op1 001');
    assertUndefined(word(5, BARRIERS, 15, 6), 'isb with op1 101');
  });
});
