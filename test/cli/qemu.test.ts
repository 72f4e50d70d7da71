// `vgicsim qemu` driven the way kvm-unit-tests' arm/run and
// scripts/arch-run.bash drive qemu-system-aarch64: the probes they make
// (-machine '?' must mention "ARM Virtual Machine", -version), then
//   -nodefaults -machine virt -accel tcg -cpu cortex-a57 -display none
//   -serial stdio -kernel <test.flat> -smp N -append '...' -initrd <env>
// with a bare-metal image built by GNU as + ld (bss and stack past the end
// of the file; it parses the DTB, prints on the PL011, powers off by PSCI).
// Its console must be what the real QEMU printed (recorded) and the exit
// status QEMU's: 0 on SYSTEM_OFF.
// test:cross: aarch64-linux-gnu-as, -ld, -objcopy, qemu-system-aarch64 (npm test: test/fixtures/cross/qemu-*.json)

import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { assemble } from '../../src/hw/cpu/asm/index.ts';
import { GENERATIONS } from '../../src/hyp/generation/index.ts';
import { buildKutLike, qemuConsole } from '../cross/qemu-system.ts';
import { runCli } from './in-process.ts';

const BIN = join(import.meta.dirname, '../../bin/vgicsim-qemu.mjs');
const ENV = new TextEncoder().encode('TESTNAME=qemu-cli\nQEMU_ACCEL=tcg\n');

function files(kernel: Uint8Array): { dir: string; kernel: string; env: string } {
  const dir = mkdtempSync(join(tmpdir(), 'vgicsim-qemu-cli-'));
  writeFileSync(join(dir, 'test.flat'), kernel);
  writeFileSync(join(dir, 'env'), ENV);
  return { dir, kernel: join(dir, 'test.flat'), env: join(dir, 'env') };
}

const ARM_RUN = ['-nodefaults', '-machine', 'virt', '-accel', 'tcg', '-cpu', 'cortex-a57'];
const CONSOLE = ['-display', 'none', '-serial', 'stdio'];

describe('vgicsim qemu: what kvm-unit-tests-style runners do', () => {
  it('probes: -machine ? names the ARM Virtual Machine; -version is parseable', () => {
    const m = runCli(['qemu', '-machine', '?']);
    assert.equal(m.code, 0);
    assert.match(m.out, /ARM Virtual Machine/);
    const v = runCli(['qemu', '-version']);
    assert.equal(v.code, 0);
    assert.match(v.out, /^QEMU emulator version (\d+)\.(\d+)\.(\d+) \(vgicsim\)\n/);
    const props = runCli(['qemu', '-machine', 'virt,?']);
    assert.match(props.out, /gic-version/);
    const help = runCli(['qemu', '-machine', 'help']);
    assert.deepEqual([help.code, help.out], [0, m.out]);
  });

  it('a .flat test with bss past its end boots, prints what QEMU prints, exits 0 on SYSTEM_OFF', () => {
    const kernel = buildKutLike({ kind: 'raw' });
    const f = files(kernel);
    const append = 'console=ttyAMA0 testarg';
    const r = runCli([
      'qemu',
      ...ARM_RUN,
      ...CONSOLE,
      '-kernel',
      f.kernel,
      '-smp',
      '2',
      '-append',
      append,
      '-initrd',
      f.env,
    ]);
    assert.equal(r.err, '');
    assert.equal(r.code, 0);
    const qemu = qemuConsole({ kernel, kernelName: 'raw', initrd: ENV, append });
    const sorted = (s: string) => s.split('\n').filter(Boolean).sort();
    assert.deepEqual(sorted(r.out), sorted(qemu));
    assert.match(r.out, /^x0=0000000044200000 pc=0000000040080000$/m, 'as QEMU 7.2 placed it');
  });

  it('-m 1G and an Image: the memory node says 1G', () => {
    const kernel = buildKutLike({ kind: 'image', textOffset: 0 });
    const f = files(kernel);
    const r = runCli([
      'qemu',
      '-M',
      'virt,gic-version=2',
      '-cpu',
      'max',
      '-nographic',
      '-m',
      '1G',
      '-kernel',
      f.kernel,
    ]);
    assert.equal(r.code, 0, r.err);
    assert.match(r.out, /^memory=00000000 40000000 00000000 40000000$/m);
    assert.match(r.out, /^x0=0000000048000000 pc=0000000040200000$/m);
  });

  it('an ELF (entry 0x40200000): x0 = 0 and the DTB at the start of RAM, as QEMU 7.2 placed it; reads bootargs and memory', () => {
    const f = files(buildKutLike({ kind: 'elf', at: 0x4020_0000 }));
    const r = runCli([
      'qemu',
      ...ARM_RUN,
      ...CONSOLE,
      '-kernel',
      f.kernel,
      '-append',
      'hi',
      '-initrd',
      f.env,
    ]);
    assert.deepEqual([r.code, r.err], [0, '']);
    // the first two lines as test/scenario/qemu-placement.test.ts recorded them from qemu-system-aarch64
    assert.deepEqual(r.out.split('\n').slice(0, 2), [
      'x0=0000000000000000 pc=0000000040200000',
      'dtb=0000000040000000',
    ]);
    assert.match(r.out, /^memory=00000000 40000000 00000000 08000000$/m);
    assert.match(r.out, /^bootargs=hi$/m);
  });

  it('the installed command: vgicsim-qemu is a drop-in for the QEMU binary (real process, real exit status)', () => {
    const f = files(buildKutLike({ kind: 'raw' }));
    const r = spawnSync(
      process.execPath,
      [BIN, ...ARM_RUN, ...CONSOLE, '-kernel', f.kernel, '-append', 'x'],
      {
        encoding: 'utf8',
      },
    );
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stdout, /^bootargs=x$/m);
  });

  it('--vcd and --perfetto write their files', () => {
    const f = files(buildKutLike({ kind: 'raw' }));
    const vcd = join(f.dir, 'out.vcd');
    const pf = join(f.dir, 'out.json');
    const r = runCli([
      'qemu',
      '-kernel',
      f.kernel,
      '--vcd',
      vcd,
      '--perfetto',
      pf,
      '--policy',
      'legacy-edge',
    ]);
    assert.equal(r.code, 0, r.err);
    assert.match(readFileSync(vcd, 'utf8'), /\$enddefinitions/);
    assert.ok(JSON.parse(readFileSync(pf, 'utf8')));
  });
});

