// The recorded tool runs (recorded.ts) and the fixtures in
// test/fixtures/cross/: keys follow the inputs, a changed input is a stale
// fixture that fails with what to run, and every store is well-formed.

import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import {
  crossMode,
  DEBIAN_PACKAGE,
  FIXTURE_DIR,
  inputsKey,
  missingTool,
  replay,
  type Store,
} from './recorded.ts';

const TOOLS = ['aarch64-linux-gnu-as'];

describe('recorded tool runs', () => {
  it('the key is the sha256 of tools and inputs: key order does not matter, every value does', () => {
    const k = inputsKey({ tools: TOOLS, inputs: { source: 'nop', base: 1 } });
    assert.match(k, /^[0-9a-f]{64}$/);
    assert.equal(inputsKey({ tools: TOOLS, inputs: { base: 1, source: 'nop' } }), k);
    assert.notEqual(inputsKey({ tools: TOOLS, inputs: { source: 'nop ', base: 1 } }), k);
    assert.notEqual(inputsKey({ tools: TOOLS, inputs: { source: 'nop', base: 2 } }), k);
    assert.notEqual(inputsKey({ tools: ['dtc'], inputs: { source: 'nop', base: 1 } }), k);
    const bytes = (b: number[]) => inputsKey({ tools: TOOLS, inputs: { b: new Uint8Array(b) } });
    assert.equal(bytes([1, 2]), bytes([1, 2]));
    assert.notEqual(bytes([1, 2]), bytes([1, 3]));
    assert.notEqual(bytes([1, 2]), inputsKey({ tools: TOOLS, inputs: { b: [1, 2] } }));
  });

  it('an input with no recorded result is a stale fixture: the message says what to run', () => {
    assert.throws(
      () =>
        replay({ store: 'gnu-as', what: 'a changed program', tools: TOOLS, inputs: { source: 'changed' } }),
      (e: Error) =>
        /test\/fixtures\/cross\/gnu-as\.json has no recorded aarch64-linux-gnu-as result for a changed program/.test(
          e.message,
        ) &&
        /stale/.test(e.message) &&
        /npm run fixtures:cross/.test(e.message),
    );
    assert.throws(
      () => replay({ store: 'no-such-store', what: 'x', tools: TOOLS, inputs: 1 }),
      /no-such-store\.json/,
    );
  });

  it('a missing tool names its Debian package; VGICSIM_CROSS accepts only live and record', () => {
    assert.match(
      missingTool('dtc').message,
      /^dtc not found: install the Debian package device-tree-compiler/,
    );
    assert.match(missingTool('qemu-aarch64').message, /qemu-user/);
    const saved = process.env.VGICSIM_CROSS;
    try {
      process.env.VGICSIM_CROSS = 'yes';
      assert.throws(() => crossMode(), /VGICSIM_CROSS=yes: expected 'live', 'record' or nothing/);
      process.env.VGICSIM_CROSS = '';
      assert.equal(crossMode(), 'replay');
    } finally {
      if (saved === undefined) delete process.env.VGICSIM_CROSS;
      else process.env.VGICSIM_CROSS = saved;
    }
  });

  it('every fixture is a well-formed store of a known tool, with a version and at least one result', () => {
    const files = readdirSync(FIXTURE_DIR).filter((f) => f.endsWith('.json'));
    assert.ok(files.length >= 7, `stores: ${files.join(', ')}`);
    for (const f of files) {
      const s = JSON.parse(readFileSync(join(FIXTURE_DIR, f), 'utf8')) as Store;
      assert.match(s.about, /npm run fixtures:cross/, f);
      const tools = Object.keys(s.tools);
      assert.ok(tools.length > 0, f);
      for (const t of tools) {
        assert.ok(t in DEBIAN_PACKAGE, `${f}: unknown tool ${t}`);
        assert.ok(s.tools[t].length > 0, `${f}: ${t} has no version`);
      }
      const keys = Object.keys(s.entries);
      assert.ok(keys.length > 0, f);
      for (const k of keys) {
        assert.match(k, /^[0-9a-f]{64}$/, f);
        assert.equal(typeof s.entries[k].what, 'string', `${f} ${k}`);
        assert.ok(s.entries[k].value !== undefined, `${f} ${k}`);
      }
    }
  });
});
