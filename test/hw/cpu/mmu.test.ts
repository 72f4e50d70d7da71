// Stage-1 translation (Arm ARM D8): kernel-style TTBR1 addresses, block and
// page mappings, every fault kind with its exact ESR/FAR, AT, ASIDs and
// TLB maintenance. Page tables are written from the test into RAM.
// test:cross: aarch64-linux-gnu-as, -objcopy (npm test: the bytes recorded in test/fixtures/cross/)

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { gnuAssemble } from './helpers/gnu-as.ts';
import { CODE_BASE, Guest, VECTORS } from './helpers/guest.ts';
import {
  AF,
  AP_EL1_RO,
  AP_RW,
  AP_TABLE_RO,
  DATA,
  assertAbort,
  attr,
  DABT,
  ESR,
  HIGH,
  IABT,
  mmuGuest,
  WNR,
  BLOCK,
  DEVICE,
  MAIR,
  NG,
  NORMAL,
  PXN,
  TABLES,
  Tables,
  TABLE,
  tcr,
} from './helpers/page-tables.ts';

describe('mmu: translation', () => {
  it('a kernel-style guest enables the MMU itself and runs from a TTBR1 alias', () => {
    const src = `
      msr mair_el1, x1
      msr tcr_el1, x2
      msr ttbr0_el1, x3
      msr ttbr1_el1, x4
      isb
      mrs x5, sctlr_el1
      orr x5, x5, #1
      msr sctlr_el1, x5
      isb
      ldr x6, [x7]
      str x8, [x7, #8]
      adr x9, high
      add x9, x9, x10
      br x9
    high:
      adr x11, .
      ldr x12, [x7, #8]
      hvc #0`;
    const g = new Guest(gnuAssemble(src));
    g.vectors();
    const t = new Tables(g.ram, TABLES);
    const root0 = t.alloc();
    const root1 = t.alloc();
    // TTBR0: a 39-bit... no: T0SZ = 16 here too; identity of code and vectors.
    t.map4k(root0, BigInt(CODE_BASE), CODE_BASE, NORMAL);
    t.map4k(root0, BigInt(VECTORS), VECTORS, NORMAL);
    // TTBR1: the code page at HIGH + 0x80000, the data page at HIGH + 0x1234_5000.
    t.map4k(root1, HIGH + 0x8_0000n, CODE_BASE, NORMAL);
    t.map4k(root1, HIGH + 0x1234_5000n, DATA, NORMAL);
    g.ram.write64(DATA, 0x1122_3344_5566_7788n);
    g.setX(1, MAIR)
      .setX(2, tcr(16, 16))
      .setX(3, root0)
      .setX(4, root1)
      .setX(7, HIGH + 0x1234_5000n)
      .setX(8, 0xabcdn)
      .setX(10, HIGH + 0x8_0000n - BigInt(CODE_BASE))
      .runToStop();
    g.assertStop('hvc').assertX(6, 0x1122_3344_5566_7788n).assertX(12, 0xabcd);
    g.assertMem64(DATA + 8, 0xabcd).assertX(11, HIGH + 0x8_0000n + 0x38n);
    assert.equal(BigInt.asUintN(64, BigInt(g.cpu.pc)), HIGH + 0x8_0044n);
  });

  it('block mappings at level 1 and 2 translate every page of the block', () => {
    const { g, t, root0 } = mmuGuest('ldr x0, [x1]\nldr x2, [x3]\nhvc #0');
    // Level 1 block: VA 0x80_0000_0000 + 1 GiB -> PA 0x4000_0000. Level 2 block: VA 0x1_0020_0000 -> RAM base.
    const l1 = t.alloc();
    t.set(root0, 1, BigInt(l1) | TABLE);
    t.set(l1, 1, 0x4000_0000n | BLOCK | NORMAL);
    const l2 = t.alloc();
    t.set(tableAt(t, root0, 0n, 1), 4, BigInt(l2) | TABLE);
    t.set(l2, 1, 0x4000_0000n | BLOCK | NORMAL);
    g.ram.write64(DATA + 0x458, 77n);
    g.ram.write64(0x4000_0000 + 0x1_2348, 88n);
    g.setX(1, 0x80_4000_0000 + (DATA - 0x4000_0000) + 0x458)
      .setX(3, 0x1_0020_0000 + 0x1_2348)
      .runToStop()
      .assertStop('hvc')
      .assertX(0, 77)
      .assertX(2, 88);
  });

  it('translation, access flag, permission and address size faults: ESR and FAR', () => {
    const cases: {
      name: string;
      setup: (t: Tables, root0: number, root1: number) => void;
      va: bigint;
      write?: boolean;
      fsc: number;
    }[] = [
      { name: 'no L0 entry', setup: () => {}, va: 0x7f00_0000_0000n, fsc: 0x04 },
      {
        name: 'invalid L3 entry',
        setup: (t, r) => {
          t.map4k(r, 0x5000_0000n, DATA, NORMAL);
          t.set(tableAt(t, r, 0x5000_0000n, 3), 0, BigInt(DATA) | 2n | NORMAL);
        },
        va: 0x5000_0008n,
        fsc: 0x07,
      },
      {
        name: 'reserved L3 encoding (01)',
        setup: (t, r) => {
          t.map4k(r, 0x5000_0000n, DATA, NORMAL);
          t.set(tableAt(t, r, 0x5000_0000n, 3), 0, BigInt(DATA) | BLOCK | NORMAL);
        },
        va: 0x5000_0000n,
        fsc: 0x07,
      },
      {
        name: 'AF = 0 in a page',
        setup: (t, r) => t.map4k(r, 0x5000_0000n, DATA, NORMAL & ~AF),
        va: 0x5000_0010n,
        write: true,
        fsc: 0x0b,
      },
      {
        name: 'AF = 0 in a 2 MiB block',
        setup: (t, r) => {
          t.map4k(r, 0x5000_0000n, DATA, NORMAL);
          t.set(tableAt(t, r, 0x5000_0000n, 2), 129, 0x4000_0000n | BLOCK | (NORMAL & ~AF));
        },
        va: 0x5020_0000n,
        fsc: 0x0a,
      },
      {
        name: 'write to a read-only page',
        setup: (t, r) => t.map4k(r, 0x5000_0000n, DATA, NORMAL | AP_EL1_RO),
        va: 0x5000_0000n,
        write: true,
        fsc: 0x0f,
      },
      {
        name: 'write under APTable read-only',
        setup: (t, r) => t.map4k(r, 0x6000_0000n, DATA, NORMAL, AP_TABLE_RO),
        va: 0x6000_0000n,
        write: true,
        fsc: 0x0f,
      },
      {
        name: 'output address beyond 40 bits',
        setup: (t, r) => t.map4k(r, 0x5000_0000n, 0, NORMAL | (1n << 40n)),
        va: 0x5000_0000n,
        fsc: 0x03,
      },
      {
        name: 'a block at level 0',
        setup: (t, r) => t.set(r, 200, 0x0n | BLOCK | NORMAL),
        va: 200n << 39n,
        fsc: 0x04,
      },
      {
        name: 'a table outside RAM (external abort on the walk)',
        setup: (t, r) => t.set(r, 201, 0x1000_0000n | TABLE),
        va: 201n << 39n,
        fsc: 0x15,
      },
      { name: 'TTBR1 without a mapping', setup: () => {}, va: HIGH + 0x1000n, fsc: 0x04 },
      { name: 'VA outside both ranges', setup: () => {}, va: 0x0001_0000_0000_0000n, fsc: 0x04 },
    ];
    for (const c of cases) {
      const { g, t, root0, root1 } = mmuGuest(c.write ? 'str x0, [x1]' : 'ldr x0, [x1]');
      c.setup(t, root0, root1);
      g.setX(1, c.va).run(1);
      assert.equal(g.cpu.pc, VECTORS + 0x200, `${c.name}: pc 0x${g.cpu.pc.toString(16)}`);
      assert.equal(g.cpu.getSysreg('ESR_EL1'), ESR(DABT, (c.write ? WNR : 0) | c.fsc), c.name);
      assert.equal(g.cpu.getSysreg('FAR_EL1'), BigInt.asUintN(64, c.va), c.name);
    }
    // TTBR base beyond the output address size: address size fault, level 0.
    const { g } = mmuGuest('ldr x0, [x1]');
    g.cpu.setSysreg('TTBR1_EL1', 1n << 40n);
    g.setX(1, HIGH).run(1);
    assertAbort(g, ESR(DABT, 0x00), HIGH, CODE_BASE);
    // EPD1: walks of TTBR1 disabled.
    const e = mmuGuest('ldr x0, [x1]', { tcrExtra: 1n << 23n });
    e.t.map4k(e.root1, HIGH, DATA, NORMAL);
    e.g.setX(1, HIGH).run(1);
    assertAbort(e.g, ESR(DABT, 0x04), HIGH, CODE_BASE);
  });

  it('instruction aborts: PXN, unmapped, and EL0-writable memory is never EL1-executable', () => {
    for (const [bits, fsc] of [
      [NORMAL | PXN, 0x0f],
      [NORMAL | AP_RW, 0x0f],
      [NORMAL & ~AF, 0x0b],
    ] as const) {
      const { g, t, root0 } = mmuGuest('br x1');
      t.map4k(root0, 0x5000_0000n, DATA, bits);
      g.setX(1, 0x5000_0000).run(2);
      assertAbort(g, ESR(IABT, fsc), 0x5000_0000, 0x5000_0000);
    }
    const { g } = mmuGuest('br x1');
    g.setX(1, 0x5000_1000).run(2);
    // The level-1 entry for 0x4000_0000-0x7fff_ffff exists (the code's); level 2 has none.
    assertAbort(g, ESR(IABT, 0x06), 0x5000_1000, 0x5000_1000);
  });

  it('Device memory: unaligned accesses take an Alignment fault after translation', () => {
    const { g, t, root0 } = mmuGuest('ldr x0, [x1]\nldr w2, [x3]');
    t.map4k(root0, 0x5000_0000n, DATA, DEVICE);
    t.map4k(root0, 0x5000_1000n, DATA, NORMAL | attr(3));
    g.ram.write64(DATA, 0x0102_0304_0506_0708n);
    g.setX(3, 0x5000_1001).setX(1, 0x5000_0004).run(1);
    assertAbort(g, ESR(DABT, 0x21), 0x5000_0004, CODE_BASE);
    g.cpu.pc = CODE_BASE + 4;
    g.run(1).assertX(2, 0x0405_0607);
  });

  it('an unaligned access across two pages uses both translations', () => {
    const { g, t, root0 } = mmuGuest('ldr x0, [x1]\nstr x2, [x1]\nldr x3, [x4]');
    t.map4k(root0, 0x5000_0000n, DATA + 0x3000, NORMAL);
    t.map4k(root0, 0x5000_1000n, DATA, NORMAL);
    g.ram.write64(DATA + 0x3ff8, 0x1111_1111_1111_1111n);
    g.ram.write64(DATA, 0x2222_2222_2222_2222n);
    g.setX(1, 0x5000_0ffc).setX(2, 0xaabb_ccdd_eeff_0011n).setX(4, 0x5000_1ffc).run(2);
    g.assertX(0, 0x2222_2222_1111_1111n);
    assert.equal(g.ram.read32(DATA + 0x3ffc), 0xeeff_0011);
    assert.equal(g.ram.read32(DATA), 0xaabb_ccdd);
    g.run(1);
    assertAbort(g, ESR(DABT, 0x07), 0x5000_2000, CODE_BASE + 8);
  });

  it('AT S1E1R/W and S1E0R report PAR_EL1', () => {
    const { g, t, root0 } = mmuGuest(
      '.inst 0xd5087801 // at s1e1r, x1\nmrs x10, par_el1\n.inst 0xd5087821 // at s1e1w, x1\nmrs x11, par_el1\n.inst 0xd5087841 // at s1e0r, x1\nmrs x12, par_el1\n.inst 0xd5087803 // at s1e1r, x3\nmrs x13, par_el1',
    );
    t.map4k(root0, 0x5000_0000n, DATA, NORMAL | AP_EL1_RO);
    g.setX(1, 0x5000_0123).setX(3, 0x5000_5000).run(8);
    g.assertX(10, (0xffn << 56n) | BigInt(DATA) | (3n << 7n));
    g.assertX(11, (0x0fn << 1n) | 1n, 'write: permission fault level 3');
    g.assertX(12, (0x0fn << 1n) | 1n, 'EL0 read: permission fault level 3');
    g.assertX(13, (0x07n << 1n) | 1n, 'translation fault level 3');
  });
});

