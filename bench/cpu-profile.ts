// Summarizes a V8 CPU profile (`node --cpu-prof`): the functions with the
// most self time, and with the most total (inclusive) time, in percent of
// the samples. docs/linux.md shows how its numbers for a Linux boot were made:
//
//   node --cpu-prof --cpu-prof-dir=out/prof bin/vgicsim.mjs run scenarios/linux/linux-busybox.yaml -q
//   npx tsx bench/cpu-profile.ts out/prof/*.cpuprofile [--top 25]

import { readFileSync } from 'node:fs';
import { relative } from 'node:path';

interface CallFrame {
  readonly functionName: string;
  readonly url: string;
  readonly lineNumber: number;
}
interface ProfileNode {
  readonly id: number;
  readonly callFrame: CallFrame;
  readonly children?: readonly number[];
}
interface Profile {
  readonly nodes: readonly ProfileNode[];
  readonly samples: readonly number[];
  readonly timeDeltas: readonly number[];
  readonly startTime: number;
  readonly endTime: number;
}

function where(f: CallFrame): string {
  const name = f.functionName || '(anonymous)';
  if (!f.url) return name;
  const file = relative(process.cwd(), f.url.replace(/^file:\/\//, ''));
  // tsx-loaded modules report line 0 for every function: the file only, then
  return f.lineNumber > 0 ? `${name}  ${file}:${f.lineNumber + 1}` : `${name}  ${file}`;
}

export function summarize(p: Profile, top = 25): string {
  const byId = new Map(p.nodes.map((n) => [n.id, n]));
  const parent = new Map<number, number>();
  for (const n of p.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  const self = new Map<string, number>();
  const total = new Map<string, number>();
  let samples = 0;
  for (const id of p.samples) {
    samples++;
    const n = byId.get(id)!;
    const k = where(n.callFrame);
    self.set(k, (self.get(k) ?? 0) + 1);
    // each function once per sample, however deep its recursion
    const seen = new Set<string>();
    for (let cur: number | undefined = id; cur !== undefined; cur = parent.get(cur)) {
      const key = where(byId.get(cur)!.callFrame);
      if (seen.has(key)) continue;
      seen.add(key);
      total.set(key, (total.get(key) ?? 0) + 1);
    }
  }
  const secs = (p.endTime - p.startTime) / 1e6;
  const pct = (n: number) => `${((100 * n) / samples).toFixed(1).padStart(5)}%`;
  const list = (m: Map<string, number>) =>
    [...m.entries()]
      .sort((a, b) => b[1] - a[1])
      .slice(0, top)
      .map(([k, n]) => `  ${pct(n)}  ${k}`)
      .join('\n');
  return [
    `${samples} samples over ${secs.toFixed(1)} s`,
    'self time:',
    list(self),
    'total time (function and its callees):',
    list(total),
  ].join('\n');
}

if (process.argv[1]?.endsWith('cpu-profile.ts')) {
  const args = process.argv.slice(2);
  const ti = args.indexOf('--top');
  const top = ti >= 0 ? Number(args[ti + 1]) : 25;
  const files = args.filter((a, i) => a !== '--top' && args[i - 1] !== '--top');
  for (const f of files) {
    console.log(`== ${f}`);
    console.log(summarize(JSON.parse(readFileSync(f, 'utf8')) as Profile, top));
  }
}
