// EL0 with the MMU on: ERET to EL0 and SVC back, SP_EL0, aborts from EL0
// (lower-EL vectors and ECs), EL0 permissions, and the EL0 access checks
// of Arm ARM D1/D19 (SCTLR_EL1.UMA/UCT/UCI/DZE/nTWI/nTWE, CNTKCTL_EL1).
// test:cross: aarch64-linux-gnu-as, -objcopy (npm test: the bytes recorded in test/fixtures/cross/)

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { sysregEncoding } from '../../../src/hw/cpu/guest-port.ts';
import { gnuAssemble } from './helpers/gnu-as.ts';
import { CODE_BASE, VECTORS } from './helpers/guest.ts';
import {
  AP_EL1_RO,
  AP_EL1_RW,
  AP_RO,
  AP_RW,
  AP_TABLE_NO_EL0,
  assertAbort,
  ESR,
  mmuGuest,
  NORMAL,
  PXN,
  UXN,
} from './helpers/page-tables.ts';

const USER_CODE = 0x5000_0000;
const USER_DATA = 0x5000_1000;
const USER_PA = 0x4013_0000;
const SCTLR_UMA = 1n << 9n;
const SCTLR_DZE = 1n << 14n;
const SCTLR_UCT = 1n << 15n;
const SCTLR_NTWI = 1n << 16n;
const SCTLR_UCI = 1n << 26n;

/** EL1 code that ERETs to USER_CODE at EL0t; `user` is the EL0 code (GNU-as-free: our assembler). */
function el0Guest(user: string, dataBits = NORMAL | AP_RW | UXN | PXN) {
  const s = mmuGuest('msr elr_el1, x20\nmsr spsr_el1, xzr\neret');
  const { g, t, root0 } = s;
  t.map4k(root0, BigInt(USER_CODE), USER_PA, NORMAL | AP_RO | PXN);
  t.map4k(root0, BigInt(USER_DATA), USER_PA + 0x1000, dataBits);
  return { ...s, g, load: loadUser(g, user) };
}

function loadUser(g: ReturnType<typeof mmuGuest>['g'], user: string) {
  return import('../../../src/hw/cpu/asm/index.ts').then(({ assemble }) => {
    const img = assemble(user, { base: USER_CODE });
    g.ram.load(USER_PA, img.bytes);
    g.setX(20, USER_CODE);
    return img;
  });
}

const sysTrap = (
  op0: number,
  op1: number,
  crn: number,
  crm: number,
  op2: number,
  rt: number,
  read: boolean,
) =>
  ESR(0x18, (op0 << 20) | (op2 << 17) | (op1 << 14) | (crn << 10) | (rt << 5) | (crm << 1) | (read ? 1 : 0));

