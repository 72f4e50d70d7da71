// A counterexample file names the scenario's own host events by their index
// in the list the explorer ran, which has the forced exits and directed
// choices removed; a forced exit listed before a window must not shift the
// window's chosen instant onto another event.
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { counterexampleScenario } from '../../src/explore/counterexample.ts';
import { loadScenarioFile } from '../../src/scenario/load.ts';

const FIX = new URL('../fixtures/explore/', import.meta.url).pathname;

test('a window after a forced exit: the written scenario fires it at the chosen instant', () => {
  const src = readFileSync(`${FIX}spi-window.yaml`, 'utf8');
  const withExit = src.replace(/^host:\n/m, 'host:\n  - at: 50\n    exit: host\n');
  assert.notEqual(withExit, src);
  const file = join(mkdtempSync(join(tmpdir(), 'vgicsim-cx-')), 'spi-window-exit.yaml');
  writeFileSync(file, withExit);
  const s = loadScenarioFile(file);
  assert.equal(s.host.length, 2);
  // the explorer's window decision on its host event 0 (the irqLine: the exit is not explored), at from + 2
  const step = { pos: 0, kind: 'window', chosen: 2, options: 4, vcpu: -1, pc: 0, hit: 0, t: 100, at: '' };
  const cx = { script: [], forced: 1, instructions: 0, ticks: 0, message: '', steps: [step], violations: [] };
  const written = counterexampleScenario(s, 'linux-7.0', 'expectations', cx);
  assert.equal(written.complete, true);
  assert.match(written.yaml, /- at: 102\n\s+irqLine:/);
  // the forced exit is the explorer's to vary: it is not written back
  assert.doesNotMatch(written.yaml, /exit: host/);
});
