// The guest's exception entries in traces (hw/cpu/exception-record.ts,
// hyp/vcpu/exception-trace.ts): each synchronous exception, IRQ and FIQ is
// an `exception` record with the ELs, the vector, ELR, and for a
// synchronous one ESR with its class named and the instruction that took
// it disassembled; in the text trace and as a Perfetto instant; the same
// records with translation on and off.

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { writePerfetto } from '../../src/export/perfetto.ts';
import { writeText } from '../../src/export/text.ts';
import { loadScenarioFile, parseScenario } from '../../src/scenario/index.ts';
import { runScenario } from '../../src/scenario/run.ts';
import type { ExceptionRecord } from '../../src/sim/trace/records.ts';
import { MemorySink } from '../../src/sim/trace/sink.ts';

// An UNDEFINED (UDF) and an SVC at EL1, then an SVC from EL0, whose handler powers off.
const GUEST = `
version: 1
name: exception-trace
description: "UDF and SVC at EL1, SVC from EL0"
machine:
  policy: level
  limits: { ticks: 100000, instructions: 200000 }
guest:
  vcpu0: |
    _start:
        ldr     x0, =vectors
        msr     vbar_el1, x0
        udf     #0
        svc     #7
        ldr     x0, =el0
        msr     elr_el1, x0
        msr     spsr_el1, xzr           // EL0t
        eret
    el0:
        svc     #1
    1:  b       1b

        .balign 2048
    vectors:
        .skip   0x200
        b       cur_sync                // current EL with SPx, synchronous
        .skip   0x1fc
        b       lower_sync              // lower EL (AArch64), synchronous
    cur_sync:
        mrs     x9, esr_el1
        lsr     x9, x9, #26
        cmp     x9, #0x15               // SVC: ELR is the next instruction already
        b.eq    1f
        mrs     x10, elr_el1
        add     x10, x10, #4
        msr     elr_el1, x10
    1:  eret
    lower_sync:
        ldr     x0, =0x84000008         // PSCI SYSTEM_OFF
        hvc     #0
expect:
  exit: poweroff
`;

function traced(jit: boolean): { records: MemorySink['records']; text: string } {
  const s = parseScenario(GUEST, 'exception-trace.yaml', { checkFiles: false });
  const sink = new MemorySink();
  const r = runScenario(s, {
    trace: sink,
    onVm: (vm) => {
      const cache = vm.board.decodeCache;
      cache.jit = jit;
      cache.jitHot = 0;
      cache.jitLoopsOnly = false;
    },
  });
  assert.equal(r.end, 'poweroff');
  return { records: sink.records, text: writeText(sink.records) };
}

const exceptions = (records: MemorySink['records']) =>
  records.filter((r): r is ExceptionRecord => r.kind === 'exception');

describe('exception entries in traces', () => {
  it('UNDEFINED and SVC: the instruction, EC, ESR, ELR, the ELs and the vector', () => {
    const [udf, svc, svc0, ...rest] = exceptions(traced(false).records);
    assert.equal(rest.length, 0);
    const base = 0x40080000; // the guest's load address: udf at +8, svc at +0xc
    const vbar = base + 2048;
    assert.deepEqual(
      { ...udf, t: 0 },
      {
        kind: 'exception',
        t: 0,
        cpu: 0,
        type: 'sync',
        from: 1,
        to: 1,
        vector: `0x${(vbar + 0x200).toString(16)}`,
        elr: `0x${(base + 8).toString(16)}`,
        esr: '0x02000000',
        ec: 'EC 0x00 unknown reason (UNDEFINED instruction)',
        insn: 'udf #0',
      },
    );
    // An SVC's preferred return is the next instruction: ELR - 4 is the SVC.
    assert.equal(svc.elr, `0x${(base + 0x10).toString(16)}`);
    assert.equal(svc.esr, '0x56000007');
    assert.equal(svc.ec, 'EC 0x15 SVC');
    assert.equal(svc.insn, 'svc #0x7');
    assert.equal(svc.far, undefined);
    assert.deepEqual(
      [svc0.from, svc0.to, svc0.vector, svc0.insn],
      [0, 1, `0x${(vbar + 0x400).toString(16)}`, 'svc #0x1'],
    );
  });

  it('the text trace and Perfetto show them', () => {
    const { records, text } = traced(false);
    assert.match(
      text,
      /cpu0 {2}exception sync EL1->EL1 vector=0x40080a00 elr=0x40080008 esr=0x02000000 ec="EC 0x00 unknown reason \(UNDEFINED instruction\)" insn="udf #0"\n/,
    );
    assert.match(
      text,
      /exception sync EL0->EL1 vector=0x40080c00 elr=0x40080024 esr=0x56000001 ec="EC 0x15 SVC" insn="svc #0x1"\n/,
    );
    const json = JSON.parse(writePerfetto(records, { counterHz: 62_500_000, endTicks: 100_000 })) as {
      traceEvents: { name: string; ph: string; args?: Record<string, unknown> }[];
    };
    const svcs = json.traceEvents.filter((e) => e.name === 'exception sync: EC 0x15 SVC');
    assert.deepEqual(
      svcs.map((e) => [e.ph, e.args?.from, e.args?.insn]),
      [
        ['i', 'EL1', 'svc #0x7'],
        ['i', 'EL0', 'svc #0x1'],
      ],
    );
  });

  it('the same records with translation on and off', () => {
    const off = traced(false);
    const on = traced(true);
    assert.equal(on.text, off.text);
    assert.equal(exceptions(on.records).length, 3);
  });

  it('an IRQ entry: the vector and ELR, no ESR and no instruction', () => {
    const sink = new MemorySink();
    runScenario(loadScenarioFile('scenarios/seed-two-exits.yaml'), { policy: 'linux-4.2', trace: sink });
    const irqs = exceptions(sink.records).filter((r) => r.type === 'irq');
    assert.equal(irqs.length, 1, 'linux-4.2 delivers INTID 27 once');
    const [irq] = irqs;
    assert.deepEqual([irq.from, irq.to, irq.esr, irq.ec, irq.insn], [1, 1, undefined, undefined, undefined]);
    // VBAR_EL1 is 2 KiB aligned: current EL with SPx, IRQ is at +0x280.
    assert.equal(Number(irq.vector) & 0x7ff, 0x280);
    assert.match(writeText(sink.records), /exception irq EL1->EL1 vector=0x[0-9a-f]+ elr=0x[0-9a-f]+\n/);
  });
});
