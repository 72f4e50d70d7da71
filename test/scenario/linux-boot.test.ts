// guest.linux end to end: placement of the kernel, initrd and DTB (the arm64
// boot protocol), the register state a tiny "kernel" checks for itself
// (x0 = a valid FDT, x1..x3 = 0, EL1h, DAIF masked, MMU off) on both
// machines, and bad kernel/initrd/DTB files: located messages, exit 2.

import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { gzipSync } from 'node:zlib';
import { decodeFdt, findNode, prop, readCells, readStrings } from '../../src/hw/board/fdt.ts';
import { machineDtb } from '../../src/hw/board/dtb.ts';
import { assemble } from '../../src/hw/cpu/asm/index.ts';
import { LoadError } from '../../src/hw/cpu/loader/target.ts';
import { loadScenarioFile, ScenarioError } from '../../src/scenario/index.ts';
import { buildImages } from '../../src/scenario/images.ts';
import { type BootFile, planLinuxBoot } from '../../src/scenario/linux-boot.ts';
import { buildReference, buildVm } from '../../src/scenario/machines.ts';
import { runScenario } from '../../src/scenario/run.ts';
import { writeCpio } from '../../src/scenario/cpio.ts';
import { NULL_SINK } from '../../src/sim/trace/sink.ts';

const MiB = 1024 * 1024;
const RAM = { ramBase: 0x4000_0000, ramSize: 128 * MiB, cpus: 1 };
const BIN = join(import.meta.dirname, '../../bin/vgicsim.mjs');

/** An arm64 Image header (booting.rst) in front of `code`; code0 branches over the header. */
function image(code: Uint8Array, o: { textOffset?: number; imageSize?: number } = {}): Uint8Array {
  const out = new Uint8Array(64 + code.length);
  const v = new DataView(out.buffer);
  v.setUint32(0, 0x1400_0010, true); // b .+64
  v.setBigUint64(8, BigInt(o.textOffset ?? 0), true);
  v.setBigUint64(16, BigInt(o.imageSize ?? out.length), true);
  v.setBigUint64(24, 0xan, true); // little-endian, 4K pages, anywhere
  v.setUint32(0x38, 0x644d_5241, true);
  out.set(code, 64);
  return out;
}

const file = (name: string, bytes: Uint8Array): BootFile => ({ name, bytes });
const NOP = new Uint8Array([0x1f, 0x20, 0x03, 0xd5]);

/**
 * The tiny kernel: checks the boot protocol's register state and the DTB
 * x0 points at, prints "FDT OK" (or "BAD n"), then PSCI SYSTEM_OFF.
 */
const TINY_KERNEL = `
_start:
    mov     x19, x0
    mov     x9, #1
    cbnz    x1, bad
    cbnz    x2, bad
    cbnz    x3, bad
    mov     x9, #2
    mrs     x4, CurrentEL
    cmp     x4, #4                  // EL1
    b.ne    bad
    mov     x9, #3
    mrs     x4, daif
    cmp     x4, #0x3c0              // D, A, I, F masked
    b.ne    bad
    mov     x9, #4
    mrs     x4, sctlr_el1
    tst     x4, #1                  // M = 0: MMU off
    b.ne    bad
    mov     x9, #5
    tst     x19, #7                 // 8-byte aligned
    b.ne    bad
    ldr     w5, [x19]
    ldr     w6, =0xedfe0dd0         // 0xd00dfeed, big-endian in memory
    cmp     w5, w6
    b.ne    bad
    ldr     x1, =0x09000000
    adr     x2, ok
    bl      puts
    b       off
bad:
    ldr     x1, =0x09000000
    adr     x2, badmsg
    bl      puts
    add     w3, w9, #0x30
    strb    w3, [x1]
    mov     w3, #10
    strb    w3, [x1]
off:
    ldr     x0, =0x84000008         // PSCI SYSTEM_OFF
    hvc     #0
1:  b       1b
puts:
    ldrb    w3, [x2], #1
    cbz     w3, 2f
    strb    w3, [x1]
    b       puts
2:  ret
ok:     .asciz "FDT OK\\n"
badmsg: .asciz "BAD "
`;

function tinyKernel(base: number): Uint8Array {
  return assemble(TINY_KERNEL, { base }).bytes;
}

function tmp(): string {
  return mkdtempSync(join(tmpdir(), 'vgicsim-linux-'));
}

function scenario(dir: string, linux: string, extra = ''): string {
  const f = join(dir, 'boot.yaml');
  writeFileSync(
    f,
    `version: 1\nname: tiny-kernel\n${extra}guest:\n  linux: ${linux}\nexpect:\n  uart: "FDT OK\\n"\n  exit: poweroff\n  divergence: none\n`,
  );
  return f;
}

