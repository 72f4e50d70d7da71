// The disassembler: GNU objdump's text for an instruction word, from the
// rows of the decode table (each row's `dis`), with objdump's preferred
// aliases (mov, cmp, lsl, ubfx, cset, ret, ...). A word whose row has no
// syntax here prints as objdump prints an unknown word, `.inst 0x........`,
// followed by ` ; undefined` where vgicsim takes it as UNDEFINED: the row's
// fill says so, or the row is an FP/SIMD class whose `dis` found no
// instruction vgicsim's FP executors implement (dis-fp-*.ts mirror them).
// Used by traces (computed only when tracing is on) and tests; not on any
// execution path.

import { OP_FP, OP_UNDEF, STRIDE } from '../ops.ts';
import { lookup } from './table.ts';

const scratch = new Int32Array(STRIDE);

/** The instruction word `w` at virtual address `pc` as text: mnemonic, a space, operands. */
export function disassemble(w: number, pc: number): string {
  const e = lookup(w);
  const text = e.dis(e.fields(w), pc, w);
  if (text !== null) return text;
  scratch.fill(0);
  const op = e.fill(e.v, scratch, 0, w);
  const undef = op === OP_UNDEF || op === OP_FP;
  return `.inst 0x${(w >>> 0).toString(16).padStart(8, '0')}${undef ? ' ; undefined' : ''}`;
}

/** The mnemonic alone (the first word of the text; `.inst` where there is no syntax). */
export function mnemonicOf(w: number, pc = 0): string {
  const s = disassemble(w, pc);
  const sp = s.indexOf(' ');
  return sp < 0 ? s : s.slice(0, sp);
}
