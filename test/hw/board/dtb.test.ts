// The device tree vgicsim writes: read back with a small reader written
// here (independent of fdt.ts's decoder), with fdt.ts's decoder, and with
// Debian's dtc (package device-tree-compiler), which must parse it without
// a warning and show the nodes and properties a kernel needs.
// test:cross: dtc (npm test: its output recorded in test/fixtures/cross/dtc.json)

import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { machineDtb, PHANDLE } from '../../../src/hw/board/dtb.ts';
import {
  cells,
  decodeFdt,
  EMPTY,
  encodeFdt,
  FDT_MAGIC,
  FdtError,
  type FdtNode,
  findNode,
  node,
  prop,
  readCells,
  readStrings,
  strings,
} from '../../../src/hw/board/fdt.ts';
import { fromBase64, missingTool, recorded, toBase64 } from '../../cross/recorded.ts';

const MiB = 1024 * 1024;
const CONFIG = {
  cpus: 2,
  ramBase: 0x4000_0000,
  ramSize: 128 * MiB,
  bootargs: 'console=ttyAMA0 panic=-1',
  initrd: { start: 0x4400_0000, end: 0x4410_0000 },
};

/** A minimal FDT reader (Devicetree Specification 5.2-5.5): path -> { prop -> bytes }. */
function miniRead(b: Uint8Array): Map<string, Map<string, Uint8Array>> {
  const v = new DataView(b.buffer, b.byteOffset, b.byteLength);
  assert.equal(v.getUint32(0), 0xd00dfeed, 'magic');
  assert.equal(v.getUint32(4), b.length, 'totalsize');
  assert.equal(v.getUint32(20), 17, 'version');
  assert.equal(v.getUint32(24), 16, 'last_comp_version');
  const offStruct = v.getUint32(8);
  const offStrings = v.getUint32(12);
  const offRsv = v.getUint32(16);
  assert.equal(offRsv % 8, 0, 'reservation block 8-byte aligned');
  assert.equal(offStruct % 4, 0, 'structure block 4-byte aligned');
  assert.equal(v.getBigUint64(offRsv), 0n, 'empty reservation map');
  const str = (at: number) => {
    let e = at;
    while (b[e] !== 0) e++;
    return [new TextDecoder().decode(b.subarray(at, e)), e + 1] as const;
  };
  const out = new Map<string, Map<string, Uint8Array>>();
  const path: string[] = [];
  let at = offStruct;
  for (;;) {
    const tok = v.getUint32(at);
    at += 4;
    if (tok === 1) {
      const [name, next] = str(at);
      at = (next + 3) & ~3;
      path.push(name);
      out.set(`/${path.slice(1).join('/')}`, new Map());
    } else if (tok === 3) {
      const len = v.getUint32(at);
      const nameoff = v.getUint32(at + 4);
      at += 8;
      const [name] = str(offStrings + nameoff);
      out.get(`/${path.slice(1).join('/')}`)?.set(name, b.slice(at, at + len));
      at = (at + len + 3) & ~3;
    } else if (tok === 2) path.pop();
    else if (tok === 9) break;
    else assert.fail(`token ${tok} at ${at - 4}`);
  }
  assert.equal(path.length, 0, 'every node closed');
  return out;
}

interface DtcResult {
  status: number | null;
  stdout: string;
  stderr: string;
  /** base64 of the file dtc wrote (-o out), if any */
  out?: string;
}

