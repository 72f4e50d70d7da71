// The PMU check guest (pmu-guest.ts) on the reference machine and on every
// generation: what each machine shows the guest, the overflow interrupt
// through the GIC / the vgic (one delivery, INTID 23, no spurious second),
// the EL0 access rules, and save/restore in the middle of a count.

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { DEFAULT_BOARD } from '../../../src/hw/board/board.ts';
import { Vm } from '../../../src/hyp/vm.ts';
import { ReferenceMachine } from '../../../src/reference/machine.ts';
import { MemorySink } from '../../../src/sim/trace/sink.ts';
import { writeVcd } from '../../../src/export/vcd.ts';
import { assemble } from '../../../src/hw/cpu/asm/index.ts';
import { BOARD_ASM_SYMBOL_MAP } from '../../../src/hw/board/asm-symbols.ts';
import { CODE, MACHINES, type MachineName, PMU_GUEST, R, RES, runPmuGuest } from './pmu-guest.ts';

/** ESR_EL1 of MRS x1, PMCCNTR_EL0 trapped from EL0 (EC 0x18: op0 3, op2 0, op1 3, CRn 9, Rt 1, CRm 13, read). */
const ESR_TRAP_PMCCNTR =
  ((0x18 << 26) | (1 << 25) | (3 << 20) | (3 << 14) | (9 << 10) | (1 << 5) | (13 << 1) | 1) >>> 0;
/** ESR_EL1 of an UNDEFINED instruction (EC 0x00, IL). */
const ESR_UNDEF = 1 << 25;

describe('PMU guest: the reference machine (PMUv3 hardware)', () => {
  const r = runPmuGuest('reference');
  it('powers off', () => assert.equal(r.end, 'poweroff'));
  it('advertises PMUv3 (PMUVer 1), N = 6, CPU_CYCLES, INST_RETIRED, SW_INCR and CHAIN', () => {
    assert.equal((r.res(R.DFR0) >> 8n) & 0xfn, 1n);
    assert.equal(r.res(R.PMCR), 0x4101_3040n);
    assert.equal(r.res(R.PMCEID0), 0x4002_0101n);
  });
  it('counts exactly: 11 cycles, 41 instructions, 3 software increments', () => {
    assert.equal(r.res(R.CYCLES), 11n);
    assert.equal(r.res(R.INSTRET), 41n);
    assert.equal(r.res(R.SWINC), 3n);
  });
  it('the overflow interrupt is taken once, as INTID 23, and PMOVSCLR clears the flag', () => {
    assert.equal(r.res(R.IRQS), 1n);
    assert.equal(r.res(R.IRQ_INTID), 23n);
    assert.equal(r.res(R.OVS_AFTER), 0n);
  });
  it('EL0: PMCCNTR_EL0 traps to EL1 (EC 0x18) without PMUSERENR_EL0.CR, reads with it', () => {
    assert.equal(r.res(R.EL0_NO_CR), BigInt(ESR_TRAP_PMCCNTR));
    assert.equal(r.res(R.EL0_CR), 0n);
  });
  it('EL filters: 4 instructions at EL0 (P), 18 at EL1 (U), no UNDEFINED', () => {
    assert.equal(r.res(R.EL0_COUNTED), 4n);
    assert.equal(r.res(R.EL1_ONLY), 18n);
    assert.equal(r.res(R.EL1_SYNC), 0n);
  });
});

describe('PMU guest: linux-7.0 (the vPMU)', () => {
  const sink = new MemorySink();
  const r = runPmuGuest('linux-7.0', { trace: sink });
  const vm = r.machine as Vm;
  it("shows the guest what the hardware does, with KVM's PMCR_EL0 identity (IMP = IDCODE = 0)", () => {
    assert.equal(r.end, 'poweroff');
    assert.equal((r.res(R.DFR0) >> 8n) & 0xfn, 1n);
    assert.equal(r.res(R.PMCR), 0x3040n);
    assert.equal(r.res(R.PMCEID0), 0x4002_0101n);
    assert.equal(r.res(R.CYCLES), 11n);
    assert.equal(r.res(R.INSTRET), 41n);
    assert.equal(r.res(R.SWINC), 3n);
    assert.equal(r.res(R.EL0_COUNTED), 4n);
    assert.equal(r.res(R.EL1_ONLY), 18n);
  });
  it('the overflow reaches the guest once through the vgic: a kick, one raise and one lower of PPI 23', () => {
    assert.equal(r.res(R.IRQS), 1n);
    assert.equal(r.res(R.IRQ_INTID), 23n);
    assert.equal(r.res(R.OVS_AFTER), 0n);
    assert.deepEqual(vm.pmuCounters, { vgicCalls: 2, overflowKicks: 1, undefs: 1 });
    assert.equal(vm.counters.exits.kick, 1);
    const levels = sink.records.flatMap((x) =>
      x.kind === 'line' && x.signal === 'vcpu0.pmu' ? [x.level] : [],
    );
    assert.deepEqual(levels, [true, false]);
    const injects = sink.records.filter((x) => x.kind === 'vgic-inject' && x.intid === 23);
    assert.equal(injects.length, 2);
  });
  it('the VCD has the level KVM signalled as a `pmu` wire of vcpu0, high then low', () => {
    const vcd = writeVcd(sink.records, { counterHz: DEFAULT_BOARD.counterHz });
    const scope = vcd.indexOf('$scope module vcpu0 $end');
    assert.ok(scope >= 0);
    const wire = /\$var wire 1 (\S+) pmu \$end/.exec(vcd.slice(scope));
    assert.ok(wire !== null, 'a pmu wire under vcpu0');
    const id = wire[1];
    const changes = vcd.split('\n').filter((l) => l === `1${id}` || l === `0${id}`);
    assert.deepEqual(changes.slice(-2), [`1${id}`, `0${id}`]);
  });
  it('a disabled EL0 access gets UNDEFINED (KVM injects it), not the EC 0x18 trap of hardware', () => {
    assert.equal(r.res(R.EL0_NO_CR), BigInt(ESR_UNDEF));
    assert.equal(r.res(R.EL0_CR), 0n);
  });
  it('every PMU access is a sysreg exit', () => {
    // 37 trapped MRS/MSR in the guest's EL1 code and its EL0 excursions (the allowed EL0 reads too)
    assert.equal(vm.counters.exits.sysreg, 37);
  });
});

