// A migration done the way a VMM does it (host action `vmmMigrate`): the
// vcpus leave KVM_RUN, the vgic goes through KVM_DEV_ARM_VGIC_GRP_DIST_REGS /
// CPU_REGS, the timers through ONE_REG, a fresh VM is written back, the
// lines userspace drives are raised again, and the guest goes on. A level
// SPI whose line is high at save time shows KVM's documented limit: the line
// is not a register, only what userspace re-asserts survives.

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { GENERATIONS } from '../../src/hyp/generation/index.ts';
import { runScenario } from '../../src/scenario/run.ts';
import { MemorySink } from '../../src/sim/trace/sink.ts';
import { parse } from './helpers.ts';

const GENS = Object.keys(GENERATIONS);

/**
 * SPI 40 (level) and the virtual timer enabled; IRQs masked until the
 * counter passes 1000. The SPI handler EOIs without lowering anything, so
 * a line that stays high delivers again: it disables SPI 40 at the third.
 * The timer (CVAL = 3000) is counted in x21. x19 is a marker the guest
 * sets before and reads after.
 */
const GUEST = `
    _start:
        ldr     x0, =vectors
        msr     vbar_el1, x0
        ldr     x19, =0x08000000        // GICD
        ldr     x18, =0x08010000        // GICC
        mov     w0, #1
        str     w0, [x19]               // GICD_CTLR
        ldr     w0, =0x08000000
        str     w0, [x19, #0x100]       // GICD_ISENABLER0: PPI 27
        mov     w0, #0x100
        str     w0, [x19, #0x104]       // GICD_ISENABLER1: SPI 40
        mov     w0, #0xf0
        str     w0, [x18, #0x4]         // GICC_PMR
        mov     w0, #1
        str     w0, [x18]               // GICC_CTLR
        mov     x17, #0x1234            // survives the migration
        mov     x20, #0
        mov     x21, #0
        mov     x0, #3000
        msr     cntv_cval_el0, x0
        mov     x0, #1
        msr     cntv_ctl_el0, x0        // ENABLE, fires at 3000
        msr     daifset, #2
    1:  mrs     x0, cntvct_el0
        cmp     x0, #1000
        b.lo    1b
        msr     daifclr, #2
    2:  mrs     x0, cntvct_el0
        cmp     x21, #1
        b.lo    2b
        ldr     x1, =5000
        cmp     x0, x1
        b.lo    2b
        ldr     x0, =0x84000008         // PSCI SYSTEM_OFF
        hvc     #0
    99: b       99b

        .balign 2048
    vectors:
        .skip   0x280
        b       irq
        .balign 2048
    irq:
        ldr     w2, [x18, #0xc]         // GICC_IAR
        and     w3, w2, #0x3ff
        cmp     w3, #27
        b.ne    3f
        msr     cntv_ctl_el0, xzr       // the timer's line low
        add     x21, x21, #1
        b       9f
    3:  cmp     w3, #40
        b.ne    9f
        add     x20, x20, #1
        cmp     x20, #3
        b.lo    9f
        mov     w4, #0x100
        str     w4, [x19, #0x184]       // GICD_ICENABLER1: SPI 40 off
    9:  str     w2, [x18, #0x10]        // GICC_EOIR
        eret
`;

function scenario(action: string, expect: string): string {
  const guest = GUEST.split('\n')
    .map((l) => `    ${l}`)
    .join('\n');
  return `version: 1
name: vmm-migrate
machine:
  limits: { ticks: 20000, instructions: 1000000 }
guest:
  vcpu0: |
${guest}
host:
  - at: 100
    irqLine: { intid: 40, level: 1 }
  - at: 300
    ${action}
expect:
${expect}
`;
}

