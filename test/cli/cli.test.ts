import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';

const BIN = join(import.meta.dirname, '../../bin/vgicsim.mjs');
const SEED = join(import.meta.dirname, '../../scenarios/seed-masked-enable-disable.yaml');

function vgicsim(...args: string[]) {
  const r = spawnSync(process.execPath, [BIN, ...args], { encoding: 'utf8' });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

function scenarioFile(text: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'vgicsim-cli-'));
  const f = join(dir, 'bad.yaml');
  writeFileSync(f, text);
  return f;
}

describe('vgicsim CLI', () => {
  it('run: exit 0 when every expectation is met, with verdict lines and costs', () => {
    const r = vgicsim('run', SEED);
    assert.equal(r.code, 0, r.err);
    assert.match(r.out, /^PASS {2}seed-masked-enable-disable {2}\[policy level, seed 0\]/m);
    assert.match(r.out, /ok {3}never\.27: never acknowledged/);
    assert.match(r.out, /costs: entries=\d+ exits: .*irq=1/);
  });

  it('run --policy legacy-edge: exit 1 and each failure says expected vs seen, with the time', () => {
    const r = vgicsim('run', SEED, '--policy', 'legacy-edge');
    assert.equal(r.code, 1);
    assert.match(
      r.out,
      /FAIL never\.27: expected INTID 27 never acknowledged, seen acknowledged by vcpu0 {2}\(t=\d+\)/,
    );
  });

  it('--check-verdicts turns an expected failure into success', () => {
    assert.equal(vgicsim('run', SEED, '--policy', 'legacy-edge', '--check-verdicts').code, 0);
  });

  it('compare prints one row per policy', () => {
    const r = vgicsim('compare', SEED, '--policies', 'level,legacy-edge');
    assert.equal(r.code, 0, r.err);
    assert.match(r.out, /^policy\s+verdict\s+acknowledged\s+exits\s+vgic calls\s+LR writes\s+maintenance$/m);
    assert.match(r.out, /^level\s+pass\s+-\s/m);
    assert.match(r.out, /^legacy-edge\s+FAIL\s+27@vcpu0\s/m);
  });

  it('--json output parses and carries verdicts and costs', () => {
    const r = vgicsim('run', SEED, '--json');
    assert.equal(r.code, 0);
    const j = JSON.parse(r.out);
    assert.equal(j.passed, 1);
    assert.equal(j.results[0].policy, 'level');
    assert.equal(typeof j.results[0].costs.hyp.exits.irq, 'number');
  });

  it('bad input: located messages, exit 2, never a stack trace', () => {
    const cases: Array<[string, RegExp]> = [
      ['version: 1\nguest: [\n', /bad\.yaml:\d+:\d+: YAML/],
      ['version: 1\nmachine:\n  polcy: level\n', /bad\.yaml:3:3: unknown key 'polcy' in machine/],
      ['version: 1\nmachine:\n  vcpus: "two"\n', /bad\.yaml:3:10: machine\.vcpus: expected/],
      [
        'version: 1\nguest:\n  vcpu0: |\n    mov x0, #1\n    frob x1\n',
        /bad\.yaml:5:5: unknown instruction 'frob'/,
      ],
    ];
    for (const [text, re] of cases) {
      const r = vgicsim('run', scenarioFile(text));
      assert.equal(r.code, 2, `${text}: ${r.out}${r.err}`);
      assert.match(r.err, re);
      assert.doesNotMatch(r.err, /\n\s+at /, 'no stack trace');
    }
  });

  it('usage errors exit 2; --help and --version exit 0', () => {
    assert.equal(vgicsim('run', '--bogus').code, 2);
    assert.equal(vgicsim('run', 'no/such/file.yaml').code, 2);
    assert.equal(vgicsim('compare', SEED, '--policies', 'nope').code, 2);
    const h = vgicsim('--help');
    assert.equal(h.code, 0);
    assert.match(h.out, /Usage: vgicsim/);
    assert.match(vgicsim('run', '--help').out, /Examples:/);
    assert.match(vgicsim('--version').out, /^\d+\.\d+\.\d+/);
  });

  it('schema prints the published JSON Schema', () => {
    const r = vgicsim('schema');
    assert.equal(r.code, 0);
    const committed = JSON.parse(
      readFileSync(join(import.meta.dirname, '../../schema/scenario.schema.json'), 'utf8'),
    );
    assert.deepEqual(JSON.parse(r.out), committed);
  });

  it('same scenario and seed give byte-identical trace files', () => {
    const dir = mkdtempSync(join(tmpdir(), 'vgicsim-det-'));
    const files = (tag: string) => [
      '--vcd',
      join(dir, `${tag}.vcd`),
      '--perfetto',
      join(dir, `${tag}.perfetto.json`),
      '--trace',
      join(dir, `${tag}.txt`),
    ];
    assert.equal(vgicsim('run', SEED, '--seed', '7', ...files('a')).code, 0);
    assert.equal(vgicsim('run', SEED, '--seed', '7', ...files('b')).code, 0);
    for (const ext of ['vcd', 'perfetto.json', 'txt']) {
      const a = readFileSync(join(dir, `a.${ext}`));
      const b = readFileSync(join(dir, `b.${ext}`));
      assert.ok(a.length > 100, `${ext} is not empty`);
      assert.ok(a.equals(b), `${ext} differs between identical runs`);
    }
    const perfetto = JSON.parse(readFileSync(join(dir, 'a.perfetto.json'), 'utf8'));
    assert.ok(
      Array.isArray(perfetto.traceEvents) && perfetto.traceEvents.some((e: { ph: string }) => e.ph === 'X'),
    );
  });

  it('--trace-from/--trace-to keep only the window, judged in virtual time; a bad time is a usage error', () => {
    const dir = mkdtempSync(join(tmpdir(), 'vgicsim-win-'));
    const all = join(dir, 'all.txt');
    const win = join(dir, 'win.txt');
    assert.equal(vgicsim('run', SEED, '--trace', all).code, 0);
    assert.equal(vgicsim('run', SEED, '--trace', win, '--trace-from', '100', '--trace-to', '2.5us').code, 0);
    const times = (f: string) =>
      readFileSync(f, 'utf8')
        .split('\n')
        .filter(Boolean)
        .map((l) => Number(l.trim().split(/\s+/)[0]));
    const inWindow = times(all).filter((t) => t >= 100 && t < 156); // 2.5 us = 156 ticks at 62.5 MHz
    assert.ok(inWindow.length > 0);
    assert.deepEqual(times(win), inWindow);
    const bad = vgicsim('run', SEED, '--trace', win, '--trace-from', '5 parsecs');
    assert.equal(bad.code, 2);
    assert.match(bad.err, /expected a virtual time/);
  });
});