describe('guest.linux: placement (arm64 boot protocol)', () => {
  // Addresses as qemu-system-aarch64 7.2 -M virt -kernel puts them (test/scenario/qemu-placement.test.ts).
  it('an Image goes to RAM + text_offset; initrd at RAM + 64 MiB; DTB after it, 2 MiB aligned', () => {
    const b = planLinuxBoot({
      ...RAM,
      kernel: file('Image', image(NOP, { textOffset: 0x8_0000, imageSize: 0x40_0000 })),
      initrd: file('initrd', writeCpio([{ kind: 'file', path: 'init', data: NOP }])),
      dtb: 'auto',
      bootargs: 'console=ttyAMA0',
    });
    assert.equal(b.format, 'arm64-image');
    assert.equal(b.entry, 0x4008_0000);
    assert.deepEqual(b.kernel, { start: 0x4008_0000, end: 0x4048_0000 });
    assert.equal(b.dtb?.start, 0x4420_0000);
    assert.equal(b.initrd?.start, 0x4400_0000);
    assert.deepEqual(b.regs, [0x4420_0000n, 0n, 0n, 0n]);
    const dtb = b.blobs.find((x) => x.what === 'dtb');
    assert.ok(dtb);
    const chosen = findNode(decodeFdt(dtb.bytes).root, '/chosen');
    assert.ok(chosen);
    assert.deepEqual(readStrings(prop(chosen, 'bootargs')!), ['console=ttyAMA0']);
    assert.deepEqual(readCells(prop(chosen, 'linux,initrd-start')!), [0x4400_0000]);
    assert.deepEqual(readCells(prop(chosen, 'linux,initrd-end')!), [
      0x4400_0000 + b.initrd!.end - b.initrd!.start,
    ]);
  });

  it('a raw binary goes to 0x40080000, the DTB to RAM + 64 MiB; a kernel reaching past it pushes the initrd after it', () => {
    const raw = planLinuxBoot({ ...RAM, kernel: file('k.bin', NOP), dtb: 'auto' });
    assert.equal(raw.format, 'flat');
    assert.equal(raw.entry, 0x4008_0000);
    assert.equal(raw.dtb?.start, 0x4400_0000);
    assert.equal(raw.initrd, undefined);
    const big = planLinuxBoot({
      ...RAM,
      kernel: file('Image', image(NOP, { imageSize: 70 * MiB + 123 })),
      initrd: file('initrd', new Uint8Array(100)),
      dtb: 'auto',
    });
    assert.equal(big.initrd?.start, 0x4020_0000 + 70 * MiB + 0x1000);
    assert.equal(big.dtb?.start, 0x4020_0000 + 72 * MiB);
  });

  it("the generated tree's interrupt controller is the machine's GIC (machine.gic)", () => {
    const intc = (gic?: 'v2' | 'v3') => {
      const b = planLinuxBoot({ ...RAM, kernel: file('k.bin', NOP), dtb: 'auto', gic });
      const dtb = b.blobs.find((x) => x.what === 'dtb');
      assert.ok(dtb);
      const n = findNode(decodeFdt(dtb.bytes).root, '/intc@8000000');
      assert.ok(n);
      return readStrings(prop(n, 'compatible')!);
    };
    assert.deepEqual(intc(), ['arm,cortex-a15-gic']);
    assert.deepEqual(intc('v3'), ['arm,gic-v3']);
  });

  it('a gzip-compressed Image is decompressed (as QEMU does with Debian-style vmlinuz)', () => {
    const b = planLinuxBoot({ ...RAM, kernel: file('vmlinuz', gzipSync(image(NOP))), dtb: 'auto' });
    assert.equal(b.format, 'arm64-image');
    assert.equal(b.entry, 0x4020_0000);
  });

  it('a user DTB is used with its /chosen updated (bootargs, initrd range)', () => {
    const own = machineDtb({ cpus: 4, ramBase: 0x4000_0000, ramSize: 64 * MiB, bootargs: 'old' });
    const b = planLinuxBoot({
      ...RAM,
      kernel: file('Image', image(NOP)),
      initrd: file('initrd', new Uint8Array(8)),
      dtb: file('board.dtb', own),
      bootargs: 'new',
    });
    const d = decodeFdt(b.blobs.find((x) => x.what === 'dtb')!.bytes).root;
    assert.ok(findNode(d, '/cpus/cpu@3'), 'the user tree, not the generated one');
    assert.deepEqual(readStrings(prop(findNode(d, '/chosen')!, 'bootargs')!), ['new']);
    assert.deepEqual(readCells(prop(findNode(d, '/chosen')!, 'linux,initrd-start')!), [b.initrd!.start]);
  });

  it('an initrd that does not fit is a LoadError naming it', () => {
    assert.throws(
      () =>
        planLinuxBoot({
          ...RAM,
          kernel: file('Image', image(NOP, { imageSize: 100 * MiB })),
          initrd: file('big.img', new Uint8Array(40 * MiB)),
          dtb: 'auto',
        }),
      (e) =>
        e instanceof LoadError && /^big\.img: initrd \(41943040 bytes\) does not fit in RAM/.test(e.message),
    );
  });
});