describe('vmmMigrate: a VMM-style migration in a scenario', () => {
  for (const gen of GENS) {
    it(`${gen}: lines re-asserted -> the guest sees what it would have seen without the migration`, () => {
      const s = parse(
        scenario(
          'vmmMigrate: true',
          `  acknowledged: { vcpu0: [40, 40, 40, 27] }
  registers: { vcpu0: { x17: 0x1234, x20: 3, x21: 1 } }
  exit: poweroff
  divergence: none`,
        ),
      );
      const r = runScenario(s, { policy: gen });
      assert.ok(r.passed, JSON.stringify(r.verdicts.filter((v) => !v.ok)));
      assert.ok(r.costs.hyp.signalExits >= 1, 'the vcpu left KVM_RUN (KVM_EXIT_INTR)');
      // the same run with the internal whole-VM snapshot, and with none
      for (const action of ['saveRestore: true', 'exit: host']) {
        const o = runScenario(parse(scenario(action, '  exit: poweroff')), { policy: gen });
        assert.deepEqual(
          o.acks.map((a) => a.intid),
          r.acks.map((a) => a.intid),
          action,
        );
      }
    });

    it(`${gen}: lines not re-asserted -> the high line is lost, only the latch ISPENDR restored remains (one delivery)`, () => {
      const s = parse(
        scenario(
          'vmmMigrate: { reassertLines: false }',
          `  acknowledged: { vcpu0: [40, 27] }
  registers: { vcpu0: { x17: 0x1234, x20: 1, x21: 1 } }
  exit: poweroff
  divergence: allowed`,
        ),
      );
      const r = runScenario(s, { policy: gen });
      assert.ok(r.passed, JSON.stringify(r.verdicts.filter((v) => !v.ok)));
      // bare metal keeps the line high and delivers three times; fewer is a lost interrupt,
      // which the divergence check (spurious deliveries) does not flag
      assert.equal(r.divergence, null);
    });
  }

  it('vmmMigrate takes true or { reassertLines }', () => {
    assert.throws(() => parse(scenario('vmmMigrate: false', '  exit: poweroff')));
    assert.throws(() => parse(scenario('vmmMigrate: { lines: true }', '  exit: poweroff')));
  });
});

/** Waits in WFI for the timer (CVAL 2000); x22 counts WFI completions, x21 timer interrupts. */
const WFI_GUEST = `
    _start:
        ldr     x0, =vectors
        msr     vbar_el1, x0
        ldr     x19, =0x08000000
        ldr     x18, =0x08010000
        mov     w0, #1
        str     w0, [x19]
        ldr     w0, =0x08000000
        str     w0, [x19, #0x100]       // PPI 27
        mov     w0, #0xf0
        str     w0, [x18, #0x4]
        mov     w0, #1
        str     w0, [x18]
        mov     x21, #0
        mov     x22, #0
        mov     x0, #2000
        msr     cntv_cval_el0, x0
        mov     x0, #1
        msr     cntv_ctl_el0, x0
        msr     daifclr, #2
    1:  wfi
        add     x22, x22, #1
        cmp     x21, #1
        b.lo    1b
        ldr     x0, =0x84000008
        hvc     #0
    99: b       99b

        .balign 2048
    vectors:
        .skip   0x280
        b       irq
        .balign 2048
    irq:
        ldr     w2, [x18, #0xc]
        msr     cntv_ctl_el0, xzr
        add     x21, x21, #1
        str     w2, [x18, #0x10]
        eret
`;

function wfiScenario(action: string, wfiCompletions: number): string {
  const guest = WFI_GUEST.split('\n')
    .map((l) => `    ${l}`)
    .join('\n');
  return `version: 1
name: vmm-migrate-wfi
machine:
  vcpus: 2                # vcpu1 stays powered off
  limits: { ticks: 20000, instructions: 1000000 }
guest:
  vcpu0: |
${guest}
host:
  - at: 500
    ${action}
expect:
  acknowledged: { vcpu0: [27] }
  registers: { vcpu0: { x21: 1, x22: ${wfiCompletions} } }
  exit: poweroff
  divergence: none
`;
}

describe('vmmMigrate while the vcpu waits in WFI', () => {
  for (const gen of GENS)
    it(`${gen}: the signal ends the WFI (a spurious wake-up the guest sees), the timer still fires after`, () => {
      // x22 = 2: the WFI completed at the migration (spurious), then at the timer
      const migrated = runScenario(parse(wfiScenario('vmmMigrate: true', 2)), { policy: gen });
      assert.ok(migrated.passed, JSON.stringify(migrated.verdicts.filter((v) => !v.ok)));
      // without a signal the WFI completes once, at the timer (a forced exit does not end kvm_vcpu_block)
      const plain = runScenario(parse(wfiScenario('exit: host', 1)), { policy: gen });
      assert.ok(plain.passed, JSON.stringify(plain.verdicts.filter((v) => !v.ok)));
      // vcpu0 returned KVM_EXIT_INTR; vcpu1 (off, never run) was already in userspace
      assert.equal(migrated.costs.hyp.signalExits, 1);
      assert.equal(migrated.costs.hyp.exits.intr, 0, 'nothing was in the guest');
    });
});

describe('vmmMigrate: determinism', () => {
  it('the same scenario and seed give the same trace', () => {
    const trace = () => {
      const sink = new MemorySink();
      runScenario(parse(scenario('vmmMigrate: true', '  exit: poweroff')), {
        policy: 'linux-7.0',
        trace: sink,
      });
      return JSON.stringify(sink.records, (_k, v) => (typeof v === 'bigint' ? v.toString() : v));
    };
    const a = trace();
    assert.ok(a.includes('KVM_EXIT_INTR'), 'the return to userspace is traced');
    assert.equal(trace(), a);
  });
});
