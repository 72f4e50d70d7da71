// The board symbols the assembler predefines: their values are the hardware
// model's (and the architecture's), docs/assembler.md lists exactly them, and
// the assembler's shadowing rules hold. test/scenario/board-symbols.test.ts
// runs a guest written with them.

import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { DOC_PATH, withSymbolTable } from '../../../scripts/gen-asm-symbols-doc.ts';
import { BOARD_ASM_SYMBOL_MAP, BOARD_ASM_SYMBOLS } from '../../../src/hw/board/asm-symbols.ts';
import { AsmError, assemble } from '../../../src/hw/cpu/asm/index.ts';

const sym = (name: string): number | undefined => BOARD_ASM_SYMBOL_MAP.get(name);

describe('board assembler symbols', () => {
  it('docs/assembler.md lists them as generated (run `npx tsx scripts/gen-asm-symbols-doc.ts`)', () => {
    const doc = readFileSync(DOC_PATH, 'utf8');
    assert.equal(doc, withSymbolTable(doc), 'docs/assembler.md is stale');
  });

  it('names are unique identifiers the assembler can read', () => {
    assert.equal(BOARD_ASM_SYMBOL_MAP.size, BOARD_ASM_SYMBOLS.length, 'duplicate name');
    for (const s of BOARD_ASM_SYMBOLS) {
      assert.match(s.name, /^[A-Z][A-Za-z0-9_]*$/, s.name);
      assert.ok(Number.isSafeInteger(s.value), `${s.name} = ${s.value}`);
    }
  });

  it('values are the architecture’s (GICv2 tables 4-1, 4-2, 5-1; DEN 0022; the virt board)', () => {
    const want: [string, number][] = [
      ['GICD_BASE', 0x0800_0000],
      ['GICC_BASE', 0x0801_0000],
      ['PL011_BASE', 0x0900_0000],
      ['RAM_BASE', 0x4000_0000],
      ['GICD_ISENABLER', 0x100],
      ['GICD_ITARGETSR', 0x800],
      ['GICD_SGIR', 0xf00],
      ['GICC_IAR', 0x0c],
      ['GICC_EOIR', 0x10],
      ['GICC_DIR', 0x1000],
      ['GICC_CTLR_EOImode', 0x200],
      ['GICH_LR0', 0x100],
      ['UARTDR', 0x000],
      ['UARTFR', 0x018],
      ['UARTFR_TXFF', 0x20],
      ['PSCI_SYSTEM_OFF', 0x8400_0008],
      ['PSCI_CPU_ON_64', 0xc400_0003],
      ['PSCI_RET_NOT_SUPPORTED', -1],
      ['INTID_VTIMER', 27],
      ['INTID_PTIMER', 30],
      ['INTID_MAINTENANCE', 25],
      ['INTID_UART', 33],
      ['INTID_SPURIOUS', 1023],
    ];
    for (const [name, value] of want) assert.equal(sym(name), value, name);
  });
});

describe('predefined symbols in the assembler', () => {
  const predefined = new Map([
    ['GICD_BASE', 0x0800_0000],
    ['NEG', -1],
  ]);
  const quads = (src: string): bigint[] => {
    const r = assemble(src, { predefined });
    const v = new DataView(r.bytes.buffer);
    return Array.from({ length: r.bytes.length / 8 }, (_, i) => v.getBigInt64(i * 8, true));
  };

  it('are usable in expressions and kept out of the result symbols', () => {
    assert.deepEqual(quads('.quad GICD_BASE + 0x100, NEG'), [0x0800_0100n, -1n]);
    assert.equal(assemble('.quad GICD_BASE', { predefined }).symbols.has('GICD_BASE'), false);
  });

  it('may be redefined like .set symbols: earlier uses see the predefined value', () => {
    const src = '.quad GICD_BASE\n.equ GICD_BASE, GICD_BASE + 0x1000\n.quad GICD_BASE';
    assert.deepEqual(quads(src), [0x0800_0000n, 0x0800_1000n]);
    assert.equal(assemble(src, { predefined }).symbols.get('GICD_BASE'), 0x0800_1000);
  });

  it('give way to a label of the same name, everywhere', () => {
    const r = assemble('adr x0, GICD_BASE\nGICD_BASE: .quad GICD_BASE', { predefined });
    assert.equal(r.symbols.get('GICD_BASE'), r.base + 4);
  });

  it('without the option, an unknown name is still an undefined label', () => {
    assert.throws(() => assemble('.quad GICD_BASE'), AsmError);
  });
});
