import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { CODE_BASE, Guest, guest, RAM_BASE, VECTORS } from './helpers/guest.ts';
import { identityMmu } from './helpers/page-tables.ts';

const DATA = RAM_BASE + 0x1000;
const M64 = (1n << 64n) - 1n;

describe('cpu: loads and stores', () => {
  it('every size, sign extension and zero extension', () => {
    const g = guest(
      'ldrb w0, [x9]\nldrsb x1, [x9]\nldrsb w2, [x9]\nldrh w3, [x9]\nldrsh x4, [x9]\nldr w5, [x9]\nldrsw x6, [x9]\nldr x7, [x9]',
    ).setX(9, DATA);
    g.ram.write64(DATA, 0x1122_3344_8899_aaffn);
    g.run(8)
      .assertX(0, 0xff)
      .assertX(1, M64)
      .assertX(2, 0xffff_ffff)
      .assertX(3, 0xaaff)
      .assertX(4, 0xffff_ffff_ffff_aaffn)
      .assertX(5, 0x8899_aaff)
      .assertX(6, 0xffff_ffff_8899_aaffn)
      .assertX(7, 0x1122_3344_8899_aaffn);
  });

  it('pre- and post-index writeback, unscaled and register offsets', () => {
    const g = guest(
      'str x1, [x9, #16]!\nstr x2, [x9], #-8\nldur x3, [x9, #8]\nldr x4, [x10, x11, lsl #3]\nldr w5, [x10, w12, sxtw #2]\nstrb w1, [x10, x13]',
    )
      .setX(1, 0xaa)
      .setX(2, 0xbb)
      .setX(9, DATA)
      .setX(10, DATA + 0x20)
      .setX(11, -2)
      .setX(12, 0xffff_fffc)
      .setX(13, 0x40);
    g.run(6);
    g.assertX(9, DATA + 8)
      .assertX(3, 0xbb)
      .assertX(4, 0xbb)
      .assertX(5, 0xbb);
    g.assertMem64(DATA + 16, 0xbb).assertMem64(DATA + 0x60, 0xaa);
  });

  it('LDP/STP with writeback and LDPSW', () => {
    const g = guest('stp x1, x2, [sp, #-16]!\nldp x3, x4, [sp], #16\nldpsw x5, x6, [x9]').setSp(
      RAM_BASE + 0x8000,
    );
    g.setX(1, 1).setX(2, 2).setX(9, DATA);
    g.ram.write32(DATA, 0xffff_fffe);
    g.ram.write32(DATA + 4, 3);
    g.run(3)
      .assertSp(RAM_BASE + 0x8000)
      .assertX(3, 1)
      .assertX(4, 2)
      .assertX(5, -2n & M64)
      .assertX(6, 3);
  });

  it('LDR literal and ADR/ADRP', () => {
    guest('ldr x0, lit\nadr x1, lit\nadrp x2, lit\nb .\nlit: .quad 0x1122334455667788')
      .run(3)
      .assertX(0, 0x1122_3344_5566_7788n)
      .assertX(1, CODE_BASE + 16)
      .assertX(2, CODE_BASE);
  });

  it('exclusive pairs: a store-exclusive succeeds once, fails after CLREX or an intervening store', () => {
    const g = guest(`
      ldxr x0, [x9]
      add x0, x0, #1
      stxr w1, x0, [x9]
      stxr w2, x0, [x9]
      ldaxr x3, [x9]
      clrex
      stlxr w4, x3, [x9]
      ldxp x5, x6, [x9]
      str xzr, [x9, #8]
      stxp w7, x5, x6, [x9]
      b .`).setX(9, DATA);
    g.ram.write64(DATA, 41n);
    g.run(10).assertX(1, 0).assertX(2, 1).assertX(3, 42).assertX(4, 1).assertX(7, 1).assertMem64(DATA, 42);
  });

  it('another cpu storing to the granule clears the reservation and sets the event register', () => {
    const a = guest('ldxr x0, [x9]\nstxr w1, x0, [x9]').setX(9, DATA);
    const b = new Guest('str x2, [x9]', a.ram, 1, CODE_BASE + 0x1000).setX(9, DATA + 8).setX(2, 5);
    a.run(1);
    assert.equal(a.cpu.eventRegister, false);
    b.run(1);
    assert.equal(a.cpu.eventRegister, true);
    a.run(1).assertX(1, 1);
  });

  it('unaligned accesses fault with the MMU off (Device memory) and pass with it on', () => {
    const g = guest('ldr x0, [x9]')
      .setX(9, DATA + 4)
      .vectors();
    g.run(1).assertPc(VECTORS + 0x200);
    assert.equal(g.cpu.getSysreg('ESR_EL1'), (0x25n << 26n) | (1n << 25n) | 0x21n);
    assert.equal(g.cpu.getSysreg('FAR_EL1'), BigInt(DATA + 4));
    const h = guest('ldr x0, [x9]\nldaxr x1, [x9]').setX(9, DATA + 4);
    identityMmu(h.cpu, h.ram);
    h.ram.write64(DATA + 4, 0x55n);
    h.vectors()
      .run(2)
      .assertX(0, 0x55)
      .assertPc(VECTORS + 0x200);
    assert.equal(h.cpu.getSysreg('ESR_EL1') & 0x3fn, 0x21n, 'exclusives always need alignment');
  });

  it('SP alignment check with SCTLR_EL1.SA', () => {
    guest('ldr x0, [sp]')
      .setSysreg('SCTLR_EL1', 0x30d0_0808n)
      .vectors()
      .setSp(DATA + 8)
      .run(1)
      .assertPc(VECTORS + 0x200)
      .assertSysreg('ESR_EL1', (0x26n << 26n) | (1n << 25n));
  });

  it('a bus fault is a synchronous external abort with FAR and WnR', () => {
    const g = guest('str w0, [x9]').setX(9, 0x0900_0000).vectors().run(1);
    g.assertPc(VECTORS + 0x200).assertSysreg('FAR_EL1', 0x0900_0000);
    g.assertSysreg('ESR_EL1', (0x25n << 26n) | (1n << 25n) | (1n << 6n) | 0x10n).assertSysreg(
      'ELR_EL1',
      CODE_BASE,
    );
  });

  it('DC ZVA zeroes 64 bytes with the MMU on', () => {
    const g = guest('.inst 0xd50b7429 // dc zva, x9').setX(9, DATA + 0x45);
    identityMmu(g.cpu, g.ram);
    g.ram.write64(DATA + 0x40, M64);
    g.ram.write64(DATA + 0x80, M64);
    g.run(1)
      .assertMem64(DATA + 0x40, 0)
      .assertMem64(DATA + 0x80, M64);
  });
});
