// The PL031 RTC (PL031 TRM DDI 0224): RTCDR from virtual time, RTCLR, the
// match interrupt (RTCRIS/RTCMIS/RTCICR, RTCINTR as a level), the PrimeCell
// ID registers, save/restore with a pending match; and a guest on the virt
// board that arms a match and takes INTID 34 on the reference machine and
// under the hypervisor with every policy, with no divergence; the DTB node
// as QEMU writes it.

import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { machineTree } from '../../../src/hw/board/dtb.ts';
import { findNode, prop, readCells, readStrings } from '../../../src/hw/board/fdt.ts';
import {
  DEFAULT_RTC_START,
  Pl031,
  RTCCR,
  RTCDR,
  RTCICR,
  RTCIMSC,
  RTCLR,
  RTCMIS,
  RTCMR,
  RTCRIS,
} from '../../../src/hw/devices/pl031.ts';
import { POLICY_NAMES } from '../../../src/hyp/policy/index.ts';
import { loadScenarioFile } from '../../../src/scenario/index.ts';
import { runScenario } from '../../../src/scenario/run.ts';
import { Kernel } from '../../../src/sim/kernel.ts';

const HZ = 1000;

function rtc(start = DEFAULT_RTC_START) {
  const kernel = new Kernel();
  const dev = new Pl031({ kernel, ticksPerSecond: HZ, start });
  const levels: boolean[] = [];
  dev.irq.connect({ onSignal: (_a: number, level: boolean) => levels.push(level) });
  const r = (off: number) => dev.read(off, 4, 0);
  const w = (off: number, v: number) => dev.write(off, 4, v, 0);
  return { kernel, dev, r, w, levels };
}

describe('PL031 registers', () => {
  it('RTCDR counts whole seconds of virtual time from the start; RTCLR loads it', () => {
    const { kernel, r, w } = rtc(1000);
    assert.equal(r(RTCDR), 1000);
    kernel.runUntil(2.5 * HZ);
    assert.equal(r(RTCDR), 1002);
    w(RTCLR, 50);
    assert.equal(r(RTCLR), 50);
    assert.equal(r(RTCDR), 50);
    kernel.runUntil(3 * HZ);
    assert.equal(r(RTCDR), 51, 'the next second boundary of the sim clock');
    w(RTCLR, 0xffff_ffff);
    kernel.runUntil(4 * HZ);
    assert.equal(r(RTCDR), 0, 'wraps at 32 bits');
  });

  it('PrimeCell ID: part 0x031, Arm, revision 1; byte reads see the bytes', () => {
    const { dev } = rtc();
    const ids = [0xfe0, 0xfe4, 0xfe8, 0xfec, 0xff0, 0xff4, 0xff8, 0xffc].map((o) => dev.read(o, 4, 0));
    assert.deepEqual(ids, [0x31, 0x10, 0x14, 0x00, 0x0d, 0xf0, 0x05, 0xb1]);
    assert.equal(dev.read(0xfe0, 1, 0), 0x31);
    assert.equal(dev.read(0x020, 4, 0), 0, 'reserved: RAZ');
  });

  it('match: RTCRIS at the second RTCDR equals RTCMR; RTCINTR follows RTCMIS; RTCICR clears', () => {
    const { kernel, r, w, levels } = rtc(100);
    w(RTCMR, 103);
    kernel.runUntil(3 * HZ - 1);
    assert.equal(r(RTCRIS), 0);
    kernel.runUntil(3 * HZ);
    assert.equal(r(RTCRIS), 1);
    assert.equal(r(RTCMIS), 0, 'masked');
    assert.deepEqual(levels, []);
    w(RTCIMSC, 1);
    assert.equal(r(RTCMIS), 1);
    assert.deepEqual(levels, [true]);
    w(RTCICR, 1);
    assert.equal(r(RTCRIS), 0);
    assert.deepEqual(levels, [true, false]);
    w(RTCMR, r(RTCDR));
    assert.equal(r(RTCRIS), 1, 'a match value equal to the count matches at once');
    w(RTCCR, 3);
    assert.equal(r(RTCCR), 1, 'RTCCR keeps bit 0');
  });

  it('save/restore: a pending match survives into a fresh device and kernel', () => {
    const a = rtc(10);
    a.w(RTCMR, 15);
    a.w(RTCIMSC, 1);
    a.kernel.runUntil(2 * HZ);
    const k = a.kernel.save();
    const d = a.dev.save();
    const b = rtc(99);
    b.kernel.restore(k);
    b.dev.restore(d);
    assert.equal(b.r(RTCDR), 12);
    b.kernel.runUntil(5 * HZ);
    assert.equal(b.r(RTCRIS), 1);
    assert.deepEqual(b.levels, [true]);
    b.dev.reset();
    assert.equal(b.r(RTCDR), 99 + 5, 'reset: back to the configured start (+ the seconds elapsed)');
  });
});

