import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import {
  ARM64_IMAGE_MAGIC,
  loadArm64Image,
  parseArm64ImageHeader,
} from '../../../../src/hw/cpu/loader/arm64-image.ts';
import { loadFlat } from '../../../../src/hw/cpu/loader/flat.ts';
import { loadGuest, loadGuestFile } from '../../../../src/hw/cpu/loader/loader.ts';
import { LoadError } from '../../../../src/hw/cpu/loader/target.ts';
import { buildElf, FakeRam } from './fake-ram.ts';

const CODE = Uint8Array.from([0x00, 0x00, 0x80, 0xd2, 0xc0, 0x03, 0x5f, 0xd6]); // mov x0, #0; ret

function message(fn: () => unknown): string {
  try {
    fn();
  } catch (e) {
    assert.ok(e instanceof LoadError, `expected LoadError, got ${e}`);
    return e.message;
  }
  assert.fail('expected a LoadError');
}

/** A synthetic arm64 Image: 64-byte header + `body` bytes. */
function image(h: { textOffset: bigint; imageSize: bigint; flags: bigint }, body = 64): Uint8Array {
  const out = new Uint8Array(64 + body);
  const v = new DataView(out.buffer);
  v.setUint32(0, 0x1400_0010, true); // b +0x40: code0 branches over the header
  v.setBigUint64(0x08, h.textOffset, true);
  v.setBigUint64(0x10, h.imageSize, true);
  v.setBigUint64(0x18, h.flags, true);
  v.setUint32(0x38, ARM64_IMAGE_MAGIC, true);
  out.fill(0xaa, 64);
  return out;
}

describe('loadFlat', () => {
  it('places the bytes at base and enters at base by default', () => {
    const ram = new FakeRam();
    const r = loadFlat('g.bin', CODE, ram, { base: 0x4008_0000 });
    assert.equal(r.entry, 0x4008_0000);
    assert.deepEqual(r.segments, [{ pa: 0x4008_0000, fileSize: 8, memSize: 8, flags: 7 }]);
    assert.deepEqual(ram.read(0x4008_0000, 8), CODE);
  });
  it('honours an explicit entry inside the image', () => {
    assert.equal(
      loadFlat('g.bin', CODE, new FakeRam(), { base: 0x4000_0000, entry: 0x4000_0004 }).entry,
      0x4000_0004,
    );
  });
  it('rejects empty files, entries outside the image and addresses outside RAM', () => {
    assert.equal(
      message(() => loadFlat('g.bin', new Uint8Array(0), new FakeRam(), { base: 0x4000_0000 })),
      'g.bin: empty file',
    );
    assert.equal(
      message(() => loadFlat('g.bin', CODE, new FakeRam(), { base: 0x4000_0000, entry: 0x4000_0008 })),
      'g.bin: entry 0x40000008 outside the image 0x40000000-0x40000008',
    );
    assert.equal(
      message(() => loadFlat('g.bin', CODE, new FakeRam(), { base: 0x0900_0000 })),
      'g.bin: segment 0x9000000-0x9000008 outside RAM 0x40000000-0x48000000',
    );
  });
});

describe('arm64 Image', () => {
  it('parses text_offset, image_size and flags', () => {
    const h = parseArm64ImageHeader(
      'Image',
      image({ textOffset: 0x8_0000n, imageSize: 0x1000n, flags: 0b1010n }),
    );
    assert.equal(h.textOffset, 0x8_0000);
    assert.equal(h.imageSize, 0x1000);
    assert.equal(h.pageSize, '4K');
    assert.equal(h.placementAnywhere, true);
    assert.equal(h.bigEndian, false);
  });
  it('treats image_size 0 as a pre-3.17 Image with text_offset 0x80000', () => {
    const h = parseArm64ImageHeader('Image', image({ textOffset: 0x1234n, imageSize: 0n, flags: 0xffn }));
    assert.equal(h.textOffset, 0x8_0000);
    assert.equal(h.imageSize, 128);
    assert.equal(h.flags, 0n);
  });
  it('places the Image at the first 2 MiB boundary of RAM + text_offset and zero-fills image_size', () => {
    const ram = new FakeRam(0x4010_0000); // RAM starting off a 2 MiB boundary
    const bytes = image({ textOffset: 0x8_0000n, imageSize: 0x2000n, flags: 0b0010n });
    const r = loadArm64Image('Image', bytes, ram);
    assert.equal(r.entry, 0x4028_0000);
    assert.deepEqual(r.segments, [{ pa: 0x4028_0000, fileSize: 128, memSize: 0x2000, flags: 7 }]);
    assert.equal(ram.at(0x4028_0040), 0xaa);
    assert.equal(ram.at(0x4028_1fff), 0);
  });
  it('honours a given 2 MiB aligned base and rejects an unaligned one', () => {
    const bytes = image({ textOffset: 0n, imageSize: 0x100n, flags: 0n });
    assert.equal(loadArm64Image('Image', bytes, new FakeRam(), { base: 0x4020_0000 }).entry, 0x4020_0000);
    assert.equal(
      message(() => loadArm64Image('Image', bytes, new FakeRam(), { base: 0x4008_0000 })),
      'Image: Image base 0x40080000 is not 2 MiB aligned (arm64 boot protocol)',
    );
  });
  it('rejects big-endian kernels and images that do not fit', () => {
    assert.equal(
      message(() =>
        loadArm64Image('Image', image({ textOffset: 0n, imageSize: 0x100n, flags: 1n }), new FakeRam()),
      ),
      'Image: big-endian arm64 Image (flags bit 0), expected little-endian',
    );
    assert.equal(
      message(() =>
        loadArm64Image('Image', image({ textOffset: 0n, imageSize: 0x1000_0000n, flags: 0n }), new FakeRam()),
      ),
      'Image: segment 0x40000000-0x50000000 outside RAM 0x40000000-0x48000000',
    );
  });
});

describe('loadGuest (format detection)', () => {
  it('recognises ELF, Image and flat files', () => {
    const elf = buildElf({ entry: 0x4008_0000n, segments: [{ vaddr: 0x4008_0000n, data: CODE }] });
    assert.equal(loadGuest('a.elf', elf, new FakeRam()).format, 'elf');
    const img = loadGuest(
      'Image',
      image({ textOffset: 0x8_0000n, imageSize: 0x100n, flags: 0n }),
      new FakeRam(),
    );
    assert.equal(img.format, 'arm64-image');
    assert.equal(img.entry, 0x4008_0000);
    const flat = loadGuest('a.bin', CODE, new FakeRam());
    assert.equal(flat.format, 'flat');
    assert.equal(flat.entry, 0x4008_0000);
    assert.equal(loadGuest('a.bin', CODE, new FakeRam(), { flatBase: 0x4100_0000 }).entry, 0x4100_0000);
    assert.equal(
      message(() => loadGuest('e', new Uint8Array(0), new FakeRam())),
      'e: empty file',
    );
  });
  it('reads files from disk and reports a missing one as a LoadError', () => {
    const dir = mkdtempSync(join(tmpdir(), 'vgicsim-loader-'));
    try {
      const p = join(dir, 'g.bin');
      writeFileSync(p, CODE);
      assert.equal(loadGuestFile(p, new FakeRam()).entry, 0x4008_0000);
      assert.match(
        message(() => loadGuestFile(join(dir, 'nope'), new FakeRam())),
        /nope: cannot read: ENOENT/,
      );
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
