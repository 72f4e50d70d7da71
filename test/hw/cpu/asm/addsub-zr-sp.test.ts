// Register 31 in the add/subtract family: every combination of XZR/WZR,
// SP/WSP and a general register as each operand of ADD, ADDS, SUB, SUBS,
// CMP, CMN, NEG, NEGS, with no modifier, a shift, an extend and an
// immediate, must be accepted or refused as GNU as does, and assemble to
// GNU as's bytes when accepted (Arm ARM C6.2: register 31 is XZR in the
// shifted-register form, SP in the extended-register and immediate forms,
// except as the destination of the flag-setting ones).
// test:cross: aarch64-linux-gnu-as, -ld, -objcopy (npm test: the answers recorded in test/fixtures/cross/)

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { AsmError, assemble } from '../../../../src/hw/cpu/asm/index.ts';
import { gnuAssemble, gnuRejectedLines } from './gnu-as.ts';

const BASE = 0x4008_0000;
const REGS = { x: ['x3', 'xzr', 'sp'], w: ['w3', 'wzr', 'wsp'] };
/** Modifiers of the last register operand (the extends take a W index for a 32-bit op, X for sxtx). */
const MODS = { x: ['', ', lsl #2', ', asr #36', ', sxtx #1'], w: ['', ', lsl #2', ', asr #7', ', uxtw #1'] };

function family(): string[] {
  const out: string[] = [];
  for (const wd of ['x', 'w'] as const) {
    const r = REGS[wd];
    for (const m of ['add', 'adds', 'sub', 'subs']) {
      for (const d of r)
        for (const n of r) {
          out.push(`${m} ${d}, ${n}, #12`);
          for (const mm of r) for (const mod of MODS[wd]) out.push(`${m} ${d}, ${n}, ${mm}${mod}`);
        }
    }
    for (const m of ['cmp', 'cmn'])
      for (const n of r) {
        out.push(`${m} ${n}, #12`);
        for (const mm of r) for (const mod of MODS[wd]) out.push(`${m} ${n}, ${mm}${mod}`);
      }
    for (const m of ['neg', 'negs'])
      for (const d of r)
        for (const mm of r) for (const mod of MODS[wd].slice(0, 3)) out.push(`${m} ${d}, ${mm}${mod}`);
  }
  return out;
}

/** vgicsim's word for one statement, or null where it refuses it. */
function ours(line: string): number | null {
  try {
    const r = assemble(line, { base: BASE });
    return new DataView(r.bytes.buffer, r.bytes.byteOffset).getUint32(0, true);
  } catch (e) {
    if (e instanceof AsmError) return null;
    throw e;
  }
}

describe('add/sub family with XZR, SP as each operand, against GNU as', () => {
  it('accepts what GNU as accepts, refuses what it refuses, and makes its bytes', () => {
    const lines = family();
    const rejected = new Set(gnuRejectedLines(`${lines.join('\n')}\n`, 'the add/sub register-31 family'));
    const accepted = lines.filter((_, i) => !rejected.has(i + 1));
    const theirs = gnuAssemble(
      `${accepted.join('\n')}\n`,
      BASE,
      BASE + 0x10_0000,
      'the add/sub register-31 family',
    );
    const dv = new DataView(theirs.buffer, theirs.byteOffset);
    const diffs: string[] = [];
    let j = 0;
    for (const [i, line] of lines.entries()) {
      const mine = ours(line);
      if (rejected.has(i + 1)) {
        if (mine !== null) diffs.push(`${line}: GNU as refuses it, vgicsim makes ${mine.toString(16)}`);
        continue;
      }
      const gas = dv.getUint32(4 * j++, true);
      if (mine !== gas)
        diffs.push(
          `${line}: vgicsim ${mine === null ? 'refuses it' : mine.toString(16)}, GNU as ${gas.toString(16)}`,
        );
    }
    assert.equal(j * 4, theirs.length);
    // Both kinds are exercised: a good share of the family is each.
    assert.ok(
      accepted.length > 300 && rejected.size > 300,
      `${accepted.length} accepted, ${rejected.size} refused`,
    );
    assert.deepEqual(diffs, []);
  });
});