describe('guest.linux: boot register state on both machines', () => {
  for (const kind of ['raw', 'Image'] as const) {
    it(`a ${kind} kernel finds x0 = a valid FDT, x1..x3 = 0, EL1h, DAIF masked, MMU off; powers off`, () => {
      const dir = tmp();
      const bytes = kind === 'raw' ? tinyKernel(0x4008_0000) : image(tinyKernel(0x4020_0040));
      writeFileSync(join(dir, 'k'), bytes);
      const f = scenario(dir, '{ kernel: k, bootargs: "console=ttyAMA0 tiny" }', 'machine: { vcpus: 2 }\n');
      const s = loadScenarioFile(f);
      for (const policy of ['level', 'legacy-edge']) {
        const r = runScenario(s, { policy });
        assert.ok(r.passed, `${policy}: ${JSON.stringify(r.verdicts)} uart=${r.uart}`);
      }
      // Before the first instruction: the state the protocol fixes, and the DTB in RAM.
      const images = buildImages(s);
      for (const m of [
        buildVm(s, images, { policy: 'level', seed: 0, trace: NULL_SINK }),
        buildReference(s, images, { policy: 'level', seed: 0, trace: NULL_SINK }),
      ]) {
        const cpu = m.board.cpus[0];
        assert.equal(cpu.pc, kind === 'raw' ? 0x4008_0000 : 0x4020_0000);
        assert.equal(cpu.getX(0), 0x4400_0000n, 'DTB at RAM + 64 MiB, as QEMU');
        assert.equal(cpu.el, 1);
        assert.equal(cpu.daif, 0xf);
        assert.deepEqual(m.power.on, [true, false], 'vcpu1 waits for PSCI CPU_ON');
        assert.equal(m.board.ram.read32(0x4000_0000), 0x5800_00c0, "QEMU's boot stub: ldr x0, <dtb>");
        const size = m.board.ram.read32(0x4400_0004);
        const blob = m.board.ram.readBytes(
          0x4400_0000,
          ((size & 0xff) << 24) | ((size & 0xff00) << 8) | ((size >>> 8) & 0xff00) | (size >>> 24),
        );
        const root = decodeFdt(blob).root;
        assert.deepEqual(readStrings(prop(findNode(root, '/chosen')!, 'bootargs')!), [
          'console=ttyAMA0 tiny',
        ]);
        assert.ok(findNode(root, '/cpus/cpu@1'));
      }
    });
  }
});

/** A PE header for an arm64 Image with the EFI stub, whose one section ends at `end`. */
function efiImage(length: number, end: number): Uint8Array {
  const b = image(new Uint8Array(Math.max(0, length - 64)));
  const v = new DataView(b.buffer);
  v.setUint16(0, 0x5a4d, true); // "MZ"
  v.setUint32(0x3c, 0x40, true); // e_lfanew
  v.setUint32(0x40, 0x4550, true); // "PE\0\0"
  v.setUint16(0x44, 0xaa64, true);
  v.setUint16(0x46, 1, true); // one section
  v.setUint16(0x54, 0, true); // no optional header
  v.setUint32(0x58 + 16, end - 0x200, true); // SizeOfRawData
  v.setUint32(0x58 + 20, 0x200, true); // PointerToRawData
  return b;
}

function elf(machine: number): Uint8Array {
  const b = new Uint8Array(64);
  b.set([0x7f, 0x45, 0x4c, 0x46, 2, 1, 1]);
  new DataView(b.buffer).setUint16(18, machine, true);
  new DataView(b.buffer).setUint16(16, 2, true);
  return b;
}

