import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { loadElf } from '../../../../src/hw/cpu/loader/elf.ts';
import { LoadError } from '../../../../src/hw/cpu/loader/target.ts';
import { buildElf, FakeRam } from './fake-ram.ts';

const TEXT = Uint8Array.from([0x1f, 0x20, 0x03, 0xd5, 0xc0, 0x03, 0x5f, 0xd6]); // nop; ret
const DATA = new TextEncoder().encode('hello');

function simple(): Uint8Array {
  return buildElf({
    entry: 0x4008_0004n,
    segments: [
      { vaddr: 0x4008_0000n, data: TEXT, flags: 5 },
      { vaddr: 0x4009_0000n, data: DATA, memsz: 0x100n, flags: 6 },
    ],
  });
}

function loadError(fn: () => unknown): LoadError {
  try {
    fn();
  } catch (e) {
    assert.ok(e instanceof LoadError, `expected LoadError, got ${e}`);
    return e;
  }
  assert.fail('expected a LoadError');
}

describe('loadElf', () => {
  it('loads PT_LOAD segments at p_paddr, zero-fills to p_memsz, returns entry', () => {
    const ram = new FakeRam();
    const r = loadElf('g.elf', simple(), ram);
    assert.equal(r.format, 'elf');
    assert.equal(r.entry, 0x4008_0004);
    assert.deepEqual(r.segments, [
      { pa: 0x4008_0000, fileSize: 8, memSize: 8, flags: 5 },
      { pa: 0x4009_0000, fileSize: 5, memSize: 0x100, flags: 6 },
    ]);
    assert.deepEqual(ram.read(0x4008_0000, 8), TEXT);
    assert.equal(ram.find('hello'), 0x4009_0000);
    assert.equal(ram.at(0x4009_0005), 0, 'bss byte written as zero');
    assert.equal(ram.at(0x4009_00ff), 0);
    assert.equal(ram.at(0x4009_0100), undefined, 'nothing past p_memsz');
  });

  it('uses p_paddr (LMA) when it differs from p_vaddr and translates the entry', () => {
    const ram = new FakeRam();
    const elf = buildElf({
      entry: 0xffff_0000_0000_1004n,
      segments: [{ vaddr: 0xffff_0000_0000_1000n, paddr: 0x4010_0000n, data: TEXT }],
    });
    const r = loadElf('hi.elf', elf, ram);
    assert.equal(r.entry, 0x4010_0004);
    assert.deepEqual(ram.read(0x4010_0000, 8), TEXT);
  });

  it('accepts ET_DYN without a dynamic segment', () => {
    const elf = buildElf({ type: 3, entry: 0x4008_0000n, segments: [{ vaddr: 0x4008_0000n, data: TEXT }] });
    assert.equal(loadElf('pie.elf', elf, new FakeRam()).entry, 0x4008_0000);
  });

  const cases: [string, () => Uint8Array, string][] = [
    ['empty', () => new Uint8Array(0), 'x.elf: empty file'],
    ['not ELF', () => new TextEncoder().encode('#!/bin/sh\necho hi\n'), 'x.elf: not an ELF file'],
    [
      'truncated ident',
      () => Uint8Array.from([0x7f, 0x45, 0x4c, 0x46, 2]),
      'x.elf: truncated ELF header (5 bytes, need 64)',
    ],
    ['truncated header', () => simple().subarray(0, 40), 'x.elf: truncated ELF header (40 bytes, need 64)'],
    ['32-bit', () => buildElf({ cls: 1, entry: 0n, segments: [] }), 'x.elf: 32-bit ELF, expected ELF64'],
    [
      'big-endian',
      () => buildElf({ data: 2, entry: 0n, segments: [] }),
      'x.elf: big-endian ELF, expected little-endian',
    ],
    [
      'x86-64',
      () => buildElf({ machine: 62, entry: 0n, segments: [] }),
      'x.elf: ELF for machine X86_64 (62), expected AArch64 (183)',
    ],
    [
      'unknown machine',
      () => buildElf({ machine: 4242, entry: 0n, segments: [] }),
      'x.elf: ELF for machine 4242, expected AArch64 (183)',
    ],
    [
      'relocatable',
      () => buildElf({ type: 1, entry: 0n, segments: [] }),
      'x.elf: a relocatable object (ET_REL), expected an executable (ET_EXEC)',
    ],
    [
      'no program headers',
      () => buildElf({ entry: 0n, segments: [] }),
      'x.elf: no program headers (nothing to load)',
    ],
    [
      'truncated program header table',
      () => simple().subarray(0, 64 + 56 + 10),
      'x.elf: truncated program header table',
    ],
    [
      'segment outside RAM',
      () => buildElf({ entry: 0x1000n, segments: [{ vaddr: 0x1000n, data: TEXT }] }),
      'x.elf: segment 0x1000-0x1008 outside RAM 0x40000000-0x48000000',
    ],
    [
      'segment past the end of RAM',
      () => buildElf({ entry: 0x47ff_fff8n, segments: [{ vaddr: 0x47ff_fff8n, data: TEXT, memsz: 0x10n }] }),
      'x.elf: segment 0x47fffff8-0x48000008 outside RAM 0x40000000-0x48000000',
    ],
    [
      'huge 64-bit address',
      () =>
        buildElf({
          entry: 0xffff_ffff_ffff_0000n,
          segments: [{ vaddr: 0xffff_ffff_ffff_0000n, data: TEXT }],
        }),
      'x.elf: segment 0xffffffffffff0000-0xffffffffffff0008 outside RAM 0x40000000-0x48000000',
    ],
    [
      'file data beyond end',
      () => simple().subarray(0, simple().length - 2),
      'x.elf: segment 1: file bytes 0xb8-0xbd beyond end of file (0xbb)',
    ],
    [
      'filesz > memsz',
      () => buildElf({ entry: 0x4008_0000n, segments: [{ vaddr: 0x4008_0000n, data: TEXT, memsz: 4n }] }),
      'x.elf: segment 0: file size 0x8 exceeds memory size 0x4',
    ],
    [
      'overlap',
      () =>
        buildElf({
          entry: 0x4008_0000n,
          segments: [
            { vaddr: 0x4008_0000n, data: TEXT },
            { vaddr: 0x4008_0004n, data: TEXT },
          ],
        }),
      'x.elf: segments 0x40080000-0x40080008 and 0x40080004-0x4008000c overlap',
    ],
    [
      'entry outside segments',
      () => buildElf({ entry: 0x4000_0000n, segments: [{ vaddr: 0x4008_0000n, data: TEXT }] }),
      'x.elf: entry point 0x40000000 is not inside any loaded segment',
    ],
    [
      'no PT_LOAD',
      () => buildElf({ entry: 0x4008_0000n, segments: [{ type: 4, vaddr: 0x4008_0000n, data: TEXT }] }),
      'x.elf: no loadable (PT_LOAD) segments',
    ],
    [
      'dynamically linked',
      () =>
        buildElf({
          entry: 0x4008_0000n,
          segments: [
            { type: 3, vaddr: 0n, data: new TextEncoder().encode('/lib/ld.so\0') },
            { vaddr: 0x4008_0000n, data: TEXT },
          ],
        }),
      'x.elf: dynamically linked (PT_INTERP); link with -static',
    ],
    [
      'PIE with relocations',
      () =>
        buildElf({
          type: 3,
          entry: 0x4008_0000n,
          segments: [
            { vaddr: 0x4008_0000n, data: TEXT },
            { type: 2, vaddr: 0x4009_0000n, data: new Uint8Array(16) },
          ],
        }),
      'x.elf: position-independent executable with relocations (ET_DYN + PT_DYNAMIC); link with -no-pie',
    ],
  ];
  for (const [name, make, message] of cases) {
    it(`rejects: ${name}`, () => {
      const ram = new FakeRam();
      const e = loadError(() => loadElf('x.elf', make(), ram));
      assert.equal(e.message, message);
      assert.equal(e.file, 'x.elf');
      assert.equal(ram.writes.length, 0, 'nothing written on error');
    });
  }

  it('says "guest RAM" when the target does not describe itself', () => {
    const ram = new FakeRam();
    const bare = { load: ram.load.bind(ram), contains: ram.contains.bind(ram) };
    const elf = buildElf({ entry: 0x1000n, segments: [{ vaddr: 0x1000n, data: TEXT }] });
    assert.equal(
      loadError(() => loadElf('y', elf, bare)).message,
      'y: segment 0x1000-0x1008 outside guest RAM',
    );
  });

  it('never throws anything but LoadError on corrupted files', async () => {
    const fc = await import('fast-check');
    const base = simple();
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: base.length - 1 }),
        fc.integer({ min: 0, max: 255 }),
        (at, byte) => {
          const copy = base.slice();
          copy[at] = byte;
          try {
            loadElf('f', copy, new FakeRam());
          } catch (e) {
            assert.ok(e instanceof LoadError, String(e));
          }
        },
      ),
    );
  });
});
