// Regenerates docs/conformance.md from the conformance suite (every generation).
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { GENERATION_KEYS as POLICY_NAMES } from '../src/hyp/generation/index.ts';
import { conformanceMarkdown, loadConformance, runConformance } from '../src/scenario/conformance.ts';

const root = join(import.meta.dirname, '..');
const results = runConformance(loadConformance(join(root, 'conformance')), POLICY_NAMES, root);
writeFileSync(join(root, 'docs/conformance.md'), conformanceMarkdown(results, POLICY_NAMES));
console.log(`wrote docs/conformance.md (${results.length} results)`);