/** The table at `level` (1..3) on the walk of `va` from `root` (which must exist). */
function tableAt(t: Tables, root: number, va: bigint, level: number): number {
  let tab = root;
  for (let l = 0; l < level; l++) {
    const idx = Number((va >> BigInt(39 - 9 * l)) & 511n);
    tab = Number(t.ram.read64(tab + idx * 8) & 0xffff_ffff_f000n);
  }
  return tab;
}

describe('mmu: ASIDs and TLB maintenance', () => {
  const VA = 0x5000_0000n;
  // Not in VA's slot of the direct-mapped TLB (an eviction would hide the sharing).
  const GVA = 0x5100_1000n;
  const P1 = DATA;
  const P2 = DATA + 0x1000;
  const P3 = DATA + 0x2000;

  it('switching the TTBR0 ASID never hits the other space non-global entries; global ones are shared', () => {
    const src =
      'ldr x0, [x1]\nldr x2, [x3]\nmsr ttbr0_el1, x4\nldr x5, [x1]\nldr x6, [x3]\nmsr ttbr0_el1, x7\nldr x8, [x1]\nhvc #0';
    const { g, t, root0 } = mmuGuest(src, { asid0: 1 });
    const rootB = t.alloc();
    t.map4k(root0, VA, P1, NORMAL | NG);
    t.map4k(root0, GVA, P3, NORMAL);
    for (const [v, p] of [
      [BigInt(VECTORS), VECTORS],
      ...[0, 1, 2, 3].map((i) => [BigInt(CODE_BASE + i * 4096), CODE_BASE + i * 4096]),
    ] as [bigint, number][])
      t.map4k(rootB, v, p, NORMAL);
    t.map4k(rootB, VA, P2, NORMAL | NG);
    t.map4k(rootB, GVA, P2, NORMAL | NG);
    g.ram.write64(P1, 1n);
    g.ram.write64(P2, 2n);
    g.ram.write64(P3, 3n);
    g.setX(1, VA)
      .setX(3, GVA)
      .setX(4, BigInt(rootB) | (2n << 48n))
      .setX(7, BigInt(root0) | (1n << 48n));
    g.runToStop().assertStop('hvc');
    g.assertX(0, 1).assertX(2, 3);
    g.assertX(5, 2, 'ASID 2 walks its own table for a non-global page');
    g.assertX(6, 3, 'the global entry cached under ASID 1 still matches (a stale global: allowed)');
    g.assertX(8, 1, 'back to ASID 1');
  });

  it('a changed descriptor is not seen until TLBI; each TLBI form removes what it should', () => {
    // x9 = address of the L3 descriptor for VA; x10/x11 new descriptors.
    const src = `
      ldr x0, [x1]
      str x10, [x9]
      ldr x2, [x1]
      .inst 0xd5088725 // tlbi vae1, x5
      ldr x3, [x1]
      str x11, [x9]
      ldr x4, [x1]
      .inst 0xd508871f // tlbi vmalle1
      ldr x6, [x1]
      hvc #0`;
    const { g, t, root0 } = mmuGuest(src, { asid0: 3 });
    t.map4k(root0, VA, P1, NORMAL | NG);
    g.ram.write64(P1, 1n);
    g.ram.write64(P2, 2n);
    g.ram.write64(P3, 3n);
    const l3 = tableAt(t, root0, VA, 3);
    g.setX(1, VA)
      .setX(9, l3)
      .setX(10, BigInt(P2) | 3n | NORMAL | NG)
      .setX(11, BigInt(P3) | 3n | NORMAL | NG)
      .setX(5, (VA >> 12n) | (3n << 48n));
    g.runToStop().assertStop('hvc');
    g.assertX(0, 1).assertX(2, 1, 'stale entry used before the TLBI');
    g.assertX(3, 2, 'TLBI VAE1 with the ASID');
    g.assertX(4, 2).assertX(6, 3, 'TLBI VMALLE1');
  });

  it('TLBI ASIDE1 keeps global entries; VAAE1 removes any ASID; VAE1 of another ASID keeps the entry', () => {
    const src = `
      ldr x0, [x1]
      ldr x2, [x3]
      str x10, [x9]
      str x11, [x8]
      .inst 0xd5088745 // tlbi aside1, x5
      ldr x4, [x1]
      ldr x6, [x3]
      .inst 0xd5088727 // tlbi vae1, x7 (ASID 9, global VA: removes the global entry too)
      ldr x12, [x3]
      hvc #0`;
    const { g, t, root0 } = mmuGuest(src, { asid0: 3 });
    t.map4k(root0, VA, P1, NORMAL | NG);
    t.map4k(root0, GVA, P1, NORMAL);
    g.ram.write64(P1, 1n);
    g.ram.write64(P2, 2n);
    g.setX(1, VA)
      .setX(3, GVA)
      .setX(9, tableAt(t, root0, VA, 3))
      .setX(8, tableAt(t, root0, GVA, 3) + 8)
      .setX(10, BigInt(P2) | 3n | NORMAL | NG)
      .setX(11, BigInt(P2) | 3n | NORMAL)
      .setX(5, 3n << 48n)
      .setX(7, (GVA >> 12n) | (9n << 48n));
    g.runToStop().assertStop('hvc');
    g.assertX(4, 2, 'ASIDE1 removed the non-global entry').assertX(6, 1, 'the global one stays');
    g.assertX(12, 2, 'VAE1 matches global entries whatever the ASID');
  });

  it('TLBI VAE1 of a page inside a block removes the block entry', () => {
    const src = `
      ldr x0, [x1]
      str x10, [x9]
      .inst 0xd5088725 // tlbi vae1, x5 (another page of the block)
      ldr x2, [x1]
      hvc #0`;
    const { g, t, root0 } = mmuGuest(src);
    t.map4k(root0, 0x5000_0000n, DATA, NORMAL);
    const l2 = tableAt(t, root0, 0x5000_0000n, 2);
    t.set(l2, 129, 0x4000_0000n | BLOCK | NORMAL);
    // The replacement: a table mapping just that page to DATA.
    const l3 = t.alloc();
    t.set(l3, 0x10, BigInt(DATA) | 3n | NORMAL);
    g.ram.write64(0x4000_0000 + 0x1_0000, 5n);
    g.ram.write64(DATA, 6n);
    g.setX(1, 0x5021_0000)
      .setX(9, l2 + 129 * 8)
      .setX(10, BigInt(l3) | TABLE)
      .setX(5, (0x5020_0000n + 0x1f_f000n) >> 12n);
    g.runToStop().assertStop('hvc').assertX(0, 5).assertX(2, 6);
  });

  it('the fetch path sees a new mapping of the code page after TLBI', () => {
    // Code at VA 0x5000_0000 maps to page A, which rewrites its own descriptor to page B and TLBIs.
    const A = DATA;
    const B = DATA + 0x1000;
    const { g, t, root0 } = mmuGuest('br x1');
    t.map4k(root0, 0x5000_0000n, A, NORMAL);
    const l3 = tableAt(t, root0, 0x5000_0000n, 3);
    const words = [
      0xf9000122, // str x2, [x9]
      0xd508871f, // tlbi vmalle1
      0xd503201f, // nop (fetched from B after the TLBI)
    ];
    words.forEach((w, i) => {
      g.ram.write32(A + i * 4, w);
    });
    g.ram.write32(A + 12, 0xd4000002); // hvc #0 in A
    g.ram.write32(B + 8, 0xd2800540); // mov x0, #42 in B
    g.ram.write32(B + 12, 0xd4000002); // hvc #0 in B
    g.setX(1, 0x5000_0000)
      .setX(9, l3)
      .setX(2, BigInt(B) | 3n | NORMAL);
    g.runToStop().assertStop('hvc').assertX(0, 42);
  });

  it('TLBI VMALLE1IS reaches the other cpus of the machine', async () => {
    const { Cpu } = await import('../../../src/hw/cpu/cpu.ts');
    const { g, t, root0 } = mmuGuest('ldr x0, [x1]\nhvc #0');
    t.map4k(root0, VA, P1, NORMAL);
    g.ram.write64(P1, 1n);
    g.ram.write64(P2, 2n);
    g.setX(1, VA).runToStop().assertX(0, 1);
    const other = new Cpu(1, g.ram, g.port);
    other.setSysreg('MAIR_EL1', MAIR);
    other.setSysreg('TCR_EL1', tcr(16, 16));
    other.setSysreg('TTBR0_EL1', root0);
    other.setSysreg('SCTLR_EL1', other.getSysreg('SCTLR_EL1') | 1n);
    g.ram.write64(tableAt(t, root0, VA, 3), BigInt(P2) | 3n | NORMAL);
    g.ram.write32(CODE_BASE + 0x100, 0xd508831f); // tlbi vmalle1is
    g.ram.write32(CODE_BASE + 0x104, 0xd4000002);
    other.pc = CODE_BASE + 0x100;
    assert.equal(other.run(10), 'hvc');
    g.cpu.pc = CODE_BASE;
    g.runToStop().assertX(0, 2);
  });
});
