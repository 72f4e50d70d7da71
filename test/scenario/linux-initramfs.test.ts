// The newc cpio writer and the busybox initramfs: parsed back by our reader
// and listed by Debian's cpio (package cpio), and the Linux scenarios that
// boot it point at the download cache and expect /init's marker.
// test:cross: cpio (npm test: its listing recorded in test/fixtures/cross/cpio.json)

import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { gunzipSync } from 'node:zlib';
import fc from 'fast-check';
import { type CpioEntry, CpioError, isCpio, readCpio, writeCpio } from '../../src/scenario/cpio.ts';
import { parseScenario } from '../../src/scenario/index.ts';
import { APPLETS, buildInitramfs, INIT_MARKER, INIT_SCRIPT } from '../../src/scenario/initramfs.ts';
import { missingTool, recorded } from '../cross/recorded.ts';

const FAKE_BUSYBOX = new Uint8Array([0x7f, 0x45, 0x4c, 0x46, 1, 2, 3, 4, 5]);

function cpioList(archive: Uint8Array): string {
  const args = ['-itv', '--quiet'];
  const r = recorded(
    { store: 'cpio', what: 'cpio -itv of the busybox initramfs', tools: ['cpio'], inputs: { args, archive } },
    () => {
      const r = spawnSync('cpio', args, {
        input: archive,
        encoding: 'utf8',
        env: { ...process.env, TZ: 'UTC' },
      });
      if (r.error) throw missingTool('cpio');
      return { status: r.status, stdout: r.stdout, stderr: r.stderr };
    },
  );
  assert.equal(r.status, 0, r.stderr);
  return r.stdout;
}

describe('newc cpio writer', () => {
  it('round-trips through our reader; sizes and padding keep every header 4-byte aligned', () => {
    const path = fc.stringMatching(/^[a-z][a-z0-9._-]{0,20}$/);
    fc.assert(
      fc.property(
        fc.uniqueArray(fc.tuple(path, fc.uint8Array({ maxLength: 40 })), {
          selector: (e) => e[0],
          maxLength: 6,
        }),
        (files) => {
          const entries: CpioEntry[] = files.map(([p, data]) => ({ kind: 'file', path: p, data }));
          const a = writeCpio(entries);
          assert.equal(a.length % 4, 0);
          const back = readCpio(a);
          assert.deepEqual(
            back.map((r) => [r.path, r.kind, [...r.data]]),
            files.map(([p, d]) => [p, 'file', [...d]]),
          );
        },
      ),
      { numRuns: 100 },
    );
  });

  it('truncated or foreign archives are CpioErrors saying where', () => {
    const a = writeCpio([{ kind: 'file', path: 'x', data: new Uint8Array(64) }]);
    assert.equal(isCpio(a), true);
    assert.throws(
      () => readCpio(a.subarray(0, 100)),
      (e) => e instanceof CpioError && /truncated/.test(e.message),
    );
    assert.throws(() => readCpio(a.subarray(0, 150)), /truncated: entry at offset 0/);
    assert.throws(() => readCpio(new Uint8Array(200)), /no newc magic "070701" at offset 0/);
    assert.throws(() => writeCpio([{ kind: 'dir', path: '../x' }]), /bad path/);
    assert.throws(
      () =>
        writeCpio([
          { kind: 'dir', path: 'a' },
          { kind: 'dir', path: '/a' },
        ]),
      /'a' twice/,
    );
  });
});

describe('busybox initramfs', () => {
  const archive = new Uint8Array(gunzipSync(buildInitramfs(FAKE_BUSYBOX)));

  it('holds /init, /bin/busybox, the applet links and /dev/console; deterministic', () => {
    const recs = readCpio(archive);
    const by = new Map(recs.map((r) => [r.path, r]));
    assert.equal(new TextDecoder().decode(by.get('init')?.data), INIT_SCRIPT);
    assert.equal(by.get('init')?.mode, 0o100755);
    assert.deepEqual([...(by.get('bin/busybox')?.data ?? [])], [...FAKE_BUSYBOX]);
    for (const a of APPLETS) {
      assert.equal(by.get(`bin/${a}`)?.kind, 'symlink', a);
      assert.equal(new TextDecoder().decode(by.get(`bin/${a}`)?.data), 'busybox');
    }
    assert.equal(by.get('dev/console')?.kind, 'chardev');
    assert.deepEqual(by.get('dev/console')?.rdev, [5, 1]);
    assert.deepEqual(buildInitramfs(FAKE_BUSYBOX), buildInitramfs(FAKE_BUSYBOX));
    // /init uses only applets it links, and ends in a PSCI SYSTEM_OFF.
    for (const cmd of ['mount', 'cat', 'sleep', 'grep', 'poweroff -f']) assert.ok(INIT_SCRIPT.includes(cmd));
    assert.ok(INIT_SCRIPT.includes(`echo "${INIT_MARKER}"`));
  });

  it("Debian's cpio lists the same entries with the same types", () => {
    const list = cpioList(archive)
      .trim()
      .split('\n')
      .map((l) => l.split(/\s+/));
    const names = list.map((f) =>
      f[f.length - 1] === 'busybox' && f[f.length - 2] === '->' ? f[f.length - 3] : f[f.length - 1],
    );
    assert.deepEqual(
      names,
      readCpio(archive).map((r) => r.path),
    );
    const line = (p: string) => list.find((f) => f.includes(p))?.[0] ?? '';
    assert.match(line('init'), /^-rwxr-xr-x/);
    assert.match(line('dev/console'), /^crw/);
    assert.match(line('bin/sh'), /^lrwxrwxrwx/);
    assert.match(line('tmp'), /^drwxrwxrwt/);
  });
});

describe('the Linux scenarios', () => {
  for (const [file, vcpus, gic] of [
    ['linux/linux-busybox.yaml', 1, 'v2'],
    ['linux/linux-busybox-smp2.yaml', 2, 'v2'],
    ['linux/linux-busybox-gicv3.yaml', 1, 'v3'],
    ['linux/linux-busybox-gicv3-smp2.yaml', 2, 'v3'],
  ] as const) {
    it(`${file}: ${vcpus} vcpu(s) on a GIC${gic}, kernel and initrd from the fetch-linux cache, expects the /init marker`, () => {
      const path = join(import.meta.dirname, '../../scenarios', file);
      const s = parseScenario(readFileSync(path, 'utf8'), path, { checkFiles: false });
      assert.equal(s.machine.vcpus, vcpus);
      assert.equal(s.machine.gic, gic);
      assert.equal(s.guest.kind, 'linux');
      if (s.guest.kind !== 'linux') return;
      assert.match(s.guest.linux.kernel.resolved, /\.cache\/linux\/Image$/);
      assert.match(s.guest.linux.initrd?.resolved ?? '', /\.cache\/linux\/initrd\.gz$/);
      assert.equal(s.guest.linux.dtb, 'auto');
      assert.deepEqual(s.expect.uart, { kind: 'contains', text: INIT_MARKER });
      assert.equal(s.expect.exit, 'poweroff');
    });
  }

  it('a missing cache says how to fetch it', () => {
    const text = 'version: 1\nguest:\n  linux: { kernel: ../.cache/linux/Image }\n';
    try {
      parseScenario(text, '/nowhere/scenarios/x.yaml', { checkFiles: true });
      assert.fail('expected a ScenarioError');
    } catch (e) {
      assert.match(
        String(e),
        /x\.yaml:3:20: guest\.linux\.kernel: file not found: .*run `npm run fetch-linux`/,
      );
    }
  });
});
