import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { CNTVCT_EL0 } from './helpers/fake-port.ts';
import { CODE_BASE, guest, VECTORS } from './helpers/guest.ts';

const ESR = (ec: number, iss = 0) => BigInt(((ec << 26) | (1 << 25) | iss) >>> 0);

describe('cpu: exceptions and the guest port', () => {
  it('an IRQ asserted while masked is taken right after msr daifclr, #2', () => {
    const g = guest('nop\nnop\nmsr daifclr, #2\nnop\nnop').vectors().irq(true);
    g.run(2).assertPc(CODE_BASE + 8);
    // Two cycles: the MSR, then the IRQ's entry (an exception entry is a cycle).
    g.run(2)
      .assertPc(VECTORS + 0x200 + 0x80)
      .assertSysreg('ELR_EL1', CODE_BASE + 12)
      .assertInstret(3);
    assert.equal(g.cpu.getSysreg('SPSR_EL1'), 0x345n, 'SPSR: EL1h, D A F masked, I clear');
    assert.equal(g.cpu.daif, 0xf);
  });

  it('IRQ from EL0 uses the lower-EL vector and SP_EL1; ERET returns to EL0', () => {
    const g = guest('msr spsr_el1, x0\nmsr elr_el1, x1\neret\nel0: nop\nnop').vectors();
    g.setX(0, 0)
      .setX(1, CODE_BASE + 12)
      .run(3)
      .assertPc('el0');
    assert.equal(g.cpu.el, 0);
    g.irq(true)
      .run(1)
      .assertPc(VECTORS + 0x480)
      .assertSysreg('ELR_EL1', CODE_BASE + 12);
    assert.equal(g.cpu.el, 1);
  });

  it('FIQ beats IRQ; masked inputs are not taken', () => {
    const g = guest('msr daifclr, #3\nnop').vectors().irq(true);
    g.cpu.setFiq(true);
    g.run(2).assertPc(VECTORS + 0x300);
    guest('msr daifclr, #1\nnop')
      .vectors()
      .irq(true)
      .run(2)
      .assertPc(CODE_BASE + 8);
  });

  it('SVC, BRK and UNDEFINED syndromes', () => {
    guest('svc #0x42')
      .vectors()
      .run(1)
      .assertPc(VECTORS + 0x200)
      .assertSysreg('ESR_EL1', ESR(0x15, 0x42))
      .assertSysreg('ELR_EL1', CODE_BASE + 4);
    guest('brk #7').vectors().run(1).assertSysreg('ESR_EL1', ESR(0x3c, 7)).assertSysreg('ELR_EL1', CODE_BASE);
    const u = guest('.inst 0x1f420c20 // fmadd d0, d1, d2, d3 (not implemented)').vectors().run(1);
    u.assertPc(VECTORS + 0x200)
      .assertSysreg('ESR_EL1', ESR(0))
      .assertSysreg('ELR_EL1', CODE_BASE)
      .assertInstret(0);
    assert.equal(u.cpu.undefCounts[1], 1, 'counted as fp-simd');
  });

  it('HVC stops the cpu with PC advanced and the immediate recorded', () => {
    const g = guest('mov x0, #1\nhvc #0x12\nnop')
      .run(10)
      .assertStop('hvc')
      .assertPc(CODE_BASE + 8)
      .assertInstret(2);
    assert.equal(g.cpu.hvcImm, 0x12);
    g.setX(0, 0).run(1).assertStop('budget').assertInstret(3);
  });

  it('ERET restores PSTATE and PC and clears the exclusive monitor', () => {
    const g = guest('msr spsr_el1, x0\nmsr elr_el1, x1\nldxr x3, [x1]\neret\n.balign 16\nt: b .');
    g.setX(0, 0xf000_03c5n)
      .setX(1, CODE_BASE + 16)
      .run(4)
      .assertPc('t')
      .assertFlags('NZCV');
    assert.equal(g.cpu.daif, 0xf);
    assert.equal(g.ram.excl[0], -1);
  });

  it('WFI stops with PC advanced', () => {
    guest('wfi\nnop')
      .run(5)
      .assertStop('wfi')
      .assertPc(CODE_BASE + 4)
      .assertInstret(1);
    guest('sevl\nwfe\nwfe')
      .run(5)
      .assertStop('wfe')
      .assertPc(CODE_BASE + 12);
  });

  it('MMIO in place: the value returns, the run ends, instret is exact in the call', () => {
    const g = guest('nop\nldrh w0, [x9]\nnop').setX(9, 0x0900_0000);
    g.port.regs.set(0x0900_0000, 0xbeef);
    g.run(10)
      .assertStop('port')
      .assertX(0, 0xbeef)
      .assertPc(CODE_BASE + 8);
    assert.equal(g.port.calls[0].instret, 1);
  });

  it('MMIO exit: stop before retiring, ESR_EL2-style record, completion sign-extends', () => {
    const g = guest('ldrsh x5, [x9]\nnop').setX(9, 0x0801_0000);
    g.port.exitAt.add(0x0801_0000);
    g.run(10).assertStop('mmio-exit').assertPc(CODE_BASE).assertInstret(0);
    const m = g.cpu.mmio;
    assert.deepEqual(
      [m.pa, m.size, m.write, m.isv, m.sas, m.sse, m.srt, m.sf],
      [0x0801_0000, 2, false, true, 1, true, 5, true],
    );
    assert.throws(() => g.cpu.run(1));
    g.cpu.completeMmioRead(0x8001);
    g.assertX(5, 0xffff_ffff_ffff_8001n)
      .assertPc(CODE_BASE + 4)
      .assertInstret(1);
    g.run(1).assertInstret(2);
  });

  it('MMIO exit of a store records the value; writeback forms report ISV = 0', () => {
    const g = guest('str w1, [x9]\nstr x1, [x9], #8').setX(9, 0x0801_0000).setX(1, 0x1_2345_6789n);
    g.port.exitAt.add(0x0801_0000);
    g.run(1).assertStop('mmio-exit');
    assert.deepEqual([g.cpu.mmio.write, g.cpu.mmio.valueLo, g.cpu.mmio.isv], [true, 0x2345_6789, true]);
    g.cpu.completeMmioWrite();
    g.run(1).assertStop('mmio-exit');
    assert.equal(g.cpu.mmio.isv, false);
    g.cpu.completeMmioWrite();
    g.assertX(9, 0x0801_0008).assertPc(CODE_BASE + 8);
  });

  it('system registers outside the core go to the port (CNTVCT sees exact instret)', () => {
    const g = guest('nop\nnop\nmrs x0, cntvct_el0\nmrs x1, cntvct_el0');
    g.run(10).assertStop('port').assertX(0, 2);
    g.port.sysExit.add(CNTVCT_EL0);
    g.run(10)
      .assertStop('sysreg-exit')
      .assertPc(CODE_BASE + 12);
    assert.equal(g.cpu.sysregAccess.rt, 1);
    g.cpu.completeSysregRead(99n);
    g.assertX(1, 99);
    guest('mrs x0, s3_0_c15_c0_0')
      .vectors()
      .run(1)
      .assertPc(VECTORS + 0x200)
      .assertSysreg('ESR_EL1', ESR(0));
  });

  it('identity registers', () => {
    const g = guest(
      'mrs x0, midr_el1\nmrs x1, mpidr_el1\nmrs x2, currentel\nmrs x3, id_aa64pfr0_el1\nmrs x4, s3_0_c0_c1_0',
    );
    g.run(5).assertX(0, 0x411f_d073).assertX(1, 0x8000_0000).assertX(2, 4).assertX(3, 0x11).assertX(4, 0);
  });

  it('stores into decoded code invalidate the decode cache', () => {
    // Patch the `mov x0, #1` at `p` into `mov x0, #2` (movz x0, #2 = 0xd2800040), then run it again.
    const g = guest('p: mov x0, #1\nldr w1, new\nadr x2, p\nstr w1, [x2]\nb p\nnew: .inst 0xd2800040');
    g.run(1).assertX(0, 1);
    g.run(4).assertPc('p');
    g.run(1).assertX(0, 2);
  });

  it('a misaligned branch target takes a PC alignment fault', () => {
    guest('br x1')
      .vectors()
      .setX(1, CODE_BASE + 2)
      .run(1)
      .assertPc(VECTORS + 0x200)
      .assertSysreg('ESR_EL1', ESR(0x22))
      .assertSysreg('FAR_EL1', CODE_BASE + 2);
  });

  it('a fetch outside RAM is an instruction abort; a storm still ends the run', () => {
    const g = guest('br x1').setX(1, 0x0800_0000).run(1).assertInstret(1);
    // VBAR_EL1 = 0 is outside RAM too: every vector fetch aborts again.
    g.run(100).assertStop('budget').assertInstret(1);
    assert.equal(g.cpu.getSysreg('ESR_EL1'), ESR(0x21, 0x10));
    assert.equal(g.cpu.getSysreg('FAR_EL1'), 0x200n);
  });
});

