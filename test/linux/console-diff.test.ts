// The masking table and the console comparison on small consoles (no kernel needed).

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  compareConsoles,
  type ExpectedDifference,
  expectedLists,
  formatDiff,
  loadExpected,
  qemuExpected,
} from './console-diff.ts';
import { maskLine } from './console-mask.ts';
import { parseInitOutput, timerRow } from './interrupts.ts';

describe('console masking', () => {
  for (const [line, want] of [
    [
      '[    0.000000] Booting Linux on physical CPU 0x0000000000 [0x411fd073]',
      'Booting Linux on physical CPU 0x# [0x#]',
    ],
    [
      '[    0.000000] Memory: 94532K/131072K available (13248K kernel code, 0K cma-reserved)',
      'Memory: #K/#K available (#K kernel code, #K cma-reserved)',
    ],
    [
      '[    0.000000] Calibrating delay loop (skipped), value calculated using timer frequency.. 125.00 BogoMIPS (lpj=250000)',
      'Calibrating delay loop (skipped), value calculated using timer frequency.. # BogoMIPS (lpj=#)',
    ],
    [
      '[    0.010000] audit: type=2000 audit(0.004:1): state=initialized',
      'audit: type=2000 audit(#): state=initialized',
    ],
    [
      '[    0.000000] Dentry cache hash table entries: 16384 (order: 5, 131072 bytes, linear)',
      'Dentry cache hash table entries: # (order: #, # bytes, linear)',
    ],
    [' 11:        160        199 GIC-0  27 Level     arch_timer', '11: # GIC-0 27 Level arch_timer'],
    ['IPI1:       178        180       Function call interrupts', 'IPI1: # Function call interrupts'],
    ['Err:          0', 'Err: #'],
    // identity numbers stay, so a difference in them must be listed
    [
      '[    0.004000] hw-breakpoint: found 2 breakpoint and 2 watchpoint registers.',
      'hw-breakpoint: found 2 breakpoint and 2 watchpoint registers.',
    ],
    [
      '[    0.1] 9000000.pl011: ttyAMA0 at MMIO 0x9000000 (irq = 13)',
      '9000000.pl011: ttyAMA0 at MMIO 0x# (irq = 13)',
    ],
  ]) {
    it(`${want}`, () => assert.equal(maskLine(line), want));
  }
});

describe('console comparison', () => {
  const head = '[    0.000000] Booting Linux on physical CPU 0x0 [0x411fd073]\r\n';
  const expected: ExpectedDifference[] = [
    { id: 'dev', side: 'b', match: '^rtc-pl031 ', reason: 'b only' },
    { id: 'async', side: 'moved', match: '^Freeing initrd memory: #K$', reason: 'order' },
  ];
  const a = `${head}[ 0.1] one\r\n[ 0.2] Freeing initrd memory: 988K\r\n[ 0.3] two\r\n`;
  const b = `noise before the kernel\n${head}[ 0.1] one\n[ 0.2] two\n[ 0.3] rtc-pl031 9010000.pl031: registered\n[ 0.4] Freeing initrd memory: 988K\n`;

  it('explains one-sided and moved lines with the expected list', () => {
    const c = compareConsoles({ name: 'a', text: a }, { name: 'b', text: b }, expected);
    assert.equal(c.unexplained, 0, formatDiff(c));
    assert.deepEqual([...c.used.entries()].sort(), [
      ['async', 2],
      ['dev', 1],
    ]);
  });

  it('a moved line is not explained when the other side lacks it; the diff shows it', () => {
    const c = compareConsoles(
      { name: 'a', text: a.replace('two', 'three') },
      { name: 'b', text: b.replace(/.*Freeing.*\n/, '') },
      expected,
    );
    assert.equal(c.unexplained, 3);
    const d = formatDiff(c);
    assert.match(d, /^- Freeing initrd memory: 988K$/m);
    assert.match(d, /^- three$/m);
    assert.match(d, /^\+ two$/m);
    assert.match(d, /^~ rtc-pl031 .*\[expected: dev\]$/m);
  });

  it('every committed expected difference has a reason and a valid pattern', () => {
    const lists = expectedLists();
    assert.deepEqual(lists.sort(), [
      'level-vs-legacy-edge',
      'vgicsim-vs-qemu',
      'vgicsim-vs-qemu-gicv2',
      'vgicsim-vs-qemu-gicv3',
    ]);
    for (const list of lists)
      for (const e of loadExpected(list)) {
        assert.ok(e.reason.length > 10, `${list}/${e.id}: no reason`);
        assert.doesNotThrow(() => new RegExp(e.match), `${list}/${e.id}`);
      }
  });

  it("a QEMU comparison explains its own GIC's devices only (GICv2m on gic-version=2, the ITS on 3)", () => {
    const ids = (gic: 2 | 3) => new Set(qemuExpected(gic).map((e) => e.id));
    assert.ok(ids(2).has('gicv2m') && !ids(2).has('its') && !ids(2).has('direct-lpi'));
    assert.ok(ids(3).has('its') && ids(3).has('direct-lpi') && !ids(3).has('gicv2m'));
    for (const gic of [2, 3] as const) assert.ok(ids(gic).has('rtc') && ids(gic).has('pcie'));
  });

  it("the GICv3 entries explain QEMU's ITS lines and the DirectLPI line, masked", () => {
    const q = [
      '[    0.000000] GICv3: GICv3 features: 16 PPIs',
      '[    0.000000] ITS [mem 0x08080000-0x0809ffff]',
      '[    0.000000] ITS@0x0000000008080000: allocated 8192 Devices @42590000 (indirect, esz 8, psz 64K, shr 1)',
      '[    0.000000] GICv3: CPU0: using allocated LPI pending table @0x00000000425c0000',
      '[    0.002214] PCI/MSI: /intc@8000000/its@8080000 domain created',
      ' 16:          0     GICv3  34 Level     rtc-pl031',
    ];
    const v = [
      '[    0.000000] GICv3: GICv3 features: 16 PPIs, DirectLPI',
      ' 15:          0     GICv3  34 Level     rtc-pl031',
    ];
    const c = compareConsoles(
      { name: 'vgicsim', text: `${head}${v.join('\n')}\n` },
      { name: 'qemu', text: `${head}${q.join('\n')}\n` },
      qemuExpected(3),
    );
    assert.equal(c.unexplained, 0, formatDiff(c));
    assert.equal(
      compareConsoles(
        { name: 'vgicsim', text: head },
        { name: 'qemu', text: `${head}${q[1]}\n` },
        qemuExpected(2),
      ).unexplained,
      1,
    );
  });
});

describe('/init output', () => {
  const out = parseInitOutput(
    [
      'vgicsim-initramfs: userspace is up',
      '           CPU0       CPU1       ',
      ' 11:        160        199 GIC-0  27 Level     arch_timer',
      'IPI0:        27         27       Rescheduling interrupts',
      'Err:          0',
      'arch_timer after sleep 1:',
      ' 11:        173        211 GIC-0  27 Level     arch_timer',
    ].join('\r\n'),
  );
  it('reads the table and the line after the sleep', () => {
    assert.ok(out !== undefined);
    assert.equal(out.cpus, 2);
    assert.deepEqual(timerRow(out)?.counts, [160, 199]);
    assert.deepEqual(out.table.get('IPI0'), { counts: [27, 27], what: 'Rescheduling interrupts' });
    assert.deepEqual(out.timerAfter?.counts, [173, 211]);
  });
});
