// Direct kernel boot placed as QEMU's virt board places it: the same
// bare-metal guest (test/fixtures/guests/kut-like.S: bss and stack past the
// end of the file, like kvm-unit-tests' .flat tests) reports x0, its pc, where
// it found the DTB and what the DTB says (memory reg, bootargs, initrd range)
// under qemu-system-aarch64 (recorded) and under vgicsim (guest.linux with
// machine.memory); the reports must agree line for line (as sets: QEMU's
// libfdt orders /chosen's properties differently). The addresses written out
// below are what qemu-system-aarch64 7.2 (Debian 1:7.2+dfsg-7+deb12u18)
// printed for these runs, so a change of QEMU's rules shows up here too.
// test:cross: aarch64-linux-gnu-as, -ld, -objcopy, qemu-system-aarch64 (npm test: test/fixtures/cross/qemu-*.json)

import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { loadScenarioFile } from '../../src/scenario/index.ts';
import { runScenario } from '../../src/scenario/run.ts';
import { buildKutLike, type GuestKind, qemuConsole } from '../cross/qemu-system.ts';

/** kvm-unit-tests hands the test its environment as an initrd of plain text. */
const ENV = new TextEncoder().encode('QEMU_ACCEL=tcg\nTESTNAME=placement\n'.repeat(100));
const BIG = new Uint8Array(3_000_000).map((_, i) => i & 0xff);

interface Case {
  readonly name: string;
  readonly guest: GuestKind;
  readonly memory?: string;
  readonly initrd?: Uint8Array;
  readonly append?: string;
  /** the first line, as QEMU 7.2 printed it */
  readonly first: string;
  /** the DTB line, as QEMU 7.2 printed it */
  readonly dtb: string;
}

const CASES: readonly Case[] = [
  {
    name: 'raw binary, 128M default',
    guest: { kind: 'raw' },
    first: 'x0=0000000044000000 pc=0000000040080000',
    dtb: 'dtb=0000000044000000 above stack',
  },
  {
    name: 'raw binary, -m 256M, a text initrd, bootargs',
    guest: { kind: 'raw' },
    memory: '256M',
    initrd: ENV,
    append: 'console=ttyAMA0 a=b',
    first: 'x0=0000000048200000 pc=0000000040080000',
    dtb: 'dtb=0000000048200000 above stack',
  },
  {
    name: 'Image text_offset 0x80000, -m 1G, a 3 MB initrd',
    guest: { kind: 'image', textOffset: 0x8_0000 },
    memory: '1G',
    initrd: BIG,
    append: 'x',
    first: 'x0=0000000048400000 pc=0000000040080000',
    dtb: 'dtb=0000000048400000 above stack',
  },
  {
    name: 'Image text_offset 0 (goes 2 MiB up, past the boot stub)',
    guest: { kind: 'image', textOffset: 0 },
    first: 'x0=0000000044000000 pc=0000000040200000',
    dtb: 'dtb=0000000044000000 above stack',
  },
  {
    name: 'Image text_offset 0x800',
    guest: { kind: 'image', textOffset: 0x800 },
    memory: '64M',
    first: 'x0=0000000042000000 pc=0000000040200800',
    dtb: 'dtb=0000000042000000 above stack',
  },
  {
    name: 'ELF at 0x40200000: not Linux to QEMU, x0 = 0, DTB at the start of RAM',
    guest: { kind: 'elf', at: 0x4020_0000 },
    append: 'hi',
    initrd: ENV,
    first: 'x0=0000000000000000 pc=0000000040200000',
    dtb: 'dtb=0000000040000000',
  },
  {
    name: 'ELF at 0x40080000: no room for the 1 MiB tree below it, no DTB',
    guest: { kind: 'elf', at: 0x4008_0000 },
    first: 'x0=0000000000000000 pc=0000000040080000',
    dtb: 'no dtb',
  },
];

function vgicsimConsole(c: Case, kernel: Uint8Array): string {
  const dir = mkdtempSync(join(tmpdir(), 'vgicsim-place-'));
  writeFileSync(join(dir, 'k'), kernel);
  const linux = ['kernel: k'];
  if (c.initrd) {
    writeFileSync(join(dir, 'i'), c.initrd);
    linux.push('initrd: i');
  }
  if (c.append) linux.push(`bootargs: ${JSON.stringify(c.append)}`);
  const f = join(dir, 's.yaml');
  writeFileSync(
    f,
    `version: 1\nname: placement\n${c.memory ? `machine: { memory: ${c.memory} }\n` : ''}guest:\n  linux: { ${linux.join(', ')} }\nexpect:\n  exit: poweroff\n`,
  );
  const r = runScenario(loadScenarioFile(f), { policy: 'level' });
  assert.ok(r.passed, JSON.stringify(r.verdicts));
  return r.uart;
}

const lines = (s: string) => s.split('\n').filter((l) => l !== '');

describe('direct kernel boot: placement as qemu-system-aarch64 -M virt -kernel', () => {
  for (const c of CASES) {
    it(c.name, () => {
      const kernel = buildKutLike(c.guest);
      const qemu = qemuConsole({
        kernel,
        kernelName: c.guest.kind,
        initrd: c.initrd,
        memory: c.memory,
        append: c.append,
      });
      assert.equal(lines(qemu)[0], c.first, 'QEMU itself (a changed QEMU rule?)');
      assert.equal(lines(qemu)[1], c.dtb, 'QEMU itself (a changed QEMU rule?)');
      const ours = vgicsimConsole(c, kernel);
      assert.deepEqual(lines(ours).sort(), lines(qemu).sort());
    });
  }
});