describe('vgicsim qemu -machine virt,gic-version=3|max|host', () => {
  /**
   * Prints 2 when ID_AA64PFR0_EL1.GIC says there is no system-register CPU
   * interface (a GICv2), else GICD_PIDR2.ArchRev (3); then powers off.
   */
  const ARCH_REV = `
    ldr     x1, =0x08000000
    ldr     x2, =0x09000000
    mov     w0, #2
    mrs     x3, id_aa64pfr0_el1
    ubfx    x3, x3, #24, #4         // ID_AA64PFR0_EL1.GIC: 1 = ICC_* system registers
    cbz     x3, 1f
    ldr     x4, =0xffe8             // GICD_PIDR2
    ldr     w0, [x1, x4]
    ubfx    w0, w0, #4, #4          // ArchRev
1:  add     w0, w0, #'0'
    strb    w0, [x2]
    mov     w0, #10                 // newline
    strb    w0, [x2]
    ldr     x0, =0x84000008
    hvc     #0
    b       .
`;
  const kernel = () => files(assemble(ARCH_REV, { base: 0x4008_0000 }).bytes).kernel;

  for (const [machine, accel, rev] of [
    ['virt', 'tcg', '2'],
    ['virt,gic-version=2', 'kvm', '2'],
    ['virt,gic-version=3', 'tcg', '3'],
    ['virt,gic-version=max', 'tcg', '3'],
    ['virt,gic-version=max', 'kvm', '3'],
    ['virt,gic-version=host', 'kvm', '3'],
    ['virt,gic-version=host,accel=kvm', null, '3'],
  ] as const)
    it(`-machine ${machine}${accel ? ` -accel ${accel}` : ''}: a GICv${rev} (linux-7.0 has vgic-v3)`, () => {
      const a = accel ? ['-accel', accel] : [];
      const r = runCli(['qemu', '-machine', machine, ...a, '-smp', '2', '-kernel', kernel()]);
      assert.deepEqual([r.code, r.err, r.out], [0, '', `${rev}\n`]);
    });

  it('gic-version=3 under each generation: runs where it has vgic-v3, else exit 2 saying why; max and host fall back to GICv2 there', () => {
    for (const [name, g] of Object.entries(GENERATIONS)) {
      const v3 = runCli(['qemu', '-M', 'virt,gic-version=3', '--policy', name, '-kernel', kernel()]);
      const max = runCli(['qemu', '-M', 'virt,gic-version=max', '--policy', name, '-kernel', kernel()]);
      if (g.vgicV3 === true) {
        assert.deepEqual([v3.code, v3.out, max.out], [0, '3\n', '3\n'], name);
        continue;
      }
      assert.equal(v3.code, 2, name);
      assert.equal(v3.out, '');
      assert.match(v3.err, new RegExp(`gic-version=3: ${name} .*has no vgic-v3`));
      assert.deepEqual([max.code, max.out], [0, '2\n'], name);
    }
  });

  it("-smp 124 with gic-version=3: QEMU would run it (its second redistributor region), vgicsim's GICv3 serves 123 cpus: exit 2 saying so; -smp 9 with a GICv2 is QEMU's error (exit 1)", () => {
    const r = runCli(['qemu', '-M', 'virt,gic-version=3', '-smp', '124', '-kernel', kernel()]);
    assert.deepEqual([r.code, r.out], [2, '']);
    assert.match(r.err, /-smp 124: vgicsim's GICv3 serves at most 123 cpus/);
    const v2 = runCli(['qemu', '-M', 'virt,gic-version=2', '-smp', '9', '-kernel', kernel()]);
    assert.equal(v2.code, 1);
    assert.match(v2.err, /exceeds max CPUs supported by machine 'mach-virt' with a GICv2 \(8\)/);
  });

  it('the kvm-unit-tests-style .flat boots on gic-version=3 -smp 2 and prints what qemu-system-aarch64 -M virt,gic-version=3 prints', () => {
    const kernel = buildKutLike({ kind: 'raw' });
    const f = files(kernel);
    const append = 'console=ttyAMA0 v3';
    const r = runCli([
      'qemu',
      ...ARM_RUN,
      '-machine',
      'gic-version=3',
      ...CONSOLE,
      '-kernel',
      f.kernel,
      '-smp',
      '2',
      '-append',
      append,
    ]);
    assert.deepEqual([r.code, r.err], [0, '']);
    const qemu = qemuConsole({ kernel, kernelName: 'raw', append, smp: 2, gic: 3 });
    const sorted = (s: string) => s.split('\n').filter(Boolean).sort();
    assert.deepEqual(sorted(r.out), sorted(qemu));
  });
});

describe('vgicsim qemu: endings and refusals', () => {
  const asmFile = (src: string) => files(assemble(src, { base: 0x4008_0000 }).bytes).kernel;

  it('SYSTEM_RESET: exit 0 (QEMU with -no-reboot); without -no-reboot a note that QEMU would reboot', () => {
    const k = asmFile('ldr x0, =0x84000009\nhvc #0\nb .\n');
    const quiet = runCli(['qemu', '-no-reboot', '-kernel', k]);
    assert.deepEqual([quiet.code, quiet.err], [0, '']);
    const noted = runCli(['qemu', '-kernel', k]);
    assert.equal(noted.code, 0);
    assert.match(noted.err, /SYSTEM_RESET; QEMU would reboot it/);
  });

  it('a guest that never powers off: exit 124 at --timeout (virtual time), as timeout(1)', () => {
    const r = runCli(['qemu', '-kernel', asmFile('b .\n'), '--timeout', '1ms']);
    assert.equal(r.code, 124);
    assert.match(r.err, /timeout: the guest ran 1ms of virtual time/);
  });

  for (const [args, message] of [
    [['-machine', 'virt,gic-version=host'], /gic-version=host requires KVM/],
    [['-machine', 'virt,gic-version=4'], /gic-version=4: not supported/],
    [['-machine', 'virt,gic-version=5'], /invalid gic-version value/],
    [['-machine', 'sbsa-ref'], /-machine sbsa-ref: not supported/],
    [['-device', 'virtio-serial-device'], /-device virtio-serial-device: not supported/],
    [['-chardev', 'testdev,id=ctd'], /-chardev testdev,id=ctd: not supported \(stdio only; no chr-testdev/],
    [['-smp', '9'], /exceeds max CPUs supported by machine 'mach-virt' with a GICv2 \(8\)/],
    [['-smp', '513', '-M', 'virt,gic-version=3'], /max CPUs supported by machine 'virt-7.2' is 512/],
    [['-m', '4G'], /-m 4G: .*at most 2G/],
    [['-bios', 'x'], /-bios: not supported/],
    [['-serial', 'pty'], /-serial pty: not supported/],
    [[], /no -kernel given/],
  ] as const)
    it(`${args.join(' ') || '(no -kernel)'}: exit 1, one line on stderr`, () => {
      const needsKernel = args.length > 0 ? ['-kernel', 'k'] : [];
      const r = runCli(['qemu', ...args, ...needsKernel]);
      assert.equal(r.code, 1);
      assert.equal(r.out, '');
      assert.match(r.err, message);
      assert.equal(r.err.trim().split('\n').length, 1);
    });

  it('a kernel that cannot be read: exit 1 naming it', () => {
    const r = runCli(['qemu', '-kernel', '/nonexistent/test.flat']);
    assert.equal(r.code, 1);
    assert.match(r.err, /test\.flat/);
  });
});