describe('guest.linux: bad kernel, initrd and DTB files', () => {
  const riscv = new Uint8Array(64);
  riscv.set([0x52, 0x53, 0x43, 0x05], 0x38);
  const zimage = new Uint8Array(64);
  new DataView(zimage.buffer).setUint32(0x24, 0x016f_2818, true);
  const bz = new Uint8Array(0x300);
  bz.set([0x4d, 0x5a]);
  bz.set([0x48, 0x64, 0x72, 0x53], 0x202);
  const gzCut = gzipSync(image(NOP)).subarray(0, 30);
  const cpio = writeCpio([{ kind: 'file', path: 'init', data: new Uint8Array(500) }]);

  const kernels: [string, Uint8Array, RegExp][] = [
    ['empty', new Uint8Array(0), /k: empty file/],
    [
      'truncated EFI Image',
      efiImage(0x400, 0x1200),
      /k: truncated: 1024 bytes, but its PE section table says the file is at least 4608 bytes/,
    ],
    [
      'Image cut inside its PE header',
      efiImage(0x400, 0x1200).subarray(0, 0x50),
      /k: truncated \(80 bytes\)/,
    ],
    ['x86-64 ELF', elf(62), /k: ELF for machine X86_64 \(62\), expected AArch64/],
    ['RISC-V Image', riscv, /k: a RISC-V Linux Image, expected an arm64 Image/],
    ['32-bit Arm zImage', zimage, /k: a 32-bit Arm Linux zImage/],
    ['x86 bzImage', bz, /k: an x86 Linux bzImage/],
    ['truncated gzip', gzCut, /k: gzip-compressed, but the gzip data is bad: .*truncated/],
  ];
  const initrds: [string, Uint8Array, RegExp][] = [
    ['empty', new Uint8Array(0), /i: empty file/],
    ['truncated gzip', gzipSync(cpio).subarray(0, 40), /i: gzip-compressed, but the gzip data is bad/],
    ['truncated cpio', cpio.subarray(0, 300), /i: bad cpio archive: truncated/],
    ['an arm64 Image', image(NOP), /i: an executable or kernel image, not an initramfs/],
  ];

  function errorOf(dir: string, linux: string): string {
    try {
      buildImages(loadScenarioFile(scenario(dir, linux)));
    } catch (e) {
      assert.ok(e instanceof ScenarioError, String(e));
      return e.message;
    }
    return assert.fail('expected a ScenarioError');
  }

  it('kernels: each problem located at guest.linux.kernel', () => {
    const dir = tmp();
    for (const [what, bytes, re] of kernels) {
      writeFileSync(join(dir, 'k'), bytes);
      const m = errorOf(dir, '{ kernel: k }');
      assert.match(m, /boot\.yaml:4:20: /, what);
      assert.match(m, re, what);
    }
    writeFileSync(join(dir, 'k'), efiImage(0x1200, 0x1200));
    buildImages(loadScenarioFile(scenario(dir, '{ kernel: k }')));
  });

  it('initrds: each problem located at guest.linux.initrd', () => {
    const dir = tmp();
    writeFileSync(join(dir, 'k'), NOP);
    for (const [what, bytes, re] of initrds) {
      writeFileSync(join(dir, 'i'), bytes);
      const m = errorOf(dir, '{ kernel: k, initrd: i }');
      assert.match(m, /boot\.yaml:4:31: /, what);
      assert.match(m, re, what);
    }
    writeFileSync(join(dir, 'd.dtb'), new Uint8Array(100));
    assert.match(
      errorOf(dir, '{ kernel: k, dtb: d.dtb }'),
      /boot\.yaml:4:28: d\.dtb: not a valid device tree blob: bad magic 0x0/,
    );
  });

  it('the CLI: exit 2 with the located message, never a stack trace (missing, empty, foreign)', () => {
    const dir = tmp();
    writeFileSync(join(dir, 'empty'), new Uint8Array(0));
    writeFileSync(join(dir, 'x86'), elf(62));
    writeFileSync(join(dir, 'k'), NOP);
    const cases: [string, RegExp][] = [
      ['{ kernel: nothing-here }', /boot\.yaml:4:20: guest\.linux\.kernel: file not found: 'nothing-here'/],
      ['{ kernel: empty }', /boot\.yaml:4:20: empty: empty file/],
      ['{ kernel: x86 }', /boot\.yaml:4:20: x86: ELF for machine X86_64/],
      ['{ kernel: k, initrd: empty }', /boot\.yaml:4:31: empty: empty file/],
    ];
    for (const [linux, re] of cases) {
      const r = spawnSync(process.execPath, [BIN, 'run', scenario(dir, linux)], { encoding: 'utf8' });
      assert.equal(r.status, 2, `${linux}: ${r.stdout}${r.stderr}`);
      assert.match(r.stderr, re);
      assert.doesNotMatch(r.stderr, /\n\s+at /, 'no stack trace');
    }
  });

  it('run --console streams the UART output before the summary', () => {
    const dir = tmp();
    writeFileSync(join(dir, 'k'), tinyKernel(0x4008_0000));
    const r = spawnSync(process.execPath, [BIN, 'run', '--console', scenario(dir, '{ kernel: k }')], {
      encoding: 'utf8',
    });
    assert.equal(r.status, 0, r.stdout + r.stderr);
    assert.match(r.stdout, /^FDT OK\nPASS {2}tiny-kernel/);
  });
});
