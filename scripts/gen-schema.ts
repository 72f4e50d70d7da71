// Writes schema/scenario.schema.json from the zod schema of src/scenario.
// Run after changing src/scenario/schema.ts: `npx tsx scripts/gen-schema.ts`
// (test/scenario/json-schema.test.ts fails while the file is stale).
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { scenarioJsonSchema } from '../src/scenario/json-schema.ts';

export const SCHEMA_PATH = fileURLToPath(new URL('../schema/scenario.schema.json', import.meta.url));

export function renderSchema(): string {
  return `${JSON.stringify(scenarioJsonSchema(), null, 2)}\n`;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  writeFileSync(SCHEMA_PATH, renderSchema());
  console.log(`wrote ${SCHEMA_PATH}`);
}