describe('cpu: breakpoints', () => {
  it('calls back right after the instruction at the address and stops the run', () => {
    const g = guest('nop\nstep: add x0, x0, #1\nnop\nb .');
    let hits = 0;
    g.cpu.addBreakpoint(g.sym('step'), () => {
      hits++;
      g.cpu.requestStop();
    });
    g.run(10)
      .assertStop('stopped')
      .assertPc(CODE_BASE + 8)
      .assertInstret(2);
    assert.equal(hits, 1);
    g.run(10).assertStop('budget').assertInstret(12);
  });

  it('an instruction that exits and is completed: its breakpoint fires once, the next one still fires', () => {
    const g = guest('trap: mrs x0, cntvct_el0\nnext: nop\nnop\nb .');
    g.port.sysExit.add(CNTVCT_EL0);
    const hits: string[] = [];
    g.cpu.addBreakpoint(g.sym('trap'), () => hits.push('trap'));
    g.cpu.addBreakpoint(g.sym('next'), () => hits.push('next'));
    g.run(10).assertStop('sysreg-exit');
    assert.deepEqual(hits, ['trap']);
    g.cpu.completeSysregRead(7);
    g.run(10).assertStop('budget');
    assert.deepEqual(hits, ['trap', 'next']);
    assert.equal(g.cpu.getX(0), 7n);
  });
});
