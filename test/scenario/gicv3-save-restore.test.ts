// Save/restore of a GICv3 VM in a scenario (gic: v3, linux-7.0), both ways a
// VMM has: the whole-VM snapshot (`saveRestore`) and a VMM-style migration
// through the arm-vgic-v3 device's register groups (`vmmMigrate`:
// DIST_REGS, REDIST_REGS, LEVEL_INFO, CPU_SYSREGS in QEMU's order,
// src/hyp/api/vmm-migrate-v3.ts). Two vcpus; the guest state each instant
// exercises:
// - at 1000, SPI 40 (level, priority 0x80) is active on vcpu 0: its handler
//   spins past the save, reads ICC_RPR_EL1 (the restored ICH_AP1R0_EL2)
//   and EOIs; the host lowered the line meanwhile, so it is not taken
//   again;
// - at 2500, ICC_PMR_EL1 = 0 holds back SPI 42 (edge, latched by a pulse)
//   and SPI 43 (level, its line high: pending only through the line), with
//   43 at a higher priority than 42: after the unmask 43 comes first;
// - at 3500, SPI 41 (edge) is pulsed: GICD_IROUTER41 routes it to vcpu 1.
// Every variant gives the guest what the run without any save gives.

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { runScenario } from '../../src/scenario/run.ts';
import { parse } from './helpers.ts';

const GUEST = `
    _start:
        mrs     x0, mpidr_el1
        and     x0, x0, #0xff
        ldr     x1, =vectors
        msr     vbar_el1, x1
        ldr     x19, =0x08000000        // GICD
        cbnz    x0, secondary
        ldr     x18, =0x080a0000        // GICR 0
        str     wzr, [x18, #0x14]       // GICR_WAKER
        mov     w0, #2
        str     w0, [x19]               // GICD_CTLR.EnableGrp1
        add     x1, x19, #0x400         // GICD_IPRIORITYR
        mov     w0, #0x80
        strb    w0, [x1, #40]
        mov     w0, #0x40
        strb    w0, [x1, #41]
        mov     w0, #0x70
        strb    w0, [x1, #42]
        mov     w0, #0x60
        strb    w0, [x1, #43]
        ldr     w0, =(1 << 19) | (1 << 21)
        str     w0, [x19, #0xc08]       // GICD_ICFGR2: SPIs 41, 42 edge
        ldr     x1, =0x08006000 + 8 * 41
        mov     w0, #1
        str     w0, [x1]                // GICD_IROUTER41: vcpu 1
        mov     w0, #0xf00
        str     w0, [x19, #0x104]       // GICD_ISENABLER1: SPIs 40-43
        mov     x0, #0xf0
        msr     icc_pmr_el1, x0
        mov     x0, #1
        msr     icc_igrpen1_el1, x0
        isb
        msr     daifclr, #2
    1:  cmp     x20, #1                 // SPI 40 handled
        b.lo    1b
        msr     icc_pmr_el1, xzr        // hold everything back until 3000
        isb
    2:  mrs     x0, cntvct_el0
        cmp     x0, #3000
        b.lo    2b
        mov     x0, #0xf0
        msr     icc_pmr_el1, x0
        isb
    3:  cmp     x22, #1
        b.lo    3b
        cmp     x23, #1
        b.lo    3b
        ldr     x1, =flag
    4:  ldr     w0, [x1]                // vcpu 1 took SPI 41
        cbz     w0, 4b
        ldr     x0, =0x84000008         // PSCI SYSTEM_OFF
        hvc     #0
    99: b       99b

    secondary:
        ldr     x18, =0x080c0000        // GICR 1
        str     wzr, [x18, #0x14]
        mov     x0, #0xf0
        msr     icc_pmr_el1, x0
        mov     x0, #1
        msr     icc_igrpen1_el1, x0
        isb
        msr     daifclr, #2
    5:  wfi
        b       5b

        .balign 2048
    vectors:
        .skip   0x280
        b       irq
        .balign 2048
    irq:
        mrs     x2, icc_iar1_el1
        cmp     w2, #40
        b.ne    6f
    7:  mrs     x0, cntvct_el0          // active across the save at 1000
        cmp     x0, #1500
        b.lo    7b
        mrs     x24, s3_0_c12_c11_3     // ICC_RPR_EL1
        add     x20, x20, #1
        b       9f
    6:  cmp     w2, #41
        b.ne    8f
        ldr     x1, =flag
        mov     w0, #1
        str     w0, [x1]
        b       9f
    8:  cmp     w2, #42
        b.ne    10f
        add     x22, x22, #1
        b       9f
    10: cmp     w2, #43
        b.ne    9f
        add     x23, x23, #1
        mov     w0, #1 << 11
        str     w0, [x19, #0x184]       // GICD_ICENABLER1: SPI 43 off (its line stays high)
    9:  msr     icc_eoir1_el1, x2
        eret

        .balign 8
    flag:
        .word   0
`;

function scenario(action: string): string {
  const guest = GUEST.split('\n')
    .map((l) => `    ${l}`)
    .join('\n');
  return `version: 1
name: gicv3-save-restore
machine:
  gic: v3
  vcpus: 2
  start: all
  policy: linux-7.0
  limits: { ticks: 20000, instructions: 2000000 }
guest:
  vcpu0: |
${guest}
  vcpu1: { same: vcpu0 }
host:
  - at: 200
    irqLine: { intid: 40, level: 1 }
  - at: 1000
    ${action}
  - at: 1200
    irqLine: { intid: 40, level: 0 }
  - at: 2000
    irqLine: { intid: 42, level: 1 }
  - at: 2000
    irqLine: { intid: 43, level: 1 }
  - at: 2001
    irqLine: { intid: 42, level: 0 }
  - at: 2500
    ${action}
  - at: 3500
    irqLine: { intid: 41, level: 1 }
  - at: 3501
    irqLine: { intid: 41, level: 0 }
expect:
  acknowledged: { vcpu0: [40, 43, 42], vcpu1: [41] }
  registers: { vcpu0: { x24: 0x80 } }
  exit: poweroff
`;
}

describe('save/restore of a GICv3 VM mid-interrupt (gic: v3)', () => {
  const base = runScenario(parse(scenario('exit: host')));
  it('without a save: 40 active across 1000, 43 before 42 after the PMR unmask, 41 on vcpu 1', () => {
    assert.ok(base.passed, JSON.stringify(base.verdicts.filter((v) => !v.ok)));
  });

  for (const action of ['saveRestore: true', 'vmmMigrate: true', 'vmmMigrate: { reassertLines: false }']) {
    it(`${action}: the same acknowledgements (vcpu, INTID, instant) and registers`, () => {
      const r = runScenario(parse(scenario(action)));
      assert.ok(r.passed, JSON.stringify(r.verdicts.filter((v) => !v.ok)));
      assert.deepEqual(
        r.acks.map((a) => [a.cpu, a.intid, a.t]),
        base.acks.map((a) => [a.cpu, a.intid, a.t]),
      );
    });
  }
});
