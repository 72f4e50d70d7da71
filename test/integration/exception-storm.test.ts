// Exception storms end at the run's limits (issue 20): a guest whose every
// fetch faults retires nothing, but each exception entry costs a cycle and
// counts against the instruction limit, so the run ends where the limits
// say, with the time reached, and the summary names the loop. The
// reference machine and the VM under each policy take the same exceptions
// at the same cycles.

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { exceptionLoops } from '../../src/hw/board/run-result.ts';
import { assemble } from '../../src/hw/cpu/asm/index.ts';
import { describeEsr, exceptionLoopLine } from '../../src/hw/cpu/exception-loop.ts';
import { GUEST_BASE, MACHINE_KINDS, makeMachine } from './helpers.ts';

const LIMIT = 200_000;
/** 62.5 MHz counter, 1 GHz cpu: 16 cycles a tick. */
const CYCLES_PER_TICK = 16;

interface StormCase {
  readonly name: string;
  readonly src: string;
  /** the loop's vector, ESR and FAR (null: the class sets none) */
  readonly vector: string;
  readonly esr: string;
  readonly far: string | null;
}

// With VBAR_EL1 = 0 every vector is outside RAM: the fetch there takes a
// synchronous external abort (EC 0x21, IFSC 0b010000; Arm ARM D8.4,
// D19.2.40), whose vector is the same address, forever.
const EXT_ABORT = { vector: '0x200', esr: '0x86000010', far: '0x200' } as const;

const CASES: readonly StormCase[] = [
  { name: 'udf #0 with no vector table', src: 'udf #0', ...EXT_ABORT },
  { name: 'a jump to address 0', src: 'mov x0, #0\nbr x0', ...EXT_ABORT },
  { name: 'a jump past RAM', src: 'movz x0, #0x4800, lsl #16\nbr x0', ...EXT_ABORT },
  { name: 'a jump beyond the PA range', src: 'movz x0, #0x100, lsl #32\nbr x0', ...EXT_ABORT },
  {
    name: 'the MMU on with no tables',
    src: 'mrs x0, sctlr_el1\norr x0, x0, #1\nmsr sctlr_el1, x0\nisb\nnop',
    // TTBR0 = 0: the level-0 descriptor fetch is outside RAM (IFSC 0x14, level 0).
    vector: '0x200',
    esr: '0x86000014',
    far: '0x200',
  },
  {
    name: 'a vector table of zeros in RAM',
    src: 'movz x0, #0x4100, lsl #16\nmsr vbar_el1, x0\nudf #1',
    // Word 0 is UDF #0: the vector itself is UNDEFINED (EC 0x00), no FAR.
    vector: '0x41000200',
    esr: '0x02000000',
    far: null,
  },
  { name: 'a register the guest cannot reach (HCR_EL2 at EL1)', src: 'mrs x0, s3_4_c1_c1_0', ...EXT_ABORT },
  {
    name: 'an ERET to EL0 outside RAM',
    src: 'mov x0, #0\nmsr spsr_el1, x0\nmovz x1, #0x4800, lsl #16\nmsr elr_el1, x1\neret',
    ...EXT_ABORT,
  },
];

