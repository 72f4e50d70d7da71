// docs/explore.md's frontier table is what scripts/gen-explore-doc.ts computes now.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { test } from 'node:test';

test('docs/explore.md: the frontier table is current (npx tsx scripts/gen-explore-doc.ts)', () => {
  const root = new URL('../../', import.meta.url).pathname;
  const p = spawnSync(process.execPath, ['--import', 'tsx', 'scripts/gen-explore-doc.ts', '--check'], {
    cwd: root,
    encoding: 'utf8',
  });
  assert.equal(p.status, 0, p.stderr);
});