const GUEST = `
_start:
    ldr     x0, =vectors
    msr     vbar_el1, x0
    ldr     x1, =GICD_BASE
    mov     w2, #GICD_CTLR_EnableGrp0
    str     w2, [x1, #GICD_CTLR]
    ldr     w2, =0x00010000
    str     w2, [x1, #GICD_ITARGETSR + 0x20]   // SPI 34 (byte 2 of word 0x820) to cpu0
    mov     w2, #(1 << (34 - 32))
    str     w2, [x1, #GICD_ISENABLER + 4]
    ldr     x1, =GICC_BASE
    mov     w2, #0xf0
    str     w2, [x1, #GICC_PMR]
    mov     w2, #GICC_CTLR_EnableGrp0
    str     w2, [x1, #GICC_CTLR]
    ldr     x7, =0x09010000
    ldr     w19, [x7]                   // RTCDR
    add     w2, w19, #2
    str     w2, [x7, #4]                // RTCMR: in two seconds
    mov     w2, #1
    str     w2, [x7, #0x10]             // RTCIMSC
    mov     x20, #0
    msr     daifclr, #2
1:  wfi
    cbz     x20, 1b
    ldr     w21, [x7]                   // RTCDR after the match
    ldr     x0, =PSCI_SYSTEM_OFF
    hvc     #0
99: b       99b

    .balign 2048
vectors:
    .skip   0x280
    b       irq
    .balign 2048
irq:
    ldr     x1, =GICC_BASE
    ldr     w2, [x1, #GICC_IAR]
    mov     w3, #1
    str     w3, [x7, #0x1c]             // RTCICR: the line drops
    str     w2, [x1, #GICC_EOIR]
    add     x20, x20, #1
    eret
`;

describe('PL031 on the virt board', () => {
  it('a guest (machine.rtc: 1000) arms a match two seconds ahead and takes INTID 34, on both machines, every policy', () => {
    const dir = mkdtempSync(join(tmpdir(), 'vgicsim-rtc-'));
    const f = join(dir, 'rtc.yaml');
    const indented = GUEST.split('\n')
      .map((l) => `    ${l}`)
      .join('\n');
    writeFileSync(
      f,
      `version: 1\nname: rtc-match\nmachine:\n  rtc: 1000\n  counterHz: ${HZ}\n  cpuHz: 1000000\n  limits: { ticks: 10000 }\nguest:\n  vcpu0: |\n${indented}\nexpect:\n  acknowledged: { vcpu0: [34] }\n  registers: { vcpu0: { x19: 1000, x20: 1, x21: 1002 } }\n  exit: poweroff\n  divergence: none\n`,
    );
    const s = loadScenarioFile(f);
    for (const policy of POLICY_NAMES) {
      const r = runScenario(s, { policy });
      assert.ok(r.passed, `${policy}: ${JSON.stringify(r.verdicts.filter((v) => !v.ok))}`);
      assert.ok(r.ticks >= 2 * HZ, 'the match came two seconds of virtual time later');
    }
  });

  it('the DTB describes it as QEMU virt does', () => {
    const t = machineTree({ cpus: 1, ramBase: 0x4000_0000, ramSize: 128 << 20 });
    const n = findNode(t, '/pl031@9010000');
    assert.ok(n);
    assert.deepEqual(readStrings(prop(n, 'compatible')!), ['arm,pl031', 'arm,primecell']);
    assert.deepEqual(readCells(prop(n, 'reg')!), [0, 0x0901_0000, 0, 0x1000]);
    assert.deepEqual(readCells(prop(n, 'interrupts')!), [0, 2, 4], 'SPI 2, level-high (QEMU 7.2 dumpdtb)');
    assert.deepEqual(readStrings(prop(n, 'clock-names')!), ['apb_pclk']);
  });
});
