// Traces show the guest instruction that made each exit (MMIO, system
// register, HVC, SMC, WFI, WFE) disassembled: `insn="..."` in the text trace,
// an `insn` arg on the Perfetto exit slice; exits no instruction made
// (interrupts, kicks) have none.

import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { writePerfetto } from '../../src/export/perfetto.ts';
import { writeText } from '../../src/export/text.ts';
import { parseScenario } from '../../src/scenario/index.ts';
import { runScenario } from '../../src/scenario/run.ts';
import { MemorySink } from '../../src/sim/trace/sink.ts';

const FILE = new URL('../../scenarios/gicd-ispendr-level-latch.yaml', import.meta.url);

function traced(): { text: string; records: MemorySink['records'] } {
  const s = parseScenario(readFileSync(FILE, 'utf8'), FILE.pathname, { checkFiles: false });
  const sink = new MemorySink();
  runScenario(s, { policy: 'linux-7.0', trace: sink });
  return { text: writeText(sink.records), records: sink.records };
}

describe('the exiting instruction in traces', () => {
  it('text: each MMIO and HVC exit names its instruction, interrupt exits none', () => {
    const { text } = traced();
    const exits = text.split('\n').filter((l) => /state=hyp reason=/.test(l));
    const mmio = exits.filter((l) => /reason=mmio-/.test(l));
    assert.ok(mmio.length > 0);
    for (const l of mmio) assert.match(l, /insn="(ldr|str)[bh]? w\d+, \[x\d+(, #\d+)?\]"$/);
    assert.ok(exits.some((l) => /reason=hvc insn="hvc #0x0"$/.test(l)));
    for (const l of exits.filter((x) => /reason=(irq|kick)/.test(x))) assert.doesNotMatch(l, /insn=/);
  });

  it('Perfetto: the exit slice carries the instruction as an arg', () => {
    const { records } = traced();
    const json = JSON.parse(writePerfetto(records, { counterHz: 62_500_000, endTicks: 1_000_000 })) as {
      traceEvents: { name: string; args?: Record<string, unknown> }[];
    };
    const hvc = json.traceEvents.find((e) => e.name === 'exit: hvc');
    assert.equal(hvc?.args?.insn, 'hvc #0x0');
  });
});