for (const g of ['linux-4.2', 'linux-4.3'] as const) {
  describe(`PMU guest: ${g} (no vPMU: trap_raz_wi)`, () => {
    const r = runPmuGuest(g);
    const vm = r.machine as Vm;
    it("the host's PMUVer shows through, and the registers read as zero", () => {
      assert.equal(r.end, 'poweroff');
      assert.equal((r.res(R.DFR0) >> 8n) & 0xfn, 1n);
      assert.equal(r.res(R.PMCR), 0n);
      assert.equal(r.res(R.PMCEID0), 0n);
      assert.equal(r.res(R.CYCLES), 0n);
      assert.equal(r.res(R.SWINC), 0n);
    });
    it('PMEVCNTR<n>, PMEVTYPER<n> and PMCCFILTR are not in its table: 15 UNDEFINED', () => {
      assert.equal(r.res(R.EL1_SYNC), 15n);
      assert.equal(vm.pmuCounters.undefs, 15);
    });
    it('no overflow, no interrupt', () => {
      assert.equal(r.res(R.IRQS), 0n);
      assert.equal(vm.pmuCounters.vgicCalls, 0);
    });
    it("EL0 accesses trap to the guest's EL1 (the host's PMUSERENR_EL0 is 0), even after the guest set CR", () => {
      assert.equal(r.res(R.EL0_NO_CR), BigInt(ESR_TRAP_PMCCNTR));
      assert.equal(r.res(R.EL0_CR), BigInt(ESR_TRAP_PMCCNTR));
    });
  });
}

describe('PMU guest: the reference line and its trace', () => {
  it('cpu0.pmu rises at the overflow and falls when the handler clears PMOVSCLR', () => {
    const sink = new MemorySink();
    runPmuGuest('reference', { trace: sink });
    const levels = sink.records.flatMap((x) =>
      x.kind === 'line' && x.signal === 'cpu0.pmu' ? [x.level] : [],
    );
    assert.deepEqual(levels, [true, false]);
  });
});

describe('PMU guest: save/restore mid-count', () => {
  const img = assemble(PMU_GUEST, { base: CODE, predefined: BOARD_ASM_SYMBOL_MAP });
  const results = (read64: (pa: number) => bigint) =>
    Array.from({ length: 14 }, (_, i) => read64(RES + 8 * i));
  for (const name of MACHINES) {
    it(`${name}: a snapshot taken at every 40th instruction restores into a fresh machine with the same outcome`, () => {
      const straight = runPmuGuest(name as MachineName);
      const want = results((pa) => straight.machine.board.ram.read64(pa));
      for (const cut of [40, 120, 200, 290, 500, 700]) {
        let got: bigint[];
        if (name === 'reference') {
          const a = new ReferenceMachine({ board: DEFAULT_BOARD });
          a.load(img.base, img.bytes, img.entry);
          a.run({ ticks: 1_000_000, instructions: cut });
          const s = a.save();
          const b = new ReferenceMachine({ board: DEFAULT_BOARD });
          b.restore(s);
          assert.equal(b.run({ ticks: 1_000_000, instructions: 1_000_000 }).end, 'poweroff');
          got = results((pa) => b.board.ram.read64(pa));
        } else {
          const a = new Vm({ board: DEFAULT_BOARD, policy: name });
          a.load(img.base, img.bytes, img.entry);
          a.run({ ticks: 1_000_000, instructions: cut });
          const s = a.save();
          const b = new Vm({ board: DEFAULT_BOARD, policy: name });
          b.restore(s);
          assert.equal(b.run({ ticks: 1_000_000, instructions: 1_000_000 }), 'poweroff');
          got = results((pa) => b.board.ram.read64(pa));
        }
        assert.deepEqual(got, want, `cut at ${cut}`);
      }
    });
  }
});
