// machine.memory / -m: QEMU's size syntax, its 8 KiB rounding, and the limits
// (QEMU virt's 255G below high memory; vgicsim's 2G).

import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { formatRamSize, MAX_RAM_BYTES, parseRamSize } from '../../../src/hw/board/ram-size.ts';
import { loadScenarioFile, ScenarioError } from '../../../src/scenario/index.ts';

const MiB = 1024 * 1024;

describe('parseRamSize (QEMU -m syntax)', () => {
  it('units, bare MiB, decimals, 8 KiB rounding', () => {
    assert.equal(parseRamSize('128M'), 128 * MiB);
    assert.equal(parseRamSize('128'), 128 * MiB);
    assert.equal(parseRamSize(256), 256 * MiB);
    assert.equal(parseRamSize('1G'), 1024 * MiB);
    assert.equal(parseRamSize('1g'), 1024 * MiB);
    assert.equal(parseRamSize('1.5G'), 1536 * MiB);
    assert.equal(parseRamSize('64MiB'), 64 * MiB);
    assert.equal(parseRamSize('4097K'), 4104 * 1024, 'rounded up to 8 KiB as QEMU');
    assert.equal(parseRamSize('2G'), MAX_RAM_BYTES);
  });
  it('rejects with a sentence: junk, zero, more than vgicsim or QEMU virt holds', () => {
    assert.match(String(parseRamSize('lots')), /expected a RAM size as QEMU -m writes it/);
    assert.match(String(parseRamSize('0M')), /more than 0/);
    assert.match(String(parseRamSize('3G')), /at most 2G/);
    assert.match(String(parseRamSize('300G')), /255G/);
  });
  it('formatRamSize', () => {
    assert.equal(formatRamSize(128 * MiB), '128M');
    assert.equal(formatRamSize(2048 * MiB), '2G');
    assert.equal(formatRamSize(8192), '8K');
  });
});

describe('machine.memory in a scenario', () => {
  it('a size the board cannot hold is a located error', () => {
    const dir = mkdtempSync(join(tmpdir(), 'vgicsim-mem-'));
    const f = join(dir, 's.yaml');
    writeFileSync(f, 'version: 1\nname: m\nmachine:\n  memory: 4G\nguest:\n  vcpu0: "hvc #0"\n');
    assert.throws(
      () => loadScenarioFile(f),
      (e) => e instanceof ScenarioError && /s\.yaml:4:11: .*at most 2G/.test(e.message),
    );
  });
  it('the default is 128M; 1G sets the machine', () => {
    const dir = mkdtempSync(join(tmpdir(), 'vgicsim-mem-'));
    const f = join(dir, 's.yaml');
    writeFileSync(f, 'version: 1\nname: m\nguest:\n  vcpu0: "hvc #0"\n');
    assert.equal(loadScenarioFile(f).machine.memory, 128 * MiB);
    writeFileSync(f, 'version: 1\nname: m\nmachine: { memory: 1G }\nguest:\n  vcpu0: "hvc #0"\n');
    assert.equal(loadScenarioFile(f).machine.memory, 1024 * MiB);
  });
});