/** dtc with `input` on stdin and, if given, `file` as in.dts, in a temporary directory. */
function dtc(what: string, args: string[], input: Uint8Array | string, file?: string): DtcResult {
  return recorded({ store: 'dtc', what, tools: ['dtc'], inputs: { args, input, file } }, () => {
    const dir = mkdtempSync(join(tmpdir(), 'vgicsim-dtb-'));
    try {
      if (file !== undefined) writeFileSync(join(dir, 'in.dts'), file);
      const r = spawnSync('dtc', args, { input, encoding: 'utf8', cwd: dir });
      if (r.error) throw missingTool('dtc');
      const out = join(dir, 'out');
      const res: DtcResult = { status: r.status, stdout: r.stdout, stderr: r.stderr };
      return existsSync(out) ? { ...res, out: toBase64(readFileSync(out)) } : res;
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
}

describe('device tree (DTB) of the machine', () => {
  const blob = machineDtb(CONFIG);

  it('reads back with an independent reader: header, nodes, properties', () => {
    const t = miniRead(blob);
    const s = (p: string, n: string) => readStrings(t.get(p)?.get(n) ?? EMPTY);
    const c = (p: string, n: string) => readCells(t.get(p)?.get(n) ?? EMPTY);
    assert.deepEqual(c('/', '#address-cells'), [2]);
    assert.deepEqual(c('/', '#size-cells'), [2]);
    assert.deepEqual(s('/', 'compatible'), ['linux,dummy-virt']);
    assert.deepEqual(c('/', 'interrupt-parent'), [PHANDLE.GIC]);
    assert.deepEqual(c('/memory@40000000', 'reg'), [0, 0x4000_0000, 0, 128 * MiB]);
    assert.deepEqual(s('/memory@40000000', 'device_type'), ['memory']);
    assert.deepEqual(c('/cpus', '#address-cells'), [1]);
    assert.deepEqual(c('/cpus', '#size-cells'), [0]);
    for (const i of [0, 1]) {
      assert.deepEqual(s(`/cpus/cpu@${i}`, 'device_type'), ['cpu']);
      assert.deepEqual(s(`/cpus/cpu@${i}`, 'compatible'), ['arm,cortex-a57']);
      assert.deepEqual(c(`/cpus/cpu@${i}`, 'reg'), [i]);
      assert.deepEqual(s(`/cpus/cpu@${i}`, 'enable-method'), ['psci']);
    }
    assert.equal(t.has('/cpus/cpu@2'), false);
    assert.deepEqual(s('/psci', 'compatible'), ['arm,psci-1.0', 'arm,psci-0.2', 'arm,psci']);
    assert.deepEqual(s('/psci', 'method'), ['hvc']);
    assert.deepEqual(s('/intc@8000000', 'compatible'), ['arm,cortex-a15-gic']);
    assert.deepEqual(c('/intc@8000000', '#interrupt-cells'), [3]);
    assert.ok(t.get('/intc@8000000')?.has('interrupt-controller'));
    assert.deepEqual(c('/intc@8000000', 'reg'), [0, 0x0800_0000, 0, 0x1_0000, 0, 0x0801_0000, 0, 0x2000]);
    assert.deepEqual(c('/intc@8000000', 'phandle'), [PHANDLE.GIC]);
    // GIC_PPI, PPI number, level-high | cpu mask (2 cpus: 0b11 << 8)
    assert.deepEqual(c('/timer', 'interrupts'), [1, 13, 0x304, 1, 14, 0x304, 1, 11, 0x304, 1, 10, 0x304]);
    assert.deepEqual(s('/timer', 'compatible')[0], 'arm,armv8-timer');
    assert.ok(t.get('/timer')?.has('always-on'));
    assert.deepEqual(s('/pl011@9000000', 'compatible'), ['arm,pl011', 'arm,primecell']);
    assert.deepEqual(c('/pl011@9000000', 'reg'), [0, 0x0900_0000, 0, 0x1000]);
    assert.deepEqual(c('/pl011@9000000', 'interrupts'), [0, 1, 4]);
    assert.deepEqual(c('/pl011@9000000', 'clocks'), [PHANDLE.APB_PCLK, PHANDLE.APB_PCLK]);
    assert.deepEqual(s('/pl011@9000000', 'clock-names'), ['uartclk', 'apb_pclk']);
    assert.deepEqual(s('/apb-pclk', 'compatible'), ['fixed-clock']);
    assert.deepEqual(c('/apb-pclk', 'clock-frequency'), [24_000_000]);
    assert.deepEqual(c('/apb-pclk', '#clock-cells'), [0]);
    assert.deepEqual(c('/apb-pclk', 'phandle'), [PHANDLE.APB_PCLK]);
    assert.deepEqual(s('/chosen', 'bootargs'), ['console=ttyAMA0 panic=-1']);
    assert.deepEqual(s('/chosen', 'stdout-path'), ['/pl011@9000000']);
    assert.deepEqual(c('/chosen', 'linux,initrd-start'), [0x4400_0000], 'one cell, as QEMU writes it');
    assert.deepEqual(c('/chosen', 'linux,initrd-end'), [0x4410_0000]);
  });

  it('the CPU mask of the timer PPIs follows the cpu count; no initrd, no bootargs: no such properties', () => {
    const one = decodeFdt(machineDtb({ cpus: 1, ramBase: 0x4000_0000, ramSize: 256 * MiB })).root;
    const timer = findNode(one, '/timer');
    assert.ok(timer);
    assert.equal(readCells(prop(timer, 'interrupts') ?? EMPTY)[2], 0x104);
    const chosen = findNode(one, '/chosen');
    assert.ok(chosen);
    assert.deepEqual(
      chosen.props.map((p) => p.name),
      ['stdout-path'],
    );
    assert.deepEqual(readCells(prop(findNode(one, '/memory@40000000')!, 'reg')!), [
      0,
      0x4000_0000,
      0,
      256 * MiB,
    ]);
    const eight = decodeFdt(machineDtb({ cpus: 8, ramBase: 0x4000_0000, ramSize: MiB })).root;
    assert.equal(readCells(prop(findNode(eight, '/timer')!, 'interrupts')!)[2], 0xff04);
    assert.ok(findNode(eight, '/cpus/cpu@7'));
    assert.throws(() => machineDtb({ cpus: 9, ramBase: 0, ramSize: MiB }), /1\.\.8 cpus/);
  });

  it("Debian's dtc parses it without warnings and shows the nodes", () => {
    const r = dtc('dtc -I dtb -O dts of the machine DTB', ['-I', 'dtb', '-O', 'dts', '-'], blob);
    assert.equal(r.status, 0, r.stderr);
    assert.equal(r.stderr.trim(), '', `dtc warnings:\n${r.stderr}`);
    const dts = r.stdout;
    for (const re of [
      /compatible = "linux,dummy-virt";/,
      /memory@40000000 \{[^}]*reg = <0x00 0x40000000 0x00 0x8000000>;/,
      /cpu@1 \{[^}]*enable-method = "psci";/,
      /psci \{[^}]*method = "hvc";/,
      /intc@8000000 \{[^}]*reg = <0x00 0x8000000 0x00 0x10000 0x00 0x8010000 0x00 0x2000>;/,
      /timer \{[^}]*interrupts = <0x01 0x0d 0x304 0x01 0x0e 0x304 0x01 0x0b 0x304 0x01 0x0a 0x304>;/,
      /pl011@9000000 \{[^}]*interrupts = <0x00 0x01 0x04>;[^}]*clock-names = "uartclk\\0apb_pclk";/,
      /apb-pclk \{[^}]*clock-frequency = <0x16e3600>;/,
      /chosen \{[^}]*bootargs = "console=ttyAMA0 panic=-1";[^}]*stdout-path = "\/pl011@9000000";/,
      /linux,initrd-start = <0x44000000>;/,
    ])
      assert.match(dts, re);
  });

  it('fdt.ts decodes what dtc writes (reservations, boot cpu, nested nodes)', () => {
    const src = `/dts-v1/;
/memreserve/ 0x48000000 0x1000;
/ {
  #address-cells = <2>;
  model = "dtc-made";
  a { b@1 { reg = <1>; flag; }; };
};`;
    const r = dtc(
      'dtc -I dts -O dtb of a small source',
      ['-I', 'dts', '-O', 'dtb', '-b', '1', '-o', 'out', 'in.dts'],
      '',
      src,
    );
    assert.equal(r.status, 0, r.stderr);
    assert.ok(r.out !== undefined, 'dtc wrote the DTB');
    const d = decodeFdt(fromBase64(r.out));
    assert.equal(d.bootCpu, 1);
    assert.deepEqual(d.reservations, [{ address: 0x4800_0000n, size: 0x1000n }]);
    assert.deepEqual(readStrings(prop(d.root, 'model')!), ['dtc-made']);
    const b = findNode(d.root, '/a/b@1');
    assert.ok(b);
    assert.deepEqual(readCells(prop(b, 'reg')!), [1]);
    assert.equal(prop(b, 'flag')?.length, 0);
  });

  it('encode/decode round-trip of random trees, byte-exact re-encoding', () => {
    const name = fc.stringMatching(/^[a-z][a-z0-9,._+-]{0,12}$/);
    const value = fc.oneof(
      fc.array(fc.integer({ min: 0, max: 0xffff_ffff }), { maxLength: 5 }).map((v) => cells(...v)),
      fc.array(fc.stringMatching(/^[ -~]{0,10}$/), { minLength: 1, maxLength: 3 }).map((v) => strings(...v)),
      fc.uint8Array({ maxLength: 9 }),
    );
    const props = fc.uniqueArray(fc.tuple(name, value), { selector: (p) => p[0], maxLength: 4 });
    const level = (children: fc.Arbitrary<FdtNode[]>): fc.Arbitrary<FdtNode> =>
      fc
        .tuple(name, props, children)
        .map(([n, p, ch]) => ({ name: n, props: p.map(([k, v]) => ({ name: k, value: v })), children: ch }));
    const kids = (a: fc.Arbitrary<FdtNode>) => fc.uniqueArray(a, { selector: (n) => n.name, maxLength: 3 });
    const tree = level(kids(level(kids(level(fc.constant([]))))));
    fc.assert(
      fc.property(tree, fc.integer({ min: 0, max: 7 }), (t, boot) => {
        const root = { ...t, name: '' };
        const bytes = encodeFdt(root, { bootCpu: boot, reservations: [{ address: 0x1000n, size: 0x20n }] });
        const d = decodeFdt(bytes);
        assert.equal(d.bootCpu, boot);
        assert.deepEqual(d.root, root);
        const again = encodeFdt(d.root, { bootCpu: d.bootCpu, reservations: d.reservations });
        assert.deepEqual(again, bytes);
      }),
      { numRuns: 200 },
    );
  });

  it('bad blobs are FdtErrors that say what is wrong', () => {
    assert.throws(
      () => decodeFdt(blob.subarray(0, 20)),
      (e) => e instanceof FdtError && /truncated header/.test(e.message),
    );
    assert.throws(
      () => decodeFdt(blob.subarray(0, blob.length - 8)),
      new RegExp(`totalsize ${blob.length} exceeds the ${blob.length - 8} bytes given \\(truncated\\)`),
    );
    const bad = blob.slice();
    new DataView(bad.buffer).setUint32(0, 0x12345678);
    assert.throws(() => decodeFdt(bad), /bad magic 0x12345678/);
    assert.equal(new DataView(blob.buffer).getUint32(0), FDT_MAGIC);
    assert.throws(() => encodeFdt(node('x', {})), /root node's name must be empty/);
    assert.throws(() => encodeFdt(node('', {}, [node('bad name', {})])), /not printable ASCII/);
  });
});

describe('device tree of a GICv3 machine (gic: v3)', () => {
  const t = miniRead(machineDtb({ ...CONFIG, gic: 'v3' }));
  const s = (p: string, n: string) => readStrings(t.get(p)?.get(n) ?? EMPTY);
  const c = (p: string, n: string) => readCells(t.get(p)?.get(n) ?? EMPTY);

  it("has QEMU's gic-version=3 intc node: arm,gic-v3, GICD + the redistributor region, maintenance PPI 9", () => {
    assert.deepEqual(s('/intc@8000000', 'compatible'), ['arm,gic-v3']);
    assert.deepEqual(c('/intc@8000000', 'reg'), [0, 0x0800_0000, 0, 0x1_0000, 0, 0x080a_0000, 0, 0xf6_0000]);
    assert.deepEqual(c('/intc@8000000', '#redistributor-regions'), [1]);
    assert.deepEqual(c('/intc@8000000', 'interrupts'), [1, 9, 4]);
    assert.deepEqual(c('/intc@8000000', '#interrupt-cells'), [3]);
    assert.deepEqual(c('/intc@8000000', '#address-cells'), [2]);
    assert.deepEqual(c('/intc@8000000', '#size-cells'), [2]);
    assert.ok(t.get('/intc@8000000')?.has('ranges'));
    assert.ok(t.get('/intc@8000000')?.has('interrupt-controller'));
    assert.deepEqual(c('/intc@8000000', 'phandle'), [PHANDLE.GIC]);
  });

  it('PPIs carry no GICv2 cpu mask', () => {
    assert.deepEqual(c('/timer', 'interrupts'), [1, 13, 4, 1, 14, 4, 1, 11, 4, 1, 10, 4]);
  });
});
