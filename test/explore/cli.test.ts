// vgicsim explore: the report, exit codes, --jobs, shards merged, --out.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { runScenario } from '../../src/scenario/run.ts';
import { loadScenarioFile } from '../../src/scenario/load.ts';
import { jobsProgressLine } from '../../src/cli/explore.ts';
import { runCli } from '../cli/in-process.ts';

const ROOT = new URL('../../', import.meta.url).pathname;
const TINY = join(ROOT, 'test/fixtures/explore/tiny-window.yaml');
const ARGS = [TINY, '--policies', 'linux-4.3,linux-7.0', '--bound', '2', '--json', '-q'];

test('explore: a violation exits 1; the same command twice prints the same report', () => {
  const a = runCli(['explore', ...ARGS]);
  const b = runCli(['explore', ...ARGS]);
  assert.equal(a.code, 1, a.err);
  assert.equal(a.out, b.out);
  const r = JSON.parse(a.out);
  assert.deepEqual(
    r.generations.map((g: { generation: string }) => g.generation),
    ['linux-4.3', 'linux-7.0'],
  );
  assert.equal(r.generations[1].summary.violations['spurious-delivery'], 1);
});

test('explore: no violation exits 0; the text report has the table', () => {
  const r = runCli([
    'explore',
    join(ROOT, 'test/fixtures/explore/no-irq.yaml'),
    '--policies',
    'linux-7.0',
    '-q',
  ]);
  assert.equal(r.code, 0, r.err);
  assert.match(r.out, /^generation +runs +states +violations \(runs\)/m);
  assert.match(r.out, /^linux-7\.0 +1 +6 +none +- +1, 1$/m);
});

test('explore: bad input exits 2 with one line', () => {
  for (const extra of [
    ['--bound', 'x'],
    ['--shard', '4/4'],
    ['--policies', 'linux-9'],
    ['--jobs', '0'],
  ]) {
    const r = runCli(['explore', TINY, ...extra]);
    assert.equal(r.code, 2, `${extra.join(' ')}: ${r.err}`);
    assert.match(r.err, /^vgicsim: /);
  }
  assert.equal(runCli(['explore', '/nonexistent.yaml']).code, 2);
});

test('explore --jobs 2 and 4 shards (separate processes) merged give the report of one job', () => {
  const one = runCli(['explore', ...ARGS]).out;
  const two = runCli(['explore', ...ARGS, '--jobs', '2', '--progress']);
  assert.equal(two.out, one, two.err);
  assert.doesNotMatch(two.err, /states/); // never with --json
  const dir = mkdtempSync(join(tmpdir(), 'vgicsim-shards-'));
  const files: string[] = [];
  for (let i = 0; i < 4; i++) {
    const p = spawnSync(
      process.execPath,
      [join(ROOT, 'bin/vgicsim.mjs'), 'explore', ...ARGS, '--shard', `${i}/4`],
      {
        encoding: 'utf8',
      },
    );
    assert.equal(p.status, i === 0 ? 1 : p.status, p.stderr);
    const f = join(dir, `s${i}.json`);
    writeFileSync(f, p.stdout);
    files.push(f);
  }
  const merged = runCli(['explore', 'merge', ...files.reverse(), '--json']);
  assert.equal(merged.code, 1, merged.err);
  assert.equal(merged.out, one);
  // a missing shard is bad input
  assert.equal(runCli(['explore', 'merge', ...files.slice(1)]).code, 2);
});

test('explore --out: each minimal counterexample is a scenario that vgicsim run reproduces, with traces', () => {
  const dir = mkdtempSync(join(tmpdir(), 'vgicsim-cx-'));
  const r = runCli(['explore', TINY, '--policies', 'linux-7.0', '--bound', '1', '-q', '--out', dir]);
  assert.equal(r.code, 1, r.err);
  const file = join(dir, 'tiny-window.linux-7.0.spurious-delivery.yaml');
  assert.match(r.out, /spurious-delivery: .*\(reproduces\)/);
  const replay = runScenario(loadScenarioFile(file));
  assert.equal(replay.passed, false);
  assert.ok(readFileSync(join(dir, 'tiny-window.linux-7.0.spurious-delivery.vcd'), 'utf8').startsWith('$'));
  JSON.parse(readFileSync(join(dir, 'tiny-window.linux-7.0.spurious-delivery.perfetto.json'), 'utf8'));
  JSON.parse(readFileSync(join(dir, 'report.json'), 'utf8'));
});

test('explore --progress: the progress line on a stderr that is not a terminal; without it, none', () => {
  const args = ['explore', join(ROOT, 'test/fixtures/explore/no-irq.yaml'), '--policies', 'linux-7.0'];
  const quiet = runCli(args);
  assert.equal(quiet.err, '');
  const one = runCli([...args, '--progress']);
  assert.equal(one.code, 0, one.err);
  // the last line before it is cleared: the whole search (no-irq at k=2: 6 runs, 6 states, hand count)
  assert.match(one.err, /linux-7\.0: 6 states \(\d+\/s\), 6 runs, 0 violating, depth 2, frontier 0/);
  const two = runCli([...args, '--jobs', '2', '--progress']);
  assert.equal(two.out, one.out);
  // both shards ran the default run: their counts are summed
  assert.match(
    two.err,
    /explore --jobs 2 \(2 worker threads\): \d+ states \(\d+\/s\), \d+ runs, 0 violating, 2\/2 shards done/,
  );
});

test('the --jobs progress line', () => {
  assert.equal(
    jobsProgressLine({ jobs: 4, workers: 4, states: 1000, runs: 30, violations: 2, done: 1 }, 2),
    'explore --jobs 4 (4 worker threads): 1000 states (500/s), 30 runs, 2 violating, 1/4 shards done',
  );
  assert.equal(
    jobsProgressLine({ jobs: 2, workers: 0, states: 10, runs: 3, violations: 0, done: 2 }, 0),
    'explore --jobs 2 (2 shards in this thread): 10 states (0/s), 3 runs, 0 violating, 2/2 shards done',
  );
});