describe('EL0', () => {
  it('ERET to EL0, SP_EL0, SVC back: ESR, ELR, SPSR and the lower-EL vector', async () => {
    const { g, load } = el0Guest('mov x1, sp\nadds x2, x2, #0\nldr x3, [x4]\nsvc #0x77');
    await load;
    g.cpu.setBankedSp(false, 0x5000_1ff0n);
    g.ram.write64(USER_PA + 0x1008, 0x99n);
    g.setX(4, USER_DATA + 8).run(7);
    assert.equal(g.cpu.el, 1);
    g.assertPc(VECTORS + 0x400)
      .assertSysreg('ESR_EL1', ESR(0x15, 0x77))
      .assertSysreg('ELR_EL1', USER_CODE + 16)
      .assertSysreg('SPSR_EL1', 0x4000_0000n) // EL0t, Z set by adds, DAIF clear
      .assertX(1, 0x5000_1ff0)
      .assertX(3, 0x99);
  });

  it('aborts from EL0 use EC 0x20/0x24 and the 0x400 vector; EL0 permissions are enforced', async () => {
    // Read of an EL1-only page, write to a read-only page, fetch from a UXN page, APTable no-EL0.
    const cases: [string, bigint, bigint, number][] = [
      ['ldr x0, [x4]', NORMAL | AP_EL1_RO | UXN, ESR(0x24, 0x0f), USER_DATA],
      ['str x0, [x4]', NORMAL | AP_RO | UXN, ESR(0x24, 0x40 | 0x0f), USER_DATA],
      ['br x4', NORMAL | AP_RO | UXN, ESR(0x20, 0x0f), USER_DATA],
    ];
    for (const [code, bits, esr, far] of cases) {
      const { g, load } = el0Guest(code, bits);
      await load;
      g.setX(4, USER_DATA).run(5);
      assertAbort(g, esr, far, code.startsWith('br') ? USER_DATA : USER_CODE, true);
    }
    const { g, t, root0, load } = el0Guest('ldr x0, [x4]');
    await load;
    t.map4k(root0, 0x60_0000_0000n, USER_PA, NORMAL | AP_RW, AP_TABLE_NO_EL0);
    g.setX(4, 0x60_0000_0000).run(4);
    assertAbort(g, ESR(0x24, 0x0f), 0x60_0000_0000, USER_CODE, true);
    // The same page read at EL1 is fine.
    const e = mmuGuest('ldr x0, [x4]');
    e.t.map4k(e.root0, 0x60_0000_0000n, USER_PA, NORMAL | AP_RW, AP_TABLE_NO_EL0);
    e.g
      .setX(4, 0x60_0000_0000)
      .run(1)
      .assertPc(CODE_BASE + 4);
  });

  it('EL0 traps: DAIF (UMA), CTR_EL0 (UCT), DC ZVA (DZE), DC CIVAC (UCI), WFI (nTWI); EL1 registers are UNDEFINED', async () => {
    const cases: [string, bigint, bigint][] = [
      ['msr daifset, #2', SCTLR_UMA, sysTrap(0, 3, 4, 2, 6, 31, false)],
      ['mrs x5, daif', SCTLR_UMA, sysTrap(3, 3, 4, 2, 1, 5, true)],
      ['mrs x6, ctr_el0', SCTLR_UCT, sysTrap(3, 3, 0, 0, 1, 6, true)],
      ['.inst 0xd50b7427 // dc zva, x7', SCTLR_DZE, sysTrap(1, 3, 7, 4, 1, 7, false)],
      ['.inst 0xd50b7e27 // dc civac, x7', SCTLR_UCI, sysTrap(1, 3, 7, 14, 1, 7, false)],
      ['wfi', SCTLR_NTWI, ESR(0x01, (1 << 24) | (0xe << 20))],
    ];
    for (const [code, allow, esr] of cases) {
      const { g, load } = el0Guest(`${code}\nnop`);
      await load;
      g.setX(7, USER_DATA).run(4);
      assertAbort(g, esr, g.cpu.getSysreg('FAR_EL1'), USER_CODE, true);
      const ok = el0Guest(`${code}\nnop`);
      await ok.load;
      ok.g.cpu.setSysreg('SCTLR_EL1', ok.g.cpu.getSysreg('SCTLR_EL1') | allow);
      ok.g.setX(7, USER_DATA).run(5);
      assert.equal(ok.g.cpu.el, 0, `${code} allowed by SCTLR`);
      if (code !== 'wfi') ok.g.assertPc(USER_CODE + 8);
    }
    const u = el0Guest('mrs x0, sctlr_el1');
    await u.load;
    u.g.run(4);
    assertAbort(u.g, ESR(0, 0), u.g.cpu.getSysreg('FAR_EL1'), USER_CODE, true);
    // DCZID_EL0.DZP reads 1 at EL0 while DC ZVA is prohibited.
    const z = el0Guest('mrs x0, dczid_el0\nnop');
    await z.load;
    z.g.run(5).assertX(0, 0x14);
  });

  it('EL0 timer registers are gated by CNTKCTL_EL1, read from the machine through the port', async () => {
    const CNTKCTL = sysregEncoding(3, 0, 14, 1, 0);
    for (const [kctl, trapped] of [
      [0n, true],
      [2n, false],
    ] as const) {
      const { g, load } = el0Guest('mrs x0, cntvct_el0\nnop');
      await load;
      const orig = g.port.sysregRead.bind(g.port);
      g.port.sysregRead = (cpu, enc) => (enc === CNTKCTL ? kctl : orig(cpu, enc));
      g.runToStop(5);
      if (trapped)
        assertAbort(g, sysTrap(3, 3, 14, 0, 2, 0, true), g.cpu.getSysreg('FAR_EL1'), USER_CODE, true);
      else {
        assert.equal(g.cpu.el, 0);
        assert.equal(g.cpu.pc, USER_CODE + 8);
      }
    }
    // Registers of EL1 behind the port (op1 = 0) are UNDEFINED at EL0 without asking the port.
    const { g, load } = el0Guest('mrs x0, cntkctl_el1');
    await load;
    g.run(4);
    assertAbort(g, ESR(0, 0), g.cpu.getSysreg('FAR_EL1'), USER_CODE, true);
    assert.equal(g.port.calls.length, 0);
  });

  it('LDTR/STTR at EL1 are checked with EL0 permissions (Arm ARM C6.2 LDTR); LDR is not', () => {
    const DATA_VA = 0x50_0000_0000;
    const DATA_PA = 0x4014_0000;
    // An EL1-only page: LDR from EL1 works, LDTR from EL1 takes a permission fault (same EL, EC 0x25).
    const a = mmuGuest(gnuAssemble('ldr x0, [x4]\nldtr x2, [x4]'));
    a.t.map4k(a.root0, BigInt(DATA_VA), DATA_PA, NORMAL | AP_EL1_RW | UXN | PXN);
    a.g.ram.write64(DATA_PA, 0x1234n);
    a.g.setX(4, DATA_VA).run(2);
    a.g.assertX(0, 0x1234n);
    assertAbort(a.g, ESR(0x25, 0x0f), DATA_VA, CODE_BASE + 4);
    // A page EL0 may write: STTR from EL1 stores, LDTR reads it back.
    const b = mmuGuest(gnuAssemble('sttr x3, [x4, #8]\nldtr x5, [x4, #8]'));
    b.t.map4k(b.root0, BigInt(DATA_VA), DATA_PA, NORMAL | AP_RW | UXN | PXN);
    b.g
      .setX(4, DATA_VA)
      .setX(3, 0xfeedn)
      .run(2)
      .assertPc(CODE_BASE + 8);
    b.g.assertX(5, 0xfeedn);
    assert.equal(b.g.ram.read64(DATA_PA + 8), 0xfeedn);
    // A page EL0 may only read: STTR from EL1 faults (WnR set), though EL1 itself could write it.
    const c = mmuGuest(gnuAssemble('sttr x3, [x4]'));
    c.t.map4k(c.root0, BigInt(DATA_VA), DATA_PA, NORMAL | AP_RO | UXN | PXN);
    c.g.setX(4, DATA_VA).run(1);
    assertAbort(c.g, ESR(0x25, 0x40 | 0x0f), DATA_VA, CODE_BASE);
  });
});