describe('exception storms end at the limits', () => {
  for (const c of CASES) {
    it(`${c.name}: every machine stops at ${LIMIT} instructions + exceptions, in a loop`, {
      timeout: 60_000,
    }, () => {
      const img = assemble(c.src, { base: GUEST_BASE });
      const seen: string[] = [];
      for (const kind of MACHINE_KINDS) {
        const m = makeMachine(kind);
        m.load(img.base, img.bytes, img.entry);
        const end = m.run({ ticks: 1e12, instructions: LIMIT });
        assert.equal(end, 'limit', kind);
        const sched = m.ref?.scheduler ?? m.vm!.scheduler;
        const cpu = m.cpu();
        assert.equal(sched.guestCycles, LIMIT, `${kind}: the limit counts instructions and entries`);
        assert.equal(sched.retired + sched.exceptions, LIMIT, kind);
        assert.ok(sched.exceptions > LIMIT - 10, `${kind}: the run is the storm (${sched.exceptions})`);
        assert.equal(cpu.cycles, LIMIT, `${kind}: each entry is one cycle`);
        assert.equal(m.board.kernel.now, Math.floor(LIMIT / CYCLES_PER_TICK), `${kind}: the time reached`);
        const loops = exceptionLoops(m.board.cpus);
        assert.equal(loops.length, 1, kind);
        const l = loops[0];
        assert.equal(l.vector, c.vector, kind);
        assert.equal(l.esr, c.esr, kind);
        assert.equal(l.far, c.far, kind);
        assert.equal(l.elr, c.vector, `${kind}: each entry returns to the vector`);
        assert.ok(l.count > LIMIT - 10, `${kind}: count ${l.count}`);
        assert.match(exceptionLoopLine(l), /^exception loop: cpu0 vector 0x/);
        seen.push(
          JSON.stringify({
            pc: cpu.pc,
            elr: cpu.getSysreg('ELR_EL1').toString(16),
            esr: cpu.getSysreg('ESR_EL1').toString(16),
            far: cpu.getSysreg('FAR_EL1').toString(16),
            spsr: cpu.getSysreg('SPSR_EL1').toString(16),
            instret: cpu.instret,
            exceptions: cpu.exceptions,
            now: m.board.kernel.now,
          }),
        );
      }
      assert.equal(new Set(seen).size, 1, `the machines differ:\n${seen.join('\n')}`);
    });
  }

  it('names the exception class and fault status', () => {
    assert.equal(
      describeEsr(0x86000010),
      'EC 0x21 instruction abort from the same EL, IFSC 0x10 synchronous external abort',
    );
    assert.equal(
      describeEsr(0x96000045),
      'EC 0x25 data abort from the same EL, DFSC 0x05 translation fault, level 1',
    );
    assert.equal(describeEsr(0x02000000), 'EC 0x00 unknown reason (UNDEFINED instruction)');
  });

  for (const [insn, entryCycles] of [
    ['udf #0', 1],
    ['svc #0', 0],
  ] as const) {
    it(`a handled exception is no loop; ${insn}'s entry costs ${entryCycles} cycle(s) of its own`, () => {
      // 100 exceptions into a handler that returns past the instruction (an
      // SVC's ELR is already past it); then PSCI SYSTEM_OFF.
      const img = assemble(
        `
        _start:
            adr x0, vectors
            msr vbar_el1, x0
            mov x2, #100
        1:  ${insn}
            subs x2, x2, #1
            b.ne 1b
            movz w0, #0x8400, lsl #16
            add w0, w0, #8
            hvc #0
            .balign 2048
        vectors:
            .skip 0x200
            mrs x9, esr_el1
            lsr x9, x9, #26
            cbnz x9, 2f
            mrs x9, elr_el1
            add x9, x9, #4
            msr elr_el1, x9
        2:  eret
        `,
        { base: GUEST_BASE },
      );
      const ends: string[] = [];
      for (const kind of MACHINE_KINDS) {
        const m = makeMachine(kind);
        m.load(img.base, img.bytes, img.entry);
        assert.equal(m.run(), 'poweroff', kind);
        const cpu = m.cpu();
        assert.equal(cpu.exceptions, 100, kind);
        assert.equal(cpu.cycles, cpu.instret + 100 * entryCycles, kind);
        // SYSTEM_OFF is handled at the cycle of the HVC.
        assert.equal(m.board.kernel.now, Math.floor(cpu.cycles / CYCLES_PER_TICK), kind);
        assert.deepEqual(exceptionLoops(m.board.cpus), [], kind);
        ends.push(`${cpu.instret}/${cpu.exceptions}/${m.board.kernel.now}`);
      }
      assert.equal(new Set(ends).size, 1, ends.join(' '));
    });
  }

  it('an SVC with one cycle of budget left retires and enters its handler in that cycle', () => {
    const img = assemble('nop\nsvc #0\nnop', { base: GUEST_BASE });
    const m = makeMachine('reference');
    m.load(img.base, img.bytes, img.entry);
    assert.equal(m.run({ ticks: 1e12, instructions: 2 }), 'limit');
    const cpu = m.cpu();
    assert.equal(cpu.instret, 2);
    assert.equal(cpu.exceptions, 1);
    assert.equal(cpu.cycles, 2, 'exactly the limit');
    assert.equal(cpu.pc, 0x200);
  });

  it('a register-only loop that reaches its instruction limit reports the time reached', () => {
    const img = assemble('1: add x0, x0, #1\nb 1b', { base: GUEST_BASE });
    for (const kind of MACHINE_KINDS) {
      const m = makeMachine(kind);
      m.load(img.base, img.bytes, img.entry);
      assert.equal(m.run({ ticks: 1e12, instructions: LIMIT }), 'limit', kind);
      assert.equal(m.board.kernel.now, LIMIT / CYCLES_PER_TICK, kind);
      assert.equal(m.instructions(), LIMIT, kind);
    }
  });

  it('the exception count survives save and restore', () => {
    const img = assemble('udf #0', { base: GUEST_BASE });
    const m = makeMachine('reference');
    m.load(img.base, img.bytes, img.entry);
    m.run({ ticks: 1e12, instructions: 1000 });
    const s = m.cpu().save();
    assert.equal(s.exceptions, 1000);
    assert.equal(s.exceptionCycles, 1000);
    const other = makeMachine('reference');
    other.cpu().restore(s);
    assert.equal(other.cpu().exceptions, 1000);
    assert.equal(other.cpu().cycles, 1000);
  });
});
